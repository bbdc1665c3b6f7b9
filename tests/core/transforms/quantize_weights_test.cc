// quantize_weights: TensorFlow's behaviour bit for bit (TV-QW-1..6), the
// per_channel_int8 and float16 schemes (checked by running the graphs on the
// evaluator against the float original), include/exclude and the report.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstring>

#include "core/eval/evaluator.h"
#include "core/eval/tensor_proto.h"
#include "core/io/graph_io.h"
#include "tests/core/transforms/transform_test_support.h"

using mq::test::add_float_const;
using mq::test::add_node;
using mq::test::canonical;
using mq::test::inputs_of;
using mq::test::Names;
using mq::test::node_named;
using mq::test::node_names;

namespace {

const std::vector<float> kConvInput = {1, 4, 2, 5, 3, 6, -1, -4, -2, -5, -3, -6};
const std::vector<float> kWeightPattern = {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f};

std::vector<float> repeated(const std::vector<float>& pattern, int times) {
  std::vector<float> out;
  for (int i = 0; i < times; ++i) out.insert(out.end(), pattern.begin(), pattern.end());
  return out;
}

void add_conv(tensorflow::GraphDef* graph, const std::string& name, const std::string& input,
              const std::string& filter) {
  auto* conv = add_node(graph, name, "Conv2D", {input, filter});
  auto& attrs = *conv->mutable_attr();
  attrs["T"].set_type(tensorflow::DT_FLOAT);
  attrs["padding"].set_s("VALID");
  for (int i = 0; i < 4; ++i) attrs["strides"].mutable_list()->add_i(1);
  attrs["data_format"].set_s("NHWC");
}

// Graph Q1 of test-vectors.md §8.
tensorflow::GraphDef q1_graph() {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "input_op", {1, 1, 6, 2}, kConvInput);
  add_float_const(&graph, "weights_op", {1, 2, 2, 10}, repeated(kWeightPattern, 5));
  add_conv(&graph, "output", "input_op", "weights_op");
  graph.mutable_versions()->set_producer(21);
  return graph;
}

std::string content_of(const tensorflow::NodeDef& node) { return node.attr().at("value").tensor().tensor_content(); }

float scalar_of(const tensorflow::NodeDef& node) {
  std::vector<float> values = mq::test::float_values(node);
  REQUIRE(values.size() == 1);
  return values[0];
}

std::vector<float> evaluate(const tensorflow::GraphDef& graph, const std::string& output,
                            const std::vector<mq::Feed>& feeds = {}) {
  mq::MemoryBudget budget;
  auto values = mq::evaluate_graph(graph, feeds, {output}, budget);
  INFO(values.status().message());
  REQUIRE(values.is_ok());
  const mq::Tensor& tensor = (*values)[0];
  REQUIRE(tensor.dtype() == tensorflow::DT_FLOAT);
  return std::vector<float>(tensor.data<float>(), tensor.data<float>() + tensor.num_elements());
}

// Deterministic values in [-scale, scale) (xorshift).
std::vector<float> pseudo_random(size_t count, uint32_t seed, float scale) {
  std::vector<float> out(count);
  uint32_t x = seed;
  for (float& v : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v = scale * (static_cast<float>(x % 20001) / 10000.0f - 1.0f);
  }
  return out;
}

double max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double largest = 0;
  for (size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::fabs(double(a[i]) - double(b[i])));
  return largest;
}

}  // namespace

