// The bodies of the GraphDef fuzz targets, shared by the libFuzzer programs
// (fuzz/<name>_fuzzer.cc, one line each) and the regression test that
// replays every input a fuzzer ever crashed on (tests/data/crashes/<name>/,
// tests/core/regressions/crash_inputs_test.cc). Each runs one input through
// a part of the core and returns "" or the property it found broken; a crash,
// a sanitizer report, a leak or a hang is a finding as well.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/eval/evaluator.h"
#include "core/eval/kernel.h"
#include "core/graph/graph_checks.h"
#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"
#include "core/io/text_format.h"
#include "core/summarize/summarize.h"
#include "core/transforms/apply_transforms.h"
#include "core/transforms/recipes.h"
#include "core/transforms/transform_string.h"

namespace mq::fuzz {

// parse_graph_fuzzer: binary or text GraphDef bytes → parse, validate, check,
// summarize (report, JSON, structure listing), serialize both ways.
inline std::string parse_graph_target(std::string_view bytes) {
  tensorflow::GraphDef graph;
  if (!parse_graph(bytes, "fuzz.pb", &graph).is_ok()) return "";
  GraphIndex index(graph);
  (void)index.validate();
  (void)check_graph_well_formed(graph, "fuzz.pb");
  GraphSummary summary = summarize_graph(graph, bytes.size());
  (void)render_summary_text(summary, "fuzz.pb");
  std::vector<std::string> warnings;
  auto structure = graph_structure(graph, &warnings);
  (void)render_summary_json(summary, "fuzz.pb", structure.is_ok() ? &structure.value() : nullptr);
  auto binary = serialize_graph(graph, GraphFormat::kBinary);
  auto text = serialize_graph(graph, GraphFormat::kText);
  if (!binary.is_ok()) return "a parsed graph does not serialize: " + binary.status().message();
  return "";
}

// parse_text_graph_fuzzer: whatever the .pbtxt reader accepts must print back
// to text it accepts again, meaning the same graph.
inline std::string parse_text_graph_target(std::string_view text) {
  tensorflow::GraphDef graph;
  if (!parse_text_graph(text, &graph).is_ok()) return "";
  std::string printed = print_text_graph(graph);
  tensorflow::GraphDef again;
  Status reread = parse_text_graph(printed, &again);
  if (!reread.is_ok()) return "printed text does not read back: " + reread.message();
  if (print_text_graph(again) != printed) return "printed text reads back as another graph";
  return "";
}

// transform_string_fuzzer: a --transforms list the parser accepts must format
// back to text that parses to the same list; the schema check must answer.
inline std::string transform_string_target(std::string_view text) {
  TransformStringError error;
  std::vector<std::string> warnings;
  auto parsed = parse_transform_string(text, &error, &warnings);
  if (!parsed.is_ok()) {
    if (error.offset > text.size()) return "the error points past the end of the text";
    return "";
  }
  (void)check_transform_list(parsed.value());
  std::string formatted = format_transform_list(parsed.value());
  auto again = parse_transform_string(formatted);
  if (!again.is_ok()) return "formatted list does not parse: " + formatted;
  if (again.value().size() != parsed.value().size()) return "formatted list parses to another length: " + formatted;
  for (size_t i = 0; i < again.value().size(); ++i) {
    if (again.value()[i].name != parsed.value()[i].name || again.value()[i].params != parsed.value()[i].params)
      return "formatted list parses to another list: " + formatted;
  }
  return "";
}

// Every transform of the table with parameters that make it do something,
// then each recipe (with a small input shape, so folding stays cheap).
inline const std::vector<std::string>& fuzzed_transform_texts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> list = {
        "add_default_attributes",
        "backport_concatv2",
        "backport_tensor_array_v3",
        "flatten_atrous_conv",
        "fold_batch_norms",
        "fold_constants",
        "fold_constants(clear_output_shapes=false, max_constant_size_in_bytes=4096)",
        "fold_old_batch_norms",
        "fold_old_batch_norms(fused_batch_norm_v3=true)",
        "fuse_pad_and_conv",
        "fuse_resize_and_conv",
        "fuse_resize_pad_and_conv",
        "insert_logging(show_name=true, show_op=true, first_n=2)",
        "merge_duplicate_nodes",
        "obfuscate_names",
        "quantize_weights",
        "quantize_weights(minimum_size=1)",
        "quantize_weights(minimum_size=1, scheme=per_channel_int8)",
        "quantize_weights(minimum_size=1, scheme=float16)",
        "remove_attribute(attribute_name=T)",
        "remove_control_dependencies",
        "remove_device",
        "remove_nodes(op=Identity, op=CheckNumerics, op=Add, max_inputs=2)",
        "rename_attribute(old_attribute_name=T, new_attribute_name=dtype)",
        "rename_node(old_node_name=input, new_node_name=x)",
        "rename_op(old_op_name=Identity, new_op_name=Relu)",
        "round_weights(num_steps=16)",
        "set_device(device=/device:CPU:0)",
        "sort_by_execution_order",
        "sparsify_gather",
        "strip_unused_nodes",
        "strip_unused_nodes(type=int32, shape=\"1,2\")",
    };
    for (const Recipe& recipe : recipe_table()) {
      std::string joined;
      for (const std::string& step : recipe.with_strip("strip_unused_nodes(type=float, shape=\"1,4,4,1\")"))
        joined += (joined.empty() ? "" : " ") + step;
      list.push_back(joined);
    }
    return list;
  }();
  return texts;
}

