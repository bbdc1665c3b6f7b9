// Checks a graph must pass before a command transforms or runs it, so that a
// broken file stops with one message naming the file, the node and the field
// instead of an odd result later: duplicate or empty node names, inputs
// naming missing nodes, cycles, Const values that do not decode (tensor_content
// whose size disagrees with the shape and dtype, negative or overflowing
// dims, a `dtype` attribute that is not the value's), and attributes of the
// wrong kind for a registered op (a string where the op wants a type).
// Unknown ops pass: custom ops are legitimate in a graph being transformed;
// `run` reports them when it needs a kernel. summarize does not use this: it
// reports what it finds.
#pragma once
#include <string>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// ok, or the first problem as "<source>: node 'x' (op Const) attribute
// 'value': tensor_content has 3 bytes but a float tensor of shape [2] needs 8".
Status check_graph_well_formed(const tensorflow::GraphDef& graph, const std::string& source);

// The kind an attribute value has ("type", "string", "list", ...; "nothing"
// when unset), and whether it suits an OpDef attribute type ("type",
// "list(int)", ...).
const char* attr_value_kind(const tensorflow::AttrValue& value);
bool attr_value_fits(const tensorflow::AttrValue& value, const std::string& op_def_type);

}  // namespace mq
