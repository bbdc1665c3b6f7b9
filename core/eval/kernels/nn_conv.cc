// Convolution kernels: Conv2D (im2col + Eigen GEMM, 1x1 as a direct GEMM,
// grouped when the input has a multiple of the filter's input channels),
// DepthwiseConv2dNative (a direct loop over channels that vectorises),
// Conv2DBackpropInput (the transposed convolution: GEMM + col2im), and the
// fused forms _FusedConv2D and FusedDepthwiseConv2dNative.
// NCHW inputs are computed in NHWC and swapped back.
#include <Eigen/Core>
#include <algorithm>
#include <cstring>

#include "core/eval/kernel.h"
#include "core/eval/kernels/floating_dtypes.h"
#include "core/eval/kernels/fused_operations.h"
#include "core/eval/kernels/spatial_geometry.h"

namespace mq {

namespace {

template <typename T>
using RowMajorMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using MatrixMap = Eigen::Map<RowMajorMatrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ConstMatrixMap = Eigen::Map<const RowMajorMatrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T>
using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// Everything a 2-D convolution needs, in NHWC terms.
struct ConvolutionGeometry {
  int64_t batch = 0, input_height = 0, input_width = 0, input_channels = 0;
  int64_t filter_height = 0, filter_width = 0;
  int64_t group_input_channels = 0;  // filter dim 2 (Conv2D) or 1 (depthwise)
  int64_t output_channels = 0;       // filter dim 3 (Conv2D) or C × multiplier (depthwise)
  int64_t groups = 1;
  int64_t channel_multiplier = 1;    // depthwise only
  int64_t output_height = 0, output_width = 0;
  int64_t stride_height = 1, stride_width = 1;
  int64_t dilation_height = 1, dilation_width = 1;
  int64_t padding_top = 0, padding_left = 0;

