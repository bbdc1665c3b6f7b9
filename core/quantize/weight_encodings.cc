#include "core/quantize/weight_encodings.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/graph/surgery.h"

namespace mq {
namespace {

// Values are encoded in blocks small enough to stay in cache while the
// error of the block is measured right after.
constexpr int64_t kBlock = 4096;

tensorflow::NodeDef scalar_float_const(const std::string& name, float value) {
  std::string bytes(sizeof(float), '\0');
  std::memcpy(bytes.data(), &value, sizeof(float));
  return make_const_node(name, tensorflow::DT_FLOAT, {}, std::move(bytes));
}

tensorflow::NodeDef float_vector_const(const std::string& name, const std::vector<float>& values) {
  return make_float_const_node(name, {static_cast<int64_t>(values.size())}, values);
}

tensorflow::NodeDef dequantize_node(const std::string& name, tensorflow::DataType type, const char* mode) {
  tensorflow::NodeDef node;
  node.set_name(name);
  node.set_op("Dequantize");
  node.add_input(name + "_quantized_const");
  node.add_input(name + "_quantized_min");
  node.add_input(name + "_quantized_max");
  (*node.mutable_attr())["T"].set_type(type);
  (*node.mutable_attr())["mode"].set_s(mode);
  return node;
}

// The slices along `axis`: element i belongs to channel (i / inner) % channels.
struct ChannelLayout {
  int64_t outer = 1, channels = 1, inner = 1;
};

ChannelLayout channel_layout(const std::vector<int64_t>& shape, int axis, int64_t count) {
  ChannelLayout layout;
  if (axis < 0) {
    layout.inner = count;
    return layout;
  }
  for (int d = 0; d < axis; ++d) layout.outer *= shape[static_cast<size_t>(d)];
  layout.channels = shape[static_cast<size_t>(axis)];
  for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) layout.inner *= shape[d];
  return layout;
}

}  // namespace

EncodedWeights encode_quint8_min_first(const std::string& name, const float* values, int64_t count,
                                       const std::vector<int64_t>& shape) {
  const FloatRange range = quantize_weights_range(values, static_cast<size_t>(count));
  std::string codes(static_cast<size_t>(count), '\0');
  uint8_t* out = reinterpret_cast<uint8_t*>(codes.data());
  QuantizationErrorAccumulator error;
  std::vector<float> restored(static_cast<size_t>(std::min(kBlock, count)));
  for (int64_t begin = 0; begin < count; begin += kBlock) {
    const size_t size = static_cast<size_t>(std::min(kBlock, count - begin));
    float_to_quint8(values + begin, size, range.min, range.max, out + begin);
    dequantize_quint8_min_first(out + begin, size, range.min, range.max, restored.data());
    error.add_block(values + begin, restored.data(), size);
  }

  EncodedWeights encoded;
  encoded.encoding = "quint8 min_first";
  encoded.bytes_after = static_cast<uint64_t>(count) + 2 * sizeof(float);
  encoded.error = error.result();
  encoded.nodes.reserve(4);
  encoded.nodes.push_back(make_const_node(name + "_quantized_const", tensorflow::DT_QUINT8, shape, std::move(codes)));
  encoded.nodes.push_back(scalar_float_const(name + "_quantized_min", range.min));
  encoded.nodes.push_back(scalar_float_const(name + "_quantized_max", range.max));
  encoded.nodes.push_back(dequantize_node(name, tensorflow::DT_QUINT8, "MIN_FIRST"));
  return encoded;
}

