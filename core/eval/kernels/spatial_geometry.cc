#include "core/eval/kernels/spatial_geometry.h"

#include <cstring>

namespace mq {

std::string list_string(const std::vector<int64_t>& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) text += ",";
    text += std::to_string(values[i]);
  }
  return text + "]";
}

namespace {

// Reads a 4-element list attribute given in data-format order and returns the
// height and width entries; the batch and channel entries must be 1.
Status read_spatial_pair(const KernelContext& context, const std::string& name, bool channels_first,
                         const std::vector<int64_t>& values, int64_t pair[2]) {
  if (values.size() != 4) {
    return context.error("attribute '" + name + "' must have 4 entries, got " + list_string(values));
  }
  const int batch = 0, channel = channels_first ? 1 : 3;
  const int height = channels_first ? 2 : 1, width = channels_first ? 3 : 2;
  if (values[batch] != 1 || values[channel] != 1) {
    return context.error("attribute '" + name + "' " + list_string(values) +
                         " must be 1 in the batch and channel dimensions");
  }
  if (values[height] < 1 || values[width] < 1) {
    return context.error("attribute '" + name + "' " + list_string(values) + " must be positive");
  }
  pair[0] = values[height];
  pair[1] = values[width];
  return Status::ok();
}

}  // namespace

StatusOr<WindowAttributes> read_window_attributes(const KernelContext& context, bool read_dilations,
                                                  bool allow_explicit_padding) {
  WindowAttributes window;
  const std::string format = context.attr_string_or("data_format", "NHWC");
  if (format == "NCHW") {
    window.channels_first = true;
  } else if (format != "NHWC") {
    return context.error("data_format '" + format + "' is not supported (use NHWC or NCHW)");
  }

  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> strides, context.attr_int_list("strides"));
  MQ_RETURN_IF_ERROR(read_spatial_pair(context, "strides", window.channels_first, strides, window.stride));

  if (read_dilations && context.node.attr().count("dilations")) {
    MQ_ASSIGN_OR_RETURN(std::vector<int64_t> dilations, context.attr_int_list("dilations"));
    if (!dilations.empty()) {
      MQ_RETURN_IF_ERROR(
          read_spatial_pair(context, "dilations", window.channels_first, dilations, window.dilation));
    }
  }

  MQ_ASSIGN_OR_RETURN(std::string padding, context.attr_string("padding"));
  if (padding == "VALID") {
    window.padding = Padding::kValid;
  } else if (padding == "SAME") {
    window.padding = Padding::kSame;
  } else if (padding == "EXPLICIT" && allow_explicit_padding) {
    window.padding = Padding::kExplicit;
    MQ_ASSIGN_OR_RETURN(std::vector<int64_t> explicit_paddings, context.attr_int_list("explicit_paddings"));
    if (explicit_paddings.size() != 8) {
      return context.error("padding EXPLICIT needs 8 entries in 'explicit_paddings', got " +
                           list_string(explicit_paddings));
    }
    const int height = window.channels_first ? 2 : 1, width = window.channels_first ? 3 : 2;
    const int batch = 0, channel = window.channels_first ? 1 : 3;
    if (explicit_paddings[2 * batch] || explicit_paddings[2 * batch + 1] || explicit_paddings[2 * channel] ||
        explicit_paddings[2 * channel + 1]) {
      return context.error("'explicit_paddings' " + list_string(explicit_paddings) +
                           " must be 0 in the batch and channel dimensions");
    }
    for (int64_t value : explicit_paddings) {
      if (value < 0) return context.error("'explicit_paddings' " + list_string(explicit_paddings) + " must not be negative");
    }
    window.explicit_padding[0][0] = explicit_paddings[2 * height];
    window.explicit_padding[0][1] = explicit_paddings[2 * height + 1];
    window.explicit_padding[1][0] = explicit_paddings[2 * width];
    window.explicit_padding[1][1] = explicit_paddings[2 * width + 1];
  } else {
    return context.error("padding '" + padding + "' is not supported (use SAME or VALID" +
                         std::string(allow_explicit_padding ? " or EXPLICIT)" : ")"));
  }
  return window;
}

StatusOr<WindowDimension> compute_window_dimension(const KernelContext& context, int64_t input_size,
                                                   int64_t window, int64_t stride, int64_t dilation,
                                                   Padding padding, int64_t explicit_before,
                                                   int64_t explicit_after, const char* dimension_name) {
  if (window < 1 || stride < 1 || dilation < 1) {
    return context.error(std::string("window, stride and dilation of the ") + dimension_name +
                         " must be positive");
  }
  const int64_t effective_window = (window - 1) * dilation + 1;
  WindowDimension result;
  switch (padding) {
    case Padding::kValid:
      result.output_size = (input_size - effective_window + stride) / stride;
      result.padding_before = 0;
      break;
    case Padding::kSame: {
      result.output_size = (input_size + stride - 1) / stride;
      const int64_t needed = (result.output_size - 1) * stride + effective_window - input_size;
      result.padding_before = needed > 0 ? needed / 2 : 0;
      break;
    }
    case Padding::kExplicit:
      result.output_size = (input_size + explicit_before + explicit_after - effective_window + stride) / stride;
      result.padding_before = explicit_before;
      break;
  }
  if (result.output_size < 0) {
    return context.error(std::string("the window (") + std::to_string(effective_window) +
                         " cells with dilation) is larger than the " + dimension_name + " of the input (" +
                         std::to_string(input_size) + "): the output size would be negative");
  }
  return result;
}

namespace {

template <typename Element>
void copy_transposed(const char* from, char* to, int64_t batch, int64_t outer, int64_t inner) {
  // from [batch, outer, inner] → to [batch, inner, outer]
  const Element* source = reinterpret_cast<const Element*>(from);
  Element* target = reinterpret_cast<Element*>(to);
  for (int64_t b = 0; b < batch; ++b) {
    const Element* source_batch = source + b * outer * inner;
    Element* target_batch = target + b * outer * inner;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) target_batch[i * outer + o] = source_batch[o * inner + i];
    }
  }
}

void copy_transposed_bytes(const Tensor& input, Tensor& output, int64_t batch, int64_t outer, int64_t inner) {
  switch (dtype_size(input.dtype())) {
    case 1: copy_transposed<uint8_t>(input.raw(), output.raw(), batch, outer, inner); break;
    case 2: copy_transposed<uint16_t>(input.raw(), output.raw(), batch, outer, inner); break;
    case 4: copy_transposed<uint32_t>(input.raw(), output.raw(), batch, outer, inner); break;
    case 8: copy_transposed<uint64_t>(input.raw(), output.raw(), batch, outer, inner); break;
    default: {
      const size_t size = dtype_size(input.dtype());
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t i = 0; i < inner; ++i)
            std::memcpy(output.raw() + ((b * inner + i) * outer + o) * size,
                        input.raw() + ((b * outer + o) * inner + i) * size, size);
    }
  }
}

}  // namespace

Tensor channels_first_to_last(const Tensor& input) {
  Tensor output(input.dtype(), {input.dim(0), input.dim(2), input.dim(3), input.dim(1)});
  copy_transposed_bytes(input, output, input.dim(0), input.dim(1), input.dim(2) * input.dim(3));
  return output;
}

Tensor channels_last_to_first(const Tensor& input) {
  Tensor output(input.dtype(), {input.dim(0), input.dim(3), input.dim(1), input.dim(2)});
  copy_transposed_bytes(input, output, input.dim(0), input.dim(1) * input.dim(2), input.dim(3));
  return output;
}

}  // namespace mq
