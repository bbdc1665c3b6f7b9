#include "core/ops/op_registry.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace mq {
namespace {

struct OpArgRecord {
  const char* name;
  int type;  // a DataType value, 0 when the type comes from an attribute
  const char* type_attr;
  const char* number_attr;
  const char* type_list_attr;
  bool is_ref;
};

struct OpAttrRecord {
  const char* name;
  const char* kind;  // "type", "int", "list(shape)", ...
  bool has_default;
  int default_size;
  const char* default_bytes;  // serialized AttrValue
};

struct OpRecord {
  const char* name;
  bool stateful;
  int deprecation_version;
  int first_input, input_count;
  int first_output, output_count;
  int first_attr, attr_count;
};

#include "core/ops/op_registry_data.inc"

constexpr int kOpCount = static_cast<int>(sizeof(kOpRecords) / sizeof(kOpRecords[0]));

void fill_arg(const OpArgRecord& record, tensorflow::OpDef::ArgDef* arg) {
  arg->set_name(record.name);
  if (record.type != 0) arg->set_type(static_cast<tensorflow::DataType>(record.type));
  arg->set_type_attr(record.type_attr);
  arg->set_number_attr(record.number_attr);
  arg->set_type_list_attr(record.type_list_attr);
  arg->set_is_ref(record.is_ref);
}

tensorflow::OpDef build_op_def(const OpRecord& record) {
  tensorflow::OpDef op;
  op.set_name(record.name);
  for (int i = 0; i < record.input_count; ++i) fill_arg(kOpArgs[record.first_input + i], op.add_input_arg());
  for (int i = 0; i < record.output_count; ++i) fill_arg(kOpArgs[record.first_output + i], op.add_output_arg());
  for (int i = 0; i < record.attr_count; ++i) {
    const OpAttrRecord& attr_record = kOpAttrs[record.first_attr + i];
    tensorflow::OpDef::AttrDef* attr = op.add_attr();
    attr->set_name(attr_record.name);
    attr->set_type(attr_record.kind);
    if (attr_record.has_default) {
      // The generator wrote these bytes; a parse failure would be a generator bug
      // caught by the registry tests.
      attr->mutable_default_value()->ParseFromArray(attr_record.default_bytes, attr_record.default_size);
    }
  }
  op.set_is_stateful(record.stateful);
  if (record.deprecation_version != 0) op.mutable_deprecation()->set_version(record.deprecation_version);
  return op;
}

// Each OpDef is built the first time its op is looked up (not at load time,
// and not all 1,563 at once: a graph uses a few dozen op types, and building
// every one cost about 3 MB and a few milliseconds on each run). The records
// are sorted by name; a built OpDef never moves.
const tensorflow::OpDef& op_def_at(size_t index) {
  static std::vector<std::unique_ptr<tensorflow::OpDef>> op_defs(static_cast<size_t>(kOpCount));
  static std::mutex building;
  std::lock_guard<std::mutex> lock(building);
  std::unique_ptr<tensorflow::OpDef>& def = op_defs[index];
  if (!def) def = std::make_unique<tensorflow::OpDef>(build_op_def(kOpRecords[index]));
  return *def;
}

const tensorflow::AttrValue* attr_or_default(const tensorflow::NodeDef& node, const tensorflow::OpDef& op_def,
                                             const std::string& name) {
  auto found = node.attr().find(name);
  if (found != node.attr().end()) return &found->second;
  for (const auto& attr : op_def.attr())
    if (attr.name() == name && attr.has_default_value()) return &attr.default_value();
  return nullptr;
}

Status missing_attr(const tensorflow::NodeDef& node, const std::string& name, const char* kind) {
  return Status::error("node '" + node.name() + "' (" + node.op() + ") needs a " + kind + " attribute '" + name +
                       "' to know its input and output types");
}

Status append_arg_types(const tensorflow::NodeDef& node, const tensorflow::OpDef& op_def,
                        const tensorflow::OpDef::ArgDef& arg, std::vector<tensorflow::DataType>* types) {
  if (!arg.type_list_attr().empty()) {
    const tensorflow::AttrValue* list = attr_or_default(node, op_def, arg.type_list_attr());
    if (list == nullptr || !list->has_list()) return missing_attr(node, arg.type_list_attr(), "list(type)");
    for (int type : list->list().type()) types->push_back(static_cast<tensorflow::DataType>(type));
    return Status::ok();
  }
  tensorflow::DataType type = arg.type();
  if (!arg.type_attr().empty()) {
    const tensorflow::AttrValue* value = attr_or_default(node, op_def, arg.type_attr());
    if (value == nullptr || value->value_case() != tensorflow::AttrValue::kType)
      return missing_attr(node, arg.type_attr(), "type");
    type = value->type();
  }
  int64_t count = 1;
  if (!arg.number_attr().empty()) {
    const tensorflow::AttrValue* value = attr_or_default(node, op_def, arg.number_attr());
    if (value == nullptr || value->value_case() != tensorflow::AttrValue::kI)
      return missing_attr(node, arg.number_attr(), "int");
    count = value->i();
    if (count < 0 || count > 1000000)
      return Status::error("node '" + node.name() + "' (" + node.op() + ") has an impossible count " +
                           std::to_string(count) + " in attribute '" + arg.number_attr() + "'");
  }
  if (arg.is_ref()) type = static_cast<tensorflow::DataType>(type + 100);
  for (int64_t i = 0; i < count; ++i) types->push_back(type);
  return Status::ok();
}

StatusOr<std::vector<tensorflow::DataType>> arg_types(
    const tensorflow::NodeDef& node, const tensorflow::OpDef& op_def,
    const google::protobuf::RepeatedPtrField<tensorflow::OpDef::ArgDef>& args) {
  std::vector<tensorflow::DataType> types;
  for (const auto& arg : args) MQ_RETURN_IF_ERROR(append_arg_types(node, op_def, arg, &types));
  return types;
}

}  // namespace

