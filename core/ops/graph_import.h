// What TensorFlow's graph importer does to a GraphDef before anything runs on
// it, as fold_constants needs it: every node's op must be registered (or be a
// function of the graph's library) and not deprecated at the graph's producer
// version; missing attributes get their registry defaults; attributes and the
// number of data inputs must agree with the op's definition; duplicate
// control inputs go; `_output_shapes` is read as a shape hint and dropped.
// Nodes come out in TensorFlow's creation order: among the nodes whose inputs
// all exist, the one with the smallest original index is created next (loops
// enter only through a Merge fed by a NextIteration).
#pragma once

#include <string>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

struct ImportedInput {
  int node = -1;  // index into ImportedGraph::nodes
  int port = 0;
};

struct ImportedNode {
  tensorflow::NodeDef def;               // defaults added, `_output_shapes` removed; inputs as in the file
  int original_index = 0;                // position in the input GraphDef
  std::vector<ImportedInput> data_inputs;  // one per data input, in slot order
  std::vector<int> control_inputs;       // producers of "^name" inputs, first occurrence kept
  std::vector<tensorflow::DataType> output_types;
  // The `_output_shapes` attribute's shapes when it was present and kept.
  bool has_shape_hints = false;
  std::vector<tensorflow::TensorShapeProto> shape_hints;
};

struct ImportedGraph {
  std::vector<ImportedNode> nodes;  // creation order
};

struct ImportOptions {
  // Remove `_output_shapes` from every node first (no shape hints).
  bool clear_output_shapes = true;
};

// Fails with TensorFlow's messages: "Op type not registered 'Foo' (node 'x'):
// …", "Node 'x': Unknown input node 'y'", "Op Foo is not available in
// GraphDef version 27. It has been removed in version 9.", "NodeDef missing
// attr 'T' from Op<name=Add> (node 'x')", "NodeDef mentions attr 'foo' not in
// Op<name=Add> (node 'x')", "Node 'x': expected 2 data inputs for op Add but
// the node has 3", "Node 'x': Connecting to invalid output 3 of source node y
// which has 1 outputs", or a cycle that is not a loop.
StatusOr<ImportedGraph> import_graph(const tensorflow::GraphDef& graph, const ImportOptions& options);

}  // namespace mq
