#include "core/eval/model_run.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <type_traits>
#include <set>
#include <unordered_map>

#include "core/graph/graph_index.h"
#include "core/summarize/summarize.h"

namespace mq {
namespace {

uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// SplitMix64: small, fast and the same everywhere.
class RandomBits {
 public:
  explicit RandomBits(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1), a multiple of 2^-23.
  float symmetric_unit() { return static_cast<float>(next() >> 40) * (1.0f / 8388608.0f) - 1.0f; }

 private:
  uint64_t state_;
};

}  // namespace

std::vector<std::string> default_outputs(const tensorflow::GraphDef& graph) {
  std::vector<std::string> names;
  for (const GraphOutput& output : summarize_graph(graph, 0).outputs) names.push_back(output.name);
  return names;
}

std::vector<const tensorflow::NodeDef*> needed_placeholders(const tensorflow::GraphDef& graph,
                                                          const std::vector<std::string>& outputs,
                                                          const std::vector<std::string>& fed) {
  GraphIndex index(graph);
  std::set<std::string> fed_nodes;
  for (const std::string& tensor : fed) fed_nodes.insert(std::string(node_name_of(tensor)));
  std::vector<bool> seen(static_cast<size_t>(graph.node_size()), false);
  std::vector<int> stack;
  for (const std::string& output : outputs) stack.push_back(index.index_of(node_name_of(output)));
  while (!stack.empty()) {
    int node = stack.back();
    stack.pop_back();
    if (node < 0 || seen[node]) continue;
    seen[node] = true;
    if (fed_nodes.count(graph.node(node).name())) continue;
    for (const std::string& input : graph.node(node).input()) stack.push_back(index.index_of(node_name_of(input)));
  }
  std::vector<const tensorflow::NodeDef*> placeholders;
  for (int i = 0; i < graph.node_size(); ++i)
    if (seen[i] && graph.node(i).op() == "Placeholder" && !fed_nodes.count(graph.node(i).name()))
      placeholders.push_back(&graph.node(i));
  return placeholders;
}

StatusOr<Shape> parse_shape_text(const std::string& text) {
  if (text.empty() || text == "scalar") return Shape{};
  Shape shape;
  size_t start = 0;
  while (true) {
    size_t x = text.find('x', start);
    std::string piece = text.substr(start, x == std::string::npos ? std::string::npos : x - start);
    if (piece.empty() || piece.find_first_not_of("0123456789") != std::string::npos || piece.size() > 12)
      return Status::error("cannot read shape '" + text + "': write sizes separated by 'x', e.g. 1x224x224x3, or "
                           "'scalar'");
    shape.push_back(std::stoll(piece));
    if (x == std::string::npos) return shape;
    start = x + 1;
  }
}

std::string output_file_name(const std::string& output) {
  std::string name = output;
  for (char& c : name)
    if (c == '/' || c == ':') c = '_';
  return name + ".npy";
}

StatusOr<Tensor> generate_input(const tensorflow::NodeDef& placeholder, const Shape* shape_override, uint64_t seed,
                                MemoryBudget* budget) {
  const std::string& name = placeholder.name();
  auto dtype_attr = placeholder.attr().find("dtype");
  if (dtype_attr == placeholder.attr().end())
    return Status::error("Placeholder '" + name + "' has no dtype attribute");
  const DataType dtype = dtype_attr->second.type();
  Shape shape;
  if (shape_override != nullptr) {
    shape = *shape_override;
  } else {
    auto shape_attr = placeholder.attr().find("shape");
    if (shape_attr == placeholder.attr().end() || !shape_attr->second.has_shape() ||
        shape_attr->second.shape().unknown_rank())
      return Status::error("input '" + name + "' has unknown rank: give its shape (--shape " + name +
                           "=1x4 or --shape " + name + "=scalar on the command line, shapes: {'" + name +
                           "': [1, 4]} in JavaScript) or a value");
    for (const auto& dim : shape_attr->second.shape().dim()) shape.push_back(dim.size() < 0 ? 1 : dim.size());
  }
  const int64_t elements = num_elements(shape);
  if (elements < 0 || elements > (int64_t{1} << 31))
    return Status::error("input '" + name + "' would have shape " + shape_string(shape) + ", too large to generate");
  if (dtype == tensorflow::DT_STRING || dtype_size(dtype) == 0)
    return Status::error("input '" + name + "' is " + dtype_name(dtype) +
                         ": only numeric inputs can be generated; give a value");
  if (budget != nullptr)
    MQ_RETURN_IF_ERROR(budget->reserve(static_cast<unsigned long long>(elements) * dtype_size(dtype),
                                       "input '" + name + "' (generated) of shape " + shape_string(shape)));
  Tensor tensor(dtype, shape);
  RandomBits bits(seed ^ fnv1a(name));
  bool supported = dispatch_numeric(dtype, [&](auto zero) {
    using T = decltype(zero);
    T* data = tensor.data<T>();
    for (int64_t i = 0; i < elements; ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        data[i] = (bits.next() & 1) != 0;
      } else if constexpr (std::is_integral_v<T>) {
        data[i] = static_cast<T>(bits.next() % 10);
      } else {
        data[i] = static_cast<T>(bits.symmetric_unit());
      }
    }
  });
  if (!supported)
    return Status::error("input '" + name + "' is " + dtype_name(dtype) + ": no values can be generated; give a value");
  return tensor;
}

