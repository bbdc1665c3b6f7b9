// Activation functions (the `activation` of Dense, Conv2D, … and the
// Activation layer) and the activation layers: ReLU, LeakyReLU, ELU,
// Softmax, PReLU, ThresholdedReLU.
#include <cmath>

#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

using nlohmann::json;

SymbolicTensor with_name(const SymbolicTensor& like, const std::string& name) {
  return SymbolicTensor{name, like.shape, like.dtype};
}

std::string unary(LayerContext& context, const std::string& op, const std::string& input,
                  const std::string& suffix = "") {
  return context.add_op(suffix.empty() ? op : suffix, op, {input})->name();
}

std::string binary(LayerContext& context, const std::string& suffix, const std::string& op, const std::string& a,
                   const std::string& b) {
  return context.add_op(suffix, op, {a, b})->name();
}

std::string scalar(LayerContext& context, const std::string& suffix, double value) {
  return context.graph.add_float_scalar(context.node_name(suffix), static_cast<float>(value));
}

// max(min(x, high), low), as clip_by_value writes it.
std::string clip(LayerContext& context, const std::string& x, double low, double high) {
  std::string upper = binary(context, "clip_by_value/Minimum", "Minimum", x,
                             scalar(context, "clip_by_value/Minimum/y", high));
  return binary(context, "clip_by_value", "Maximum", upper, scalar(context, "clip_by_value/y", low));
}

// x * cast(x > threshold)
std::string thresholded(LayerContext& context, const std::string& x, double threshold) {
  tensorflow::NodeDef* greater =
      context.graph.add_node(context.node_name("Greater"), "Greater", {x, scalar(context, "Greater/y", threshold)});
  set_type_attr(greater, "T", tensorflow::DT_FLOAT);
  tensorflow::NodeDef* cast = context.graph.add_node(context.node_name("Cast"), "Cast", {greater->name()});
  set_type_attr(cast, "SrcT", tensorflow::DT_BOOL);
  set_type_attr(cast, "DstT", tensorflow::DT_FLOAT);
  set_bool_attr(cast, "Truncate", false);
  return binary(context, "mul", "Mul", x, cast->name());
}

// Keras's relu(x, negative_slope, max_value, threshold).
std::string general_relu(LayerContext& context, const std::string& x, double negative_slope,
                         const json* max_value_json, double threshold) {
  bool has_max = max_value_json != nullptr;
  double max_value = has_max ? max_value_json->get<double>() : 0;
  if (negative_slope != 0 && !has_max && threshold == 0) {
    tensorflow::NodeDef* leaky = context.add_op("LeakyRelu", "LeakyRelu", {x});
    set_float_attr(leaky, "alpha", static_cast<float>(negative_slope));
    return leaky->name();
  }
  std::string negative_part;
  if (negative_slope != 0) {
    std::string negated = unary(context, "Neg", x);
    if (threshold != 0) negated = binary(context, "add", "AddV2", negated, scalar(context, "add/y", threshold));
    negative_part = unary(context, "Relu", negated);
  }
  std::string out;
  if (threshold != 0) {
    out = thresholded(context, x, threshold);
  } else if (has_max && max_value == 6) {
    out = unary(context, "Relu6", x);
    has_max = false;
  } else {
    out = unary(context, "Relu", x);
  }
  if (has_max) out = clip(context, out, 0, max_value);
  if (negative_slope != 0) {
    std::string scaled = binary(context, "mul_1", "Mul", scalar(context, "mul_1/x", negative_slope), negative_part);
    out = binary(context, "sub", "Sub", out, scaled);
  }
  return out;
}

// alpha * x + 0.5 clipped to [0, 1].
std::string hard_sigmoid(LayerContext& context, const std::string& x, double slope) {
  std::string scaled = binary(context, "hard_sigmoid/mul", "Mul", x, scalar(context, "hard_sigmoid/mul/y", slope));
  std::string shifted =
      binary(context, "hard_sigmoid/add", "AddV2", scaled, scalar(context, "hard_sigmoid/add/y", 0.5));
  std::string upper = binary(context, "hard_sigmoid/Minimum", "Minimum", shifted,
                             scalar(context, "hard_sigmoid/Minimum/y", 1.0));
  return binary(context, "hard_sigmoid", "Maximum", upper, scalar(context, "hard_sigmoid/y", 0.0));
}

