// Shared geometry of the sliding-window kernels (convolutions, pooling):
// reading the data_format / strides / dilations / padding attributes, the
// output size and leading padding of one spatial dimension, and moving
// 4-D tensors between NCHW and NHWC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/tensor.h"
#include "core/util/status.h"

namespace mq {

enum class Padding { kValid, kSame, kExplicit };

// Height and width of one window: size, stride, dilation and (EXPLICIT only)
// the padding before and after, all in NHWC order.
struct WindowAttributes {
  bool channels_first = false;  // data_format NCHW
  Padding padding = Padding::kValid;
  int64_t stride[2] = {1, 1};
  int64_t dilation[2] = {1, 1};
  int64_t explicit_padding[2][2] = {{0, 0}, {0, 0}};
};

// Reads data_format ("NHWC" or "NCHW"), strides, dilations (when
// read_dilations), padding and explicit_paddings from the node; errors name
// the attribute. Strides and dilations on the batch and channel dimensions
// must be 1.
StatusOr<WindowAttributes> read_window_attributes(const KernelContext& context, bool read_dilations,
                                                  bool allow_explicit_padding);

// One spatial dimension of a window over an input of `input_size`:
// the output size and the number of padded cells before the first input cell.
struct WindowDimension {
  int64_t output_size = 0;
  int64_t padding_before = 0;
};

// TensorFlow's rule: VALID → (in − effective_window + stride) / stride,
// SAME → ceil(in / stride) with the total padding split so the extra cell goes
// after, EXPLICIT → (in + before + after − effective_window + stride) / stride
// (integer division; a negative size is an error),
// where effective_window = (window − 1) × dilation + 1.
StatusOr<WindowDimension> compute_window_dimension(const KernelContext& context, int64_t input_size,
                                                   int64_t window, int64_t stride, int64_t dilation,
                                                   Padding padding, int64_t explicit_before,
                                                   int64_t explicit_after, const char* dimension_name);

// Copies a 4-D tensor [N,C,H,W] into a new [N,H,W,C] tensor and back (any
// fixed-size dtype; the result has the same dtype).
Tensor channels_first_to_last(const Tensor& input);
Tensor channels_last_to_first(const Tensor& input);

// "[1,2,3]" for error messages.
std::string list_string(const std::vector<int64_t>& values);

}  // namespace mq