StatusOr<unsigned long long> parse_memory_size(const std::string& text) {
  auto fail = [&] {
    return Status::error("memory size '" + text + "' should be a number of bytes or a size like 512M or 4G");
  };
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return fail();
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (!(number > 0)) return fail();
  std::string unit(end);
  if (unit == "iB" || unit == "B") unit.clear();
  if (unit.size() >= 2 && (unit.substr(1) == "B" || unit.substr(1) == "iB" || unit.substr(1) == "b")) unit.resize(1);
  double scale = 1;
  if (unit.empty()) scale = 1;
  else if (unit == "k" || unit == "K") scale = 1024.0;
  else if (unit == "m" || unit == "M") scale = 1024.0 * 1024;
  else if (unit == "g" || unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else return fail();
  double bytes = number * scale;
  if (bytes < 1 || bytes > 1.8e19) return fail();
  return static_cast<unsigned long long>(bytes);
}

StatusOr<RunResult> run_model(const tensorflow::GraphDef& graph, const RunOptions& options) {
  RunResult result;
  result.output_names = options.outputs.empty() ? default_outputs(graph) : options.outputs;
  if (result.output_names.empty())
    return Status::error("the graph has no outputs (every node is consumed by another); name the outputs to compute");

  GraphIndex index(graph);
  std::vector<std::string> fed;
  for (const Feed& feed : options.inputs) {
    const tensorflow::NodeDef* node = index.find(node_name_of(feed.tensor));
    if (node == nullptr) return Status::error("input '" + feed.tensor + "': the graph has no node of that name");
    fed.push_back(feed.tensor);
    result.inputs.push_back({feed.tensor, feed.value, false});
  }
  for (const auto& [name, shape] : options.shapes) {
    const tensorflow::NodeDef* node = index.find(name);
    if (node == nullptr || node->op() != "Placeholder")
      return Status::error("a shape was given for '" + name + "', which is not a Placeholder of the graph");
  }
  MemoryBudget generated_budget(options.memory_limit_bytes);
  for (const tensorflow::NodeDef* placeholder : needed_placeholders(graph, result.output_names, fed)) {
    auto shape = options.shapes.find(placeholder->name());
    MQ_ASSIGN_OR_RETURN(Tensor value, generate_input(*placeholder, shape == options.shapes.end() ? nullptr : &shape->second,
                                                     options.seed, &generated_budget));
    result.inputs.push_back({placeholder->name(), std::move(value), true});
  }

  std::vector<Feed> feeds;
  for (const ModelInput& input : result.inputs) feeds.push_back({input.name, input.value});
  MemoryBudget budget(options.memory_limit_bytes);
  auto started = std::chrono::steady_clock::now();
  StatusOr<std::vector<Tensor>> outputs = evaluate_graph(graph, feeds, result.output_names, budget);
  if (!outputs.is_ok() && options.outputs.empty()) {
    std::string names;
    for (const std::string& output : result.output_names) names += (names.empty() ? "" : ", ") + output;
    return outputs.status().with_message(outputs.status().message() + " (computing the graph's outputs " + names +
                                         "; choose the outputs to compute to leave the others out)");
  }
  MQ_ASSIGN_OR_RETURN(result.outputs, std::move(outputs));
  result.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  result.peak_bytes = budget.peak();
  return result;
}

}  // namespace mq
