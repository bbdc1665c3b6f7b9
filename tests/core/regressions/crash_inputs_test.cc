// Replays every input a fuzzer ever crashed on (or found a broken property
// with): tests/data/crashes/<fuzzer>/<input>, through the same body the
// fuzzer runs (fuzz/fuzz_targets.h). Under the debug-asan build a
// regression shows as a sanitizer report; everywhere as a failed check.
// Each input is named after what it found; the fix that made it pass is in
// the commit that added it.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>

#include "fuzz/fuzz_targets.h"
#include "tests/test_support.h"

namespace {

using TargetBody = std::string (*)(std::string_view);

struct FuzzTarget {
  const char* name;
  TargetBody body;
};

const FuzzTarget kTargets[] = {
    {"parse_graph_fuzzer", mq::fuzz::parse_graph_target},
    {"parse_text_graph_fuzzer", mq::fuzz::parse_text_graph_target},
    {"transform_string_fuzzer", mq::fuzz::transform_string_target},
    {"transform_graph_fuzzer", mq::fuzz::transform_graph_target},
    {"evaluator_fuzzer", mq::fuzz::evaluator_target},
};

}  // namespace

TEST_CASE("crash inputs found by the fuzzers stay fixed", "[regressions]") {
  const std::filesystem::path root = mq::test::test_data("crashes");
  int replayed = 0;
  for (const FuzzTarget& target : kTargets) {
    const std::filesystem::path dir = root / target.name;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
      INFO(target.name << " " << entry.path().filename().string());
      CHECK(target.body(mq::test::read_bytes(entry.path().string())) == "");
      ++replayed;
    }
  }
  std::cout << "crash inputs: " << replayed << " replayed" << std::endl;
  // Every fuzzer's folder holds at least the hand-made input below, so this
  // test can never pass by finding nothing.
  CHECK(replayed >= static_cast<int>(std::size(kTargets)));
}
