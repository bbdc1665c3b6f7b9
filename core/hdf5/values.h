// Turning stored elements into numbers and strings: integers and floats of
// any size and byte order (float16 included), fixed-length strings and
// variable-length strings kept in the global heap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/hdf5/datatype.h"
#include "core/hdf5/file_context.h"
#include "core/util/status.h"

namespace mq::hdf5 {

// Converts `count` elements of `type` stored in `raw` (count * type.size
// bytes) to `out`. T is float, double or int64_t. Non-numeric types fail.
template <typename T>
Status convert_numbers(const Datatype& type, std::string_view raw, uint64_t count, T* out);

// Decodes `count` string elements (fixed-length or variable-length).
StatusOr<std::vector<std::string>> decode_strings(const FileContext& file, const Datatype& type, std::string_view raw,
                                                  uint64_t count);

}  // namespace mq::hdf5
