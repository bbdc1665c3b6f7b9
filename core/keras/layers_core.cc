// Dense, Embedding, Rescaling and the layers that do nothing at inference
// (Dropout and friends).
#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

// x · kernel for an input of rank 3 or more, as a matrix product over the
// last axis: Reshape to [-1, in], MatMul, Reshape back to [..., units].
StatusOr<std::string> tensordot(LayerContext& context, const SymbolicTensor& x, const std::string& kernel,
                                int64_t in, int64_t units) {
  std::string flat_shape = context.graph.add_int32_const(context.node_name("Tensordot/Reshape/shape"),
                                                         {-1, static_cast<int32_t>(in)});
  tensorflow::NodeDef* flat = context.add_op("Tensordot/Reshape", "Reshape", {x.name, flat_shape}, x.dtype);
  set_type_attr(flat, "Tshape", tensorflow::DT_INT32);
  tensorflow::NodeDef* product = context.add_op("Tensordot/MatMul", "MatMul", {flat->name(), kernel});
  set_bool_attr(product, "transpose_a", false);
  set_bool_attr(product, "transpose_b", false);

  bool inner_known = true;
  for (size_t i = 1; i + 1 < x.shape.size(); ++i) inner_known = inner_known && x.shape[i] >= 0;
  std::string out_shape;
  if (inner_known) {
    std::vector<int32_t> dims = {-1};
    for (size_t i = 1; i + 1 < x.shape.size(); ++i) dims.push_back(static_cast<int32_t>(x.shape[i]));
    dims.push_back(static_cast<int32_t>(units));
    out_shape = context.graph.add_int32_const(context.node_name("Tensordot/shape"), dims);
  } else {
    tensorflow::NodeDef* shape = context.graph.add_node(context.node_name("Tensordot/Shape"), "Shape", {x.name});
    set_type_attr(shape, "T", x.dtype);
    set_type_attr(shape, "out_type", tensorflow::DT_INT32);
    std::string begin = context.graph.add_int32_const(context.node_name("Tensordot/strided_slice/stack"), {0});
    std::string end = context.graph.add_int32_const(context.node_name("Tensordot/strided_slice/stack_1"), {-1});
    std::string step = context.graph.add_int32_const(context.node_name("Tensordot/strided_slice/stack_2"), {1});
    tensorflow::NodeDef* leading = context.add_op("Tensordot/strided_slice", "StridedSlice",
                                                  {shape->name(), begin, end, step}, tensorflow::DT_INT32);
    set_type_attr(leading, "Index", tensorflow::DT_INT32);
    for (const char* mask : {"begin_mask", "ellipsis_mask", "end_mask", "new_axis_mask", "shrink_axis_mask"})
      set_int_attr(leading, mask, 0);
    set_int_attr(leading, "begin_mask", 1);
    std::string last = context.graph.add_int32_const(context.node_name("Tensordot/Const"), {static_cast<int32_t>(units)});
    std::string axis = context.graph.add_int32_scalar(context.node_name("Tensordot/concat/axis"), 0);
    tensorflow::NodeDef* concat = context.add_op("Tensordot/concat", "ConcatV2", {leading->name(), last, axis},
                                                 tensorflow::DT_INT32);
    set_int_attr(concat, "N", 2);
    set_type_attr(concat, "Tidx", tensorflow::DT_INT32);
    out_shape = concat->name();
  }
  tensorflow::NodeDef* result = context.add_op("Tensordot", "Reshape", {product->name(), out_shape}, x.dtype);
  set_type_attr(result, "Tshape", tensorflow::DT_INT32);
  return result->name();
}

Status convert_dense(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  if (x.rank() < 2) return context.error("needs an input of rank 2 or more, got shape " + shape_string(x.shape));
  MQ_ASSIGN_OR_RETURN(int64_t units, context.int_field("units", -1));
  if (units <= 0) return context.error("config field 'units' is missing or not positive");
  MQ_ASSIGN_OR_RETURN(bool use_bias, context.bool_field("use_bias", true));
  std::vector<std::string> names = {"kernel"};
  if (use_bias) names.push_back("bias");
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights(names));
  MQ_RETURN_IF_ERROR(context.check_weight_shape("kernel", weights[0], {x.shape.back(), units}));
  SymbolicTensor out{"", x.shape, x.dtype};
  out.shape.back() = units;
  std::string kernel = context.weight_const("kernel", weights[0]);
  if (x.rank() == 2) {
    tensorflow::NodeDef* product = context.add_op("MatMul", "MatMul", {x.name, kernel});
    set_bool_attr(product, "transpose_a", false);
    set_bool_attr(product, "transpose_b", false);
    out.name = product->name();
  } else {
    MQ_ASSIGN_OR_RETURN(out.name, tensordot(context, x, kernel, weights[0].dim(0), units));
  }
  if (use_bias) {
    MQ_RETURN_IF_ERROR(context.check_weight_shape("bias", weights[1], {units}));
    std::string bias = context.weight_const("bias", weights[1]);
    tensorflow::NodeDef* add = context.add_op("BiasAdd", "BiasAdd", {out.name, bias});
    set_string_attr(add, "data_format", "NHWC");
    out.name = add->name();
  }
  const nlohmann::json* activation = context.field("activation");
  MQ_ASSIGN_OR_RETURN(SymbolicTensor activated,
                      apply_activation(context, out, activation ? *activation : nlohmann::json()));
  context.set_output(std::move(activated));
  return Status::ok();
}