  int64_t output_pixels() const { return batch * output_height * output_width; }
  int64_t patch_size() const { return filter_height * filter_width * group_input_channels; }
  Shape output_shape(bool channels_first) const {
    if (channels_first) return {batch, output_channels, output_height, output_width};
    return {batch, output_height, output_width, output_channels};
  }
};

enum class FilterKind { kConvolution, kDepthwise };

// `input_nhwc` is the input shape in NHWC order (batch, height, width, channels).
StatusOr<ConvolutionGeometry> convolution_geometry(const KernelContext& context, const WindowAttributes& window,
                                                   const Shape& input_nhwc, const Tensor& filter,
                                                   FilterKind kind) {
  if (input_nhwc.size() != 4) {
    return context.error("input must be 4-D, got shape " + shape_string(input_nhwc));
  }
  if (filter.rank() != 4) {
    return context.error("filter must be 4-D [height, width, in_channels, out_channels], got shape " +
                         shape_string(filter.shape()));
  }
  ConvolutionGeometry geometry;
  geometry.batch = input_nhwc[0];
  geometry.input_height = input_nhwc[1];
  geometry.input_width = input_nhwc[2];
  geometry.input_channels = input_nhwc[3];
  geometry.filter_height = filter.dim(0);
  geometry.filter_width = filter.dim(1);
  geometry.stride_height = window.stride[0];
  geometry.stride_width = window.stride[1];
  geometry.dilation_height = window.dilation[0];
  geometry.dilation_width = window.dilation[1];

  if (kind == FilterKind::kDepthwise) {
    if (filter.dim(2) != geometry.input_channels) {
      return context.error("filter " + shape_string(filter.shape()) + " has " + std::to_string(filter.dim(2)) +
                           " input channels, the input has " + std::to_string(geometry.input_channels));
    }
    geometry.channel_multiplier = filter.dim(3);
    geometry.group_input_channels = 1;
    geometry.groups = geometry.input_channels;
    geometry.output_channels = geometry.input_channels * geometry.channel_multiplier;
  } else {
    geometry.group_input_channels = filter.dim(2);
    geometry.output_channels = filter.dim(3);
    if (geometry.group_input_channels <= 0 || geometry.input_channels % geometry.group_input_channels != 0) {
      return context.error("input depth " + std::to_string(geometry.input_channels) +
                           " must be a multiple of the filter's input depth " + std::to_string(filter.dim(2)) +
                           " (filter shape " + shape_string(filter.shape()) + ")");
    }
    geometry.groups = geometry.input_channels / geometry.group_input_channels;
    if (geometry.output_channels % geometry.groups != 0) {
      return context.error("filter output depth " + std::to_string(geometry.output_channels) +
                           " must be a multiple of the number of groups " + std::to_string(geometry.groups));
    }
  }

  MQ_ASSIGN_OR_RETURN(WindowDimension rows,
                      compute_window_dimension(context, geometry.input_height, geometry.filter_height,
                                               geometry.stride_height, geometry.dilation_height, window.padding,
                                               window.explicit_padding[0][0], window.explicit_padding[0][1],
                                               "height"));
  MQ_ASSIGN_OR_RETURN(WindowDimension columns,
                      compute_window_dimension(context, geometry.input_width, geometry.filter_width,
                                               geometry.stride_width, geometry.dilation_width, window.padding,
                                               window.explicit_padding[1][0], window.explicit_padding[1][1],
                                               "width"));
  geometry.output_height = rows.output_size;
  geometry.padding_top = rows.padding_before;
  geometry.output_width = columns.output_size;
  geometry.padding_left = columns.padding_before;
  return geometry;
}

Shape nhwc_shape(const Tensor& input, bool channels_first) {
  if (input.rank() != 4) return input.shape();
  if (channels_first) return {input.dim(0), input.dim(2), input.dim(3), input.dim(1)};
  return input.shape();
}

// Rows of the im2col matrix computed per GEMM: enough for an efficient
// product, few enough to keep the patch buffer near 4 MB.
int64_t patch_rows_per_block(int64_t patch_size, int64_t total_rows) {
  const int64_t target_elements = int64_t{1} << 20;
  int64_t rows = std::max<int64_t>(64, target_elements / std::max<int64_t>(1, patch_size));
  return std::min(rows, std::max<int64_t>(1, total_rows));
}

// Fills patches [rows, filter_height × filter_width × group_channels] for
// output pixels first_pixel … first_pixel + rows − 1 (flattened over batch,
// height, width), input channels first_channel … first_channel + group_channels − 1.
template <typename T>
void gather_patches(const ConvolutionGeometry& g, const T* input, int64_t first_pixel, int64_t rows,
                    int64_t first_channel, T* patches) {
  const int64_t group_channels = g.group_input_channels;
  const int64_t patch = g.patch_size();
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t pixel = first_pixel + r;
    const int64_t ow = pixel % g.output_width;
    const int64_t oh = (pixel / g.output_width) % g.output_height;
    const int64_t n = pixel / (g.output_width * g.output_height);
    T* row = patches + r * patch;
    for (int64_t kh = 0; kh < g.filter_height; ++kh) {
      const int64_t ih = oh * g.stride_height - g.padding_top + kh * g.dilation_height;
      T* row_kh = row + kh * g.filter_width * group_channels;
      if (ih < 0 || ih >= g.input_height) {
        std::fill(row_kh, row_kh + g.filter_width * group_channels, T(0));
        continue;
      }
      const T* input_row = input + ((n * g.input_height + ih) * g.input_width) * g.input_channels + first_channel;
      for (int64_t kw = 0; kw < g.filter_width; ++kw) {
        const int64_t iw = ow * g.stride_width - g.padding_left + kw * g.dilation_width;
        T* cell = row_kh + kw * group_channels;
        if (iw < 0 || iw >= g.input_width) {
          std::fill(cell, cell + group_channels, T(0));
        } else {
          std::memcpy(cell, input_row + iw * g.input_channels, sizeof(T) * static_cast<size_t>(group_channels));
        }
      }
    }
  }
}

// output [pixels, output_channels] = im2col(input) × filter, all NHWC.
template <typename T>
void convolve_nhwc(const ConvolutionGeometry& g, const T* input, const T* filter, T* output) {
  const int64_t pixels = g.output_pixels();
  const int64_t group_outputs = g.output_channels / g.groups;
  const int64_t patch = g.patch_size();
  if (pixels == 0 || g.output_channels == 0) return;
  if (patch == 0) {
    std::fill(output, output + pixels * g.output_channels, T(0));
    return;
  }
  const bool pointwise = g.filter_height == 1 && g.filter_width == 1 && g.stride_height == 1 &&
                         g.stride_width == 1 && g.padding_top == 0 && g.padding_left == 0 &&
                         g.output_height == g.input_height && g.output_width == g.input_width;
  if (pointwise) {
    // A 1x1 convolution is a matrix product of the pixels with the filter.
    for (int64_t group = 0; group < g.groups; ++group) {
      ConstMatrixMap<T> pixels_matrix(input + group * g.group_input_channels, pixels, g.group_input_channels,
                                      Eigen::OuterStride<>(g.input_channels));
      ConstMatrixMap<T> filter_matrix(filter + group * group_outputs, g.group_input_channels, group_outputs,
                                      Eigen::OuterStride<>(g.output_channels));
      MatrixMap<T> result(output + group * group_outputs, pixels, group_outputs,
                          Eigen::OuterStride<>(g.output_channels));
      result.noalias() = pixels_matrix * filter_matrix;
    }
    return;
  }
  const int64_t block_rows = patch_rows_per_block(patch, pixels);
  std::vector<T> patches(static_cast<size_t>(block_rows * patch));
  for (int64_t first = 0; first < pixels; first += block_rows) {
    const int64_t rows = std::min(block_rows, pixels - first);
    for (int64_t group = 0; group < g.groups; ++group) {
      gather_patches(g, input, first, rows, group * g.group_input_channels, patches.data());
      ConstMatrixMap<T> patch_matrix(patches.data(), rows, patch, Eigen::OuterStride<>(patch));
      ConstMatrixMap<T> filter_matrix(filter + group * group_outputs, patch, group_outputs,
                                      Eigen::OuterStride<>(g.output_channels));
      MatrixMap<T> result(output + first * g.output_channels + group * group_outputs, rows, group_outputs,
                          Eigen::OuterStride<>(g.output_channels));
      result.noalias() = patch_matrix * filter_matrix;
    }
  }
}

// Depthwise: output channel c × multiplier + m sums input channel c times
// filter[kh, kw, c, m] over the window.
template <typename T>
void depthwise_convolve_nhwc(const ConvolutionGeometry& g, const T* input, const T* filter, T* output) {
  const int64_t channels = g.input_channels;
  const int64_t multiplier = g.channel_multiplier;
  const int64_t output_channels = g.output_channels;
  std::vector<T> expanded(static_cast<size_t>(multiplier > 1 ? output_channels : 0));
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.output_height; ++oh) {
      for (int64_t ow = 0; ow < g.output_width; ++ow) {
        T* out = output + ((n * g.output_height + oh) * g.output_width + ow) * output_channels;
        ArrayMap<T> accumulator(out, output_channels);
        accumulator.setZero();
        for (int64_t kh = 0; kh < g.filter_height; ++kh) {
          const int64_t ih = oh * g.stride_height - g.padding_top + kh * g.dilation_height;
          if (ih < 0 || ih >= g.input_height) continue;
          for (int64_t kw = 0; kw < g.filter_width; ++kw) {
            const int64_t iw = ow * g.stride_width - g.padding_left + kw * g.dilation_width;
            if (iw < 0 || iw >= g.input_width) continue;
            const T* in = input + ((n * g.input_height + ih) * g.input_width + iw) * channels;
            ConstArrayMap<T> weights(filter + (kh * g.filter_width + kw) * output_channels, output_channels);
            if (multiplier == 1) {
              accumulator += ConstArrayMap<T>(in, channels) * weights;
            } else {
              for (int64_t c = 0; c < channels; ++c) {
                std::fill(expanded.begin() + c * multiplier, expanded.begin() + (c + 1) * multiplier, in[c]);
              }
              accumulator += ConstArrayMap<T>(expanded.data(), output_channels) * weights;
            }
          }
        }
      }
    }
  }
}

