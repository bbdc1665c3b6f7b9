// fold_batch_norms: Mul(Conv2D|MatMul|DepthwiseConv2dNative(input, weights
// Const), scale Const) becomes the convolution alone, named like the Mul, with
// the scale multiplied into its weights (new_w[i] = w[i] × scale[i mod cols]).
// A match whose convolution, weights or scale is used elsewhere is left alone.
#include <string>
#include <vector>

#include "core/eval/tensor.h"
#include "core/graph/surgery.h"
#include "core/transforms/batch_norm_weights.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

namespace {

// `taken` is `in` when the caller no longer needs it (its unmatched nodes
// are then moved, not copied), else null.
Status fold(const GraphDef& in, GraphDef* taken, TransformContext& ctx, GraphDef* out) {
  const OpTypePattern pattern = {"Mul", {{"Conv2D|MatMul|DepthwiseConv2dNative", {{"*", {}}, {"Const", {}}}},
                                         {"Const", {}}}};
  ReplaceReport report;
  int folded = 0, left_alone = 0;
  const MatchReplacer replacer =
      [&folded, &left_alone](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>& output_nodes,
         std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        const tensorflow::NodeDef& mul = *match.node;
        const tensorflow::NodeDef& conv = *match.inputs[0].node;
        const tensorflow::NodeDef& input = *match.inputs[0].inputs[0].node;
        const tensorflow::NodeDef& weights = *match.inputs[0].inputs[1].node;
        const tensorflow::NodeDef& scale = *match.inputs[1].node;
        if (output_nodes.count(conv.name()) || output_nodes.count(weights.name()) || output_nodes.count(scale.name())) {
          for (const tensorflow::NodeDef* node : {&mul, &conv, &input, &weights, &scale}) append_once(*node, new_nodes);
          ++left_alone;
          return Status::ok();
        }
        MQ_ASSIGN_OR_RETURN(Tensor weight_values, float_const_value(weights));
        MQ_ASSIGN_OR_RETURN(Tensor scale_values, float_const_value(scale));
        MQ_ASSIGN_OR_RETURN(int64_t columns, weight_columns(conv, weight_values));
        if (scale_values.rank() != 1 || scale_values.dim(0) != columns)
          return Status::error("Mul constant input to batch norm has bad shape: " +
                               dims_joined(scale_values.shape()));
        std::vector<float> scaled = scale_weights(weight_values, scale_values.data<float>(), columns);
        new_nodes->push_back(make_float_const_node(weights.name(), weight_values.shape(), scaled));
        append_once(input, new_nodes);
        tensorflow::NodeDef renamed = conv;
        renamed.set_name(mul.name());
        new_nodes->push_back(std::move(renamed));
        ++folded;
        return Status::ok();
      };
  MQ_RETURN_IF_ERROR(taken ? replace_matching_op_types(std::move(*taken), pattern, replacer, ReplaceOptions{false}, out, &report)
                           : replace_matching_op_types(in, pattern, replacer, ReplaceOptions{false}, out, &report));
  for (const std::string& warning : report.warnings) ctx.warn(warning);
  ctx.add_count("batch norms folded", folded);
  if (left_alone > 0) {
    ctx.add_count("matches left unchanged", left_alone);
    ctx.warn(std::to_string(left_alone) + " Mul(convolution, Const) left unchanged: the convolution, its weights or "
             "the scale is also used elsewhere");
  }
  return Status::ok();
}

}  // namespace

Status fold_batch_norms(const GraphDef& in, TransformContext& ctx, GraphDef* out) { return fold(in, nullptr, ctx, out); }

Status fold_batch_norms(GraphDef&& in, TransformContext& ctx, GraphDef* out) { return fold(in, &in, ctx, out); }

}  // namespace mq::transforms
