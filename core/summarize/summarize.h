// What a frozen graph contains, in the words of TensorFlow's summarize_graph
// tool (facts: spec/summarize-graph.md): the Placeholder inputs, the outputs
// nobody consumes, how many constant parameters, which ops; plus what a
// person deploying the model wants to know (file size, bytes of weights per
// dtype, the largest tensors).
//
// summarize_graph() only reads the graph; the renderers turn a GraphSummary
// into GTT's exact text report or into JSON. Nothing here prints: warnings
// TensorFlow would log go into GraphSummary::warnings for the shell to show.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// What a Placeholder's (or Variable's) `shape` attr says.
enum class ShapeKnowledge {
  kAbsent,        // no `shape` attr: GTT prints "None"
  kUnknownRank,   // unknown_rank: GTT prints "<unknown>"
  kKnown,         // dims (−1 for an unknown size): "[?,224,224,3]"
  kInvalid,       // a malformed shape proto: GTT prints the validation message
};

// A Placeholder input or a Variable.
struct GraphInput {
  std::string name;
  tensorflow::DataType dtype = tensorflow::DT_INVALID;  // DT_INVALID without a `dtype` attr
  ShapeKnowledge shape_knowledge = ShapeKnowledge::kAbsent;
  std::vector<int64_t> dims;   // for kKnown
  std::string shape_problem;   // for kInvalid
};

struct GraphOutput {
  std::string name;
  std::string op;
};

// One constant tensor, for the "largest tensors" list.
struct TensorSize {
  std::string name;  // the Const node
  tensorflow::DataType dtype = tensorflow::DT_INVALID;
  std::vector<int64_t> shape;
  unsigned long long bytes = 0;
};

struct InvalidInput {
  std::string missing_node;  // the name the input refers to
  std::string node;          // the node that has the input
};

struct GraphSummary {
  unsigned long long file_size = 0;
  int node_count = 0;
  std::vector<GraphInput> inputs;      // op Placeholder, graph order
  std::vector<GraphInput> variables;   // op Variable / VariableV2, graph order
  std::vector<GraphOutput> outputs;    // consumed by nobody, not Const/Assign/NoOp/Placeholder
  long long const_parameter_count = 0;     // elements of every decodable Const value
  long long variable_parameter_count = 0;  // elements of Variables that carry a value
  long long control_edge_count = 0;        // "^name" inputs
  std::map<std::string, int> nodes_per_device;  // non-empty devices, byte order
  std::vector<InvalidInput> invalid_inputs;     // inputs naming missing nodes
  // Ops with their node counts (graph plus function library), in GTT's order:
  // by count, descending, ties as GNU libstdc++'s std::sort leaves them.
  std::vector<std::pair<std::string, long long>> op_counts;
  // Bytes of Const values by dtype name ("float"), and the ten largest.
  std::map<std::string, unsigned long long> weight_bytes_by_dtype;
  std::vector<TensorSize> largest_tensors;
  // What TensorFlow logs to stderr while summarizing
  // ("Decoding Tensor failed for node<name>").
  std::vector<std::string> warnings;
};

// How many tensors largest_tensors keeps.
constexpr size_t kLargestTensorCount = 10;

GraphSummary summarize_graph(const tensorflow::GraphDef& graph, unsigned long long file_size);

// GTT's report, lines 1–8 of summarize-graph.md §1 (inputs … benchmark
// command), exactly as summarize_graph prints it for --in_graph=<in_graph>.
// When the graph has invalid inputs the report stops after the "Invalid
// input" lines, as GTT's does; the caller then reports the error.
std::string render_summary_text(const GraphSummary& summary, const std::string& in_graph);

// The --print_structure listing: every node in execution order (the LIFO
// sort of transforms.md §0.3) as "<name> (<op>): [<inputs>]", Const nodes
// with ", value=<Tensor DebugString>". Fails when the graph has a cycle or an
// input naming a missing node; warnings for undecodable Const values are
// appended to `warnings`.
StatusOr<std::string> render_structure_text(const tensorflow::GraphDef& graph, std::vector<std::string>* warnings);

// One node of the structure listing, for the JSON form.
struct StructureEntry {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;
  std::string value;  // Tensor DebugString of a Const, else empty
};
StatusOr<std::vector<StructureEntry>> graph_structure(const tensorflow::GraphDef& graph,
                                                      std::vector<std::string>* warnings);

// The JSON form, shared by the CLI (--json), the WASM module and the web page.
// `model_path` appears in the suggested command lines. With `structure`
// (optional) the document gains a "structure" array.
//
// Keys, always present and in this order (the contract; add keys, never rename):
//   "file_size":        bytes of the model file (number)
//   "node_count":       nodes in the graph, not counting the function library
//   "inputs":           [{"name", "dtype", "shape"}] for every Placeholder;
//                       "dtype" is TensorFlow's name ("float", "int32", "INVALID"
//                       when absent), "shape" a list of ints with -1 for an
//                       unknown size, or null when the rank is unknown, the
//                       attr is absent or invalid
//   "outputs":          [names] of the nodes nobody consumes (GTT's rule)
//   "parameter_count":  elements of all Const values
//   "op_counts":        {op: count}, in GTT's order (by count, descending)
//   "weight_bytes_by_dtype": {dtype name: bytes of Const values}
//   "largest_tensors":  up to 10 [{"name", "dtype", "shape":[..], "bytes"}],
//                       largest first, ties in graph order
//   "variables":        [{"name", "dtype", "shape"}] for Variable/VariableV2
//   "variable_parameter_count", "control_edge_count": numbers
//   "devices":          {device: node count}
//   "invalid_inputs":   [{"node", "missing"}]
//   "warnings":         [strings]
//   "suggested_commands": {"benchmark_model": GTT's suggested command line,
//                          "transform_graph": a typical optimization command}
// Optional: "structure": [{"name", "op", "inputs":[..], "value"?}]
std::string render_summary_json(const GraphSummary& summary, const std::string& model_path,
                                const std::vector<StructureEntry>* structure = nullptr);

// The benchmark_model command GTT suggests (line 8 of its report, without
// the preceding line).
std::string suggested_benchmark_command(const GraphSummary& summary, const std::string& in_graph);
// A transform_graph command line with this graph's inputs and outputs filled
// in and the usual deployment transforms.
std::string suggested_transform_command(const GraphSummary& summary, const std::string& in_graph);

// TensorFlow's HumanReadableNum: 999 → "999", 1500 → "1.50k", 23851784 → "23.85M".
std::string human_readable_number(long long value);

// The shape text GTT prints in its "(name=…, type=…, shape=…)" items.
std::string shape_text(const GraphInput& input);

}  // namespace mq
