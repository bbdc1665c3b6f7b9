#include "core/api.h"

#include <set>

#include "core/graph/graph_checks.h"
#include "core/graph/input_names.h"
#include "core/io/file.h"
#include "core/util/json_quote.h"

namespace mq::api {
namespace {

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_quote(items[i]);
  return out + "]";
}

std::string join_transforms(const std::vector<std::string>& transforms) {
  std::string out;
  for (size_t i = 0; i < transforms.size(); ++i) out += (i ? " " : "") + transforms[i];
  return out;
}

// Every given input/output name must be a node of the graph.
Status check_names_exist(const tensorflow::GraphDef& graph, const std::vector<std::string>& names, const char* flag) {
  if (names.empty()) return Status::ok();
  std::set<std::string> nodes;
  for (const tensorflow::NodeDef& node : graph.node()) nodes.insert(node.name());
  for (const std::string& name : names) {
    if (name.empty()) return Status::error(std::string(flag) + " has an empty name; remove the stray ','");
    if (!nodes.count(node_name_from_input(name)))
      return Status::error(std::string(flag) + " names '" + name + "', which is not a node of the graph");
  }
  return Status::ok();
}

}  // namespace

StatusOr<TransformOutcome> transform(const tensorflow::GraphDef& graph, const TransformRequest& request,
                                     const TransformOptions& options) {
  return transform(tensorflow::GraphDef(graph), request, options);
}

StatusOr<TransformOutcome> transform(tensorflow::GraphDef&& graph, const TransformRequest& request,
                                     const TransformOptions& options) {
  const bool has_transforms = !request.transforms.empty();
  const bool has_recipe = !request.recipe.empty();
  if (has_transforms == has_recipe)
    return Status::error(has_recipe ? "give either a transform string or a recipe, not both"
                                    : "nothing to do: give a transform string (e.g. quantize_weights) or a recipe");
  if (!has_recipe && !request.shape.empty())
    return Status::error("a shape goes with a recipe; in a transform string write it into strip_unused_nodes(shape=…)");

  if (request.detect_missing_names) {
    MQ_RETURN_IF_ERROR(check_names_exist(graph, request.inputs, "--inputs"));
    MQ_RETURN_IF_ERROR(check_names_exist(graph, request.outputs, "--outputs"));
  }

  TransformOutcome outcome;
  if (has_recipe) {
    MQ_ASSIGN_OR_RETURN(RecipePlan plan, plan_recipe(graph, request.recipe, request.shape, request.inputs,
                                                     request.outputs));
    outcome.inputs = std::move(plan.inputs);
    outcome.outputs = std::move(plan.outputs);
    outcome.transforms = std::move(plan.transform_text);
  } else {
    outcome.inputs = request.inputs;
    outcome.outputs = request.outputs;
    outcome.transforms = request.transforms;
    if (request.detect_missing_names && (outcome.inputs.empty() || outcome.outputs.empty())) {
      GraphSummary summary = mq::summarize_graph(graph, 0);
      if (outcome.inputs.empty())
        for (const GraphInput& input : summary.inputs) outcome.inputs.push_back(input.name);
      if (outcome.outputs.empty())
        for (const GraphOutput& output : summary.outputs) outcome.outputs.push_back(output.name);
    }
  }

  MQ_ASSIGN_OR_RETURN(TransformList list, parse_transform_string(outcome.transforms, nullptr, &outcome.warnings));
  if (list.empty()) return Status::error("You must specify at least one transform.");
  outcome.nodes_before = graph.node_size();
  outcome.bytes_before = graph.ByteSizeLong();
  MQ_ASSIGN_OR_RETURN(TransformResult result,
                      apply_transforms(std::move(graph), list, outcome.inputs, outcome.outputs, options));
  outcome.graph = std::move(result.graph);
  outcome.steps = std::move(result.steps);
  outcome.nodes_after = outcome.graph.node_size();
  outcome.bytes_after = outcome.graph.ByteSizeLong();
  return outcome;
}

