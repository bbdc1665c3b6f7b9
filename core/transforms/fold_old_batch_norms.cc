// fold_old_batch_norms: a BatchNormWithGlobalNormalization or FusedBatchNorm
// whose input is a Conv2D / DepthwiseConv2dNative with Const weights (directly,
// through BatchToSpaceND, or through a ConcatV2 of two convolutions) and whose
// parameters are Consts becomes a weight scale folded into the convolution
// plus a BiasAdd with the offset, in the Graph Transform Tool's float32
// arithmetic. Three phases, each repeated until a pass folds nothing.
// FusedBatchNormV2/V3 are not folded by TensorFlow's tool; the extra
// parameter fused_batch_norm_v3=true folds them too (when is_training is false).
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/eval/tensor_proto.h"
#include "core/graph/surgery.h"
#include "core/transforms/batch_norm_weights.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {
namespace {

using tensorflow::NodeDef;

struct ScaleAndOffset {
  std::vector<float> scale;
  std::vector<float> offset;
};

StatusOr<bool> bool_attr(const NodeDef& node, const std::string& key) {
  auto found = node.attr().find(key);
  if (found == node.attr().end())
    return Status::error("node '" + node.name() + "' (" + node.op() + ") has no '" + key + "' attribute");
  return found->second.b();
}

StatusOr<float> float_attr(const NodeDef& node, const std::string& key) {
  auto found = node.attr().find(key);
  if (found == node.attr().end())
    return Status::error("node '" + node.name() + "' (" + node.op() + ") has no '" + key + "' attribute");
  return found->second.f();
}

Status check_vector(const Tensor& tensor, int64_t columns, const char* what) {
  if (tensor.rank() == 1 && tensor.dim(0) == columns) return Status::ok();
  return Status::error(std::string(what) + " input to batch norm has bad shape: " + dims_joined(tensor.shape()));
}

// The batch norm's parameters as one scale and one offset per column. The
// parameter nodes are the BN's inputs 1..4 in its own order.
StatusOr<ScaleAndOffset> scale_and_offset(const NodeMatch& batch_norm) {
  const NodeDef& node = *batch_norm.node;
  const bool global_normalization = node.op() == "BatchNormWithGlobalNormalization";
  const NodeDef& first = *batch_norm.inputs[1].node;
  const NodeDef& second = *batch_norm.inputs[2].node;
  const NodeDef& third = *batch_norm.inputs[3].node;
  const NodeDef& fourth = *batch_norm.inputs[4].node;
  const NodeDef& mean_node = global_normalization ? first : third;
  const NodeDef& variance_node = global_normalization ? second : fourth;
  const NodeDef& beta_node = global_normalization ? third : second;
  const NodeDef& gamma_node = global_normalization ? fourth : first;
  float epsilon = 0;
  bool multiply_by_gamma = true;
  if (global_normalization) {
    MQ_ASSIGN_OR_RETURN(epsilon, float_attr(node, "variance_epsilon"));
    MQ_ASSIGN_OR_RETURN(multiply_by_gamma, bool_attr(node, "scale_after_normalization"));
  } else {
    MQ_ASSIGN_OR_RETURN(epsilon, float_attr(node, "epsilon"));
  }
  MQ_ASSIGN_OR_RETURN(Tensor mean, float_const_value(mean_node));
  MQ_ASSIGN_OR_RETURN(Tensor variance, float_const_value(variance_node));
  MQ_ASSIGN_OR_RETURN(Tensor beta, float_const_value(beta_node));
  MQ_ASSIGN_OR_RETURN(Tensor gamma, float_const_value(gamma_node));
  if (mean.rank() < 1)
    return Status::error("Mean input to batch norm has bad shape: " + dims_joined(mean.shape()));
  const int64_t columns = mean.dim(0);
  MQ_RETURN_IF_ERROR(check_vector(variance, columns, "Variance"));
  MQ_RETURN_IF_ERROR(check_vector(beta, columns, "Beta"));
  MQ_RETURN_IF_ERROR(check_vector(gamma, columns, "gamma"));
  if (mean.num_elements() < columns)
    return Status::error("Mean input to batch norm has bad shape: " + dims_joined(mean.shape()));

  ScaleAndOffset result;
  result.scale.resize(static_cast<size_t>(columns));
  result.offset.resize(static_cast<size_t>(columns));
  for (int64_t i = 0; i < columns; ++i) {
    float scale = 1.0f / std::sqrt(variance.data<float>()[i] + epsilon);
    if (multiply_by_gamma) scale = scale * gamma.data<float>()[i];
    const float product = (-mean.data<float>()[i]) * scale;
    result.scale[i] = scale;
    result.offset[i] = product + beta.data<float>()[i];
  }
  return result;
}

// GTT's FuseScaleOffsetToConvWeights: scaled weights, the convolution's input
// and the convolution unchanged, its offset Const and a BiasAdd named
// `output_name`.
Status fuse_into_convolution(const NodeMatch& conv_match, const float* scale, const float* offset, int64_t count,
                             const std::string& output_name, std::vector<NodeDef>* new_nodes) {
  const NodeDef& conv = *conv_match.node;
  const NodeDef& input = *conv_match.inputs[0].node;
  const NodeDef& weights_node = *conv_match.inputs[1].node;
  MQ_ASSIGN_OR_RETURN(Tensor weights, float_const_value(weights_node));
  MQ_ASSIGN_OR_RETURN(int64_t columns, weight_columns(conv, weights));
  if (columns != count)
    return Status::error("node '" + conv.name() + "' has " + std::to_string(columns) +
                         " output columns but the batch norm has " + std::to_string(count) + " values for it");
  new_nodes->push_back(make_float_const_node(weights_node.name(), weights.shape(), scale_weights(weights, scale, columns)));
  append_once(input, new_nodes);  // once, even when two convolutions of a concat share it
  new_nodes->push_back(conv);
  new_nodes->push_back(make_float_const_node(conv.name() + "_bn_offset", {columns},
                                             std::vector<float>(offset, offset + count)));
  NodeDef bias_add;
  bias_add.set_name(output_name);
  bias_add.set_op("BiasAdd");
  bias_add.add_input(conv.name());
  bias_add.add_input(conv.name() + "_bn_offset");
  MQ_RETURN_IF_ERROR(copy_attr(conv, "T", &bias_add));
  if (conv.attr().count("data_format")) MQ_RETURN_IF_ERROR(copy_attr(conv, "data_format", &bias_add));
  new_nodes->push_back(std::move(bias_add));
  return Status::ok();
}

// A FusedBatchNormV2/V3 in training mode computes its own statistics.
bool folds(const NodeDef& batch_norm) {
  if (batch_norm.op() != "FusedBatchNormV2" && batch_norm.op() != "FusedBatchNormV3") return true;
  auto training = batch_norm.attr().find("is_training");
  return training != batch_norm.attr().end() && !training->second.b();
}

OpTypePattern batch_norm_pattern(const std::string& batch_norm_ops, OpTypePattern input) {
  return {batch_norm_ops, {std::move(input), {"Const", {}}, {"Const", {}}, {"Const", {}}, {"Const", {}}}};
}

OpTypePattern conv_pattern() { return {"Conv2D|DepthwiseConv2dNative", {{"*", {}}, {"Const", {}}}}; }

// Runs one phase until a pass folds nothing. `*pass_folded` is what the
// replacer folded in the current pass; matches left unchanged (a parameter
// used elsewhere) do not count as progress, so the loop ends where
// TensorFlow's would spin forever.
Status run_phase(tensorflow::GraphDef&& in, const OpTypePattern& pattern, const MatchReplacer& replacer,
                 TransformContext& ctx, int* pass_folded, int* folded, tensorflow::GraphDef* out) {
  tensorflow::GraphDef current = std::move(in);
  while (true) {
    ReplaceReport report;
    tensorflow::GraphDef next;
    *pass_folded = 0;
    MQ_RETURN_IF_ERROR(
        replace_matching_op_types(std::move(current), pattern, replacer, ReplaceOptions{false}, &next, &report));
    current = std::move(next);
    const int done = *pass_folded - report.refused;
    *folded += done;
    if (done <= 0) {
      for (const std::string& warning : report.warnings) ctx.warn(warning);
      if (report.refused > 0) ctx.add_count("matches left unchanged", report.refused);
      break;
    }
  }
  *out = std::move(current);
  return Status::ok();
}

StatusOr<int32_t> int32_scalar(const NodeDef& node) {
  auto value = node.attr().find("value");
  if (value == node.attr().end() || value->second.value_case() != tensorflow::AttrValue::kTensor)
    return Status::error("node '" + node.name() + "' (" + node.op() + ") has no tensor 'value'");
  StatusOr<Tensor> tensor = tensor_from_proto(value->second.tensor());
  if (!tensor.is_ok()) return tensor.status().with_context("node '" + node.name() + "'");
  if (tensor->dtype() != tensorflow::DT_INT32 || tensor->num_elements() < 1)
    return Status::error("node '" + node.name() + "' should hold an int32 axis");
  return tensor->data<int32_t>()[0];
}

}  // namespace

