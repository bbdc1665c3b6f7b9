// Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum (element
// by element, chained over the inputs as Keras chains them) and Concatenate.
#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

// The static shape of a broadcast of two same-rank shapes.
Shape broadcast_shape(const Shape& a, const Shape& b) {
  Shape out = a;
  for (size_t i = 0; i < out.size() && i < b.size(); ++i) {
    if (out[i] == b[i] || b[i] == 1) continue;
    if (out[i] == 1 || (out[i] < 0 && b[i] > 1)) {
      out[i] = b[i];
    } else if (b[i] < 0 && out[i] <= 1) {
      out[i] = -1;
    }
  }
  return out;
}

Status check_same_rank(const LayerContext& context) {
  for (const SymbolicTensor& input : context.inputs)
    if (input.rank() != context.inputs[0].rank())
      return context.unsupported("inputs of different ranks (" + shape_string(context.inputs[0].shape) + " and " +
                                 shape_string(input.shape) + ") are not supported");
  return Status::ok();
}

// input0 op input1 op input2 …, named "<scope>/<name>", "<scope>/<name>_1", …
Status chain(LayerContext& context, const std::string& op, const std::string& name, SymbolicTensor* out) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(2, true));
  MQ_RETURN_IF_ERROR(check_same_rank(context));
  *out = context.inputs[0];
  for (size_t i = 1; i < context.inputs.size(); ++i) {
    tensorflow::NodeDef* node = context.add_op(name, op, {out->name, context.inputs[i].name}, out->dtype);
    out->name = node->name();
    out->shape = broadcast_shape(out->shape, context.inputs[i].shape);
  }
  return Status::ok();
}

Status convert_add(LayerContext& context) {
  SymbolicTensor out;
  MQ_RETURN_IF_ERROR(chain(context, "AddV2", "add", &out));
  context.set_output(out);
  return Status::ok();
}

Status convert_subtract(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(2));
  SymbolicTensor out;
  MQ_RETURN_IF_ERROR(chain(context, "Sub", "sub", &out));
  context.set_output(out);
  return Status::ok();
}

Status convert_multiply(LayerContext& context) {
  SymbolicTensor out;
  MQ_RETURN_IF_ERROR(chain(context, "Mul", "mul", &out));
  context.set_output(out);
  return Status::ok();
}

Status convert_average(LayerContext& context) {
  SymbolicTensor out;
  MQ_RETURN_IF_ERROR(chain(context, "AddV2", "add", &out));
  std::string count = context.graph.add_float_scalar(context.node_name("truediv/y"),
                                                     static_cast<float>(context.inputs.size()));
  out.name = context.add_op("truediv", "RealDiv", {out.name, count}, out.dtype)->name();
  context.set_output(out);
  return Status::ok();
}

Status convert_maximum(LayerContext& context) {
  SymbolicTensor out;
  MQ_RETURN_IF_ERROR(chain(context, "Maximum", "Maximum", &out));
  context.set_output(out);
  return Status::ok();
}

Status convert_minimum(LayerContext& context) {
  SymbolicTensor out;
  MQ_RETURN_IF_ERROR(chain(context, "Minimum", "Minimum", &out));
  context.set_output(out);
  return Status::ok();
}

Status convert_concatenate(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(2, true));
  MQ_RETURN_IF_ERROR(check_same_rank(context));
  const SymbolicTensor& first = context.inputs[0];
  MQ_ASSIGN_OR_RETURN(int64_t axis, context.int_field("axis", -1));
  int64_t normalized = axis < 0 ? axis + first.rank() : axis;
  if (normalized < 0 || normalized >= first.rank())
    return context.error("axis " + std::to_string(axis) + " does not fit inputs of rank " + std::to_string(first.rank()));
  std::vector<std::string> names;
  SymbolicTensor out = first;
  out.shape[static_cast<size_t>(normalized)] = 0;
  for (const SymbolicTensor& input : context.inputs) {
    names.push_back(input.name);
    int64_t& total = out.shape[static_cast<size_t>(normalized)];
    int64_t size = input.shape[static_cast<size_t>(normalized)];
    total = total < 0 || size < 0 ? -1 : total + size;
  }
  names.push_back(context.graph.add_int32_scalar(context.node_name("concat/axis"), static_cast<int32_t>(axis)));
  tensorflow::NodeDef* node = context.add_op("concat", "ConcatV2", names, first.dtype);
  set_int_attr(node, "N", static_cast<int64_t>(context.inputs.size()));
  set_type_attr(node, "Tidx", tensorflow::DT_INT32);
  out.name = node->name();
  context.set_output(out);
  return Status::ok();
}

}  // namespace

void register_merge_layers(LayerTable& table) {
  table.add("Add", convert_add);
  table.add("Subtract", convert_subtract);
  table.add("Multiply", convert_multiply);
  table.add("Average", convert_average);
  table.add("Maximum", convert_maximum);
  table.add("Minimum", convert_minimum);
  table.add("Concatenate", convert_concatenate);
}

}  // namespace mq::keras
