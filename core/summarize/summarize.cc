#include "core/summarize/summarize.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <unordered_set>

#include "core/eval/tensor.h"
#include "core/summarize/input_names.h"
#include "core/summarize/op_count_order.h"
#include "core/summarize/tensor_inspection.h"

namespace mq {
namespace {

// More dimensions than a TensorShape can hold.
constexpr int kMaxDims = 254;

std::string decoding_warning(const std::string& node_name) { return "Decoding Tensor failed for node" + node_name; }

// A Placeholder or Variable as GTT describes it: dtype from `dtype`, shape
// from `shape` (an attr of another kind reads as the empty, scalar shape).
GraphInput describe_input(const tensorflow::NodeDef& node) {
  GraphInput input;
  input.name = node.name();
  auto dtype = node.attr().find("dtype");
  if (dtype != node.attr().end() && dtype->second.value_case() == tensorflow::AttrValue::kType)
    input.dtype = dtype->second.type();
  auto shape_attr = node.attr().find("shape");
  if (shape_attr == node.attr().end()) return input;
  const tensorflow::TensorShapeProto& shape = shape_attr->second.shape();
  if (shape.unknown_rank()) {
    if (shape.dim_size() > 0) {
      input.shape_knowledge = ShapeKnowledge::kInvalid;
      input.shape_problem = "An unknown shape must not have any dimensions set.";
    } else {
      input.shape_knowledge = ShapeKnowledge::kUnknownRank;
    }
    return input;
  }
  if (shape.dim_size() > kMaxDims) {
    input.shape_knowledge = ShapeKnowledge::kInvalid;
    input.shape_problem = "Shape has " + std::to_string(shape.dim_size()) +
                          " dimensions which is over the limit of " + std::to_string(kMaxDims);
    return input;
  }
  for (const auto& dim : shape.dim()) {
    if (dim.size() < -1) {
      std::vector<int64_t> dims;
      for (const auto& d : shape.dim()) dims.push_back(d.size());
      input.shape_knowledge = ShapeKnowledge::kInvalid;
      input.shape_problem = "Shape " + shape_string(dims) +
                            " has dimensions with values below -1 (where -1 means unknown)";
      return input;
    }
    input.dims.push_back(dim.size());
  }
  input.shape_knowledge = ShapeKnowledge::kKnown;
  return input;
}

// Elements of a node's `value` tensor, or a warning when TensorFlow could
// not decode it.
long long count_value_elements(const tensorflow::NodeDef& node, std::vector<std::string>* warnings) {
  auto value = node.attr().find("value");
  if (value != node.attr().end()) {
    TensorProtoFacts facts = inspect_tensor_proto(value->second.tensor());
    if (facts.decodable) return facts.elements;
  }
  warnings->push_back(decoding_warning(node.name()));
  return 0;
}

std::string join(const std::vector<std::string>& pieces, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) out += separator;
    out += pieces[i];
  }
  return out;
}

void append_input_items(const std::vector<GraphInput>& inputs, std::string* out) {
  for (const GraphInput& input : inputs)
    *out += "(name=" + input.name + ", type=" + dtype_name(input.dtype) + "(" +
            std::to_string(static_cast<int>(input.dtype)) + "), shape=" + shape_text(input) + ") ";
}

// The benchmark tool's shape argument for one layer: dims joined by ',' when
// the rank is known, otherwise empty.
std::string benchmark_shape(const GraphInput& input) {
  if (input.shape_knowledge != ShapeKnowledge::kKnown) return "";
  std::string out;
  for (size_t i = 0; i < input.dims.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(input.dims[i]);
  }
  return out;
}