TEST_CASE("quantize_weights replaces a large Const in place (TV-QW-1)", "[transforms][quantize_weights]") {
  auto graph = q1_graph();
  auto result = mq::test::run_transforms(graph, "quantize_weights(minimum_size=16)", {}, {"output"});
  REQUIRE(result.is_ok());
  const auto& out = result->graph;
  CHECK(node_names(out) == Names{"input_op", "weights_op_quantized_const", "weights_op_quantized_min",
                                 "weights_op_quantized_max", "weights_op", "output"});
  CHECK(canonical(node_named(out, "input_op")) == canonical(graph.node(0)));

  const auto& codes = node_named(out, "weights_op_quantized_const");
  CHECK(codes.op() == "Const");
  CHECK(codes.attr().size() == 2);
  CHECK(codes.attr().at("dtype").type() == tensorflow::DT_QUINT8);
  CHECK(codes.attr().at("value").tensor().dtype() == tensorflow::DT_QUINT8);
  CHECK(mq::test::shape_of_value(codes) == std::vector<int64_t>{1, 2, 2, 10});
  const std::vector<uint8_t> pattern = {64, 128, 191, 255, 6, 13, 19, 26};
  std::string expected;
  for (int i = 0; i < 5; ++i) expected.append(pattern.begin(), pattern.end());
  CHECK(content_of(codes) == expected);

  const auto& min = node_named(out, "weights_op_quantized_min");
  const auto& max = node_named(out, "weights_op_quantized_max");
  CHECK(scalar_of(min) == 0.0f);
  CHECK(scalar_of(max) == 4.0f);
  CHECK(min.attr().at("value").tensor().tensor_content().size() == 4);  // AsProtoTensorContent
  CHECK(min.attr().at("value").tensor().tensor_shape().dim_size() == 0);

  const auto& dequantize = node_named(out, "weights_op");
  CHECK(dequantize.op() == "Dequantize");
  CHECK(inputs_of(out, "weights_op") ==
        Names{"weights_op_quantized_const", "weights_op_quantized_min", "weights_op_quantized_max"});
  CHECK(dequantize.attr().size() == 2);
  CHECK(dequantize.attr().at("T").type() == tensorflow::DT_QUINT8);
  CHECK(dequantize.attr().at("mode").s() == "MIN_FIRST");
  CHECK(inputs_of(out, "output") == Names{"input_op", "weights_op"});
  CHECK_FALSE(out.has_versions());

  // The report: one tensor, 160 bytes of floats → 40 codes + min + max.
  REQUIRE(result->steps.size() == 1);
  const auto& tensors = result->steps[0].notes.tensors;
  REQUIRE(tensors.size() == 1);
  CHECK(tensors[0].node == "weights_op");
  CHECK(tensors[0].encoding == "quint8 min_first");
  CHECK(tensors[0].elements == 40);
  CHECK(tensors[0].bytes_before == 160);
  CHECK(tensors[0].bytes_after == 48);
  // TV-QW-4: the largest error is 2 → 2.00784326.
  CHECK(tensors[0].max_abs_error == Approx(2.00784326 - 2.0).epsilon(1e-6));
  CHECK(tensors[0].rmse > 0);
  CHECK(tensors[0].sqnr_db > 30);
  CHECK(result->steps[0].notes.counters.at("tensors quantized") == 1);
}

TEST_CASE("quantize_weights of an all-negative tensor keeps FLT_MIN as its max (TV-QW-2)",
          "[transforms][quantize_weights]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "input_op", {1, 1, 4, 4}, repeated({-1, -4, -2, -5}, 4));
  add_float_const(&graph, "weights_op", {1, 2, 2, 10}, repeated(kWeightPattern, 5));
  add_conv(&graph, "output", "input_op", "weights_op");
  auto out = mq::test::transformed(graph, "quantize_weights(minimum_size=16)", {}, {"output"});
  CHECK(node_names(out) == Names{"input_op_quantized_const", "input_op_quantized_min", "input_op_quantized_max",
                                 "input_op", "weights_op_quantized_const", "weights_op_quantized_min",
                                 "weights_op_quantized_max", "weights_op", "output"});
  CHECK(scalar_of(node_named(out, "input_op_quantized_min")) == -5.0f);
  float max = scalar_of(node_named(out, "input_op_quantized_max"));
  uint32_t bits;
  std::memcpy(&bits, &max, 4);
  CHECK(bits == 0x00800000u);
  CHECK(max == FLT_MIN);
  std::string expected;
  for (int i = 0; i < 4; ++i) expected += std::string({char(204), char(51), char(153), char(0)});
  CHECK(content_of(node_named(out, "input_op_quantized_const")) == expected);
  CHECK(scalar_of(node_named(out, "weights_op_quantized_min")) == 0.0f);
  CHECK(scalar_of(node_named(out, "weights_op_quantized_max")) == 4.0f);
}