// The name of an activation: "relu", or a serialized function object.
StatusOr<std::string> activation_name(const LayerContext& context, const json& activation) {
  if (activation.is_null()) return std::string("linear");
  if (activation.is_string()) return activation.get<std::string>();
  if (activation.is_object()) {
    auto config = activation.find("config");
    if (config != activation.end() && config->is_string()) return config->get<std::string>();
    auto class_name = activation.find("class_name");
    if (class_name != activation.end() && class_name->is_string())
      return context.unsupported("activation " + class_name->dump() +
                                 " is a layer or custom object; only named activations are supported");
  }
  return context.error("cannot read the activation " + activation.dump());
}

Status convert_activation(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const json* activation = context.field("activation");
  MQ_ASSIGN_OR_RETURN(SymbolicTensor out, apply_activation(context, context.input(), activation ? *activation : json()));
  context.set_output(std::move(out));
  return Status::ok();
}

Status convert_relu(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  MQ_ASSIGN_OR_RETURN(double slope, context.float_field("negative_slope", 0.0));
  MQ_ASSIGN_OR_RETURN(double threshold, context.float_field("threshold", 0.0));
  const json* max_value = context.field("max_value");
  if (max_value && !max_value->is_number()) return context.error("config field 'max_value' should be a number");
  const SymbolicTensor& x = context.input();
  context.set_output(with_name(x, general_relu(context, x.name, slope, max_value, threshold)));
  return Status::ok();
}

Status convert_leaky_relu(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  // Keras 2 and TensorFlow.js call the slope alpha, Keras 3 negative_slope; both default to 0.3.
  MQ_ASSIGN_OR_RETURN(double alpha, context.float_field("alpha", 0.3));
  MQ_ASSIGN_OR_RETURN(double slope, context.float_field("negative_slope", alpha));
  const SymbolicTensor& x = context.input();
  tensorflow::NodeDef* leaky = context.add_op("LeakyRelu", "LeakyRelu", {x.name});
  set_float_attr(leaky, "alpha", static_cast<float>(slope));
  context.set_output(with_name(x, leaky->name()));
  return Status::ok();
}

Status convert_elu(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  MQ_ASSIGN_OR_RETURN(double alpha, context.float_field("alpha", 1.0));
  const SymbolicTensor& x = context.input();
  std::string elu = unary(context, "Elu", x.name);
  if (alpha != 1.0) {
    tensorflow::NodeDef* positive =
        context.graph.add_node(context.node_name("Greater"), "Greater", {x.name, scalar(context, "Greater/y", 0)});
    set_type_attr(positive, "T", tensorflow::DT_FLOAT);
    std::string scaled = binary(context, "mul", "Mul", scalar(context, "mul/x", alpha), elu);
    elu = context.add_op("SelectV2", "SelectV2", {positive->name(), elu, scaled})->name();
  }
  context.set_output(with_name(x, elu));
  return Status::ok();
}

Status convert_softmax(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1, true));  // a second input would be a mask
  const SymbolicTensor& x = context.input();
  int64_t axis = -1;
  const json* axis_json = context.field("axis");
  if (axis_json && axis_json->is_array() && axis_json->size() == 1 && (*axis_json)[0].is_number_integer()) {
    axis = (*axis_json)[0].get<int64_t>();
  } else if (axis_json) {
    MQ_ASSIGN_OR_RETURN(axis, context.int_field("axis", -1));
  }
  if (axis != -1 && axis != x.rank() - 1)
    return context.unsupported("softmax over axis " + std::to_string(axis) + " (only the last axis is supported)");
  context.set_output(with_name(x, unary(context, "Softmax", x.name)));
  return Status::ok();
}

