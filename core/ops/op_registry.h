// TensorFlow's op registry as far as the transforms need it: for each of the
// 1563 TF 2.21 ops its input/output arguments, attributes with defaults,
// statefulness and deprecation. The data is generated from the op table of
// the specification (scripts/gen_op_registry.py → op_registry_data.inc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// The OpDef of a registered op, or nullptr. OpDef carries what the registry
// knows: input_arg/output_arg (type, type_attr, number_attr, type_list_attr,
// is_ref), attr (name, type, default_value when there is one), is_stateful
// and deprecation.version (0 = not deprecated).
const tensorflow::OpDef* find_op_def(std::string_view op);

// The OpDef for `op` among the graph's library function signatures first,
// then the registry; nullptr when neither knows it.
const tensorflow::OpDef* find_op_def(std::string_view op, const tensorflow::FunctionDefLibrary& library);

// How many ops the registry holds.
int registered_op_count();

// The error TensorFlow reports for an unknown op, naming the node:
// "Op type not registered 'FooBar' (node 'x'): ...".
Status op_not_registered(const std::string& op, const std::string& node_name);

// Adds every attribute of `op_def` that has a default and is missing from
// `node`. Existing attributes are never changed. Returns how many were added.
int add_default_attributes(const tensorflow::OpDef& op_def, tensorflow::NodeDef* node);

// The data types of a node's outputs (or inputs), one per tensor, resolved
// from the node's attributes with the OpDef's defaults for missing ones.
// Fails, naming the node and attribute, when a needed attribute is absent
// or has the wrong kind.
StatusOr<std::vector<tensorflow::DataType>> output_types_of(const tensorflow::NodeDef& node,
                                                          const tensorflow::OpDef& op_def);
StatusOr<std::vector<tensorflow::DataType>> input_types_of(const tensorflow::NodeDef& node,
                                                         const tensorflow::OpDef& op_def);

}  // namespace mq