// transform_graph_fuzzer: the first byte picks a transform or recipe, the
// rest is a GraphDef (binary or text). Inputs are the Placeholders and
// outputs the nodes nobody consumes, as summarize finds them. A transform may
// refuse the graph; what it returns must serialize.
inline std::string transform_graph_target(std::string_view bytes) {
  if (bytes.empty()) return "";
  const std::vector<std::string>& texts = fuzzed_transform_texts();
  const std::string& text = texts[static_cast<uint8_t>(bytes[0]) % texts.size()];
  tensorflow::GraphDef graph;
  if (!parse_graph(bytes.substr(1), "fuzz.pb", &graph).is_ok()) return "";
  if (graph.node_size() > 2000) return "";  // keep each run short
  GraphSummary summary = summarize_graph(graph, bytes.size());
  std::vector<std::string> inputs, outputs;
  for (const auto& input : summary.inputs) inputs.push_back(input.name);
  for (const auto& output : summary.outputs) outputs.push_back(output.name);
  auto transforms = parse_transform_string(text);
  if (!transforms.is_ok()) return "a fuzzed transform text does not parse: " + text;
  TransformOptions options;
  options.validate = true;
  auto result = apply_transforms(graph, transforms.value(), inputs, outputs, options);
  if (!result.is_ok()) return "";
  auto binary = serialize_graph(result.value().graph, GraphFormat::kBinary);
  if (!binary.is_ok()) return "a transformed graph does not serialize: " + binary.status().message();
  (void)transform_steps_json(result.value().steps);
  return "";
}

// For evaluator_target: reads the fuzz bytes as a little program.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  uint8_t byte() { return position_ < bytes_.size() ? static_cast<uint8_t>(bytes_[position_++]) : 0; }
  uint16_t u16() { return static_cast<uint16_t>(byte() | (byte() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16() | (static_cast<uint32_t>(u16()) << 16)); }
  std::string bytes(size_t count) {
    count = std::min(count, bytes_.size() - position_);
    std::string out(bytes_.substr(position_, count));
    position_ += count;
    return out;
  }
  bool empty() const { return position_ >= bytes_.size(); }

  template <typename T, size_t N>
  const T& pick(const T (&values)[N]) {
    return values[byte() % N];
  }
  // Mostly small (-4..11), now and then any 32-bit value.
  int64_t small_int() {
    uint8_t b = byte();
    if (b == 255) return static_cast<int32_t>(u32());
    return static_cast<int64_t>(b % 16) - 4;
  }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
};

