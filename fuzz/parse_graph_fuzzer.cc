// Binary/text GraphDef parsing on arbitrary bytes, then validation and
// serialization of whatever parsed: none may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/graph/graph_index.h"
#include "core/io/graph_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tensorflow::GraphDef graph;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (!mq::parse_graph(bytes, "fuzz.pb", &graph).is_ok()) return 0;
  mq::GraphIndex index(graph);
  (void)index.validate();
  auto binary = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
  auto text = mq::serialize_graph(graph, mq::GraphFormat::kText);
  return 0;
}
