// Pooling: MaxPooling1D/2D, AveragePooling1D/2D and the global poolings.
#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

Status require_channels_last(const LayerContext& context) {
  MQ_ASSIGN_OR_RETURN(std::string data_format, context.string_field("data_format", "channels_last"));
  if (data_format == "channels_last") return Status::ok();
  return context.unsupported("data_format '" + data_format + "' is not supported (only channels_last)");
}

// MaxPool / AvgPool over a 4-D input, or a 3-D input seen as [batch, steps, 1, channels].
Status convert_pooling(LayerContext& context, const std::string& op, int spatial_rank) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  MQ_RETURN_IF_ERROR(require_channels_last(context));
  const SymbolicTensor& x = context.input();
  if (x.rank() != spatial_rank + 2)
    return context.error("needs an input of rank " + std::to_string(spatial_rank + 2) + ", got shape " +
                         shape_string(x.shape));
  size_t rank = static_cast<size_t>(spatial_rank);
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> pool, context.int_tuple_field("pool_size", rank, std::vector<int64_t>(rank, 2)));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> strides, context.int_tuple_field("strides", rank, pool));
  MQ_ASSIGN_OR_RETURN(std::string padding, context.string_field("padding", "valid"));
  if (padding != "valid" && padding != "same") return context.unsupported("padding '" + padding + "' is not supported");
  for (size_t i = 0; i < rank; ++i)
    if (pool[i] <= 0 || strides[i] <= 0) return context.error("pool_size and strides must be positive");

  Shape out_shape = {x.shape[0]};
  for (size_t i = 0; i < rank; ++i)
    out_shape.push_back(window_output_size(x.shape[i + 1], pool[i], strides[i], 1, padding == "same"));
  out_shape.push_back(x.shape.back());

  std::string input = x.name;
  if (spatial_rank == 1) {
    std::string dim = context.graph.add_int32_scalar(context.node_name("ExpandDims/dim"), 2);
    tensorflow::NodeDef* expanded = context.add_op("ExpandDims", "ExpandDims", {x.name, dim}, x.dtype);
    set_type_attr(expanded, "Tdim", tensorflow::DT_INT32);
    input = expanded->name();
    pool.push_back(1);
    strides.push_back(1);
  }
  tensorflow::NodeDef* node = context.add_op(op, op, {input}, x.dtype);
  set_string_attr(node, "data_format", "NHWC");
  set_int_list_attr(node, "ksize", {1, pool[0], pool[1], 1});
  set_int_list_attr(node, "strides", {1, strides[0], strides[1], 1});
  set_string_attr(node, "padding", padding == "same" ? "SAME" : "VALID");
  std::string out = node->name();
  if (spatial_rank == 1) {
    tensorflow::NodeDef* squeezed = context.add_op("Squeeze", "Squeeze", {out}, x.dtype);
    set_int_list_attr(squeezed, "squeeze_dims", {2});
    out = squeezed->name();
  }
  context.set_output(SymbolicTensor{out, out_shape, x.dtype});
  return Status::ok();
}

// Mean / Max over the spatial axes.
Status convert_global_pooling(LayerContext& context, const std::string& op, int spatial_rank) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1, true));  // a second input would be a mask
  MQ_RETURN_IF_ERROR(require_channels_last(context));
  const SymbolicTensor& x = context.input();
  if (x.rank() != spatial_rank + 2)
    return context.error("needs an input of rank " + std::to_string(spatial_rank + 2) + ", got shape " +
                         shape_string(x.shape));
  MQ_ASSIGN_OR_RETURN(bool keep_dims, context.bool_field("keepdims", false));
  std::vector<int32_t> axes;
  for (int i = 1; i <= spatial_rank; ++i) axes.push_back(i);
  std::string indices = context.graph.add_int32_const(context.node_name(op + "/reduction_indices"), axes);
  tensorflow::NodeDef* node = context.add_op(op, op, {x.name, indices}, x.dtype);
  set_type_attr(node, "Tidx", tensorflow::DT_INT32);
  set_bool_attr(node, "keep_dims", keep_dims);
  Shape shape = {x.shape[0]};
  if (keep_dims)
    for (int i = 0; i < spatial_rank; ++i) shape.push_back(1);
  shape.push_back(x.shape.back());
  context.set_output(SymbolicTensor{node->name(), shape, x.dtype});
  return Status::ok();
}

Status convert_max_pooling1d(LayerContext& context) { return convert_pooling(context, "MaxPool", 1); }
Status convert_max_pooling2d(LayerContext& context) { return convert_pooling(context, "MaxPool", 2); }
Status convert_average_pooling1d(LayerContext& context) { return convert_pooling(context, "AvgPool", 1); }
Status convert_average_pooling2d(LayerContext& context) { return convert_pooling(context, "AvgPool", 2); }
Status convert_global_average_pooling1d(LayerContext& context) { return convert_global_pooling(context, "Mean", 1); }
Status convert_global_average_pooling2d(LayerContext& context) { return convert_global_pooling(context, "Mean", 2); }
Status convert_global_max_pooling1d(LayerContext& context) { return convert_global_pooling(context, "Max", 1); }
Status convert_global_max_pooling2d(LayerContext& context) { return convert_global_pooling(context, "Max", 2); }

}  // namespace

void register_pooling_layers(LayerTable& table) {
  table.add("MaxPooling1D", convert_max_pooling1d);
  table.add("MaxPooling2D", convert_max_pooling2d);
  table.add("AveragePooling1D", convert_average_pooling1d);
  table.add("AveragePooling2D", convert_average_pooling2d);
  table.add("GlobalAveragePooling1D", convert_global_average_pooling1d);
  table.add("GlobalAveragePooling2D", convert_global_average_pooling2d);
  table.add("GlobalMaxPooling1D", convert_global_max_pooling1d);
  table.add("GlobalMaxPooling2D", convert_global_max_pooling2d);
  // Keras 2's older names for the same classes.
  table.add("MaxPool1D", convert_max_pooling1d);
  table.add("MaxPool2D", convert_max_pooling2d);
  table.add("AvgPool1D", convert_average_pooling1d);
  table.add("AvgPool2D", convert_average_pooling2d);
  table.add("GlobalAvgPool1D", convert_global_average_pooling1d);
  table.add("GlobalAvgPool2D", convert_global_average_pooling2d);
  table.add("GlobalMaxPool1D", convert_global_max_pooling1d);
  table.add("GlobalMaxPool2D", convert_global_max_pooling2d);
}

}  // namespace mq::keras