Status convert_embedding(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_ASSIGN_OR_RETURN(int64_t input_dim, context.int_field("input_dim", -1));
  MQ_ASSIGN_OR_RETURN(int64_t output_dim, context.int_field("output_dim", -1));
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights({"embeddings"}));
  MQ_RETURN_IF_ERROR(context.check_weight_shape("embeddings", weights[0], {input_dim, output_dim}));
  std::string table = context.weight_const("embeddings", weights[0]);
  std::string indices = x.name;
  DataType index_type = x.dtype;
  if (x.dtype != tensorflow::DT_INT32 && x.dtype != tensorflow::DT_INT64) {
    tensorflow::NodeDef* cast = context.graph.add_node(context.node_name("Cast"), "Cast", {x.name});
    set_type_attr(cast, "SrcT", x.dtype);
    set_type_attr(cast, "DstT", tensorflow::DT_INT32);
    set_bool_attr(cast, "Truncate", false);
    indices = cast->name();
    index_type = tensorflow::DT_INT32;
  }
  std::string axis = context.graph.add_int32_scalar(context.node_name("embedding_lookup/axis"), 0);
  tensorflow::NodeDef* gather =
      context.graph.add_node(context.node_name("embedding_lookup"), "GatherV2", {table, indices, axis});
  set_type_attr(gather, "Tparams", tensorflow::DT_FLOAT);
  set_type_attr(gather, "Tindices", index_type);
  set_type_attr(gather, "Taxis", tensorflow::DT_INT32);
  set_int_attr(gather, "batch_dims", 0);
  SymbolicTensor out{gather->name(), x.shape, tensorflow::DT_FLOAT};
  out.shape.push_back(weights[0].dim(1));
  context.set_output(std::move(out));
  return Status::ok();
}

// x * scale + offset (scale and offset are numbers or per-channel lists).
Status convert_rescaling(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  auto constant = [&](const std::string& key, float fallback, const std::string& name) -> StatusOr<std::string> {
    const nlohmann::json* value = context.field(key);
    if (!value) return context.graph.add_float_scalar(context.node_name(name), fallback);
    if (value->is_number()) return context.graph.add_float_scalar(context.node_name(name), value->get<float>());
    if (value->is_array()) {
      std::vector<float> values;
      for (const nlohmann::json& item : *value) {
        if (!item.is_number()) return context.error("config field '" + key + "' should hold numbers");
        values.push_back(item.get<float>());
      }
      return context.graph.add_const(context.node_name(name),
                                     float_tensor({static_cast<int64_t>(values.size())}, values));
    }
    return context.error("config field '" + key + "' should be a number or a list, found " + value->dump());
  };
  MQ_ASSIGN_OR_RETURN(std::string scale, constant("scale", 1.0f, "Cast/x"));
  MQ_ASSIGN_OR_RETURN(std::string offset, constant("offset", 0.0f, "Cast_1/x"));
  std::string input = x.name;
  if (x.dtype != tensorflow::DT_FLOAT) {
    tensorflow::NodeDef* cast = context.graph.add_node(context.node_name("Cast"), "Cast", {x.name});
    set_type_attr(cast, "SrcT", x.dtype);
    set_type_attr(cast, "DstT", tensorflow::DT_FLOAT);
    set_bool_attr(cast, "Truncate", false);
    input = cast->name();
  }
  tensorflow::NodeDef* scaled = context.add_op("mul", "Mul", {input, scale});
  tensorflow::NodeDef* shifted = context.add_op("add", "AddV2", {scaled->name(), offset});
  context.set_output(SymbolicTensor{shifted->name(), x.shape, tensorflow::DT_FLOAT});
  return Status::ok();
}

// Layers that only act while training: their output is their input.
Status convert_inference_identity(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  context.set_output(context.input());
  return Status::ok();
}

}  // namespace

void register_core_layers(LayerTable& table) {
  table.add("Dense", convert_dense);
  table.add("Embedding", convert_embedding);
  table.add("Rescaling", convert_rescaling);
  for (const char* name : {"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                           "GaussianDropout", "AlphaDropout", "ActivityRegularization"})
    table.add(name, convert_inference_identity);
}

}  // namespace mq::keras