TEST_CASE("quantize_weights leaves small and non-float Consts alone (TV-QW-3, TV-QW-5)",
          "[transforms][quantize_weights]") {
  auto graph = q1_graph();
  auto out = mq::test::transformed(graph, "quantize_weights", {}, {"output"});
  REQUIRE(out.node_size() == graph.node_size());
  for (int i = 0; i < graph.node_size(); ++i) CHECK(canonical(out.node(i)) == canonical(graph.node(i)));
  CHECK_FALSE(out.has_versions());

  tensorflow::GraphDef ints;
  mq::test::add_int32_const(&ints, "ids", {2000}, std::vector<int32_t>(2000, 7));
  auto kept = mq::test::transformed(ints, "quantize_weights(minimum_size=16)");
  REQUIRE(kept.node_size() == 1);
  CHECK(canonical(kept.node(0)) == canonical(ints.node(0)));
}

TEST_CASE("dequantizing TV-QW-1 with the evaluator gives TV-QW-4's values", "[transforms][quantize_weights]") {
  auto out = mq::test::transformed(q1_graph(), "quantize_weights(minimum_size=16)", {}, {"output"});
  std::vector<float> restored = evaluate(out, "weights_op");
  const std::vector<float> expected = {1.00392163f,  2.00784326f,  2.99607849f,  4.0f,
                                       0.0941176564f, 0.203921586f, 0.298039228f, 0.407843173f};
  REQUIRE(restored.size() == 40);
  for (size_t i = 0; i < restored.size(); ++i) CHECK(restored[i] == expected[i % 8]);
}

TEST_CASE("quantize_weights reports Consts it cannot read, as TensorFlow does (TV-QW-6)",
          "[transforms][quantize_weights]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "no_dtype", {2}, {1, 2})->mutable_attr()->erase("dtype");
  CHECK(mq::test::transform_error(graph, "quantize_weights") ==
        "quantize_weights: No 'dtype' attribute for Const node no_dtype");

  tensorflow::GraphDef no_value;
  add_float_const(&no_value, "no_value", {2}, {1, 2})->mutable_attr()->erase("value");
  CHECK(mq::test::transform_error(no_value, "quantize_weights") ==
        "quantize_weights: No 'value' attribute for Const node no_value");

  // Every Const is decoded, even one that would stay as it is.
  tensorflow::GraphDef broken;
  auto* node = mq::test::add_int32_const(&broken, "broken", {3}, {});
  node->mutable_attr()->at("value").mutable_tensor()->set_tensor_content("12345");
  CHECK_THAT(mq::test::transform_error(broken, "quantize_weights"),
             Catch::StartsWith("quantize_weights: Decoding Tensor failed for nodebroken (tensor_content has 5 bytes"));
}

TEST_CASE("quantize_weights drops the Const's device and control inputs", "[transforms][quantize_weights]") {
  auto graph = q1_graph();
  add_node(&graph, "init", "NoOp");
  auto* weights = graph.mutable_node(1);
  weights->set_device("/cpu:0");
  weights->add_input("^init");
  auto out = mq::test::transformed(graph, "quantize_weights(minimum_size=16)", {}, {"output"});
  for (const char* name : {"weights_op_quantized_const", "weights_op_quantized_min", "weights_op_quantized_max",
                           "weights_op"}) {
    CHECK(node_named(out, name).device().empty());
    CHECK(node_named(out, name).input_size() == (std::string(name) == "weights_op" ? 3 : 0));
  }
}

