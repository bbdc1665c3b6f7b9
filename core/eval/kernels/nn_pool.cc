// Pooling kernels: MaxPool (ksize/strides attributes), MaxPoolV2 (ksize and
// strides as inputs) and AvgPool, NHWC or NCHW, VALID / SAME (/ EXPLICIT for
// MaxPool). Padded cells never take part: a max ignores them and an average
// divides by the number of real cells under the window.
#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <limits>

#include "core/eval/kernel.h"
#include "core/eval/kernels/floating_dtypes.h"
#include "core/eval/kernels/spatial_geometry.h"

namespace mq {

namespace {

struct PoolGeometry {
  int64_t batch = 0, input_height = 0, input_width = 0, channels = 0;
  int64_t window_height = 1, window_width = 1;
  int64_t stride_height = 1, stride_width = 1;
  int64_t output_height = 0, output_width = 0;
  int64_t padding_top = 0, padding_left = 0;
};

enum class PoolKind { kMax, kAverage };

template <typename T>
void pool_nhwc(const PoolGeometry& g, PoolKind kind, const T* input, T* output) {
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  const Eigen::Index channels = static_cast<Eigen::Index>(g.channels);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.output_height; ++oh) {
      const int64_t row_begin = std::max<int64_t>(oh * g.stride_height - g.padding_top, 0);
      const int64_t row_end = std::min(oh * g.stride_height - g.padding_top + g.window_height, g.input_height);
      for (int64_t ow = 0; ow < g.output_width; ++ow) {
        const int64_t column_begin = std::max<int64_t>(ow * g.stride_width - g.padding_left, 0);
        const int64_t column_end = std::min(ow * g.stride_width - g.padding_left + g.window_width, g.input_width);
        Eigen::Map<Vector> result(output + ((n * g.output_height + oh) * g.output_width + ow) * g.channels, channels);
        if (kind == PoolKind::kMax) {
          result.setConstant(std::numeric_limits<T>::lowest());
        } else {
          result.setZero();
        }
        for (int64_t ih = row_begin; ih < row_end; ++ih) {
          for (int64_t iw = column_begin; iw < column_end; ++iw) {
            Eigen::Map<const Vector> cell(input + ((n * g.input_height + ih) * g.input_width + iw) * g.channels,
                                          channels);
            if (kind == PoolKind::kMax) {
              result = result.max(cell);
            } else {
              result += cell;
            }
          }
        }
        if (kind == PoolKind::kAverage) {
          const int64_t cells = std::max<int64_t>(0, row_end - row_begin) * std::max<int64_t>(0, column_end - column_begin);
          if (cells > 0) result /= static_cast<T>(cells);
        }
      }
    }
  }
}

// Integer, bool and half max pooling take the plain loop (Eigen's max() on
// arrays needs arithmetic packet support).
template <typename T>
void max_pool_nhwc_plain(const PoolGeometry& g, const T* input, T* output) {
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oh = 0; oh < g.output_height; ++oh) {
      const int64_t row_begin = std::max<int64_t>(oh * g.stride_height - g.padding_top, 0);
      const int64_t row_end = std::min(oh * g.stride_height - g.padding_top + g.window_height, g.input_height);
      for (int64_t ow = 0; ow < g.output_width; ++ow) {
        const int64_t column_begin = std::max<int64_t>(ow * g.stride_width - g.padding_left, 0);
        const int64_t column_end = std::min(ow * g.stride_width - g.padding_left + g.window_width, g.input_width);
        T* result = output + ((n * g.output_height + oh) * g.output_width + ow) * g.channels;
        std::fill(result, result + g.channels, std::numeric_limits<T>::lowest());
        for (int64_t ih = row_begin; ih < row_end; ++ih) {
          for (int64_t iw = column_begin; iw < column_end; ++iw) {
            const T* cell = input + ((n * g.input_height + ih) * g.input_width + iw) * g.channels;
            for (int64_t c = 0; c < g.channels; ++c) {
              if (result[c] < cell[c]) result[c] = cell[c];
            }
          }
        }
      }
    }
  }
}

