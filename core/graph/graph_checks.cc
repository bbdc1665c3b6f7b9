#include "core/graph/graph_checks.h"

#include "core/eval/tensor.h"
#include "core/eval/tensor_proto.h"
#include "core/graph/graph_index.h"
#include "core/ops/op_registry.h"

namespace mq {

namespace {

std::string node_label(const tensorflow::NodeDef& node) { return "node '" + node.name() + "' (op " + node.op() + ")"; }

// The checks of one Const value that need no decoding of its elements: the
// dtype attribute, the shape, and the size of tensor_content.
Status check_const_value(const tensorflow::NodeDef& node) {
  auto value = node.attr().find("value");
  if (value == node.attr().end()) return Status::error("has no attribute 'value'");
  if (value->second.value_case() != tensorflow::AttrValue::kTensor)
    return Status::error("attribute 'value' is a " + std::string(attr_value_kind(value->second)) +
                         ", not a tensor");
  const tensorflow::TensorProto& tensor = value->second.tensor();
  auto dtype = node.attr().find("dtype");
  if (dtype != node.attr().end() && dtype->second.value_case() == tensorflow::AttrValue::kType &&
      dtype->second.type() != tensor.dtype())
    return Status::error("attribute 'dtype' is " + dtype_name(dtype->second.type()) + " but attribute 'value' holds " +
                         dtype_name(tensor.dtype()));
  StatusOr<Shape> shape = shape_from_proto(tensor.tensor_shape());
  if (!shape.is_ok()) return Status::error("attribute 'value': " + shape.status().message());
  if (tensor.dtype() == tensorflow::DT_INVALID) return Status::error("attribute 'value' has no dtype");
  size_t element = dtype_size(tensor.dtype());
  if (!tensor.tensor_content().empty() && element > 0) {
    int64_t count = num_elements(*shape);
    unsigned long long needed = static_cast<unsigned long long>(count) * element;
    if (count > 0 && needed / element != static_cast<unsigned long long>(count)) needed = ~0ULL;
    if (tensor.tensor_content().size() != needed)
      return Status::error("attribute 'value': tensor_content has " + std::to_string(tensor.tensor_content().size()) +
                           " bytes but a " + dtype_name(tensor.dtype()) + " tensor of shape " +
                           shape_string(*shape) + " needs " + std::to_string(needed));
  }
  return Status::ok();
}

Status check_attribute_kinds(const tensorflow::NodeDef& node, const tensorflow::OpDef& op_def) {
  for (const auto& attr : op_def.attr()) {
    auto found = node.attr().find(attr.name());
    if (found == node.attr().end()) continue;
    if (!attr_value_fits(found->second, attr.type()))
      return Status::error("attribute '" + attr.name() + "' should be a " + attr.type() + " but is a " +
                           attr_value_kind(found->second));
  }
  return Status::ok();
}

}  // namespace

const char* attr_value_kind(const tensorflow::AttrValue& value) {
  switch (value.value_case()) {
    case tensorflow::AttrValue::kList: return "list";
    case tensorflow::AttrValue::kS: return "string";
    case tensorflow::AttrValue::kI: return "int";
    case tensorflow::AttrValue::kF: return "float";
    case tensorflow::AttrValue::kB: return "bool";
    case tensorflow::AttrValue::kType: return "type";
    case tensorflow::AttrValue::kShape: return "shape";
    case tensorflow::AttrValue::kTensor: return "tensor";
    case tensorflow::AttrValue::kPlaceholder: return "placeholder";
    case tensorflow::AttrValue::kFunc: return "func";
    case tensorflow::AttrValue::VALUE_NOT_SET: return "nothing";
  }
  return "nothing";
}

bool attr_value_fits(const tensorflow::AttrValue& value, const std::string& op_def_type) {
  // A function's placeholder stands for any kind; an unset value is what an
  // empty list looks like once serialized.
  if (value.value_case() == tensorflow::AttrValue::kPlaceholder ||
      value.value_case() == tensorflow::AttrValue::VALUE_NOT_SET)
    return true;
  if (op_def_type.rfind("list(", 0) == 0) return value.value_case() == tensorflow::AttrValue::kList;
  if (op_def_type == "string") return value.value_case() == tensorflow::AttrValue::kS;
  if (op_def_type == "int") return value.value_case() == tensorflow::AttrValue::kI;
  if (op_def_type == "float") return value.value_case() == tensorflow::AttrValue::kF;
  if (op_def_type == "bool") return value.value_case() == tensorflow::AttrValue::kB;
  if (op_def_type == "type") return value.value_case() == tensorflow::AttrValue::kType;
  if (op_def_type == "shape") return value.value_case() == tensorflow::AttrValue::kShape;
  if (op_def_type == "tensor") return value.value_case() == tensorflow::AttrValue::kTensor;
  if (op_def_type == "func") return value.value_case() == tensorflow::AttrValue::kFunc;
  return true;  // a kind this check does not know ("any")
}

Status check_graph_well_formed(const tensorflow::GraphDef& graph, const std::string& source) {
  GraphIndex index(graph);
  Status structure = index.validate();
  if (!structure.is_ok()) return structure.with_context(source);
  for (const tensorflow::NodeDef& node : graph.node()) {
    Status problem;
    if (node.op() == "Const") problem = check_const_value(node);
    if (problem.is_ok()) {
      const tensorflow::OpDef* op_def = find_op_def(node.op(), graph.library());
      if (op_def != nullptr) problem = check_attribute_kinds(node, *op_def);
    }
    if (!problem.is_ok()) return Status::error(source + ": " + node_label(node) + " " + problem.message());
  }
  return Status::ok();
}

}  // namespace mq
