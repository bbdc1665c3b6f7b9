// Layers that move values around: Flatten, Reshape, Permute, RepeatVector,
// ZeroPadding1D/2D, Cropping1D/2D and UpSampling2D.
#include <cstdint>

#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

using nlohmann::json;

tensorflow::NodeDef* add_reshape(LayerContext& context, const std::string& suffix, const SymbolicTensor& x,
                                 const std::string& shape) {
  tensorflow::NodeDef* node = context.add_op(suffix, "Reshape", {x.name, shape}, x.dtype);
  set_type_attr(node, "Tshape", tensorflow::DT_INT32);
  return node;
}

// Pack(batch, dims…) → "<scope>/Reshape/shape", the shape argument Keras's
// Flatten and Reshape build so that the batch size stays open.
std::string packed_shape(LayerContext& context, const SymbolicTensor& x, const std::vector<int64_t>& dims) {
  std::vector<std::string> parts = {batch_size_tensor(context, x)};
  for (size_t i = 0; i < dims.size(); ++i)
    parts.push_back(context.graph.add_int32_scalar(context.node_name("Reshape/shape/" + std::to_string(i + 1)),
                                                   static_cast<int32_t>(dims[i])));
  tensorflow::NodeDef* pack = context.add_op("Reshape/shape", "Pack", parts, tensorflow::DT_INT32);
  set_int_attr(pack, "N", static_cast<int64_t>(parts.size()));
  set_int_attr(pack, "axis", 0);
  return pack->name();
}

// The product of the sizes from `from` on; -1 when one is unknown or it would overflow.
int64_t known_product(const Shape& shape, size_t from) {
  int64_t product = 1;
  for (size_t i = from; i < shape.size(); ++i) {
    if (shape[i] < 0) return -1;
    if (shape[i] > 0 && product > INT64_MAX / shape[i]) return -1;
    product *= shape[i];
  }
  return product;
}

SymbolicTensor transposed(LayerContext& context, const SymbolicTensor& x, const std::vector<int32_t>& perm) {
  std::string perm_node = context.graph.add_int32_const(context.node_name("transpose/perm"), perm);
  tensorflow::NodeDef* node = context.add_op("transpose", "Transpose", {x.name, perm_node}, x.dtype);
  set_type_attr(node, "Tperm", tensorflow::DT_INT32);
  SymbolicTensor out{node->name(), {}, x.dtype};
  for (int32_t axis : perm) out.shape.push_back(x.shape[static_cast<size_t>(axis)]);
  return out;
}

Status convert_flatten(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  SymbolicTensor x = context.input();
  MQ_ASSIGN_OR_RETURN(std::string data_format, context.string_field("data_format", "channels_last"));
  if (x.rank() < 2) {
    std::string dim = context.graph.add_int32_scalar(context.node_name("ExpandDims/dim"), 1);
    tensorflow::NodeDef* node = context.add_op("ExpandDims", "ExpandDims", {x.name, dim}, x.dtype);
    set_type_attr(node, "Tdim", tensorflow::DT_INT32);
    context.set_output(SymbolicTensor{node->name(), {x.shape.empty() ? -1 : x.shape[0], 1}, x.dtype});
    return Status::ok();
  }
  if (data_format == "channels_first" && x.rank() > 2) {  // channels last first, so values keep Keras's order
    std::vector<int32_t> perm = {0};
    for (int i = 2; i < x.rank(); ++i) perm.push_back(i);
    perm.push_back(1);
    x = transposed(context, x, perm);
  }
  std::string shape = packed_shape(context, x, {-1});
  tensorflow::NodeDef* node = add_reshape(context, "Reshape", x, shape);
  context.set_output(SymbolicTensor{node->name(), {x.shape[0], known_product(x.shape, 1)}, x.dtype});
  return Status::ok();
}

