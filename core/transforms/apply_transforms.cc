#include "core/transforms/apply_transforms.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "core/graph/graph_index.h"
#include "core/graph/input_names.h"
#include "core/transforms/registry.h"
#include "core/util/json_quote.h"

namespace mq {
namespace {

std::string lower_case(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " Did you mean 'x'?" for the closest candidate within a few edits, else "".
std::string suggestion(std::string_view wrong, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 4;
  for (const std::string& candidate : candidates) {
    size_t distance = edit_distance(wrong, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best.empty() ? "" : " Did you mean '" + best + "'?";
}

// TensorFlow reads ignore_errors itself: the first value, case-insensitive.
Status read_ignore_errors(const TransformSpec& spec, bool* ignore_errors) {
  *ignore_errors = false;
  auto found = spec.params.find("ignore_errors");
  if (found == spec.params.end() || found->second.empty()) return Status::ok();
  std::string value = lower_case(found->second.front());
  if (value == "true") {
    *ignore_errors = true;
  } else if (value != "false") {
    return Status::error("ignore_errors should be true or false, found " + found->second.front());
  }
  return Status::ok();
}

Status check_names(const std::vector<std::string>& names, const char* flag) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i].empty())
      return Status::error(std::string("the ") + flag + " list has an empty name (entry " + std::to_string(i + 1) +
                           " of " + std::to_string(names.size()) + "); remove the stray ','");
  return Status::ok();
}

// TensorFlow's check after every transform: each input must name a node.
Status check_inputs_exist(const tensorflow::GraphDef& graph) {
  std::unordered_set<std::string> names;
  names.reserve(static_cast<size_t>(graph.node_size()) * 2);
  for (const tensorflow::NodeDef& node : graph.node()) names.insert(node.name());
  std::string first;
  int problems = 0;
  for (const tensorflow::NodeDef& node : graph.node()) {
    for (const std::string& input : node.input()) {
      if (names.count(node_name_from_input(input))) continue;
      if (problems++ == 0) first = "input '" + input + "' of node '" + node.name() + "' does not exist";
    }
  }
  if (problems == 0) return Status::ok();
  std::string more = problems > 1 ? " (and " + std::to_string(problems - 1) + " more)" : "";
  return Status::error("Invalid graph with inputs referring to nonexistent nodes: " + first + more);
}

const TransformDefinition* find_in(const std::vector<TransformDefinition>* table, std::string_view name) {
  if (table == nullptr) return find_transform(name);
  for (const TransformDefinition& definition : *table)
    if (name == definition.name) return &definition;
  return nullptr;
}

std::string json_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", value);
  return buffer;
}

// Enough digits to tell errors of 1e-9 apart; null for infinity and NaN,
// which JSON cannot spell.
std::string json_measure(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

}  // namespace

std::vector<std::string> split_names(std::string_view comma_separated) {
  std::vector<std::string> names;
  if (comma_separated.empty()) return names;
  size_t start = 0;
  while (true) {
    size_t comma = comma_separated.find(',', start);
    if (comma == std::string_view::npos) {
      names.emplace_back(comma_separated.substr(start));
      return names;
    }
    names.emplace_back(comma_separated.substr(start, comma - start));
    start = comma + 1;
  }
}

Status check_transform_list(const TransformList& transforms, const std::vector<TransformDefinition>* table) {
  std::vector<std::string> transform_names;
  for (const TransformDefinition& definition : table ? *table : transform_table())
    transform_names.push_back(definition.name);
  for (const TransformSpec& spec : transforms) {
    const TransformDefinition* definition = find_in(table, spec.name);
    if (definition == nullptr)
      return Status::error("Transform '" + spec.name + "' not recognized." + suggestion(spec.name, transform_names));
    bool ignore_errors = false;
    MQ_RETURN_IF_ERROR(read_ignore_errors(spec, &ignore_errors).with_context(spec.name));
    std::vector<std::string> known;
    for (const ParameterSpec& parameter : definition->parameters) known.push_back(parameter.name);
    known.push_back(ignore_errors_parameter().name);
    for (const auto& [name, values] : spec.params) {
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string list;
      for (const std::string& candidate : known) list += (list.empty() ? "" : ", ") + candidate;
      return Status::error("transform '" + spec.name + "' has no parameter '" + name + "'." +
                           suggestion(name, known) + " Its parameters are: " + list);
    }
  }
  return Status::ok();
}

StatusOr<TransformResult> apply_transforms(const tensorflow::GraphDef& graph, const TransformList& transforms,
                                           const std::vector<std::string>& inputs,
                                           const std::vector<std::string>& outputs, const TransformOptions& options) {
  MQ_RETURN_IF_ERROR(check_transform_list(transforms, options.table));
  return apply_transforms(tensorflow::GraphDef(graph), transforms, inputs, outputs, options);
}

StatusOr<TransformResult> apply_transforms(tensorflow::GraphDef&& graph, const TransformList& transforms,
                                           const std::vector<std::string>& inputs,
                                           const std::vector<std::string>& outputs, const TransformOptions& options) {
  MQ_RETURN_IF_ERROR(check_transform_list(transforms, options.table));
  MQ_RETURN_IF_ERROR(check_names(inputs, "--inputs"));
  MQ_RETURN_IF_ERROR(check_names(outputs, "--outputs"));

  TransformResult result;
  result.graph = std::move(graph);
  bool graph_is_valid = options.validate && GraphIndex(result.graph).validate().is_ok();
  for (size_t index = 0; index < transforms.size(); ++index) {
    const TransformSpec& spec = transforms[index];
    const TransformDefinition* definition = find_in(options.table, spec.name);
    bool ignore_errors = false;
    MQ_RETURN_IF_ERROR(read_ignore_errors(spec, &ignore_errors));
    if (options.on_transform_start) options.on_transform_start(index, transforms.size(), spec);

    TransformStepReport step;
    step.name = spec.name;
    step.text = format_transform(spec);
    step.nodes_before = result.graph.node_size();
    step.bytes_before = result.graph.ByteSizeLong();
    TransformContext context(spec.name, definition->parameters, spec.params, inputs, outputs);
    tensorflow::GraphDef output;
    auto started = std::chrono::steady_clock::now();
    // A step whose error is ignored must leave the graph as it was.
    const bool take_graph =
        definition->taking_function != nullptr && (!ignore_errors || definition->taking_restores_input);
    Status status = take_graph ? definition->taking_function(std::move(result.graph), context, &output)
                               : definition->function(result.graph, context, &output);
    step.milliseconds =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    step.notes = context.notes();
    if (!status.is_ok()) {
      if (!ignore_errors) return status.with_context(spec.name);
      step.error_ignored = true;
      step.ignored_error = status.message();
      step.notes.warnings.push_back("ignored error: " + status.message());
      step.nodes_after = step.nodes_before;
      step.bytes_after = step.bytes_before;
      result.steps.push_back(std::move(step));
      continue;  // the graph stays exactly as it was
    }
    // Transforms write nodes only; the rest of the graph carries over (a
    // taking transform leaves it in place).
    if (result.graph.has_library()) {
      output.mutable_library()->Swap(result.graph.mutable_library());
    } else if (!take_graph) {
      output.clear_library();
    }
    MQ_RETURN_IF_ERROR(check_inputs_exist(output).with_context(spec.name));
    if (options.validate) {
      Status valid = GraphIndex(output).validate();
      if (!valid.is_ok() && graph_is_valid)
        return Status::internal(spec.name + " turned a valid graph into an invalid one: " + valid.message());
      graph_is_valid = valid.is_ok();
    }
    result.graph = std::move(output);
    step.nodes_after = result.graph.node_size();
    step.bytes_after = result.graph.ByteSizeLong();
    result.steps.push_back(std::move(step));
  }
  return result;
}

std::string tensor_reports_json(const std::vector<TensorReport>& tensors) {
  std::string out = "[";
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorReport& tensor = tensors[i];
    if (i > 0) out += ',';
    out += "{\"node\":" + json_quote(tensor.node) + ",\"encoding\":" + json_quote(tensor.encoding) +
           ",\"elements\":" + std::to_string(tensor.elements) +
           ",\"bytes_before\":" + std::to_string(tensor.bytes_before) +
           ",\"bytes_after\":" + std::to_string(tensor.bytes_after) +
           ",\"max_abs_error\":" + json_measure(tensor.max_abs_error) + ",\"rmse\":" + json_measure(tensor.rmse) +
           ",\"sqnr_db\":" + json_measure(tensor.sqnr_db) + "}";
  }
  return out + "]";
}