// The transposed convolution: every output_backprop pixel spreads
// out_backprop[pixel, :] × filterᵀ over the input cells its window covers.
template <typename T>
void convolve_transposed_nhwc(const ConvolutionGeometry& g, const T* out_backprop, const T* filter, T* input_grad) {
  const int64_t pixels = g.output_pixels();
  const int64_t patch = g.patch_size();
  const int64_t group_outputs = g.output_channels / g.groups;
  std::fill(input_grad, input_grad + g.batch * g.input_height * g.input_width * g.input_channels, T(0));
  if (pixels == 0 || patch == 0) return;
  const int64_t block_rows = patch_rows_per_block(patch, pixels);
  std::vector<T> columns(static_cast<size_t>(block_rows * patch));
  const int64_t group_channels = g.group_input_channels;
  for (int64_t first = 0; first < pixels; first += block_rows) {
    const int64_t rows = std::min(block_rows, pixels - first);
    for (int64_t group = 0; group < g.groups; ++group) {
      ConstMatrixMap<T> gradient(out_backprop + first * g.output_channels + group * group_outputs, rows,
                                 group_outputs, Eigen::OuterStride<>(g.output_channels));
      ConstMatrixMap<T> filter_matrix(filter + group * group_outputs, patch, group_outputs,
                                      Eigen::OuterStride<>(g.output_channels));
      MatrixMap<T> column_matrix(columns.data(), rows, patch, Eigen::OuterStride<>(patch));
      column_matrix.noalias() = gradient * filter_matrix.transpose();
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t pixel = first + r;
        const int64_t ow = pixel % g.output_width;
        const int64_t oh = (pixel / g.output_width) % g.output_height;
        const int64_t n = pixel / (g.output_width * g.output_height);
        const T* row = columns.data() + r * patch;
        for (int64_t kh = 0; kh < g.filter_height; ++kh) {
          const int64_t ih = oh * g.stride_height - g.padding_top + kh * g.dilation_height;
          if (ih < 0 || ih >= g.input_height) continue;
          for (int64_t kw = 0; kw < g.filter_width; ++kw) {
            const int64_t iw = ow * g.stride_width - g.padding_left + kw * g.dilation_width;
            if (iw < 0 || iw >= g.input_width) continue;
            T* target = input_grad + ((n * g.input_height + ih) * g.input_width + iw) * g.input_channels +
                        group * group_channels;
            ArrayMap<T>(target, group_channels) +=
                ConstArrayMap<T>(row + (kh * g.filter_width + kw) * group_channels, group_channels);
          }
        }
      }
    }
  }
}

