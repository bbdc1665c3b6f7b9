// The library's front: what the seed project offered (transform_graph,
// summarize_graph, the recipe lists and their get_*_for_shape variants) and
// the same on bytes in memory, which the WebAssembly module and the CLI use.
//
//   mq::api::transform_graph("model.pb", "out", "model_opt.pb", {"input"}, {"softmax"},
//                            mq::get_optimizing_for_deployment_for_shape("1,224,224,3"));
//   mq::api::summarize_graph("model.pb")  → GraphSummary
//
// The recipe lists themselves are in core/transforms/recipes.h (included).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/graph_io.h"
#include "core/proto/graph.pb.h"
#include "core/summarize/summarize.h"
#include "core/transforms/apply_transforms.h"
#include "core/transforms/recipes.h"
#include "core/transforms/transform_string.h"
#include "core/util/status.h"

namespace mq::api {

// What to run: a transform string, or a recipe (with an optional shape).
struct TransformRequest {
  std::string transforms;  // "strip_unused_nodes(type=float) quantize_weights"
  std::string recipe;      // or a recipe name (recipes.h)
  std::string shape;       // for the recipe's strip_unused_nodes: "1,224,224,3"
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  // Empty inputs/outputs mean the graph's Placeholders / unconsumed nodes
  // (summarize_graph's detection), and names given must be nodes of the
  // graph. TensorFlow's transform_graph passes the lists on as they are
  // (each transform reads them its own way): false gives its behaviour.
  bool detect_missing_names = true;
};

struct TransformOutcome {
  tensorflow::GraphDef graph;
  std::vector<std::string> inputs;   // the --inputs used
  std::vector<std::string> outputs;  // the --outputs used
  std::string transforms;            // the transform string that ran
  std::vector<TransformStepReport> steps;
  std::vector<std::string> warnings;  // from parsing the transform string
  int nodes_before = 0, nodes_after = 0;
  uint64_t bytes_before = 0, bytes_after = 0;  // serialized graph sizes
};

// Runs the request on `graph`. Failures: a transform string that does not
// parse (the message says where), an unknown transform, recipe or parameter,
// an empty transform list, an input or output that is not a node, a failing
// transform.
StatusOr<TransformOutcome> transform(const tensorflow::GraphDef& graph, const TransformRequest& request,
                                     const TransformOptions& options = {});
// The same on a graph the caller no longer needs (moved in, not copied).
StatusOr<TransformOutcome> transform(tensorflow::GraphDef&& graph, const TransformRequest& request,
                                     const TransformOptions& options = {});

// A report of the run as JSON, shared by `modelquant transform --json` and the
// wasm module: {"inputs":[…],"outputs":[…],"transforms":"…",
// "before":{"nodes":…,"bytes":…},"after":{"nodes":…,"bytes":…},
// "warnings":[…],"steps":[… as transform_steps_json …],
// "tensors":[… every step's tensors, as tensor_reports_json …]}
std::string transform_report_json(const TransformOutcome& outcome);

// The line of `text` holding the parse error and a caret under the offending
// character, for a person to see where the transform string went wrong:
//   strip_unused_nodes(type=float shape="1,2")
//                                ^
std::string point_at_error(std::string_view text, const TransformStringError& error);

// In memory: model bytes (binary or text GraphDef) in, transformed bytes out.
struct TransformedModel {
  std::string bytes;
  TransformOutcome outcome;  // outcome.graph is left empty
};
StatusOr<TransformedModel> transform_bytes(std::string_view model, const std::string& source_name,
                                           const TransformRequest& request, GraphFormat output_format,
                                           const TransformOptions& options = {});
// The same on bytes the caller no longer needs: they are freed as soon as
// they are parsed, so the model is not held twice while it is transformed.
StatusOr<TransformedModel> transform_owned_bytes(std::string&& model, const std::string& source_name,
                                                 const TransformRequest& request, GraphFormat output_format,
                                                 const TransformOptions& options = {});

// The seed's transform_graph: reads path_to_model, runs `transforms` (one
// transform per entry, e.g. a recipe list) with the given inputs and outputs
// (no detection, as in TensorFlow), and writes save_dir/file_name (binary,
// or text when file_name ends in .pbtxt/.txt/.pbtext).
Status transform_graph(const std::string& path_to_model, const std::string& save_dir, const std::string& file_name,
                       const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                       const std::vector<std::string>& transforms);

// The seed's summarize_graph: what TensorFlow's summarize_graph reports.
StatusOr<GraphSummary> summarize_graph(const std::string& path_to_model);
StatusOr<GraphSummary> summarize_graph_bytes(std::string_view model, const std::string& source_name);

}  // namespace mq::api