TEST_CASE("quantize_weights reads float_val and a short float_val that repeats its last value",
          "[transforms][quantize_weights]") {
  tensorflow::GraphDef graph;
  auto* node = add_node(&graph, "filled", "Const");
  (*node->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  auto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(tensorflow::DT_FLOAT);
  tensor->mutable_tensor_shape()->add_dim()->set_size(20);
  tensor->add_float_val(-1.0f);
  tensor->add_float_val(3.0f);  // repeated for the other 18 elements
  auto out = mq::test::transformed(graph, "quantize_weights(minimum_size=16)");
  CHECK(scalar_of(node_named(out, "filled_quantized_min")) == -1.0f);
  CHECK(scalar_of(node_named(out, "filled_quantized_max")) == 3.0f);
  // dequantize-math.md example 3: −1 → 0, 3 → 255.
  std::string codes = content_of(node_named(out, "filled_quantized_const"));
  REQUIRE(codes.size() == 20);
  CHECK(uint8_t(codes[0]) == 0);
  for (size_t i = 1; i < codes.size(); ++i) CHECK(uint8_t(codes[i]) == 255);
}

TEST_CASE("quantize_weights include= and exclude= pick Consts by name", "[transforms][quantize_weights]") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "conv1/weights", {20}, pseudo_random(20, 1, 1));
  add_float_const(&graph, "conv2/weights", {20}, pseudo_random(20, 2, 1));
  add_float_const(&graph, "fc/weights", {20}, pseudo_random(20, 3, 1));
  auto quantized = [&](const std::string& transforms) {
    auto out = mq::test::transformed(graph, transforms);
    Names names;
    for (const auto& node : out.node())
      if (node.op() == "Dequantize") names.push_back(node.name());
    return names;
  };
  CHECK(quantized("quantize_weights(minimum_size=16)") == Names{"conv1/weights", "conv2/weights", "fc/weights"});
  CHECK(quantized("quantize_weights(minimum_size=16, include=\"conv*\")") == Names{"conv1/weights", "conv2/weights"});
  CHECK(quantized("quantize_weights(minimum_size=16, include=\"conv*\", exclude=conv2/weights)") ==
        Names{"conv1/weights"});
  CHECK(quantized("quantize_weights(minimum_size=16, exclude=\"*/weights\")").empty());
  CHECK(quantized("quantize_weights(minimum_size=16, include=fc/weights, include=\"conv[2-9]/*\")") ==
        Names{"conv2/weights", "fc/weights"});
}

TEST_CASE("quantize_weights rejects an unknown scheme", "[transforms][quantize_weights]") {
  CHECK(mq::test::transform_error(q1_graph(), "quantize_weights(scheme=int4)") ==
        "quantize_weights: unknown scheme 'int4'; use quint8 (the default, TensorFlow's), per_channel_int8 or "
        "float16");
}

