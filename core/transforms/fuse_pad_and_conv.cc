// fuse_pad_and_conv: Conv2D(MirrorPad(input, paddings), weights) becomes one
// FusedPadConv2D(input, paddings, weights) named like the Conv2D, with
// `mode` from the MirrorPad and T, padding, strides from the Conv2D. Left
// alone when the MirrorPad output is also used elsewhere.
#include "core/graph/surgery.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status fuse_pad_and_conv(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  ReplaceReport report;
  MQ_RETURN_IF_ERROR(replace_matching_op_types(
      in, {"Conv2D", {{"MirrorPad", {{"*", {}}, {"*", {}}}}, {"*", {}}}},
      [](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
         std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        const tensorflow::NodeDef& conv = *match.node;
        const tensorflow::NodeDef& pad = *match.inputs[0].node;
        append_once(*match.inputs[1].node, new_nodes);            // weights
        append_once(*match.inputs[0].inputs[0].node, new_nodes);  // input
        append_once(*match.inputs[0].inputs[1].node, new_nodes);  // paddings
        tensorflow::NodeDef fused;
        fused.set_name(conv.name());
        fused.set_op("FusedPadConv2D");
        fused.add_input(pad.input(0));
        fused.add_input(pad.input(1));
        fused.add_input(conv.input(1));
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