inline constexpr tensorflow::DataType kFuzzedDtypes[] = {
    tensorflow::DT_FLOAT,  tensorflow::DT_FLOAT,    tensorflow::DT_INT32,  tensorflow::DT_INT64,
    tensorflow::DT_BOOL,   tensorflow::DT_UINT8,    tensorflow::DT_INT8,   tensorflow::DT_HALF,
    tensorflow::DT_DOUBLE, tensorflow::DT_STRING,   tensorflow::DT_QUINT8, tensorflow::DT_QINT8,
    tensorflow::DT_QINT32, tensorflow::DT_BFLOAT16, tensorflow::DT_UINT16, tensorflow::DT_INVALID};

// The attributes kernels read (grep attr_ in core/eval/kernels), plus the
// usual type attributes.
inline constexpr const char* kFuzzedAttributeNames[] = {
    "T", "T", "DstT", "SrcT", "Tout", "Tidx", "Tshape", "N", "adj_x", "adj_y", "align_corners", "alpha", "axis",
    "batch_dims", "begin_mask", "beta", "bias", "block_size", "data_format", "depth_radius", "dilations", "dtype",
    "ellipsis_mask", "end_mask", "ensure_minimum_range", "epsilon", "explicit_paddings", "exponential_avg_factor",
    "fused_ops", "half_pixel_centers", "incompatible_shape_error", "is_training", "keep_dims", "ksize",
    "leakyrelu_alpha", "message", "mode", "narrow_range", "new_axis_mask", "num", "num_args", "num_split",
    "out_type", "output_type", "padding", "round_mode", "scale_after_normalization", "shrink_axis_mask",
    "squeeze_dims", "strides", "transpose_a", "transpose_b", "validate_indices", "variance_epsilon", "value"};

inline constexpr const char* kFuzzedWords[] = {
    "SAME", "VALID", "EXPLICIT", "NHWC", "NCHW", "MIN_COMBINED", "MIN_FIRST", "SCALED", "HALF_AWAY_FROM_ZERO",
    "HALF_TO_EVEN", "BiasAdd", "Relu", "Relu6", "Elu", "LeakyRelu", "FusedBatchNorm", "Add", "", "x"};

// A TensorProto of any dtype, a small or absurd shape ([2^40] dims, -1), and
// tensor_content or typed values that may disagree with it.
inline void fill_fuzzed_tensor(ByteReader& reader, tensorflow::TensorProto* tensor) {
  tensorflow::DataType dtype = reader.pick(kFuzzedDtypes);
  tensor->set_dtype(dtype);
  int rank = reader.byte() % 5;
  for (int d = 0; d < rank; ++d) {
    uint8_t b = reader.byte();
    tensor->mutable_tensor_shape()->add_dim()->set_size(b == 255 ? (int64_t{1} << 40) : b == 254 ? -1 : b % 6);
  }
  uint8_t mode = reader.byte() % 4;
  int count = reader.byte() % 32;
  switch (mode) {
    case 0: tensor->set_tensor_content(reader.bytes(static_cast<size_t>(count) * 4)); break;
    case 1:
      for (int i = 0; i < count; ++i) {
        uint32_t v = reader.u32();
        switch (dtype) {
          case tensorflow::DT_FLOAT: { float f; std::memcpy(&f, &v, 4); tensor->add_float_val(f); break; }
          case tensorflow::DT_DOUBLE: tensor->add_double_val(static_cast<int32_t>(v) / 7.0); break;
          case tensorflow::DT_INT64: tensor->add_int64_val(static_cast<int32_t>(v)); break;
          case tensorflow::DT_BOOL: tensor->add_bool_val(v & 1); break;
          case tensorflow::DT_STRING: tensor->add_string_val(std::to_string(v)); break;
          case tensorflow::DT_HALF: case tensorflow::DT_BFLOAT16: tensor->add_half_val(static_cast<int>(v & 0xffff)); break;
          default: tensor->add_int_val(static_cast<int32_t>(v)); break;
        }
      }
      break;
    case 2: for (int i = 0; i < count; ++i) tensor->add_float_val(static_cast<float>(reader.small_int())); break;
    default: break;  // no values: zeros
  }
}