Status convert_reshape(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  const json* target = context.field("target_shape");
  if (!target || !target->is_array()) return context.error("config field 'target_shape' is missing");
  std::vector<int64_t> dims;
  int unknown = -1;
  for (const json& dim : *target) {
    int64_t value = dim.is_null() ? -1 : (dim.is_number_integer() ? dim.get<int64_t>() : -2);
    if (value > INT32_MAX) value = -2;
    if (value == -1) {
      if (unknown >= 0) return context.error("target_shape " + target->dump() + " leaves more than one size open");
      unknown = static_cast<int>(dims.size());
    } else if (value < 0) {
      return context.error("target_shape " + target->dump() + " is not a list of sizes");
    }
    dims.push_back(value);
  }
  Shape out_shape = {x.shape[0]};
  out_shape.insert(out_shape.end(), dims.begin(), dims.end());
  int64_t total = known_product(x.shape, 1);
  int64_t rest = known_product(Shape(dims.begin(), dims.end()), 0);
  if (unknown >= 0 && total >= 0) {
    int64_t known = 1;
    for (int64_t dim : dims) known *= dim < 0 ? 1 : dim;
    if (known > 0 && total % known == 0) out_shape[static_cast<size_t>(unknown) + 1] = total / known;
  } else if (unknown < 0 && total >= 0 && rest != total) {
    return context.error("cannot reshape " + shape_string(x.shape) + " to target_shape " + target->dump());
  }
  std::string shape = packed_shape(context, x, dims);
  tensorflow::NodeDef* node = add_reshape(context, "Reshape", x, shape);
  context.set_output(SymbolicTensor{node->name(), out_shape, x.dtype});
  return Status::ok();
}

Status convert_permute(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  const json* dims = context.field("dims");
  if (!dims || !dims->is_array() || static_cast<int>(dims->size()) != x.rank() - 1)
    return context.error("config field 'dims' should list the " + std::to_string(x.rank() - 1) +
                         " non-batch axes of the input " + shape_string(x.shape));
  std::vector<int32_t> perm = {0};
  std::vector<bool> used(static_cast<size_t>(x.rank()), false);
  for (const json& dim : *dims) {
    int64_t axis = dim.is_number_integer() ? dim.get<int64_t>() : -1;
    if (axis < 1 || axis >= x.rank() || used[static_cast<size_t>(axis)])
      return context.error("config field 'dims' " + dims->dump() + " is not a permutation of 1.." +
                           std::to_string(x.rank() - 1));
    used[static_cast<size_t>(axis)] = true;
    perm.push_back(static_cast<int32_t>(axis));
  }
  context.set_output(transposed(context, x, perm));
  return Status::ok();
}

Status convert_repeat_vector(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  if (x.rank() != 2) return context.error("needs an input of rank 2, got shape " + shape_string(x.shape));
  MQ_ASSIGN_OR_RETURN(int64_t n, context.int_field("n", -1));
  if (n < 0) return context.error("config field 'n' is missing or negative");
  std::string dim = context.graph.add_int32_scalar(context.node_name("ExpandDims/dim"), 1);
  tensorflow::NodeDef* expanded = context.add_op("ExpandDims", "ExpandDims", {x.name, dim}, x.dtype);
  set_type_attr(expanded, "Tdim", tensorflow::DT_INT32);
  std::string multiples = context.graph.add_int32_const(context.node_name("stack"), {1, static_cast<int32_t>(n), 1});
  tensorflow::NodeDef* tiled = context.add_op("Tile", "Tile", {expanded->name(), multiples}, x.dtype);
  set_type_attr(tiled, "Tmultiples", tensorflow::DT_INT32);
  context.set_output(SymbolicTensor{tiled->name(), {x.shape[0], n, x.shape[1]}, x.dtype});
  return Status::ok();
}

// Padding or cropping amounts per spatial axis as (before, after) pairs:
// an int (all sides), a list of one int per axis, or a list of pairs.
StatusOr<std::vector<std::pair<int64_t, int64_t>>> side_amounts(const LayerContext& context, const std::string& key,
                                                                size_t axes) {
  const json* value = context.field(key);
  std::vector<std::pair<int64_t, int64_t>> out;
  Status bad = context.error("config field '" + key + "' should be an integer, " + std::to_string(axes) +
                             " integers or " + std::to_string(axes) + " pairs, found " +
                             (value ? value->dump() : std::string("nothing")));
  if (!value) return bad;
  if (value->is_number_integer() && value->get<int64_t>() >= 0 && value->get<int64_t>() <= INT32_MAX)
    return std::vector<std::pair<int64_t, int64_t>>(axes, {value->get<int64_t>(), value->get<int64_t>()});
  if (!value->is_array()) return bad;
  if (axes == 1 && value->size() == 2 && (*value)[0].is_number_integer() && (*value)[1].is_number_integer()) {
    out.emplace_back((*value)[0].get<int64_t>(), (*value)[1].get<int64_t>());
  } else if (value->size() != axes) {
    return bad;
  }
  for (const json& item : *value) {
    if (!out.empty() && axes == 1) break;
    if (item.is_number_integer()) {
      out.emplace_back(item.get<int64_t>(), item.get<int64_t>());
    } else if (item.is_array() && item.size() == 2 && item[0].is_number_integer() && item[1].is_number_integer()) {
      out.emplace_back(item[0].get<int64_t>(), item[1].get<int64_t>());
    } else {
      return bad;
    }
  }
  for (const auto& [before, after] : out)
    if (before < 0 || after < 0 || before > INT32_MAX || after > INT32_MAX) return bad;
  return out;
}

