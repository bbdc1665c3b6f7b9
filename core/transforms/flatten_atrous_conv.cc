// flatten_atrous_conv: SpaceToBatchND → Conv2D (or DepthwiseConv2dNative) →
// BatchToSpaceND, the way TensorFlow 1 wrote a dilated ("atrous")
// convolution, becomes a single convolution with SAME padding whose filter
// is the original one spread out by the block shape with zeros in between:
// a [fh, fw, in, out] filter with block [bh, bw] becomes
// [(fh−1)·bh+1, (fw−1)·bw+1, in, out] with filter[h][w] at [bh·h][bw·w].
// Emitted where the BatchToSpaceND was: the SpaceToBatchND's input node, the
// new filter (named like the old one) and the convolution (named like the
// BatchToSpaceND, with T, strides, data_format and for Conv2D
// use_cudnn_on_gpu copied). The paddings and crops are not consulted.
// Left alone when a node of the pattern is also used outside it.
#include <cstring>

#include "core/eval/tensor_proto.h"
#include "core/graph/surgery.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {
namespace {

StatusOr<Tensor> value_of(const tensorflow::NodeDef& node, const char* role) {
  auto value = node.attr().find("value");
  if (value == node.attr().end())
    return Status::error("the " + std::string(role) + " node '" + node.name() + "' (" + node.op() +
                         ") of an atrous convolution has no 'value' attribute; run fold_constants first");
  StatusOr<Tensor> tensor = tensor_from_proto(value->second.tensor());
  if (!tensor.is_ok()) return tensor.status().with_context("node '" + node.name() + "'");
  return tensor;
}

}  // namespace

Status flatten_atrous_conv(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  const OpTypePattern pattern = {
      "BatchToSpaceND",
      {{"Conv2D|DepthwiseConv2dNative", {{"SpaceToBatchND", {{"*", {}}, {"*", {}}, {"*", {}}}}, {"*", {}}}},
       {"*", {}},
       {"*", {}}}};
  ReplaceReport report;
  MQ_RETURN_IF_ERROR(replace_matching_op_types(
      in, pattern,
      [](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
         std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        const tensorflow::NodeDef& batch_to_space = *match.node;
        const NodeMatch& conv_match = match.inputs[0];
        const tensorflow::NodeDef& conv = *conv_match.node;
        const NodeMatch& space_to_batch_match = conv_match.inputs[0];
        const tensorflow::NodeDef& input = *space_to_batch_match.inputs[0].node;
        const tensorflow::NodeDef& block_node = *space_to_batch_match.inputs[1].node;
        const tensorflow::NodeDef& filter_node = *conv_match.inputs[1].node;

        MQ_ASSIGN_OR_RETURN(Tensor block_tensor, value_of(block_node, "block shape"));
        MQ_ASSIGN_OR_RETURN(std::vector<int64_t> block, block_tensor.as_int64_vector());
        if (block.size() < 2 || block[0] < 1 || block[1] < 1)
          return Status::error("the block shape '" + block_node.name() + "' of an atrous convolution must hold two "
                               "positive sizes, found " + shape_string(block));
        MQ_ASSIGN_OR_RETURN(Tensor filter, value_of(filter_node, "filter"));
        if (filter.dtype() != tensorflow::DT_FLOAT || filter.rank() != 4)
          return Status::error("the filter '" + filter_node.name() + "' of an atrous convolution must be a 4-D float "
                               "tensor, found " + dtype_name(filter.dtype()) + " " + shape_string(filter.shape()));

        const int64_t block_height = block[0], block_width = block[1];
        const int64_t height = filter.dim(0), width = filter.dim(1);
        const int64_t depth = filter.dim(2) * filter.dim(3);  // in × out, contiguous
        const int64_t new_height = (height - 1) * block_height + 1;
        const int64_t new_width = (width - 1) * block_width + 1;
        Tensor spread(tensorflow::DT_FLOAT, {new_height, new_width, filter.dim(2), filter.dim(3)});
        const float* from = filter.data<float>();
        float* to = spread.data<float>();
        for (int64_t h = 0; h < height; ++h)
          for (int64_t w = 0; w < width; ++w)
            std::memcpy(to + ((h * block_height) * new_width + w * block_width) * depth,
                        from + (h * width + w) * depth, sizeof(float) * static_cast<size_t>(depth));

        append_once(input, new_nodes);
        tensorflow::NodeDef new_filter;
        new_filter.set_name(filter_node.name());
        new_filter.set_op("Const");
        (*new_filter.mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
        tensor_to_proto_content(spread, (*new_filter.mutable_attr())["value"].mutable_tensor());
        new_nodes->push_back(std::move(new_filter));

        tensorflow::NodeDef flattened;
        flattened.set_name(batch_to_space.name());
        flattened.set_op(conv.op());
        flattened.set_device(conv.device());
        flattened.add_input(input.name());
        flattened.add_input(filter_node.name());
        MQ_RETURN_IF_ERROR(copy_attr(conv, "T", &flattened));
        MQ_RETURN_IF_ERROR(copy_attr(conv, "strides", &flattened));
        MQ_RETURN_IF_ERROR(copy_attr(conv, "data_format", &flattened));
        (*flattened.mutable_attr())["padding"].set_s("SAME");
        if (conv.op() == "Conv2D") MQ_RETURN_IF_ERROR(copy_attr(conv, "use_cudnn_on_gpu", &flattened));
        new_nodes->push_back(std::move(flattened));
        return Status::ok();
      },
      ReplaceOptions{false}, out, &report));
  report_replacements(ctx, report, "atrous convolutions flattened");
  return Status::ok();
}

}  // namespace mq::transforms