StatusOr<EncodedWeights> encode_symmetric_int8(const std::string& name, const float* values, int64_t count,
                                               const std::vector<int64_t>& shape, int axis) {
  const ChannelLayout layout = channel_layout(shape, axis, count);
  const size_t channels = static_cast<size_t>(layout.channels);
  std::vector<float> max_abs(channels, 0.0f);
  for (int64_t o = 0, i = 0; o < layout.outer; ++o) {
    for (size_t c = 0; c < channels; ++c) {
      float largest = max_abs[c];
      for (int64_t j = 0; j < layout.inner; ++j, ++i) largest = std::max(largest, std::fabs(values[i]));
      max_abs[c] = largest;
    }
  }
  for (float largest : max_abs)
    if (!std::isfinite(largest))
      return Status::error("'" + name + "' holds NaN or infinite values, which int8 cannot represent");

  std::vector<float> scales(channels), mins(channels), maxs(channels), dequantize_scales(channels);
  for (size_t c = 0; c < channels; ++c) {
    scales[c] = symmetric_int8_scale(max_abs[c]);
    mins[c] = 0.0f - max_abs[c];
    maxs[c] = max_abs[c];
    // What Dequantize SCALED computes back: max(min / −127, max / 127).
    dequantize_scales[c] = std::max(mins[c] / -127.0f, maxs[c] / 127.0f);
  }

  std::string codes(static_cast<size_t>(count), '\0');
  int8_t* out = reinterpret_cast<int8_t*>(codes.data());
  QuantizationErrorAccumulator error;
  for (int64_t o = 0, i = 0; o < layout.outer; ++o) {
    for (size_t c = 0; c < channels; ++c) {
      const float scale = scales[c];
      const float restore = dequantize_scales[c];
      for (int64_t j = 0; j < layout.inner; ++j, ++i) {
        const int8_t q = quantize_symmetric_int8(values[i], scale);
        out[i] = q;
        error.add(values[i], static_cast<float>(q) * restore);
      }
    }
  }

  EncodedWeights encoded;
  encoded.encoding = axis < 0 ? "qint8 per_tensor" : "qint8 per_channel(axis=" + std::to_string(axis) + ")";
  encoded.bytes_after = static_cast<uint64_t>(count) + 2 * sizeof(float) * channels;
  encoded.error = error.result();
  encoded.nodes.reserve(4);
  encoded.nodes.push_back(make_const_node(name + "_quantized_const", tensorflow::DT_QINT8, shape, std::move(codes)));
  if (axis < 0) {
    encoded.nodes.push_back(scalar_float_const(name + "_quantized_min", mins[0]));
    encoded.nodes.push_back(scalar_float_const(name + "_quantized_max", maxs[0]));
  } else {
    encoded.nodes.push_back(float_vector_const(name + "_quantized_min", mins));
    encoded.nodes.push_back(float_vector_const(name + "_quantized_max", maxs));
  }
  tensorflow::NodeDef dequantize = dequantize_node(name, tensorflow::DT_QINT8, "SCALED");
  (*dequantize.mutable_attr())["narrow_range"].set_b(true);
  if (axis >= 0) (*dequantize.mutable_attr())["axis"].set_i(axis);
  encoded.nodes.push_back(std::move(dequantize));
  return encoded;
}

StatusOr<EncodedWeights> encode_float16(const std::string& name, const float* values, int64_t count,
                                        const std::vector<int64_t>& shape) {
  constexpr float kHalfOverflow = 65520.0f;  // rounds to infinity as a half
  for (int64_t i = 0; i < count; ++i) {
    const float magnitude = std::fabs(values[i]);
    if (magnitude >= kHalfOverflow && std::isfinite(magnitude))
      return Status::error("'" + name + "' holds " + std::to_string(values[i]) +
                           ", too large for float16 (largest 65504)");
  }
  std::string halves(static_cast<size_t>(count) * sizeof(uint16_t), '\0');
  char* out = halves.data();
  QuantizationErrorAccumulator error;
  for (int64_t i = 0; i < count; ++i) {
    const uint16_t bits = float_to_half_bits(values[i]);
    std::memcpy(out + 2 * i, &bits, sizeof bits);  // little-endian, as tensor_content stores it
    error.add(values[i], half_bits_to_float(bits));
  }

  EncodedWeights encoded;
  encoded.encoding = "float16";
  encoded.bytes_after = static_cast<uint64_t>(count) * sizeof(uint16_t);
  encoded.error = error.result();
  encoded.nodes.reserve(2);
  encoded.nodes.push_back(make_const_node(name + "_float16_const", tensorflow::DT_HALF, shape, std::move(halves)));
  tensorflow::NodeDef cast;
  cast.set_name(name);
  cast.set_op("Cast");
  cast.add_input(name + "_float16_const");
  (*cast.mutable_attr())["SrcT"].set_type(tensorflow::DT_HALF);
  (*cast.mutable_attr())["DstT"].set_type(tensorflow::DT_FLOAT);
  encoded.nodes.push_back(std::move(cast));
  return encoded;
}

}  // namespace mq
