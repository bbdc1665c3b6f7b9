// The batch-norm folds on whole models: the example CNN (a
// BatchNormWithGlobalNormalization and FusedBatchNormV3 nodes) and the
// TF-slim MobileNet v1 whose batch norms are Rsqrt/Mul/Sub/Add that
// fold_constants turns into Mul(conv, Const) + Add. The folded graphs compute
// the same numbers (1e-4 relative) as the originals.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/eval/model_run.h"
#include "core/examples/example_model.h"
#include "core/io/graph_io.h"
#include "core/io/npy.h"
#include "tests/core/transforms/transform_test_support.h"
#include "tests/test_support.h"

namespace {

int count_ops(const tensorflow::GraphDef& graph, const std::string& op) {
  int count = 0;
  for (const auto& node : graph.node()) count += node.op() == op ? 1 : 0;
  return count;
}

int64_t counter(const mq::TransformResult& result, const std::string& step, const std::string& name) {
  for (const auto& report : result.steps)
    if (report.name == step) {
      auto found = report.notes.counters.find(name);
      return found == report.notes.counters.end() ? 0 : found->second;
    }
  return -1;
}

// Runs both graphs on the same generated (or given) inputs; every output
// element must agree within 1e-4 relative (plus 1e-6 absolute for values near 0).
void check_same_numbers(const tensorflow::GraphDef& before, const tensorflow::GraphDef& after,
                        const std::string& output, std::vector<mq::Feed> inputs = {}) {
  mq::RunOptions options;
  options.outputs = {output};
  options.inputs = std::move(inputs);
  auto expected = mq::run_model(before, options);
  auto actual = mq::run_model(after, options);
  INFO(expected.status().message() << " / " << actual.status().message());
  REQUIRE(expected.is_ok());
  REQUIRE(actual.is_ok());
  const mq::Tensor& a = expected->outputs[0];
  const mq::Tensor& b = actual->outputs[0];
  REQUIRE(a.shape() == b.shape());
  double worst = 0;
  int64_t outside = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    const double x = a.data<float>()[i], y = b.data<float>()[i];
    worst = std::max(worst, std::fabs(x - y) / std::max(std::fabs(x), 1e-6));
    outside += !(std::fabs(x - y) <= 1e-6 + 1e-4 * std::fabs(x));
  }
  INFO(output << ": worst relative difference " << worst);
  CHECK(outside == 0);
}

}  // namespace

TEST_CASE("batch norm folds on the example CNN keep its predictions", "[transforms][fold_batch_norms][models]") {
  mq::ExampleOptions example;
  example.repeated_blocks = 2;
  const tensorflow::GraphDef graph = mq::make_example_cnn(example);
  REQUIRE(count_ops(graph, "BatchNormWithGlobalNormalization") == 1);
  REQUIRE(count_ops(graph, "FusedBatchNormV3") == 3);

  // As TensorFlow's tool does it: the old-style batch norm folds, the V3 ones do not.
  auto tf_way = mq::test::run_transforms(graph, "fold_constants(ignore_errors=true) fold_batch_norms fold_old_batch_norms",
                                         {mq::kExampleInputName}, {mq::kExampleOutputName});
  INFO(tf_way.status().message());
  REQUIRE(tf_way.is_ok());
  CHECK(count_ops(tf_way->graph, "BatchNormWithGlobalNormalization") == 0);
  CHECK(count_ops(tf_way->graph, "FusedBatchNormV3") == 3);
  CHECK(counter(*tf_way, "fold_old_batch_norms", "batch norms folded") == 1);
  CHECK(counter(*tf_way, "fold_constants", "constants created") > 10);
  check_same_numbers(graph, tf_way->graph, mq::kExampleOutputName);

  // With V3 folding asked for, the two that follow a depthwise convolution go
  // too; the one after conv1's BiasAdd has no pattern in the tool.
  auto with_v3 = mq::test::run_transforms(graph, "fold_constants(ignore_errors=true) fold_old_batch_norms(fused_batch_norm_v3=true)",
                                          {mq::kExampleInputName}, {mq::kExampleOutputName});
  INFO(with_v3.status().message());
  REQUIRE(with_v3.is_ok());
  CHECK(count_ops(with_v3->graph, "BatchNormWithGlobalNormalization") == 0);
  CHECK(count_ops(with_v3->graph, "FusedBatchNormV3") == 1);
  CHECK(counter(*with_v3, "fold_old_batch_norms", "batch norms folded") == 3);
  check_same_numbers(graph, with_v3->graph, mq::kExampleOutputName);
}

TEST_CASE("fold_constants then fold_batch_norms on MobileNet v1 keeps its predictions",
          "[transforms][fold_batch_norms][models]") {
  const std::string shared = mq::test::shared_dir();
  if (shared.empty()) {
    mq::test::announce_skip("batch norm folds on MobileNet v1", "../shared not found");
    return;
  }
  tensorflow::GraphDef graph;
  REQUIRE(mq::load_graph_file(shared + "/models/poets_mobilenet_v1_0.25_128_frozen.pb", &graph).is_ok());
  const std::string output = "MobilenetV1/Predictions/Reshape_1";
  auto folded = mq::test::run_transforms(
      graph, "fold_constants(ignore_errors=true) fold_batch_norms fold_old_batch_norms", {"input"}, {output});
  INFO(folded.status().message());
  REQUIRE(folded.is_ok());
  // Every convolution's batch-norm Mul went into its weights: 1 Conv2D stem,
  // 13 depthwise and 13 pointwise layers.
  CHECK(counter(*folded, "fold_batch_norms", "batch norms folded") == 27);
  CHECK(count_ops(folded->graph, "Rsqrt") == 0);
  CHECK(count_ops(folded->graph, "Mul") == 0);
  CHECK(folded->graph.node_size() < graph.node_size() / 2);

  auto input = mq::read_npy_file(shared + "/models/reference/poets_mobilenet_v1_0.25_128_frozen/input.input.npy");
  REQUIRE(input.is_ok());
  check_same_numbers(graph, folded->graph, output, {{"input", *input}});
}