TEST_CASE("per_channel_int8 gives each output channel of a convolution its own scale",
          "[transforms][quantize_weights][per_channel]") {
  // Conv2D reading its filter through an Identity, as frozen TF1 graphs do;
  // channel c of the [3,3,2,4] filter spans [-(c+1)^3, (c+1)^3].
  tensorflow::GraphDef graph;
  auto* input = add_node(&graph, "input", "Placeholder");
  (*input->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  std::vector<float> filter = pseudo_random(3 * 3 * 2 * 4, 7, 1.0f);
  for (size_t i = 0; i < filter.size(); ++i) filter[i] *= std::pow(float(i % 4 + 1), 3.0f);
  add_float_const(&graph, "filter", {3, 3, 2, 4}, filter);
  add_node(&graph, "filter/read", "Identity", {"filter"});
  add_conv(&graph, "conv", "input", "filter/read");

  auto out = mq::test::transformed(graph, "quantize_weights(scheme=per_channel_int8, minimum_size=16)", {"input"},
                                   {"conv"});
  CHECK(node_names(out) == Names{"input", "filter_quantized_const", "filter_quantized_min", "filter_quantized_max",
                                 "filter", "filter/read", "conv"});
  const auto& codes = node_named(out, "filter_quantized_const");
  CHECK(codes.attr().at("dtype").type() == tensorflow::DT_QINT8);
  CHECK(content_of(codes).size() == filter.size());
  const auto& dequantize = node_named(out, "filter");
  CHECK(dequantize.op() == "Dequantize");
  CHECK(dequantize.attr().at("T").type() == tensorflow::DT_QINT8);
  CHECK(dequantize.attr().at("mode").s() == "SCALED");
  CHECK(dequantize.attr().at("narrow_range").b() == true);
  CHECK(dequantize.attr().at("axis").i() == 3);
  std::vector<float> mins = mq::test::float_values(node_named(out, "filter_quantized_min"));
  std::vector<float> maxs = mq::test::float_values(node_named(out, "filter_quantized_max"));
  REQUIRE(maxs.size() == 4);
  CHECK(mq::test::shape_of_value(node_named(out, "filter_quantized_max")) == std::vector<int64_t>{4});
  for (size_t c = 0; c < 4; ++c) {
    float largest = 0;
    for (size_t i = c; i < filter.size(); i += 4) largest = std::max(largest, std::fabs(filter[i]));
    CHECK(maxs[c] == largest);
    CHECK(mins[c] == -largest);
  }

  // The restored filter: every value within half a step of its channel.
  std::vector<float> restored = evaluate(out, "filter");
  for (size_t i = 0; i < filter.size(); ++i) {
    INFO("element " << i);
    CHECK(std::fabs(restored[i] - filter[i]) <= maxs[i % 4] / 127.0f / 2.0f * 1.0001f);
  }
  // A code of ±127 lands exactly on the channel's extreme.
  for (size_t c = 0; c < 4; ++c) {
    bool hit = false;
    for (size_t i = c; i < filter.size(); i += 4) hit = hit || std::fabs(restored[i]) == maxs[c];
    CHECK(hit);
  }

  // The whole graph, original and quantized, on the same input.
  mq::Tensor feed(tensorflow::DT_FLOAT, {1, 5, 5, 2});
  std::vector<float> image = pseudo_random(50, 11, 1.0f);
  std::memcpy(feed.data<float>(), image.data(), 50 * sizeof(float));
  std::vector<float> expected = evaluate(graph, "conv", {{"input", feed}});
  std::vector<float> actual = evaluate(out, "conv", {{"input", feed}});
  // Each output sums 18 products of |input| ≤ 1 with weights off by at most
  // half a step of that output channel.
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("output " << i);
    CHECK(std::fabs(actual[i] - expected[i]) <= 18 * maxs[i % 4] / 127.0f / 2.0f);
  }
  // Per-tensor quint8 (TensorFlow's) is much coarser on the small channels.
  auto gtt = mq::test::transformed(graph, "quantize_weights(minimum_size=16)", {"input"}, {"conv"});
  std::vector<float> coarse = evaluate(gtt, "conv", {{"input", feed}});
  double gtt_error = 0, channel_error = 0;
  for (size_t i = 0; i < expected.size(); i += 4) {
    gtt_error = std::max(gtt_error, std::fabs(double(coarse[i]) - expected[i]));
    channel_error = std::max(channel_error, std::fabs(double(actual[i]) - expected[i]));
  }
  CHECK(channel_error < gtt_error);
}

