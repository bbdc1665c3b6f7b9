// Parse and serialize throughput on the largest shared model, and the
// quantize arithmetic on a weight-sized buffer.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <vector>

#include "core/io/file.h"
#include "core/io/graph_io.h"
#include "core/quantize/quantize_math.h"

namespace {

std::string largest_shared_model() {
  const char* env = std::getenv("MQ_SHARED_DIR");
  std::string dir = std::string(env && *env ? env : MQ_SHARED_DIR_DEFAULT) + "/models";
  std::string best;
  std::uintmax_t best_size = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".pb") continue;
    if (entry.file_size() > best_size) best_size = entry.file_size(), best = entry.path().string();
  }
  return best;
}

void BM_ParseBinaryGraph(benchmark::State& state) {
  std::string path = largest_shared_model();
  if (path.empty()) return state.SkipWithError("no shared models (set MQ_SHARED_DIR)");
  std::string bytes = mq::read_file(path).value();
  for (auto _ : state) {
    tensorflow::GraphDef graph;
    if (!mq::parse_graph(bytes, path, &graph).is_ok()) return state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(graph.node_size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(std::filesystem::path(path).filename().string());
}
BENCHMARK(BM_ParseBinaryGraph)->Unit(benchmark::kMillisecond);

void BM_SerializeBinaryGraph(benchmark::State& state) {
  std::string path = largest_shared_model();
  if (path.empty()) return state.SkipWithError("no shared models (set MQ_SHARED_DIR)");
  tensorflow::GraphDef graph;
  if (!mq::load_graph_file(path, &graph).is_ok()) return state.SkipWithError("load failed");
  size_t size = 0;
  for (auto _ : state) {
    auto bytes = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
    size = bytes->size();
    benchmark::DoNotOptimize(bytes->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}
BENCHMARK(BM_SerializeBinaryGraph)->Unit(benchmark::kMillisecond);

void BM_FloatToQuint8(benchmark::State& state) {
  std::vector<float> weights(static_cast<size_t>(state.range(0)));
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.0f, 0.1f);
  for (float& w : weights) w = dist(rng);
  std::vector<uint8_t> out(weights.size());
  for (auto _ : state) {
    auto range = mq::quantize_weights_range(weights.data(), weights.size());
    mq::float_to_quint8(weights.data(), weights.size(), range.min, range.max, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * weights.size() * sizeof(float)));
}
BENCHMARK(BM_FloatToQuint8)->Arg(1 << 20)->Arg(1 << 24)->Unit(benchmark::kMillisecond);

}  // namespace