// relu(x) - alpha * relu(-x), alpha learned per element (or shared over some axes).
Status convert_prelu(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights({"alpha"}));
  if (weights[0].rank() != x.rank() - 1)
    return context.error("weight 'alpha' has shape " + shape_string(weights[0].shape()) +
                         ", which does not match the input shape " + shape_string(x.shape));
  std::string alpha = context.weight_const("alpha", weights[0]);
  std::string positive = unary(context, "Relu", x.name);
  std::string negative = unary(context, "Relu", unary(context, "Neg", x.name), "Relu_1");
  std::string scaled = binary(context, "mul", "Mul", alpha, negative);
  context.set_output(with_name(x, binary(context, "sub", "Sub", positive, scaled)));
  return Status::ok();
}

Status convert_thresholded_relu(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  MQ_ASSIGN_OR_RETURN(double theta, context.float_field("theta", 1.0));
  const SymbolicTensor& x = context.input();
  context.set_output(with_name(x, thresholded(context, x.name, theta)));
  return Status::ok();
}

}  // namespace

StatusOr<SymbolicTensor> apply_activation(LayerContext& context, const SymbolicTensor& input,
                                          const json& activation) {
  MQ_ASSIGN_OR_RETURN(std::string name, activation_name(context, activation));
  const std::string& x = input.name;
  bool keras3 = context.settings.version.major >= 3;
  std::string out;
  if (name == "linear" || name == "identity") return input;
  static const std::pair<const char*, const char*> kSingleOps[] = {
      {"relu", "Relu"},   {"relu6", "Relu6"},     {"sigmoid", "Sigmoid"},   {"tanh", "Tanh"},
      {"elu", "Elu"},     {"selu", "Selu"},       {"softplus", "Softplus"}, {"exponential", "Exp"},
      {"softmax", "Softmax"}, {"log_softmax", "LogSoftmax"},
  };
  for (const auto& [keras_name, op] : kSingleOps)
    if (name == keras_name) return with_name(input, unary(context, op, x));
  if (name == "leaky_relu") {  // Keras 3's activation string: slope 0.2
    tensorflow::NodeDef* leaky = context.add_op("LeakyRelu", "LeakyRelu", {x});
    set_float_attr(leaky, "alpha", 0.2f);
    return with_name(input, leaky->name());
  }
  if (name == "swish" || name == "silu") {
    out = binary(context, "mul", "Mul", x, unary(context, "Sigmoid", x));
  } else if (name == "softsign") {  // x / (1 + |x|)
    std::string denominator = binary(context, "add", "AddV2", unary(context, "Abs", x), scalar(context, "add/y", 1));
    out = binary(context, "truediv", "RealDiv", x, denominator);
  } else if (name == "hard_sigmoid") {
    // Keras 2 and TensorFlow.js: 0.2 x + 0.5; Keras 3: relu6(x + 3) / 6.
    out = hard_sigmoid(context, x, keras3 ? 1.0 / 6.0 : 0.2);
  } else if (name == "hard_silu" || name == "hard_swish") {
    out = binary(context, "mul", "Mul", x, hard_sigmoid(context, x, 1.0 / 6.0));
  } else if (name == "gelu") {  // exact: x/2 (1 + erf(x / sqrt 2))
    std::string scaled = binary(context, "Gelu/mul", "Mul", x, scalar(context, "Gelu/Cast", 1.0 / std::sqrt(2.0)));
    std::string erf = context.add_op("Gelu/Erf", "Erf", {scaled})->name();
    std::string one_plus = binary(context, "Gelu/add", "AddV2", erf, scalar(context, "Gelu/add/x", 1.0));
    std::string half = binary(context, "Gelu/mul_1", "Mul", x, scalar(context, "Gelu/mul_1/y", 0.5));
    out = binary(context, "Gelu/mul_2", "Mul", half, one_plus);
  } else if (name == "mish") {  // x tanh(softplus(x))
    out = binary(context, "mul", "Mul", x, unary(context, "Tanh", unary(context, "Softplus", x)));
  } else {
    return context.unsupported("activation '" + name + "' is not supported");
  }
  return with_name(input, out);
}

void register_activation_layers(LayerTable& table) {
  table.add("Activation", convert_activation);
  table.add("ReLU", convert_relu);
  table.add("LeakyReLU", convert_leaky_relu);
  table.add("ELU", convert_elu);
  table.add("Softmax", convert_softmax);
  table.add("PReLU", convert_prelu);
  table.add("ThresholdedReLU", convert_thresholded_relu);
}

}  // namespace mq::keras
