#include "core/examples/example_model.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"
#include "core/summarize/summarize.h"
#include "tests/test_support.h"

namespace {

const tensorflow::AttrValue& attr(const tensorflow::NodeDef& node, const std::string& key) {
  auto it = node.attr().find(key);
  INFO("node " << node.name() << " attr " << key);
  REQUIRE(it != node.attr().end());
  return it->second;
}

std::vector<int64_t> ints(const tensorflow::AttrValue& value) {
  return std::vector<int64_t>(value.list().i().begin(), value.list().i().end());
}

// Names of every node `from` depends on (data and control inputs), itself included.
std::set<std::string> ancestors(const tensorflow::GraphDef& graph, const std::string& from) {
  mq::GraphIndex index(graph);
  std::set<std::string> seen;
  std::vector<std::string> todo = {from};
  while (!todo.empty()) {
    std::string name = todo.back();
    todo.pop_back();
    if (!seen.insert(name).second) continue;
    const tensorflow::NodeDef* node = index.find(name);
    REQUIRE(node != nullptr);
    for (const std::string& input : node->input()) todo.emplace_back(mq::node_name_of(input));
  }
  return seen;
}

}  // namespace

TEST_CASE("the example CNN is a valid frozen graph with the advertised inputs and outputs", "[example]") {
  tensorflow::GraphDef graph = mq::make_example_cnn({});
  mq::GraphIndex index(graph);
  REQUIRE(index.validate().is_ok());

  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  REQUIRE(summary.inputs.size() == 2);
  CHECK(summary.inputs[0].name == mq::kExampleInputName);
  CHECK(summary.inputs[0].dtype == tensorflow::DT_FLOAT);
  CHECK(summary.inputs[0].dims == std::vector<int64_t>{1, 64, 64, 3});
  CHECK(summary.inputs[1].name == "labels");
  CHECK(summary.inputs[1].dtype == tensorflow::DT_INT64);
  REQUIRE(summary.outputs.size() == 2);
  CHECK(summary.outputs[0].name == mq::kExampleOutputName);
  CHECK(summary.outputs[0].op == "Softmax");
  CHECK(summary.outputs[1].name == mq::kExampleLossName);
  CHECK(summary.warnings.empty());

  // At least 1 MiB of weights, and exactly what example_weight_bytes promises.
  unsigned long long weight_bytes = 0;
  for (const auto& [dtype, bytes] : summary.weight_bytes_by_dtype) weight_bytes += bytes;
  CHECK(weight_bytes >= (1u << 20));
  CHECK(weight_bytes == mq::example_weight_bytes({}));

  std::set<std::string> ops;
  for (const auto& [op, count] : summary.op_counts) ops.insert(op);
  for (const char* op : {"Placeholder", "Const", "Identity", "Conv2D", "BiasAdd", "FusedBatchNormV3", "Relu6",
                         "CheckNumerics", "DepthwiseConv2dNative", "BatchNormWithGlobalNormalization", "Relu",
                         "Mean", "Reshape", "MatMul", "Softmax", "SparseSoftmaxCrossEntropyWithLogits"})
    CHECK(ops.count(op) == 1);
}