Status fold_old_batch_norms(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  return fold_old_batch_norms(GraphDef(in), ctx, out);
}

// Each pass moves the nodes it leaves alone from the previous pass's graph.
Status fold_old_batch_norms(GraphDef&& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(bool include_v3, ctx.get_bool("fused_batch_norm_v3", false));
  const std::string batch_norm_ops = include_v3
                                         ? "BatchNormWithGlobalNormalization|FusedBatchNorm|FusedBatchNormV2|FusedBatchNormV3"
                                         : "BatchNormWithGlobalNormalization|FusedBatchNorm";
  int folded = 0;
  int pass_folded = 0;
  std::set<std::string> training;  // FusedBatchNormV2/V3 in training mode, left alone

  // Phase 1: BN(conv(*, Const), Const×4).
  const MatchReplacer direct = [&](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
                                   std::vector<NodeDef>* new_nodes) -> Status {
    if (!folds(*match.node)) {
      training.insert(match.node->name());
      copy_original_match(match, new_nodes);
      return Status::ok();
    }
    ++pass_folded;
    MQ_ASSIGN_OR_RETURN(ScaleAndOffset params, scale_and_offset(match));
    return fuse_into_convolution(match.inputs[0], params.scale.data(), params.offset.data(),
                                 static_cast<int64_t>(params.scale.size()), match.node->name(), new_nodes);
  };
  // Phase 2: BN(BatchToSpaceND(conv(*, Const), Const, Const), Const×4).
  const MatchReplacer through_batch_to_space = [&](const NodeMatch& match, const std::set<std::string>&,
                                                   const std::set<std::string>&,
                                                   std::vector<NodeDef>* new_nodes) -> Status {
    if (!folds(*match.node)) {
      training.insert(match.node->name());
      copy_original_match(match, new_nodes);
      return Status::ok();
    }
    ++pass_folded;
    MQ_ASSIGN_OR_RETURN(ScaleAndOffset params, scale_and_offset(match));
    const NodeMatch& batch_to_space = match.inputs[0];
    const NodeMatch& conv = batch_to_space.inputs[0];
    const std::string bias_add_name = conv.node->name() + "/biasadd";
    MQ_RETURN_IF_ERROR(fuse_into_convolution(conv, params.scale.data(), params.offset.data(),
                                             static_cast<int64_t>(params.scale.size()), bias_add_name, new_nodes));
    new_nodes->push_back(*batch_to_space.inputs[1].node);
    new_nodes->push_back(*batch_to_space.inputs[2].node);
    NodeDef renamed = *batch_to_space.node;
    renamed.set_name(match.node->name());
    renamed.set_input(0, bias_add_name);
    new_nodes->push_back(std::move(renamed));
    return Status::ok();
  };
  // Phase 3: BN(ConcatV2(conv0(*, Const), conv1(*, Const), axis Const), Const×4).
  const MatchReplacer through_concat = [&](const NodeMatch& match, const std::set<std::string>&,
                                           const std::set<std::string>&, std::vector<NodeDef>* new_nodes) -> Status {
    if (!folds(*match.node)) {
      training.insert(match.node->name());
      copy_original_match(match, new_nodes);
      return Status::ok();
    }
    ++pass_folded;
    const NodeMatch& concat = match.inputs[0];
    if (concat.node->op() != "ConcatV2")
      return Status::error("node '" + concat.node->name() +
                           "' is a Concat (axis first): only a ConcatV2 in front of a batch norm can be folded, as in "
                           "TensorFlow's tool");
    MQ_ASSIGN_OR_RETURN(ScaleAndOffset params, scale_and_offset(match));
    const NodeDef& axis_node = *concat.inputs[2].node;
    MQ_ASSIGN_OR_RETURN(int32_t axis, int32_scalar(axis_node));
    const int64_t count = static_cast<int64_t>(params.scale.size());
    int64_t first_count = count;
    const float* second_scale = params.scale.data();
    const float* second_offset = params.offset.data();
    int64_t second_count = count;
    if (axis == 3) {
      MQ_ASSIGN_OR_RETURN(Tensor weights0, float_const_value(*concat.inputs[0].inputs[1].node));
      if (weights0.rank() < 4 || weights0.dim(3) > count)
        return Status::error("the weights of node '" + concat.inputs[0].node->name() + "' have shape " +
                             dims_joined(weights0.shape()) + ", which does not fit the batch norm's " +
                             std::to_string(count) + " values");
      first_count = weights0.dim(3);
      second_scale += first_count;
      second_offset += first_count;
      second_count = count - first_count;
    }
    const std::string first_name = concat.node->name() + "_bn_in0";
    const std::string second_name = concat.node->name() + "_bn_in1";
    MQ_RETURN_IF_ERROR(fuse_into_convolution(concat.inputs[0], params.scale.data(), params.offset.data(),
                                             first_count, first_name, new_nodes));
    MQ_RETURN_IF_ERROR(
        fuse_into_convolution(concat.inputs[1], second_scale, second_offset, second_count, second_name, new_nodes));
    new_nodes->push_back(axis_node);
    NodeDef renamed = *concat.node;
    renamed.set_name(match.node->name());
    renamed.set_input(0, first_name);
    renamed.set_input(1, second_name);
    new_nodes->push_back(std::move(renamed));
    return Status::ok();
  };

  tensorflow::GraphDef after_direct, after_batch_to_space;
  MQ_RETURN_IF_ERROR(run_phase(std::move(in), batch_norm_pattern(batch_norm_ops, conv_pattern()), direct, ctx, &pass_folded,
                               &folded, &after_direct));
  MQ_RETURN_IF_ERROR(run_phase(std::move(after_direct),
                               batch_norm_pattern(batch_norm_ops, {"BatchToSpaceND", {conv_pattern(), {"Const", {}}, {"Const", {}}}}),
                               through_batch_to_space, ctx, &pass_folded, &folded, &after_batch_to_space));
  MQ_RETURN_IF_ERROR(run_phase(std::move(after_batch_to_space),
                               batch_norm_pattern(batch_norm_ops, {"ConcatV2|Concat", {conv_pattern(), conv_pattern(), {"Const", {}}}}),
                               through_concat, ctx, &pass_folded, &folded, out));
  ctx.add_count("batch norms folded", folded);
  if (!training.empty())
    ctx.warn(std::to_string(training.size()) + " FusedBatchNormV2/V3 node(s) with is_training=true left unchanged");
  return Status::ok();
}

}  // namespace mq::transforms