std::string transform_steps_json(const std::vector<TransformStepReport>& steps) {
  std::string out = "[";
  for (size_t i = 0; i < steps.size(); ++i) {
    const TransformStepReport& step = steps[i];
    if (i > 0) out += ',';
    out += "{\"name\":" + json_quote(step.name) + ",\"text\":" + json_quote(step.text) +
           ",\"nodes_before\":" + std::to_string(step.nodes_before) +
           ",\"nodes_after\":" + std::to_string(step.nodes_after) +
           ",\"bytes_before\":" + std::to_string(step.bytes_before) +
           ",\"bytes_after\":" + std::to_string(step.bytes_after) +
           ",\"milliseconds\":" + json_number(step.milliseconds) +
           ",\"error_ignored\":" + (step.error_ignored ? "true" : "false") +
           ",\"ignored_error\":" + json_quote(step.ignored_error) + ",\"warnings\":[";
    for (size_t w = 0; w < step.notes.warnings.size(); ++w)
      out += (w > 0 ? "," : "") + json_quote(step.notes.warnings[w]);
    out += "],\"counters\":{";
    bool first = true;
    for (const auto& [counter, value] : step.notes.counters) {
      out += (first ? "" : ",") + json_quote(counter) + ":" + std::to_string(value);
      first = false;
    }
    out += "},\"tensors\":" + tensor_reports_json(step.notes.tensors) + "}";
  }
  out += "]";
  return out;
}

}  // namespace mq