TEST_CASE("per_channel_int8 picks the channel axis from the reading op", "[transforms][quantize_weights][per_channel]") {
  auto axis_for = [](const std::string& op, std::vector<int64_t> shape, bool transpose_b = false) -> int64_t {
    tensorflow::GraphDef graph;
    auto* input = add_node(&graph, "input", "Placeholder");
    (*input->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    add_float_const(&graph, "w", shape, pseudo_random(size_t(count), 5, 1.0f));
    auto* reader = add_node(&graph, "reader", op, {"input", "w"});
    (*reader->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
    if (transpose_b) (*reader->mutable_attr())["transpose_b"].set_b(true);
    auto out = mq::test::transformed(graph, "quantize_weights(scheme=per_channel_int8, minimum_size=4)");
    const auto& dequantize = node_named(out, "w");
    auto axis = dequantize.attr().find("axis");
    int64_t found = axis == dequantize.attr().end() ? -1 : axis->second.i();
    // A per-tensor scale is a scalar; per-channel ones are one per slice.
    size_t scales = mq::test::float_values(node_named(out, "w_quantized_max")).size();
    CHECK(scales == (found < 0 ? 1u : size_t(shape[size_t(found)])));
    return found;
  };
  CHECK(axis_for("Conv2D", {3, 3, 2, 5}) == 3);
  CHECK(axis_for("DepthwiseConv2dNative", {3, 3, 6, 1}) == 2);
  CHECK(axis_for("Conv2DBackpropInput", {3, 3, 4, 2}) == 2);
  CHECK(axis_for("MatMul", {6, 3}) == 1);
  CHECK(axis_for("MatMul", {6, 3}, true) == 0);
  CHECK(axis_for("Add", {6, 3}) == -1);
  CHECK(axis_for("Conv2D", {9, 10}) == -1);  // not a filter shape
}

TEST_CASE("per_channel_int8 keeps a tensor with NaN or infinity as float, with a warning",
          "[transforms][quantize_weights][per_channel]") {
  tensorflow::GraphDef graph;
  std::vector<float> values = pseudo_random(20, 3, 1.0f);
  values[7] = std::numeric_limits<float>::infinity();
  add_float_const(&graph, "w", {20}, values);
  auto result = mq::test::run_transforms(graph, "quantize_weights(scheme=per_channel_int8, minimum_size=16)");
  REQUIRE(result.is_ok());
  CHECK(canonical(result->graph.node(0)) == canonical(graph.node(0)));
  REQUIRE(result->steps[0].notes.warnings.size() == 1);
  CHECK(result->steps[0].notes.warnings[0] ==
        "kept w as float: 'w' holds NaN or infinite values, which int8 cannot represent");
  CHECK(result->steps[0].notes.counters.at("tensors kept as float") == 1);
}

TEST_CASE("float16 stores halves behind a Cast named like the Const", "[transforms][quantize_weights][float16]") {
  tensorflow::GraphDef graph;
  auto* input = add_node(&graph, "x", "Placeholder");
  (*input->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  std::vector<float> weights = pseudo_random(8 * 6, 9, 3.0f);
  weights[0] = 65504.0f;  // the largest half
  weights[1] = 1e-8f;     // below the smallest subnormal half: 0
  add_float_const(&graph, "w", {8, 6}, weights);
  auto* matmul = add_node(&graph, "y", "MatMul", {"x", "w"});
  (*matmul->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);

  auto result = mq::test::run_transforms(graph, "quantize_weights(scheme=float16, minimum_size=16)", {"x"}, {"y"});
  REQUIRE(result.is_ok());
  const auto& out = result->graph;
  CHECK(node_names(out) == Names{"x", "w_float16_const", "w", "y"});
  const auto& halves = node_named(out, "w_float16_const");
  CHECK(halves.attr().at("dtype").type() == tensorflow::DT_HALF);
  CHECK(content_of(halves).size() == 96);
  const auto& cast = node_named(out, "w");
  CHECK(cast.op() == "Cast");
  CHECK(inputs_of(out, "w") == Names{"w_float16_const"});
  CHECK(cast.attr().at("SrcT").type() == tensorflow::DT_HALF);
  CHECK(cast.attr().at("DstT").type() == tensorflow::DT_FLOAT);

  std::vector<float> restored = evaluate(out, "w");
  CHECK(restored[0] == 65504.0f);
  CHECK(restored[1] == 0.0f);
  for (size_t i = 2; i < weights.size(); ++i) {
    INFO("element " << i);
    // Round to nearest with 11 significant bits: relative error ≤ 2^-11.
    CHECK(std::fabs(restored[i] - weights[i]) <= std::fabs(weights[i]) * (1.0f / 2048.0f) + 1e-7f);
  }
  const auto& report = result->steps[0].notes.tensors;
  REQUIRE(report.size() == 1);
  CHECK(report[0].encoding == "float16");
  CHECK(report[0].bytes_before == 192);
  CHECK(report[0].bytes_after == 96);
  CHECK(report[0].max_abs_error == Approx(1e-8).margin(1e-3));

  mq::Tensor feed(tensorflow::DT_FLOAT, {2, 8});
  std::vector<float> x = pseudo_random(16, 4, 1.0f);
  std::memcpy(feed.data<float>(), x.data(), sizeof(float) * 16);
  std::vector<float> expected = evaluate(graph, "y", {{"x", feed}});
  std::vector<float> actual = evaluate(out, "y", {{"x", feed}});
  CHECK(max_abs_difference(expected, actual) <= 8 * 3.0 / 2048.0 + 1e-3);
}

TEST_CASE("float16 keeps a tensor a half cannot hold as float", "[transforms][quantize_weights][float16]") {
  tensorflow::GraphDef graph;
  std::vector<float> values(16, 1.0f);
  values[3] = 70000.0f;
  add_float_const(&graph, "big", {16}, values);
  auto result = mq::test::run_transforms(graph, "quantize_weights(scheme=float16, minimum_size=16)");
  REQUIRE(result.is_ok());
  CHECK(node_names(result->graph) == Names{"big"});
  REQUIRE(result->steps[0].notes.warnings.size() == 1);
  CHECK_THAT(result->steps[0].notes.warnings[0], Catch::StartsWith("kept big as float: 'big' holds 70000"));
}

TEST_CASE("quantize_weights reports each tensor in the steps' JSON", "[transforms][quantize_weights]") {
  auto result = mq::test::run_transforms(q1_graph(), "quantize_weights(minimum_size=16)", {}, {"output"});
  REQUIRE(result.is_ok());
  std::string json = mq::transform_steps_json(result->steps);
  CHECK(json.find("\"tensors\":[{\"node\":\"weights_op\",\"encoding\":\"quint8 min_first\",\"elements\":40,"
                  "\"bytes_before\":160,\"bytes_after\":48,\"max_abs_error\":0.00784") != std::string::npos);
  // An exact encoding has an infinite SQNR, written as null.
  tensorflow::GraphDef halves;
  add_float_const(&halves, "w", {16}, std::vector<float>(16, 0.5f));
  auto exact = mq::test::run_transforms(halves, "quantize_weights(scheme=float16, minimum_size=16)");
  REQUIRE(exact.is_ok());
  CHECK(mq::transform_steps_json(exact->steps).find("\"rmse\":0,\"sqnr_db\":null}") != std::string::npos);
}

TEST_CASE("quantize_weights on a graph it may take gives what it gives on a copy",
          "[transforms][quantize_weights]") {
  // The driver hands quantize_weights the graph itself (its float bytes are
  // freed as they are encoded) unless ignore_errors=true asks for the graph
  // to survive a failure, which runs it on a copy. Both give the same graph,
  // which computes what the float graph computes to within the encoding.
  tensorflow::GraphDef graph;
  auto* input = add_node(&graph, "input", "Placeholder");
  (*input->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  add_float_const(&graph, "filter", {3, 3, 2, 4}, pseudo_random(72, 3, 2.0f));
  add_node(&graph, "filter/read", "Identity", {"filter"});
  add_conv(&graph, "conv", "input", "filter/read");
  add_float_const(&graph, "bias", {4}, {0.5f, -0.25f, 1, 2});  // too small to quantize
  auto* add = add_node(&graph, "output", "Add", {"conv", "bias"});
  (*add->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  mq::test::add_int32_const(&graph, "unused_ints", {20}, std::vector<int32_t>(20, 7));

  mq::Tensor feed(tensorflow::DT_FLOAT, {1, 4, 4, 2});
  std::vector<float> image = pseudo_random(32, 5, 1.0f);
  std::memcpy(feed.data<float>(), image.data(), 32 * sizeof(float));
  const std::vector<float> expected = evaluate(graph, "output", {{"input", feed}});

  for (const char* scheme : {"quint8", "per_channel_int8", "float16"}) {
    INFO(scheme);
    const std::string transform = std::string("quantize_weights(scheme=") + scheme + ", minimum_size=16";
    auto taken = mq::test::run_transforms(graph, transform + ")", {"input"}, {"output"});
    auto copied = mq::test::run_transforms(graph, transform + ", ignore_errors=true)", {"input"}, {"output"});
    REQUIRE(taken.is_ok());
    REQUIRE(copied.is_ok());
    CHECK(*mq::serialize_graph(taken->graph, mq::GraphFormat::kBinary) ==
          *mq::serialize_graph(copied->graph, mq::GraphFormat::kBinary));
    REQUIRE(taken->steps.size() == 1);
    CHECK(taken->steps[0].notes.tensors.size() == 1);
    CHECK(taken->steps[0].notes.tensors.size() == copied->steps[0].notes.tensors.size());
    CHECK(node_named(taken->graph, "filter").op() == (std::string(scheme) == "float16" ? "Cast" : "Dequantize"));
    CHECK(node_named(taken->graph, "bias").op() == "Const");
    CHECK(node_named(taken->graph, "unused_ints").op() == "Const");
    // 18 products of |input| ≤ 1 with weights within a step of 4/255.
    CHECK(max_abs_difference(evaluate(taken->graph, "output", {{"input", feed}}), expected) <= 18 * 4.0 / 255);
  }
}
