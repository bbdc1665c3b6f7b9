// Reading a dataset's elements: compact, contiguous and chunked storage, the
// filter pipeline (deflate, shuffle, fletcher32) and fill values for parts
// that were never written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/hdf5/datatype.h"
#include "core/hdf5/file_context.h"
#include "core/hdf5/messages.h"
#include "core/hdf5/object_header.h"
#include "core/util/status.h"

namespace mq::hdf5 {

struct DatasetStorage {
  std::string path;  // for messages: "/model_weights/dense_1/kernel:0"
  Datatype datatype;
  Dataspace dataspace;
  DataLayout layout;
  std::vector<FilterInfo> filters;
  std::optional<std::string> fill_value;  // one element
  bool external_storage = false;
};

// Collects what reading needs from a dataset's object header.
StatusOr<DatasetStorage> load_dataset_storage(const FileContext& file, const ObjectHeader& header,
                                              const std::string& path);

// All elements, row-major, in the file's byte order (element_count * datatype.size bytes).
StatusOr<std::string> read_dataset_bytes(const FileContext& file, const DatasetStorage& storage);

// The same bytes without copying when they lie in one piece in the file
// (compact or written contiguous layout); an empty optional otherwise.
StatusOr<std::optional<std::string_view>> dataset_bytes_in_place(const FileContext& file,
                                                                  const DatasetStorage& storage);

// The name of an HDF5 filter ("deflate", "szip", "lzf", ...).
std::string filter_name(const FilterInfo& filter);

// Undoes the byte shuffle filter for elements of `element_size` bytes.
std::string unshuffle(std::string_view data, size_t element_size);

}  // namespace mq::hdf5
