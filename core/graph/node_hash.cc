#include "core/graph/node_hash.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/graph/input_names.h"

namespace mq {
namespace {

// Serialized bytes of an AttrValue; map entries (inside func attrs) sorted so
// the fingerprint does not depend on hash-map order.
std::string serialize_deterministic(const tensorflow::AttrValue& value) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  value.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

uint64_t hash64(std::string_view bytes) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  const uint64_t seed = 0xDECAFCAFFEULL;
  const size_t length = bytes.size();
  uint64_t h = seed ^ (length * m);
  const unsigned char* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t blocks = length / 8;
  for (size_t b = 0; b < blocks; ++b) {
    uint64_t k = 0;
    for (int j = 7; j >= 0; --j) k = (k << 8) | data[b * 8 + static_cast<size_t>(j)];
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const unsigned char* tail = data + blocks * 8;
  const size_t tail_size = length & 7;
  if (tail_size > 0) {
    for (size_t j = 0; j < tail_size; ++j) h ^= static_cast<uint64_t>(tail[j]) << (8 * j);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

uint64_t hash64_combine(uint64_t a, uint64_t b) { return a ^ (b + 0x9e3779b97f4a7800ULL + (a << 10) + (a >> 4)); }

uint64_t hash_node_def(const tensorflow::NodeDef& node) {
  uint64_t h = hash64(node.op());
  h = hash64_combine(h, hash64(node.name()));
  for (const std::string& input : node.input()) h = hash64_combine(h, hash64(canonical_input_name(input)));
  h = hash64_combine(h, hash64(node.device()));
  std::vector<const std::string*> keys;
  keys.reserve(node.attr().size());
  for (const auto& entry : node.attr()) keys.push_back(&entry.first);
  std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
  for (const std::string* key : keys) h = hash64_combine(h, hash64(serialize_deterministic(node.attr().at(*key))));
  return h;
}

}  // namespace mq