const tensorflow::OpDef* find_op_def(std::string_view op) {
  const OpRecord* end = kOpRecords + kOpCount;
  const OpRecord* found = std::lower_bound(kOpRecords, end, op, [](const OpRecord& record, std::string_view name) {
    return std::string_view(record.name) < name;
  });
  if (found == end || std::string_view(found->name) != op) return nullptr;
  return &op_def_at(static_cast<size_t>(found - kOpRecords));
}

const tensorflow::OpDef* find_op_def(std::string_view op, const tensorflow::FunctionDefLibrary& library) {
  for (const auto& function : library.function())
    if (function.signature().name() == op) return &function.signature();
  return find_op_def(op);
}

int registered_op_count() { return kOpCount; }

Status op_not_registered(const std::string& op, const std::string& node_name) {
  return Status::error("Op type not registered '" + op + "' (node '" + node_name +
                       "'): it is neither one of the " + std::to_string(kOpCount) +
                       " TensorFlow 2.21 ops nor a function of the graph's library");
}

int add_default_attributes(const tensorflow::OpDef& op_def, tensorflow::NodeDef* node) {
  int added = 0;
  for (const auto& attr : op_def.attr()) {
    if (!attr.has_default_value() || node->attr().count(attr.name())) continue;
    (*node->mutable_attr())[attr.name()] = attr.default_value();
    ++added;
  }
  return added;
}

StatusOr<std::vector<tensorflow::DataType>> output_types_of(const tensorflow::NodeDef& node,
                                                          const tensorflow::OpDef& op_def) {
  return arg_types(node, op_def, op_def.output_arg());
}

StatusOr<std::vector<tensorflow::DataType>> input_types_of(const tensorflow::NodeDef& node,
                                                         const tensorflow::OpDef& op_def) {
  return arg_types(node, op_def, op_def.input_arg());
}

}  // namespace mq
