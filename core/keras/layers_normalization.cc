// BatchNormalization at inference: FusedBatchNormV3 (is_training=false) on
// 4-D channels_last inputs, as TensorFlow's Keras emits it; otherwise the
// arithmetic form x * (gamma / sqrt(var + eps)) + (beta - mean * gamma / sqrt(var + eps)).
#include <vector>

#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

// The normalized axis: an int or a one-element list, negative from the end.
StatusOr<int> batch_norm_axis(const LayerContext& context, int rank) {
  const nlohmann::json* value = context.field("axis");
  int64_t axis = -1;
  if (value && value->is_array()) {
    if (value->size() != 1 || !(*value)[0].is_number_integer())
      return context.unsupported("normalizing over several axes " + value->dump() + " is not supported");
    axis = (*value)[0].get<int64_t>();
  } else if (value) {
    MQ_ASSIGN_OR_RETURN(axis, context.int_field("axis", -1));
  }
  if (axis < 0) axis += rank;
  if (axis < 1 || axis >= rank)
    return context.error("axis " + (value ? value->dump() : std::string("-1")) + " does not fit an input of rank " +
                         std::to_string(rank));
  return static_cast<int>(axis);
}

Status convert_batch_normalization(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_ASSIGN_OR_RETURN(int axis, batch_norm_axis(context, x.rank()));
  MQ_ASSIGN_OR_RETURN(bool center, context.bool_field("center", true));
  MQ_ASSIGN_OR_RETURN(bool scale, context.bool_field("scale", true));
  MQ_ASSIGN_OR_RETURN(double epsilon, context.float_field("epsilon", 1e-3));
  MQ_ASSIGN_OR_RETURN(bool renorm, context.bool_field("renorm", false));
  if (renorm) return context.unsupported("batch renormalization (renorm=true) is not supported");

  std::vector<std::string> names;
  if (scale) names.push_back("gamma");
  if (center) names.push_back("beta");
  names.push_back("moving_mean");
  names.push_back("moving_variance");
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights(names));
  int64_t channels = x.shape[static_cast<size_t>(axis)];
  if (channels < 0) channels = weights.back().rank() == 1 ? weights.back().dim(0) : -1;
  for (size_t i = 0; i < names.size(); ++i)
    MQ_RETURN_IF_ERROR(context.check_weight_shape(names[i], weights[i], {channels}));
  size_t next = 0;
  std::string gamma = scale ? context.weight_const("gamma", weights[next++]) : "";
  std::string beta = center ? context.weight_const("beta", weights[next++]) : "";
  std::string mean = context.weight_const("moving_mean", weights[next++]);
  std::string variance = context.weight_const("moving_variance", weights[next++]);

  if (x.rank() == 4 && axis == 3) {
    if (!scale) gamma = context.graph.add_const(context.node_name("Const"), float_tensor({channels}, std::vector<float>(channels, 1.0f)));
    if (!center) beta = context.graph.add_const(context.node_name("Const_1"), float_tensor({channels}, std::vector<float>(channels, 0.0f)));
    tensorflow::NodeDef* node = context.add_op("FusedBatchNormV3", "FusedBatchNormV3", {x.name, gamma, beta, mean, variance});
    set_type_attr(node, "U", tensorflow::DT_FLOAT);
    set_string_attr(node, "data_format", "NHWC");
    set_float_attr(node, "epsilon", static_cast<float>(epsilon));
    set_float_attr(node, "exponential_avg_factor", 1.0f);
    set_bool_attr(node, "is_training", false);
    context.set_output(SymbolicTensor{node->name(), x.shape, x.dtype});
    return Status::ok();
  }

  std::string epsilon_node = context.graph.add_float_scalar(context.node_name("batchnorm/add/y"), static_cast<float>(epsilon));
  std::string shifted = context.add_op("batchnorm/add", "AddV2", {variance, epsilon_node})->name();
  std::string factor = context.add_op("batchnorm/Rsqrt", "Rsqrt", {shifted})->name();
  if (scale) factor = context.add_op("batchnorm/mul", "Mul", {factor, gamma})->name();
  std::string mean_scaled = context.add_op("batchnorm/mul_2", "Mul", {mean, factor})->name();
  std::string offset = center ? context.add_op("batchnorm/sub", "Sub", {beta, mean_scaled})->name()
                              : context.add_op("batchnorm/Neg", "Neg", {mean_scaled})->name();
  if (axis != x.rank() - 1) {
    // Per-channel vectors become [C, 1, …, 1] so that they broadcast over the axes after `axis`.
    std::vector<int32_t> broadcast = {static_cast<int32_t>(channels)};
    for (int i = axis + 1; i < x.rank(); ++i) broadcast.push_back(1);
    std::string shape = context.graph.add_int32_const(context.node_name("batchnorm/Reshape/shape"), broadcast);
    tensorflow::NodeDef* factor_reshaped = context.add_op("batchnorm/Reshape", "Reshape", {factor, shape});
    set_type_attr(factor_reshaped, "Tshape", tensorflow::DT_INT32);
    tensorflow::NodeDef* offset_reshaped = context.add_op("batchnorm/Reshape_1", "Reshape", {offset, shape});
    set_type_attr(offset_reshaped, "Tshape", tensorflow::DT_INT32);
    factor = factor_reshaped->name();
    offset = offset_reshaped->name();
  }
  std::string scaled = context.add_op("batchnorm/mul_1", "Mul", {x.name, factor})->name();
  std::string out = context.add_op("batchnorm/add_1", "AddV2", {scaled, offset})->name();
  context.set_output(SymbolicTensor{out, x.shape, x.dtype});
  return Status::ok();
}

}  // namespace

void register_normalization_layers(LayerTable& table) {
  table.add("BatchNormalization", convert_batch_normalization);
}

}  // namespace mq::keras
