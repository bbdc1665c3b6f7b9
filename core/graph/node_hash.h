// TensorFlow's node fingerprint (HashNodeDef), used to find duplicate nodes:
// MurmurHash64A over the op, name, canonical inputs, device and the
// serialized attribute values in key order (keys themselves are not hashed).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/proto/graph.pb.h"

namespace mq {

// MurmurHash64A with TensorFlow's seed 0xDECAFCAFFE.
uint64_t hash64(std::string_view bytes);

// TensorFlow's Hash64Combine.
uint64_t hash64_combine(uint64_t a, uint64_t b);

uint64_t hash_node_def(const tensorflow::NodeDef& node);

}  // namespace mq
