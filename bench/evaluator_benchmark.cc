// Evaluator throughput: one inference of the largest shared model
// (npm_nsfwjs_mobilenet_v2_mid, MobileNet v2 on a 1x224x224x3 input) on the
// CPU kernels, and fold_constants on the TF-slim MobileNet v1.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "core/eval/evaluator.h"
#include "core/eval/model_run.h"
#include "core/io/graph_io.h"
#include "core/transforms/apply_transforms.h"
#include "core/transforms/transform_string.h"

namespace {

std::string shared_model(const std::string& name) {
  const char* env = std::getenv("MQ_SHARED_DIR");
  return std::string(env && *env ? env : MQ_SHARED_DIR_DEFAULT) + "/models/" + name;
}

void BM_EvaluateMobilenetV2(benchmark::State& state) {
  const std::string path = shared_model("npm_nsfwjs_mobilenet_v2_mid.pb");
  tensorflow::GraphDef graph;
  if (!mq::load_graph_file(path, &graph).is_ok()) return state.SkipWithError("no shared model (set MQ_SHARED_DIR)");
  const tensorflow::NodeDef* placeholder = nullptr;
  for (const auto& node : graph.node())
    if (node.name() == "input") placeholder = &node;
  if (placeholder == nullptr) return state.SkipWithError("the model has no 'input'");
  mq::Shape shape = {1, 224, 224, 3};
  auto input = mq::generate_input(*placeholder, &shape, 1);
  if (!input.is_ok()) return state.SkipWithError(input.status().message().c_str());
  const std::vector<mq::Feed> feeds = {{"input", *input}};
  unsigned long long peak = 0;
  for (auto _ : state) {
    mq::MemoryBudget budget;
    auto outputs = mq::evaluate_graph(graph, feeds, {"Identity"}, budget);
    if (!outputs.is_ok()) return state.SkipWithError(outputs.status().message().c_str());
    benchmark::DoNotOptimize(outputs->front().raw());
    peak = budget.peak();
  }
  state.counters["peak_MB"] = static_cast<double>(peak) / 1e6;
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("npm_nsfwjs_mobilenet_v2_mid 1x224x224x3");
}
BENCHMARK(BM_EvaluateMobilenetV2)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_FoldConstantsMobilenetV1(benchmark::State& state) {
  tensorflow::GraphDef graph;
  if (!mq::load_graph_file(shared_model("poets_mobilenet_v1_0.25_128_frozen.pb"), &graph).is_ok())
    return state.SkipWithError("no shared model (set MQ_SHARED_DIR)");
  auto transforms = mq::parse_transform_string("fold_constants fold_batch_norms");
  for (auto _ : state) {
    auto result = mq::apply_transforms(graph, *transforms, {"input"}, {"MobilenetV1/Predictions/Reshape_1"});
    if (!result.is_ok()) return state.SkipWithError(result.status().message().c_str());
    benchmark::DoNotOptimize(result->graph.node_size());
  }
  state.SetLabel("poets_mobilenet_v1_0.25_128_frozen");
}
BENCHMARK(BM_FoldConstantsMobilenetV1)->Unit(benchmark::kMillisecond);

}  // namespace