// Wraps an argument in single quotes for a POSIX shell when it needs them.
std::string shell_quote(const std::string& text) {
  bool plain = !text.empty();
  for (char c : text)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-./:,=@%+").find(c) != std::string_view::npos);
  if (plain) return text;
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

std::string human_readable_number(long long value) {
  if (value < 0) {
    unsigned long long magnitude = 0ULL - static_cast<unsigned long long>(value);
    if (magnitude > static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
      return "-" + std::to_string(magnitude);
    return "-" + human_readable_number(static_cast<long long>(magnitude));
  }
  char buffer[40];
  if (value < 1000) return std::to_string(value);
  if (value >= 1000000000000000LL) {
    std::snprintf(buffer, sizeof buffer, "%0.3G", static_cast<double>(value));
    return buffer;
  }
  const char* units = "kMBT";
  int unit = 0;
  while (value >= 1000000) {
    value /= 1000;
    ++unit;
  }
  std::snprintf(buffer, sizeof buffer, "%.2f%c", static_cast<double>(value) / 1000.0, units[unit]);
  return buffer;
}

std::string shape_text(const GraphInput& input) {
  switch (input.shape_knowledge) {
    case ShapeKnowledge::kAbsent: return "None";
    case ShapeKnowledge::kUnknownRank: return "<unknown>";
    case ShapeKnowledge::kInvalid: return input.shape_problem;
    case ShapeKnowledge::kKnown: break;
  }
  std::string out = "[";
  for (size_t i = 0; i < input.dims.size(); ++i) {
    if (i > 0) out += ',';
    out += input.dims[i] == -1 ? "?" : std::to_string(input.dims[i]);
  }
  return out + "]";
}

GraphSummary summarize_graph(const tensorflow::GraphDef& graph, unsigned long long file_size) {
  GraphSummary summary;
  summary.file_size = file_size;
  summary.node_count = graph.node_size();

  std::unordered_set<std::string_view> names;
  std::unordered_set<std::string_view> consumed;
  for (const tensorflow::NodeDef& node : graph.node()) {
    names.insert(node.name());
    for (const std::string& input : node.input()) consumed.insert(gtt_node_name(input));
  }

  std::map<std::string, long long> ops;
  std::vector<std::pair<TensorSize, int>> const_sizes;  // with graph position, for ties
  for (int i = 0; i < graph.node_size(); ++i) {
    const tensorflow::NodeDef& node = graph.node(i);
    const std::string& op = node.op();
    ++ops[op];
    if (op == "Placeholder") summary.inputs.push_back(describe_input(node));
    if (op == "Variable" || op == "VariableV2") {
      summary.variables.push_back(describe_input(node));
      summary.variable_parameter_count += count_value_elements(node, &summary.warnings);
    }
    if (op == "Const") {
      auto value = node.attr().find("value");
      TensorProtoFacts facts;
      if (value != node.attr().end()) facts = inspect_tensor_proto(value->second.tensor());
      if (facts.decodable) {
        summary.const_parameter_count += facts.elements;
        summary.weight_bytes_by_dtype[dtype_name(facts.dtype)] += facts.bytes;
        const_sizes.push_back({TensorSize{node.name(), facts.dtype, facts.shape, facts.bytes}, i});
      } else {
        summary.warnings.push_back(decoding_warning(node.name()));
      }
    }
    if (!consumed.count(node.name()) && op != "Const" && op != "Assign" && op != "NoOp" && op != "Placeholder")
      summary.outputs.push_back({node.name(), op});
    for (const std::string& input : node.input()) {
      if (!input.empty() && input[0] == '^') ++summary.control_edge_count;
      std::string_view producer = gtt_node_name(input);
      if (!names.count(producer)) summary.invalid_inputs.push_back({std::string(producer), node.name()});
    }
    if (!node.device().empty()) ++summary.nodes_per_device[node.device()];
  }
  for (const tensorflow::FunctionDef& function : graph.library().function())
    for (const tensorflow::NodeDef& node : function.node_def()) ++ops[node.op()];

  summary.op_counts.assign(ops.begin(), ops.end());
  sort_op_counts_like_gtt(&summary.op_counts);

  auto larger = [](const std::pair<TensorSize, int>& a, const std::pair<TensorSize, int>& b) {
    if (a.first.bytes != b.first.bytes) return a.first.bytes > b.first.bytes;
    return a.second < b.second;
  };
  size_t keep = std::min(kLargestTensorCount, const_sizes.size());
  std::partial_sort(const_sizes.begin(), const_sizes.begin() + static_cast<std::ptrdiff_t>(keep), const_sizes.end(),
                    larger);
  for (size_t i = 0; i < keep; ++i) summary.largest_tensors.push_back(std::move(const_sizes[i].first));
  return summary;
}

std::string render_summary_text(const GraphSummary& summary, const std::string& in_graph) {
  std::string out;
  if (summary.inputs.empty()) {
    out += "No inputs spotted.\n";
  } else {
    out += "Found " + std::to_string(summary.inputs.size()) + " possible inputs: ";
    append_input_items(summary.inputs, &out);
    out += "\n";
  }
  if (summary.variables.empty()) {
    out += "No variables spotted.\n";
  } else {
    out += "Found " + std::to_string(summary.variables.size()) + " variables: ";
    append_input_items(summary.variables, &out);
    out += "\n";
  }
  if (summary.outputs.empty()) {
    out += "No outputs spotted.\n";
  } else {
    out += "Found " + std::to_string(summary.outputs.size()) + " possible outputs: ";
    for (const GraphOutput& output : summary.outputs) out += "(name=" + output.name + ", op=" + output.op + ") ";
    out += "\n";
  }
  out += "Found " + std::to_string(summary.const_parameter_count) + " (" +
         human_readable_number(summary.const_parameter_count) + ") const parameters, " +
         std::to_string(summary.variable_parameter_count) + " (" +
         human_readable_number(summary.variable_parameter_count) + ") variable parameters, and " +
         std::to_string(summary.control_edge_count) + " control_edges\n";
  // GTT ends these without a newline, so "Op types used" follows on the same line.
  for (const auto& [device, count] : summary.nodes_per_device)
    out += std::to_string(count) + " nodes assigned to device '" + device + "'";
  if (!summary.invalid_inputs.empty()) {
    for (const InvalidInput& invalid : summary.invalid_inputs)
      out += "Invalid input " + invalid.missing_node + " for node " + invalid.node + "\n";
    return out;
  }
  std::vector<std::string> op_items;
  for (const auto& [op, count] : summary.op_counts) op_items.push_back(std::to_string(count) + " " + op);
  out += "Op types used: " + join(op_items, ", ") + "\n";
  out += "To use with tensorflow/tools/benchmark:benchmark_model try these arguments:\n";
  out += suggested_benchmark_command(summary, in_graph) + "\n";
  return out;
}

std::string suggested_benchmark_command(const GraphSummary& summary, const std::string& in_graph) {
  std::vector<std::string> names, types, shapes, outputs;
  for (const auto* list : {&summary.inputs, &summary.variables}) {
    for (const GraphInput& layer : *list) {
      names.push_back(layer.name);
      types.push_back(dtype_name(layer.dtype));
      shapes.push_back(benchmark_shape(layer));
    }
  }
  for (const GraphOutput& output : summary.outputs) outputs.push_back(output.name);
  return "bazel run tensorflow/tools/benchmark:benchmark_model -- --graph=" + in_graph +
         " --show_flops --input_layer=" + join(names, ",") + " --input_layer_type=" + join(types, ",") +
         " --input_layer_shape=" + join(shapes, ":") + " --output_layer=" + join(outputs, ",");
}

std::string suggested_transform_command(const GraphSummary& summary, const std::string& in_graph) {
  std::vector<std::string> inputs, outputs;
  for (const GraphInput& input : summary.inputs) inputs.push_back(input.name);
  for (const GraphOutput& output : summary.outputs) outputs.push_back(output.name);
  std::string stem = in_graph;
  size_t slash = stem.find_last_of('/');
  size_t dot = stem.find_last_of('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) stem.resize(dot);
  return "transform_graph --in_graph=" + shell_quote(in_graph) + " --out_graph=" +
         shell_quote(stem + "_optimized.pb") + " --inputs=" + shell_quote(join(inputs, ",")) +
         " --outputs=" + shell_quote(join(outputs, ",")) +
         " --transforms='strip_unused_nodes remove_nodes(op=Identity, op=CheckNumerics) "
         "fold_constants(ignore_errors=true) fold_batch_norms fold_old_batch_norms'";
}

}  // namespace mq
