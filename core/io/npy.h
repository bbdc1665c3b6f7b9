// NumPy .npy files (format versions 1, 2 and 3; little-endian, C order) as
// Tensors: float16/32/64, int8/16/32/64, uint8/16/32/64 and bool.
#pragma once

#include <string>
#include <string_view>

#include "core/eval/tensor.h"
#include "core/util/status.h"

namespace mq {

// Parses .npy bytes; `source` names the input in messages ("x.npy").
StatusOr<Tensor> parse_npy(std::string_view bytes, const std::string& source);
// Encodes a tensor as .npy bytes (version 1.0, or 2.0 for very long headers).
StatusOr<std::string> serialize_npy(const Tensor& tensor);

StatusOr<Tensor> read_npy_file(const std::string& path);
Status write_npy_file(const Tensor& tensor, const std::string& path);

}  // namespace mq