Status convert_zero_padding(LayerContext& context, size_t axes) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  MQ_ASSIGN_OR_RETURN(std::string data_format, context.string_field("data_format", "channels_last"));
  if (data_format != "channels_last") return context.unsupported("data_format '" + data_format + "' is not supported");
  const SymbolicTensor& x = context.input();
  if (x.rank() != static_cast<int>(axes) + 2)
    return context.error("needs an input of rank " + std::to_string(axes + 2) + ", got shape " + shape_string(x.shape));
  MQ_ASSIGN_OR_RETURN(auto amounts, side_amounts(context, "padding", axes));
  std::vector<int32_t> paddings = {0, 0};
  Shape shape = x.shape;
  for (size_t i = 0; i < axes; ++i) {
    paddings.push_back(static_cast<int32_t>(amounts[i].first));
    paddings.push_back(static_cast<int32_t>(amounts[i].second));
    if (shape[i + 1] >= 0) shape[i + 1] += amounts[i].first + amounts[i].second;
  }
  paddings.push_back(0);
  paddings.push_back(0);
  Tensor table(tensorflow::DT_INT32, {static_cast<int64_t>(axes) + 2, 2});
  for (size_t i = 0; i < paddings.size(); ++i) table.data<int32_t>()[i] = paddings[i];
  std::string paddings_node = context.graph.add_const(context.node_name("Pad/paddings"), table);
  tensorflow::NodeDef* pad = context.add_op("Pad", "Pad", {x.name, paddings_node}, x.dtype);
  set_type_attr(pad, "Tpaddings", tensorflow::DT_INT32);
  context.set_output(SymbolicTensor{pad->name(), shape, x.dtype});
  return Status::ok();
}

// inputs[:, top:-bottom, left:-right, :] as one StridedSlice.
Status convert_cropping(LayerContext& context, size_t axes) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  MQ_ASSIGN_OR_RETURN(std::string data_format, context.string_field("data_format", "channels_last"));
  if (data_format != "channels_last") return context.unsupported("data_format '" + data_format + "' is not supported");
  const SymbolicTensor& x = context.input();
  if (x.rank() != static_cast<int>(axes) + 2)
    return context.error("needs an input of rank " + std::to_string(axes + 2) + ", got shape " + shape_string(x.shape));
  MQ_ASSIGN_OR_RETURN(auto amounts, side_amounts(context, "cropping", axes));
  std::vector<int32_t> begin = {0}, end = {0}, strides(axes + 2, 1);
  int64_t end_mask = 1 | (int64_t{1} << (axes + 1));
  Shape shape = x.shape;
  for (size_t i = 0; i < axes; ++i) {
    begin.push_back(static_cast<int32_t>(amounts[i].first));
    end.push_back(-static_cast<int32_t>(amounts[i].second));
    if (amounts[i].second == 0) end_mask |= int64_t{1} << (i + 1);
    if (shape[i + 1] >= 0) {
      shape[i + 1] -= amounts[i].first + amounts[i].second;
      if (shape[i + 1] <= 0)
        return context.error("cropping " + context.field("cropping")->dump() + " removes all of the input " +
                             shape_string(x.shape));
    }
  }
  begin.push_back(0);
  end.push_back(0);
  std::string begin_node = context.graph.add_int32_const(context.node_name("strided_slice/stack"), begin);
  std::string end_node = context.graph.add_int32_const(context.node_name("strided_slice/stack_1"), end);
  std::string strides_node = context.graph.add_int32_const(context.node_name("strided_slice/stack_2"), strides);
  tensorflow::NodeDef* slice =
      context.add_op("strided_slice", "StridedSlice", {x.name, begin_node, end_node, strides_node}, x.dtype);
  set_type_attr(slice, "Index", tensorflow::DT_INT32);
  set_int_attr(slice, "begin_mask", 1 | (int64_t{1} << (axes + 1)));
  set_int_attr(slice, "end_mask", end_mask);
  set_int_attr(slice, "ellipsis_mask", 0);
  set_int_attr(slice, "new_axis_mask", 0);
  set_int_attr(slice, "shrink_axis_mask", 0);
  context.set_output(SymbolicTensor{slice->name(), shape, x.dtype});
  return Status::ok();
}