inline void fill_fuzzed_attribute(ByteReader& reader, tensorflow::AttrValue* value) {
  switch (reader.byte() % 9) {
    case 0: value->set_type(reader.pick(kFuzzedDtypes)); break;
    case 1: value->set_i(reader.small_int()); break;
    case 2: value->set_f(static_cast<float>(reader.small_int()) / 4.0f); break;
    case 3: value->set_b(reader.byte() & 1); break;
    case 4: value->set_s(reader.pick(kFuzzedWords)); break;
    case 5: {
      int count = reader.byte() % 6;
      for (int i = 0; i < count; ++i) value->mutable_list()->add_i(reader.small_int());
      break;
    }
    case 6: {
      int count = reader.byte() % 4;
      for (int i = 0; i < count; ++i) value->mutable_list()->add_s(reader.pick(kFuzzedWords));
      break;
    }
    case 7: fill_fuzzed_tensor(reader, value->mutable_tensor()); break;
    default: {
      int count = reader.byte() % 4;
      for (int i = 0; i < count; ++i) value->mutable_list()->add_type(reader.pick(kFuzzedDtypes));
      break;
    }
  }
}

// The tiny graph an evaluator input stands for: 1–4 Consts, then 1–6 nodes
// whose ops come from the kernel table, each with up to 4 inputs from the
// nodes before it and up to 5 attributes of any kind.
inline tensorflow::GraphDef fuzzed_program(std::string_view bytes) {
  static const std::vector<std::string> ops = KernelTable::global().ops();
  ByteReader reader(bytes);
  tensorflow::GraphDef graph;
  int constants = 1 + reader.byte() % 4;
  for (int i = 0; i < constants; ++i) {
    auto* node = graph.add_node();
    node->set_name("c" + std::to_string(i));
    node->set_op("Const");
    auto& value = (*node->mutable_attr())["value"];
    fill_fuzzed_tensor(reader, value.mutable_tensor());
    (*node->mutable_attr())["dtype"].set_type(value.tensor().dtype());
  }
  int operations = 1 + reader.byte() % 6;
  for (int i = 0; i < operations && !reader.empty(); ++i) {
    const int available = graph.node_size();
    auto* node = graph.add_node();
    node->set_name("n" + std::to_string(i));
    node->set_op(ops[reader.u16() % ops.size()]);
    int inputs = reader.byte() % 5;
    for (int k = 0; k < inputs; ++k) {
      const std::string source = graph.node(reader.byte() % available).name();
      uint8_t port = reader.byte();
      node->add_input(port < 224 ? source : source + ":" + std::to_string(port % 4));
    }
    (*node->mutable_attr())["T"].set_type(reader.byte() < 200 ? tensorflow::DT_FLOAT : reader.pick(kFuzzedDtypes));
    int attributes = reader.byte() % 6;
    for (int k = 0; k < attributes; ++k)
      fill_fuzzed_attribute(reader, &(*node->mutable_attr())[reader.pick(kFuzzedAttributeNames)]);
  }
  return graph;
}

// evaluator_fuzzer: evaluates the last node of the fuzzed program (its first
// two outputs, then the first) under a 64 MiB MemoryBudget, and folds it as
// fold_constants would. Kernels may refuse; the budget must hold (fuzz.sh
// caps any single allocation of this target at 256 MiB).
inline std::string evaluator_target(std::string_view bytes) {
  tensorflow::GraphDef graph = fuzzed_program(bytes);
  const std::string last = graph.node(graph.node_size() - 1).name();
  MemoryBudget budget(64ULL << 20);
  auto result = evaluate_graph(graph, {}, {last, last + ":1"}, budget);
  if (!result.is_ok()) result = evaluate_graph(graph, {}, {last}, budget);
  if (budget.used() != 0) return "the budget still counts " + std::to_string(budget.used()) + " bytes after the run";
  MemoryBudget constants_budget(64ULL << 20);
  (void)evaluate_constants(graph, {last}, constants_budget);
  return "";
}

}  // namespace mq::fuzz