std::string transform_report_json(const TransformOutcome& outcome) {
  std::vector<TensorReport> tensors;
  for (const TransformStepReport& step : outcome.steps)
    tensors.insert(tensors.end(), step.notes.tensors.begin(), step.notes.tensors.end());
  return "{\"inputs\":" + json_list(outcome.inputs) + ",\"outputs\":" + json_list(outcome.outputs) +
         ",\"transforms\":" + json_quote(outcome.transforms) + ",\"before\":{\"nodes\":" +
         std::to_string(outcome.nodes_before) + ",\"bytes\":" + std::to_string(outcome.bytes_before) +
         "},\"after\":{\"nodes\":" + std::to_string(outcome.nodes_after) +
         ",\"bytes\":" + std::to_string(outcome.bytes_after) + "},\"warnings\":" + json_list(outcome.warnings) +
         ",\"steps\":" + transform_steps_json(outcome.steps) + ",\"tensors\":" + tensor_reports_json(tensors) + "}";
}

std::string point_at_error(std::string_view text, const TransformStringError& error) {
  size_t offset = error.offset < text.size() ? error.offset : text.size();
  size_t line_start = offset;
  while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
  size_t line_end = text.find('\n', offset);
  std::string line(text.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                               : line_end - line_start));
  std::string caret;
  for (size_t i = line_start; i < offset; ++i) caret += text[i] == '\t' ? '\t' : ' ';
  return line + "\n" + caret + "^";
}

namespace {

StatusOr<TransformedModel> transform_parsed(tensorflow::GraphDef&& graph, const TransformRequest& request,
                                            GraphFormat output_format, const TransformOptions& options) {
  TransformedModel transformed;
  MQ_ASSIGN_OR_RETURN(transformed.outcome, transform(std::move(graph), request, options));
  MQ_ASSIGN_OR_RETURN(transformed.bytes, serialize_graph(transformed.outcome.graph, output_format));
  transformed.outcome.graph.Clear();
  return transformed;
}

}  // namespace

StatusOr<TransformedModel> transform_bytes(std::string_view model, const std::string& source_name,
                                           const TransformRequest& request, GraphFormat output_format,
                                           const TransformOptions& options) {
  tensorflow::GraphDef graph;
  MQ_RETURN_IF_ERROR(parse_graph(model, source_name, &graph));
  MQ_RETURN_IF_ERROR(check_graph_well_formed(graph, source_name));
  return transform_parsed(std::move(graph), request, output_format, options);
}

StatusOr<TransformedModel> transform_owned_bytes(std::string&& model, const std::string& source_name,
                                                 const TransformRequest& request, GraphFormat output_format,
                                                 const TransformOptions& options) {
  tensorflow::GraphDef graph;
  MQ_RETURN_IF_ERROR(parse_graph(model, source_name, &graph));
  std::string().swap(model);
  MQ_RETURN_IF_ERROR(check_graph_well_formed(graph, source_name));
  return transform_parsed(std::move(graph), request, output_format, options);
}

Status transform_graph(const std::string& path_to_model, const std::string& save_dir, const std::string& file_name,
                       const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                       const std::vector<std::string>& transforms) {
  if (file_name.empty()) return Status::error("file_name is empty: name the file to write in save_dir");
  tensorflow::GraphDef graph;
  MQ_RETURN_IF_ERROR(load_graph_file(path_to_model, &graph));
  MQ_RETURN_IF_ERROR(check_graph_well_formed(graph, path_to_model));
  TransformRequest request;
  request.transforms = join_transforms(transforms);
  request.inputs = inputs;
  request.outputs = outputs;
  request.detect_missing_names = false;
  MQ_ASSIGN_OR_RETURN(TransformOutcome outcome, transform(std::move(graph), request));
  std::string path = save_dir.empty() ? file_name
                     : save_dir.back() == '/' ? save_dir + file_name
                                              : save_dir + "/" + file_name;
  return save_graph_file(outcome.graph, path, format_for_path(file_name));
}

StatusOr<GraphSummary> summarize_graph(const std::string& path_to_model) {
  MQ_ASSIGN_OR_RETURN(unsigned long long size, file_size(path_to_model));
  tensorflow::GraphDef graph;
  MQ_RETURN_IF_ERROR(load_graph_file(path_to_model, &graph));
  return mq::summarize_graph(graph, size);
}

StatusOr<GraphSummary> summarize_graph_bytes(std::string_view model, const std::string& source_name) {
  tensorflow::GraphDef graph;
  MQ_RETURN_IF_ERROR(parse_graph(model, source_name, &graph));
  return mq::summarize_graph(graph, model.size());
}

}  // namespace mq::api