// ResizeNearestNeighbor / ResizeBilinear to shape[1:3] * size, the size read at run time as Keras does.
Status convert_up_sampling2d(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  MQ_ASSIGN_OR_RETURN(std::string data_format, context.string_field("data_format", "channels_last"));
  if (data_format != "channels_last") return context.unsupported("data_format '" + data_format + "' is not supported");
  const SymbolicTensor& x = context.input();
  if (x.rank() != 4) return context.error("needs an input of rank 4, got shape " + shape_string(x.shape));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> size, context.int_tuple_field("size", 2, {2, 2}));
  MQ_ASSIGN_OR_RETURN(std::string interpolation, context.string_field("interpolation", "nearest"));
  std::string op;
  if (interpolation == "nearest") {
    op = "ResizeNearestNeighbor";
  } else if (interpolation == "bilinear") {
    op = "ResizeBilinear";
  } else {
    return context.unsupported("interpolation '" + interpolation + "' is not supported (nearest and bilinear are)");
  }
  tensorflow::NodeDef* shape = context.graph.add_node(context.node_name("Shape"), "Shape", {x.name});
  set_type_attr(shape, "T", x.dtype);
  set_type_attr(shape, "out_type", tensorflow::DT_INT32);
  std::string begin = context.graph.add_int32_const(context.node_name("strided_slice/stack"), {1});
  std::string end = context.graph.add_int32_const(context.node_name("strided_slice/stack_1"), {3});
  std::string step = context.graph.add_int32_const(context.node_name("strided_slice/stack_2"), {1});
  tensorflow::NodeDef* spatial =
      context.add_op("strided_slice", "StridedSlice", {shape->name(), begin, end, step}, tensorflow::DT_INT32);
  set_type_attr(spatial, "Index", tensorflow::DT_INT32);
  for (const char* mask : {"begin_mask", "ellipsis_mask", "end_mask", "new_axis_mask", "shrink_axis_mask"})
    set_int_attr(spatial, mask, 0);
  std::string factors = context.graph.add_int32_const(
      context.node_name("Const"), {static_cast<int32_t>(size[0]), static_cast<int32_t>(size[1])});
  tensorflow::NodeDef* new_size = context.add_op("mul", "Mul", {spatial->name(), factors}, tensorflow::DT_INT32);
  tensorflow::NodeDef* resize = context.add_op(op, op, {x.name, new_size->name()}, x.dtype);
  set_bool_attr(resize, "align_corners", false);
  set_bool_attr(resize, "half_pixel_centers", context.settings.half_pixel_centers);
  Shape out_shape = x.shape;
  for (int i = 1; i <= 2; ++i)
    if (out_shape[static_cast<size_t>(i)] >= 0) out_shape[static_cast<size_t>(i)] *= size[static_cast<size_t>(i - 1)];
  context.set_output(SymbolicTensor{resize->name(), out_shape, x.dtype});
  return Status::ok();
}

Status convert_zero_padding1d(LayerContext& context) { return convert_zero_padding(context, 1); }
Status convert_zero_padding2d(LayerContext& context) { return convert_zero_padding(context, 2); }
Status convert_cropping1d(LayerContext& context) { return convert_cropping(context, 1); }
Status convert_cropping2d(LayerContext& context) { return convert_cropping(context, 2); }

}  // namespace

void register_reshaping_layers(LayerTable& table) {
  table.add("Flatten", convert_flatten);
  table.add("Reshape", convert_reshape);
  table.add("Permute", convert_permute);
  table.add("RepeatVector", convert_repeat_vector);
  table.add("ZeroPadding1D", convert_zero_padding1d);
  table.add("ZeroPadding2D", convert_zero_padding2d);
  table.add("Cropping1D", convert_cropping1d);
  table.add("Cropping2D", convert_cropping2d);
  table.add("UpSampling2D", convert_up_sampling2d);
}

}  // namespace mq::keras
