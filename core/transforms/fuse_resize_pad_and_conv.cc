// fuse_resize_pad_and_conv: Conv2D(MirrorPad(ResizeBilinear(images, size),
// paddings), weights) becomes FusedResizeAndPadConv2D(images, size, paddings,
// weights) named like the Conv2D, with resize_align_corners from the
// resize's align_corners, mode from the MirrorPad and T, padding, strides
// from the Conv2D. Left alone when an intermediate output is used elsewhere.
#include "core/graph/surgery.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status fuse_resize_pad_and_conv(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  ReplaceReport report;
  MQ_RETURN_IF_ERROR(replace_matching_op_types(
      in, {"Conv2D", {{"MirrorPad", {{"ResizeBilinear", {}}, {"*", {}}}}, {"*", {}}}},
      [](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
         std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        const tensorflow::NodeDef& conv = *match.node;
        const tensorflow::NodeDef& pad = *match.inputs[0].node;
        const tensorflow::NodeDef& resize = *match.inputs[0].inputs[0].node;
        if (resize.input_size() < 2 || resize.input(1).empty() || resize.input(1)[0] == '^')
          return Status::error("ResizeBilinear node '" + resize.name() + "' needs two data inputs (images, size)");
        append_once(*match.inputs[1].node, new_nodes);            // weights
        append_once(*match.inputs[0].inputs[1].node, new_nodes);  // paddings
        tensorflow::NodeDef fused;
        fused.set_name(conv.name());
        fused.set_op("FusedResizeAndPadConv2D");
        fused.add_input(resize.input(0));
        fused.add_input(resize.input(1));
        fused.add_input(pad.input(1));
        fused.add_input(conv.input(1));
        MQ_RETURN_IF_ERROR(copy_attr(resize, "align_corners", &fused, "resize_align_corners"));
        MQ_RETURN_IF_ERROR(copy_attr(pad, "mode", &fused));
        MQ_RETURN_IF_ERROR(copy_attr(conv, "T", &fused));
        MQ_RETURN_IF_ERROR(copy_attr(conv, "padding", &fused));
        MQ_RETURN_IF_ERROR(copy_attr(conv, "strides", &fused));
        new_nodes->push_back(std::move(fused));
        return Status::ok();
      },
      ReplaceOptions{false}, out, &report));
  report_replacements(ctx, report, "convolutions fused");
  return Status::ok();
}

}  // namespace mq::transforms
