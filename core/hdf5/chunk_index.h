// Finding the chunks of a chunked dataset: version-1 B-trees (layout message
// version 3) and the version-4 indexes (single chunk, implicit, fixed array,
// extensible array, version-2 B-tree).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/hdf5/file_context.h"
#include "core/hdf5/messages.h"
#include "core/util/status.h"

namespace mq::hdf5 {

struct ChunkLocation {
  std::vector<uint64_t> offset;  // element coordinates of the chunk's first element
  uint64_t address = kUndefinedAddress;
  uint64_t stored_size = 0;  // bytes in the file (after filtering)
  uint32_t filter_mask = 0;  // bit i set: filter i was not applied to this chunk
};

// Calls `visit` for every chunk the index says is stored. `chunk_bytes` is
// the unfiltered size of one chunk; `filtered` tells whether the dataset has
// a filter pipeline (the index records then carry sizes and masks).
Status for_each_chunk(const FileContext& file, const DataLayout& layout, const Dataspace& space,
                      uint64_t chunk_bytes, bool filtered, const std::function<Status(const ChunkLocation&)>& visit);

}  // namespace mq::hdf5
