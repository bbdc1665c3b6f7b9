// Graph surgery shared by the transforms, written once: renaming the inputs
// that refer to a node (data and control), removing a pass-through node and
// rewiring its consumers, and building the Const nodes transforms create.
// Names are read the Graph Transform Tool's way (input_names.h).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// GTT's RenameNodeInputs. `renames` maps a source to a destination input:
// a plain source ("a", "a:1", "^a") replaces inputs equal to it once both are
// canonical ("a" matches "a" and "a:0", not "a:1" nor "^a") with the
// destination string as is; a source "a:*" replaces the node name of any
// input naming "a" and keeps that input's own "^" and ":port". Chains are
// followed (a→b, b→c turns "a" into "c"); a chain that comes back to a node
// it already renamed is an error ("RenameNodeInputs argument contains a
// cycle for <name>"). Nodes named in `nodes_to_ignore` keep their inputs.
// Node order and everything else is kept; `out` may be `&graph`.
Status rename_node_inputs(const tensorflow::GraphDef& graph, const std::map<std::string, std::string>& renames,
                          const std::set<std::string>& nodes_to_ignore, tensorflow::GraphDef* out);

// Producer name → indices of the nodes reading it (data or control), in
// graph order; a node that reads a producer twice appears twice.
std::unordered_map<std::string, std::vector<int>> consumers_by_name(const tensorflow::GraphDef& graph);

// Rewrites every input naming `old_name` (any port, data or control) to name
// `new_name`, keeping its "^" and ":port". Returns how many inputs changed.
int rename_input_references(tensorflow::GraphDef* graph, std::string_view old_name, const std::string& new_name);

// Removes the node called `name`, which must have exactly one data input, and
// rewires its consumers: "name" and "name:0" become that input (keeping its
// port), "^name" becomes a control input on the input's node (dropped when
// the consumer already has it). The node's own control inputs are added to
// each data consumer so ordering constraints survive. Fails, changing
// nothing, when the node is missing, does not have exactly one data input,
// or a consumer reads one of its other outputs.
Status remove_node_and_rewire(tensorflow::GraphDef* graph, std::string_view name);

// Removes every input starting with '^' from `node`; returns how many.
int remove_control_inputs(tensorflow::NodeDef* node);

// A Const node the way GTT creates one: attrs `dtype` and `value` only, the
// value holding `shape` and the raw little-endian bytes in tensor_content.
tensorflow::NodeDef make_const_node(const std::string& name, tensorflow::DataType dtype,
                                    const std::vector<int64_t>& shape, std::string raw_bytes);
tensorflow::NodeDef make_float_const_node(const std::string& name, const std::vector<int64_t>& shape,
                                          const std::vector<float>& values);
tensorflow::NodeDef make_int32_const_node(const std::string& name, const std::vector<int64_t>& shape,
                                          const std::vector<int32_t>& values);

// Copies attribute `key` from `from` to `to`; fails naming the node and the
// attribute when `from` lacks it.
Status copy_attr(const tensorflow::NodeDef& from, const std::string& key, tensorflow::NodeDef* to,
                 const std::string& new_key = "");

}  // namespace mq