Status run_pool(KernelContext& context, PoolKind kind, const std::vector<int64_t>& window_sizes,
                const WindowAttributes& window) {
  const Tensor& input = context.inputs[0];
  if (input.rank() != 4) return context.error("input must be 4-D, got shape " + shape_string(input.shape()));
  if (window_sizes.size() != 4) {
    return context.error("ksize must have 4 entries, got " + list_string(window_sizes));
  }
  const int height = window.channels_first ? 2 : 1, width = window.channels_first ? 3 : 2;
  const int channel = window.channels_first ? 1 : 3;
  if (window_sizes[0] != 1 || window_sizes[static_cast<size_t>(channel)] != 1) {
    return Status::unsupported(
        context.error("pooling over the batch or channel dimension (ksize " + list_string(window_sizes) +
                      ") is not supported")
            .message());
  }
  PoolGeometry g;
  g.batch = input.dim(0);
  g.input_height = input.dim(height);
  g.input_width = input.dim(width);
  g.channels = input.dim(channel);
  g.window_height = window_sizes[static_cast<size_t>(height)];
  g.window_width = window_sizes[static_cast<size_t>(width)];
  g.stride_height = window.stride[0];
  g.stride_width = window.stride[1];
  MQ_ASSIGN_OR_RETURN(WindowDimension rows,
                      compute_window_dimension(context, g.input_height, g.window_height, g.stride_height, 1,
                                               window.padding, window.explicit_padding[0][0],
                                               window.explicit_padding[0][1], "height"));
  MQ_ASSIGN_OR_RETURN(WindowDimension columns,
                      compute_window_dimension(context, g.input_width, g.window_width, g.stride_width, 1,
                                               window.padding, window.explicit_padding[1][0],
                                               window.explicit_padding[1][1], "width"));
  g.output_height = rows.output_size;
  g.padding_top = rows.padding_before;
  g.output_width = columns.output_size;
  g.padding_left = columns.padding_before;

  const Shape output_shape = window.channels_first ? Shape{g.batch, g.channels, g.output_height, g.output_width}
                                                   : Shape{g.batch, g.output_height, g.output_width, g.channels};
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(input.dtype(), output_shape));
  if (window.channels_first)
    MQ_RETURN_IF_ERROR(context.reserve_temporary(input.byte_size() + 2 * output.byte_size(),
                                                 "channels-last copies of the input and output"));
  Tensor input_nhwc = window.channels_first ? channels_first_to_last(input) : input;
  Tensor output_nhwc =
      window.channels_first ? Tensor(input.dtype(), {g.batch, g.output_height, g.output_width, g.channels}) : output;

  bool supported = false;
  if (kind == PoolKind::kAverage) {
    supported = dispatch_floating(input.dtype(), [&](auto zero) {
      using T = decltype(zero);
      pool_nhwc<T>(g, kind, input_nhwc.data<T>(), output_nhwc.data<T>());
    });
    if (!supported) return unsupported_floating_dtype(context, input.dtype());
  } else {
    supported = dispatch_numeric(input.dtype(), [&](auto zero) {
      using T = decltype(zero);
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        pool_nhwc<T>(g, kind, input_nhwc.data<T>(), output_nhwc.data<T>());
      } else {
        max_pool_nhwc_plain<T>(g, input_nhwc.data<T>(), output_nhwc.data<T>());
      }
    });
    if (!supported) {
      return Status::unsupported(context.error("MaxPool does not support dtype '" + dtype_name(input.dtype()) + "'").message());
    }
  }
  if (window.channels_first) {
    Tensor swapped = channels_last_to_first(output_nhwc);
    std::memcpy(output.raw(), swapped.raw(), output.byte_size());
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

Status max_pool(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(1));
  MQ_ASSIGN_OR_RETURN(WindowAttributes window,
                      read_window_attributes(context, /*read_dilations=*/false, /*allow_explicit_padding=*/true));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> window_sizes, context.attr_int_list("ksize"));
  return run_pool(context, PoolKind::kMax, window_sizes, window);
}

Status average_pool(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(1));
  MQ_ASSIGN_OR_RETURN(WindowAttributes window,
                      read_window_attributes(context, /*read_dilations=*/false, /*allow_explicit_padding=*/false));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> window_sizes, context.attr_int_list("ksize"));
  return run_pool(context, PoolKind::kAverage, window_sizes, window);
}

// MaxPoolV2(input, ksize, strides): the window and strides come as inputs.
Status max_pool_v2(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(3));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> window_sizes, context.inputs[1].as_int64_vector());
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> strides, context.inputs[2].as_int64_vector());
  WindowAttributes window;
  const std::string format = context.attr_string_or("data_format", "NHWC");
  if (format != "NHWC" && format != "NCHW") {
    return context.error("data_format '" + format + "' is not supported (use NHWC or NCHW)");
  }
  window.channels_first = format == "NCHW";
  if (strides.size() != 4) return context.error("strides must have 4 entries, got " + list_string(strides));
  window.stride[0] = strides[window.channels_first ? 2 : 1];
  window.stride[1] = strides[window.channels_first ? 3 : 2];
  MQ_ASSIGN_OR_RETURN(std::string padding, context.attr_string("padding"));
  if (padding == "SAME") window.padding = Padding::kSame;
  else if (padding == "VALID") window.padding = Padding::kValid;
  else return context.error("padding '" + padding + "' is not supported (use SAME or VALID)");
  return run_pool(context, PoolKind::kMax, window_sizes, window);
}

}  // namespace

void register_nn_pool_kernels(KernelTable& table) {
  table.add("MaxPool", max_pool);
  table.add("MaxPoolV2", max_pool_v2);
  table.add("AvgPool", average_pool);
}

}  // namespace mq