TEST_CASE("the example CNN's nodes carry the attrs TensorFlow would write", "[example]") {
  tensorflow::GraphDef graph = mq::make_example_cnn({});
  mq::GraphIndex index(graph);
  const tensorflow::NodeDef* conv = index.find("conv1/Conv2D");
  REQUIRE(conv != nullptr);
  CHECK(attr(*conv, "T").type() == tensorflow::DT_FLOAT);
  CHECK(attr(*conv, "data_format").s() == "NHWC");
  CHECK(attr(*conv, "padding").s() == "SAME");
  CHECK(ints(attr(*conv, "strides")) == std::vector<int64_t>{1, 2, 2, 1});
  CHECK(ints(attr(*conv, "dilations")) == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(attr(*conv, "explicit_paddings").value_case() == tensorflow::AttrValue::kList);
  CHECK(conv->input(1) == "conv1/weights/read");

  const tensorflow::NodeDef* fused = index.find("conv1/BatchNorm/FusedBatchNormV3");
  REQUIRE(fused != nullptr);
  CHECK(fused->input_size() == 5);
  CHECK_FALSE(attr(*fused, "is_training").b());
  CHECK(attr(*fused, "epsilon").f() == Approx(0.001f));
  CHECK(attr(*fused, "U").type() == tensorflow::DT_FLOAT);

  const tensorflow::NodeDef* old = index.find("conv2_dw/BatchNorm/batchnorm");
  REQUIRE(old != nullptr);
  CHECK(old->op() == "BatchNormWithGlobalNormalization");
  CHECK(attr(*old, "scale_after_normalization").b());
  CHECK(attr(*old, "variance_epsilon").f() == Approx(0.001f));
  CHECK(old->input(1) == "conv2_dw/BatchNorm/moving_mean/read");
  CHECK(old->input(4) == "conv2_dw/BatchNorm/gamma/read");

  // Every float Const is read through "<name>/read" and stores its values as
  // tensor_content of exactly the right length (or one typed value).
  int weights = 0;
  for (const tensorflow::NodeDef& node : graph.node()) {
    if (node.op() != "Const" || attr(node, "dtype").type() != tensorflow::DT_FLOAT) continue;
    ++weights;
    const tensorflow::NodeDef* read = index.find(node.name() + "/read");
    REQUIRE(read != nullptr);
    CHECK(read->op() == "Identity");
    CHECK(attr(*read, "_class").list().s(0) == "loc:@" + node.name());
    const tensorflow::TensorProto& value = attr(node, "value").tensor();
    long long count = 1;
    for (const auto& dim : value.tensor_shape().dim()) count *= dim.size();
    CHECK(static_cast<long long>(value.tensor_content().size()) == (count > 1 ? 4 * count : 0));
    // Batch-norm variances must be positive for the math to make sense.
    if (node.name().find("moving_variance") != std::string::npos) {
      const float* values = reinterpret_cast<const float*>(value.tensor_content().data());
      for (long long i = 0; i < count; ++i) CHECK(values[i] > 0.0f);
    }
  }
  CHECK(weights == 15);
}

TEST_CASE("the training branch is not needed by the predictions", "[example]") {
  tensorflow::GraphDef graph = mq::make_example_cnn({});
  std::set<std::string> needed = ancestors(graph, mq::kExampleOutputName);
  CHECK(needed.count("input") == 1);
  CHECK(needed.count("conv1/CheckNumerics") == 1);
  CHECK(needed.count("labels") == 0);
  CHECK(needed.count(mq::kExampleLossName) == 0);
  CHECK(ancestors(graph, mq::kExampleLossName).count("labels") == 1);
}

TEST_CASE("the example weights are deterministic and depend on the seed", "[example]") {
  auto bytes_of = [](const mq::ExampleOptions& options) {
    auto bytes = mq::serialize_graph(mq::make_example_cnn(options), mq::GraphFormat::kBinary);
    REQUIRE(bytes.is_ok());
    return *bytes;
  };
  mq::ExampleOptions options;
  CHECK(bytes_of(options) == bytes_of(options));
  mq::ExampleOptions reseeded;
  reseeded.seed = 7;
  CHECK(bytes_of(options) != bytes_of(reseeded));
}

TEST_CASE("the committed examples/example_cnn.pb is the default example model", "[example]") {
  std::string path = std::string(MQ_SOURCE_DIR) + "/examples/example_cnn.pb";
  std::string committed = mq::test::read_bytes(path);
  auto generated = mq::serialize_graph(mq::make_example_cnn({}), mq::GraphFormat::kBinary);
  REQUIRE(generated.is_ok());
  INFO("regenerate it with: modelquant example -o examples/example_cnn.pb");
  CHECK(committed == *generated);
  CHECK(committed.size() > (1u << 20));
  CHECK(committed.size() < (2u << 20));
}

TEST_CASE("scaled example models grow with the scale", "[example]") {
  unsigned long long base = mq::example_weight_bytes({});
  CHECK(mq::example_weight_bytes(mq::example_options_for_scale(1)) == base);
  for (int scale : {2, 10, 100, 500}) {
    INFO("scale " << scale);
    mq::ExampleOptions options = mq::example_options_for_scale(scale);
    CHECK(mq::check_example_options(options).is_ok());
    double ratio = static_cast<double>(mq::example_weight_bytes(options)) / static_cast<double>(base);
    CHECK(std::abs(ratio - scale) <= 0.1 * scale + 0.3);
  }
  // Build one scaled model: more blocks, the same kind of graph.
  mq::ExampleOptions two = mq::example_options_for_scale(2);
  CHECK(two.repeated_blocks > 0);
  tensorflow::GraphDef graph = mq::make_example_cnn(two);
  CHECK(mq::GraphIndex(graph).validate().is_ok());
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  unsigned long long weight_bytes = 0;
  for (const auto& [dtype, bytes] : summary.weight_bytes_by_dtype) weight_bytes += bytes;
  CHECK(weight_bytes == mq::example_weight_bytes(two));
  CHECK(mq::GraphIndex(graph).find("block1/Conv2D") != nullptr);
}

TEST_CASE("example options that give no model or a too-large one are refused", "[example]") {
  mq::ExampleOptions zero_width;
  zero_width.width = 0;
  CHECK_FALSE(mq::check_example_options(zero_width).is_ok());
  mq::ExampleOptions huge;
  huge.width = 16;
  huge.repeated_blocks = 200;
  mq::Status status = mq::check_example_options(huge);
  REQUIRE_FALSE(status.is_ok());
  CHECK(status.message().find("2 GiB") != std::string::npos);
  CHECK(mq::check_example_options(mq::example_options_for_scale(1500)).is_ok());
}