// Conv2D, DepthwiseConv2dNative and their fused forms.
Status run_convolution(KernelContext& context, FilterKind kind, bool fused) {
  MQ_RETURN_IF_ERROR(context.check_input_count(2));
  const Tensor& input = context.inputs[0];
  const Tensor& filter = context.inputs[1];
  if (input.dtype() != filter.dtype()) {
    return context.error("input has dtype " + dtype_name(input.dtype()) + " but the filter has " +
                         dtype_name(filter.dtype()));
  }
  MQ_ASSIGN_OR_RETURN(WindowAttributes window,
                      read_window_attributes(context, /*read_dilations=*/true, /*allow_explicit_padding=*/true));
  if (input.rank() != 4) return context.error("input must be 4-D, got shape " + shape_string(input.shape()));
  MQ_ASSIGN_OR_RETURN(ConvolutionGeometry geometry,
                      convolution_geometry(context, window, nhwc_shape(input, window.channels_first), filter, kind));

  FusedOperations fused_operations;
  if (fused) {
    MQ_ASSIGN_OR_RETURN(fused_operations, FusedOperations::read(context, 2, geometry.output_channels));
    MQ_RETURN_IF_ERROR(fused_operations.check_output(context, geometry.output_shape(window.channels_first)));
    if (window.channels_first && fused_operations.addend().is_valid()) {
      fused_operations.replace_addend(channels_first_to_last(fused_operations.addend()));
    }
  }

  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(input.dtype(), geometry.output_shape(window.channels_first)));
  if (window.channels_first)
    MQ_RETURN_IF_ERROR(context.reserve_temporary(input.byte_size() + 2 * output.byte_size(),
                                                 "channels-last copies of the input and output"));
  Tensor input_nhwc = window.channels_first ? channels_first_to_last(input) : input;
  Tensor output_nhwc = window.channels_first ? Tensor(input.dtype(), geometry.output_shape(false)) : output;

  bool supported = dispatch_floating(input.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if (kind == FilterKind::kDepthwise) {
      depthwise_convolve_nhwc<T>(geometry, input_nhwc.data<T>(), filter.data<T>(), output_nhwc.data<T>());
    } else {
      convolve_nhwc<T>(geometry, input_nhwc.data<T>(), filter.data<T>(), output_nhwc.data<T>());
    }
    if (fused) fused_operations.apply<T>(output_nhwc.data<T>(), geometry.output_pixels());
  });
  if (!supported) return unsupported_floating_dtype(context, input.dtype());

  if (window.channels_first) {
    Tensor swapped = channels_last_to_first(output_nhwc);
    std::memcpy(output.raw(), swapped.raw(), output.byte_size());
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

Status conv2d(KernelContext& context) { return run_convolution(context, FilterKind::kConvolution, false); }
Status fused_conv2d(KernelContext& context) { return run_convolution(context, FilterKind::kConvolution, true); }
Status depthwise_conv2d(KernelContext& context) { return run_convolution(context, FilterKind::kDepthwise, false); }
Status fused_depthwise_conv2d(KernelContext& context) {
  return run_convolution(context, FilterKind::kDepthwise, true);
}

// Conv2DBackpropInput(input_sizes, filter, out_backprop): the gradient of a
// Conv2D with respect to its input, i.e. the transposed convolution.
Status conv2d_backprop_input(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(3));
  const Tensor& filter = context.inputs[1];
  const Tensor& out_backprop = context.inputs[2];
  if (filter.dtype() != out_backprop.dtype()) {
    return context.error("filter has dtype " + dtype_name(filter.dtype()) + " but out_backprop has " +
                         dtype_name(out_backprop.dtype()));
  }
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, context.inputs[0].as_int64_vector());
  MQ_ASSIGN_OR_RETURN(WindowAttributes window,
                      read_window_attributes(context, /*read_dilations=*/true, /*allow_explicit_padding=*/true));
  if (out_backprop.rank() != 4) {
    return context.error("out_backprop must be 4-D, got shape " + shape_string(out_backprop.shape()));
  }
  Shape input_shape(sizes.begin(), sizes.end());
  if (input_shape.size() == 2) {
    // Only height and width given: batch and channels come from out_backprop and the filter.
    input_shape = window.channels_first
                      ? Shape{out_backprop.dim(0), filter.rank() == 4 ? filter.dim(2) : 0, sizes[0], sizes[1]}
                      : Shape{out_backprop.dim(0), sizes[0], sizes[1], filter.rank() == 4 ? filter.dim(2) : 0};
  }
  if (input_shape.size() != 4 || num_elements(input_shape) < 0) {
    return context.error("input_sizes " + list_string(sizes) + " must be 4 non-negative sizes");
  }
  const Shape input_nhwc =
      window.channels_first ? Shape{input_shape[0], input_shape[2], input_shape[3], input_shape[1]} : input_shape;
  MQ_ASSIGN_OR_RETURN(ConvolutionGeometry geometry,
                      convolution_geometry(context, window, input_nhwc, filter, FilterKind::kConvolution));
  const Shape expected = geometry.output_shape(window.channels_first);
  if (out_backprop.shape() != expected) {
    return context.error("out_backprop has shape " + shape_string(out_backprop.shape()) + " but input_sizes " +
                         list_string(sizes) + " with this filter, strides and padding give " +
                         shape_string(expected));
  }

  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(filter.dtype(), input_shape));
  if (window.channels_first)
    MQ_RETURN_IF_ERROR(context.reserve_temporary(out_backprop.byte_size() + 2 * output.byte_size(),
                                                 "channels-last copies of the gradient and output"));
  Tensor gradient_nhwc = window.channels_first ? channels_first_to_last(out_backprop) : out_backprop;
  Tensor output_nhwc = window.channels_first ? Tensor(filter.dtype(), input_nhwc) : output;
  bool supported = dispatch_floating(filter.dtype(), [&](auto zero) {
    using T = decltype(zero);
    convolve_transposed_nhwc<T>(geometry, gradient_nhwc.data<T>(), filter.data<T>(), output_nhwc.data<T>());
  });
  if (!supported) return unsupported_floating_dtype(context, filter.dtype());
  if (window.channels_first) {
    Tensor swapped = channels_last_to_first(output_nhwc);
    std::memcpy(output.raw(), swapped.raw(), output.byte_size());
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

}  // namespace

void register_nn_conv_kernels(KernelTable& table) {
  table.add("Conv2D", conv2d);
  table.add("_FusedConv2D", fused_conv2d);
  table.add("DepthwiseConv2dNative", depthwise_conv2d);
  table.add("FusedDepthwiseConv2dNative", fused_depthwise_conv2d);
  table.add("Conv2DBackpropInput", conv2d_backprop_input);
}

}  // namespace mq
