// Binary or text GraphDef bytes: parse, validate, check, summarize, serialize.
// The body is mq::fuzz::parse_graph_target (fuzz/fuzz_targets.h), which the
// crash regression test replays too.
#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string broken = mq::fuzz::parse_graph_target(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!broken.empty()) {
    std::fprintf(stderr, "parse_graph_fuzzer: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
