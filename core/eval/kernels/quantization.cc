// Quantization kernels with TensorFlow's CPU arithmetic, bit for bit
// (shared/spec/dequantize-math.md): Dequantize (MIN_COMBINED, MIN_FIRST,
// SCALED; narrow_range; per-slice `axis`; float or bfloat16 output) and
// QuantizeV2 (the same modes, round_mode, ensure_minimum_range).
// Every float step is a single float32 operation; the compiler must not fuse
// multiply-adds here (the default x86-64 and wasm targets have no FMA).
#include <Eigen/Core>
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/eval/kernel.h"

namespace mq {

namespace {

// The quantized dtypes: their integer range and element access.
struct QuantizedType {
  DataType dtype = tensorflow::DT_INVALID;
  int bits = 8;
  int64_t lowest = 0, highest = 0;
  bool is_signed() const { return lowest < 0; }

  int64_t read(const Tensor& tensor, int64_t i) const {
    switch (dtype) {
      case tensorflow::DT_QUINT8: return tensor.data<uint8_t>()[i];
      case tensorflow::DT_QINT8: return tensor.data<int8_t>()[i];
      case tensorflow::DT_QUINT16: return tensor.data<uint16_t>()[i];
      case tensorflow::DT_QINT16: return tensor.data<int16_t>()[i];
      default: return tensor.data<int32_t>()[i];
    }
  }
  void write(Tensor& tensor, int64_t i, int64_t value) const {
    switch (dtype) {
      case tensorflow::DT_QUINT8: tensor.data<uint8_t>()[i] = static_cast<uint8_t>(value); break;
      case tensorflow::DT_QINT8: tensor.data<int8_t>()[i] = static_cast<int8_t>(value); break;
      case tensorflow::DT_QUINT16: tensor.data<uint16_t>()[i] = static_cast<uint16_t>(value); break;
      case tensorflow::DT_QINT16: tensor.data<int16_t>()[i] = static_cast<int16_t>(value); break;
      default: tensor.data<int32_t>()[i] = static_cast<int32_t>(value); break;
    }
  }
};

bool quantized_type(DataType dtype, QuantizedType* type) {
  type->dtype = dtype;
  switch (dtype) {
    case tensorflow::DT_QUINT8: type->bits = 8, type->lowest = 0, type->highest = 255; return true;
    case tensorflow::DT_QINT8: type->bits = 8, type->lowest = -128, type->highest = 127; return true;
    case tensorflow::DT_QUINT16: type->bits = 16, type->lowest = 0, type->highest = 65535; return true;
    case tensorflow::DT_QINT16: type->bits = 16, type->lowest = -32768, type->highest = 32767; return true;
    case tensorflow::DT_QINT32:
      type->bits = 32, type->lowest = INT32_MIN, type->highest = INT32_MAX;
      return true;
    default: return false;
  }
}

enum class QuantizeMode { kMinCombined, kMinFirst, kScaled };

StatusOr<QuantizeMode> read_mode(const KernelContext& context) {
  const std::string mode = context.attr_string_or("mode", "MIN_COMBINED");
  if (mode == "MIN_COMBINED") return QuantizeMode::kMinCombined;
  if (mode == "MIN_FIRST") return QuantizeMode::kMinFirst;
  if (mode == "SCALED") return QuantizeMode::kScaled;
  return context.error("mode '" + mode + "' is not one of MIN_COMBINED, MIN_FIRST, SCALED");
}

// The input seen as [outer, slices, inner] along `axis` (one slice for −1).
struct SliceLayout {
  int64_t outer = 1, slices = 1, inner = 1;
};

StatusOr<SliceLayout> slice_layout(const KernelContext& context, const Tensor& input, int64_t axis) {
  SliceLayout layout;
  if (axis == -1) {
    layout.inner = input.num_elements();
    return layout;
  }
  if (axis < -1 || axis >= input.rank()) {
    return context.error("axis " + std::to_string(axis) + " is out of range for input " + shape_string(input.shape()));
  }
  for (int i = 0; i < input.rank(); ++i) {
    if (i < axis) layout.outer *= input.dim(i);
    else if (i == axis) layout.slices = input.dim(i);
    else layout.inner *= input.dim(i);
  }
  return layout;
}

StatusOr<std::vector<float>> read_range(const KernelContext& context, size_t input, int64_t slices,
                                        const char* name) {
  const Tensor& tensor = context.inputs[input];
  if (tensor.dtype() != tensorflow::DT_FLOAT) {
    return context.error(std::string(name) + " must be float, got " + dtype_name(tensor.dtype()));
  }
  if (tensor.num_elements() != slices) {
    return context.error(std::string(name) + " must have " + std::to_string(slices) + " element" +
                         (slices == 1 ? "" : "s") + ", got shape " + shape_string(tensor.shape()));
  }
  const float* values = tensor.data<float>();
  return std::vector<float>(values, values + slices);
}

// ---- Dequantize ------------------------------------------------------------

// Per slice: a function of the integer code giving the float value.
struct DequantizeSlice {
  QuantizeMode mode = QuantizeMode::kMinCombined;
  float half = 0, scale = 0, minimum = 0, offset = 0;

  float operator()(int64_t code) const {
    const float q = static_cast<float>(code);
    switch (mode) {
      case QuantizeMode::kMinCombined: {
        const float shifted = q + half;
        const float scaled = shifted * scale;
        return scaled + minimum;
      }
      case QuantizeMode::kMinFirst: {
        const float scaled = q * scale;
        return offset + scaled;
      }
      case QuantizeMode::kScaled:
        return q * scale;
    }
    return 0;
  }
};

DequantizeSlice dequantize_slice(QuantizeMode mode, const QuantizedType& type, bool narrow_range, float minimum,
                                 float maximum) {
  DequantizeSlice slice;
  slice.mode = mode;
  slice.minimum = minimum;
  switch (mode) {
    case QuantizeMode::kMinCombined: {
      slice.half = type.is_signed() ? static_cast<float>((static_cast<double>(type.highest) - type.lowest + 1) / 2) : 0.0f;
      const float range = maximum - minimum;
      slice.scale = range / static_cast<float>(static_cast<double>(type.highest) - type.lowest);
      break;
    }
    case QuantizeMode::kMinFirst: {
      const float range = maximum - minimum;
      const double steps = std::ldexp(1.0, type.bits) - 1.0;
      slice.scale = static_cast<float>(static_cast<double>(range) / steps);
      float range_min_rounded = minimum;
      if (maximum != minimum) {
        const float ratio = minimum / slice.scale;
        range_min_rounded = std::round(ratio) * slice.scale;
      }
      const float lowest_scaled = static_cast<float>(type.lowest) * slice.scale;
      slice.offset = range_min_rounded - lowest_scaled;
      break;
    }
    case QuantizeMode::kScaled: {
      const float highest = static_cast<float>(type.highest);
      if (!type.is_signed()) {
        slice.scale = maximum / highest;
      } else {
        const float min_output = static_cast<float>(type.lowest + (narrow_range ? 1 : 0));
        const float from_min = minimum / min_output;
        const float from_max = maximum / highest;
        slice.scale = std::max(from_min, from_max);
      }
      break;
    }
  }
  return slice;
}

Status dequantize(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(3));
  const Tensor& input = context.inputs[0];
  QuantizedType type;
  if (!quantized_type(input.dtype(), &type)) {
    return context.error("input has dtype " + dtype_name(input.dtype()) +
                         "; Dequantize takes quint8, qint8, quint16, qint16 or qint32");
  }
  MQ_ASSIGN_OR_RETURN(QuantizeMode mode, read_mode(context));
  const bool narrow_range = context.attr_bool_or("narrow_range", false);
  const int64_t axis = context.attr_int_or("axis", -1);
  const DataType output_type = context.attr_type_or("dtype", tensorflow::DT_FLOAT);
  if (output_type != tensorflow::DT_FLOAT && output_type != tensorflow::DT_BFLOAT16) {
    return context.error("dtype " + dtype_name(output_type) + " is not supported (float or bfloat16)");
  }
  if (output_type == tensorflow::DT_BFLOAT16 && mode != QuantizeMode::kMinCombined) {
    return context.error("dtype bfloat16 is only supported with mode MIN_COMBINED");
  }
  MQ_ASSIGN_OR_RETURN(SliceLayout layout, slice_layout(context, input, axis));
  if (axis != -1 && mode == QuantizeMode::kMinFirst) {
    return Status::unsupported(
        context.error("MIN_FIRST mode is not implemented for Dequantize with axis != -1").message());
  }
  MQ_ASSIGN_OR_RETURN(std::vector<float> minimum, read_range(context, 1, layout.slices, "min_range"));
  MQ_ASSIGN_OR_RETURN(std::vector<float> maximum, read_range(context, 2, layout.slices, "max_range"));

  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(output_type, input.shape()));
  for (int64_t s = 0; s < layout.slices; ++s) {
    const DequantizeSlice slice =
        dequantize_slice(mode, type, narrow_range, minimum[static_cast<size_t>(s)], maximum[static_cast<size_t>(s)]);
    for (int64_t o = 0; o < layout.outer; ++o) {
      const int64_t base = (o * layout.slices + s) * layout.inner;
      for (int64_t i = base; i < base + layout.inner; ++i) {
        const float value = slice(type.read(input, i));
        if (output_type == tensorflow::DT_FLOAT) output.data<float>()[i] = value;
        else output.data<Eigen::bfloat16>()[i] = Eigen::bfloat16(value);
      }
    }
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

// ---- QuantizeV2 ------------------------------------------------------------

// Rounds half away from zero (std::round) or half to even.
float round_value(float value, bool half_to_even) {
  return half_to_even ? std::nearbyint(value) : std::round(value);
}

int64_t clamp_code(double value, const QuantizedType& type) {
  if (std::isnan(value)) return type.lowest;
  return static_cast<int64_t>(std::min<double>(std::max<double>(value, static_cast<double>(type.lowest)),
                                               static_cast<double>(type.highest)));
}

Status quantize_v2(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(3));
  const Tensor& input = context.inputs[0];
  if (input.dtype() != tensorflow::DT_FLOAT) {
    return context.error("input must be float, got " + dtype_name(input.dtype()));
  }
  MQ_ASSIGN_OR_RETURN(DataType output_type, context.attr_type("T"));
  QuantizedType type;
  if (!quantized_type(output_type, &type)) {
    return context.error("T " + dtype_name(output_type) + " is not a quantized type (quint8, qint8, quint16, qint16, qint32)");
  }
  MQ_ASSIGN_OR_RETURN(QuantizeMode mode, read_mode(context));
  const std::string round_mode = context.attr_string_or("round_mode", "HALF_AWAY_FROM_ZERO");
  if (round_mode != "HALF_AWAY_FROM_ZERO" && round_mode != "HALF_TO_EVEN") {
    return context.error("round_mode '" + round_mode + "' is not HALF_AWAY_FROM_ZERO or HALF_TO_EVEN");
  }
  const bool half_to_even = round_mode == "HALF_TO_EVEN";
  if (half_to_even && mode != QuantizeMode::kScaled) {
    return context.error("round_mode HALF_TO_EVEN is only supported with mode SCALED");
  }
  const bool narrow_range = context.attr_bool_or("narrow_range", false);
  const int64_t axis = context.attr_int_or("axis", -1);
  const float ensure_minimum_range = context.attr_float_or("ensure_minimum_range", 0.01f);
  MQ_ASSIGN_OR_RETURN(SliceLayout layout, slice_layout(context, input, axis));
  if (axis != -1 && mode == QuantizeMode::kMinFirst) {
    return Status::unsupported(
        context.error("MIN_FIRST mode is not implemented for QuantizeV2 with axis != -1").message());
  }
  MQ_ASSIGN_OR_RETURN(std::vector<float> input_minimum, read_range(context, 1, layout.slices, "min_range"));
  MQ_ASSIGN_OR_RETURN(std::vector<float> input_maximum, read_range(context, 2, layout.slices, "max_range"));

  const Shape range_shape = axis == -1 ? Shape{} : Shape{layout.slices};
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(output_type, input.shape()));
  MQ_ASSIGN_OR_RETURN(Tensor output_minimum, context.allocate(tensorflow::DT_FLOAT, range_shape));
  MQ_ASSIGN_OR_RETURN(Tensor output_maximum, context.allocate(tensorflow::DT_FLOAT, range_shape));
  const float* values = input.data<float>();

  for (int64_t s = 0; s < layout.slices; ++s) {
    const float given_min = input_minimum[static_cast<size_t>(s)];
    const float given_max = input_maximum[static_cast<size_t>(s)];
    if (given_max < given_min) {
      return context.error("max_range " + std::to_string(given_max) + " is smaller than min_range " +
                           std::to_string(given_min));
    }
    float min_range = std::min(0.0f, given_min);
    const float largest = std::max(std::fabs(given_min), std::fabs(given_max));
    const float epsilon = std::max(1.0f, largest) * ensure_minimum_range;
    float max_range = std::max(0.0f, std::max(given_max, min_range + epsilon));

    // Each mode fixes a per-element code function, and may adjust the range.
    auto for_each_element = [&](auto&& code_of) {
      for (int64_t o = 0; o < layout.outer; ++o) {
        const int64_t base = (o * layout.slices + s) * layout.inner;
        for (int64_t i = base; i < base + layout.inner; ++i) type.write(output, i, code_of(values[i]));
      }
    };
    switch (mode) {
      case QuantizeMode::kMinFirst: {
        const float range = max_range - min_range;
        const float range_scale =
            range == 0.0f ? 0.0f
                          : static_cast<float>((std::ldexp(1.0, type.bits) - 1.0) / static_cast<double>(range));
        const float min_scaled = min_range * range_scale;
        const float rounded_min = std::round(min_scaled);
        const float shift = rounded_min - static_cast<float>(type.lowest);
        for_each_element([&](float x) {
          const float scaled = x * range_scale;
          const float code = std::round(scaled) - shift;
          return clamp_code(code, type);
        });
        break;
      }
      case QuantizeMode::kMinCombined: {
        const float scale_factor = static_cast<float>((static_cast<double>(type.highest) - type.lowest) /
                                                      static_cast<double>(max_range - min_range));
        const float half = type.is_signed()
                               ? static_cast<float>((static_cast<double>(type.highest) - type.lowest + 1) / 2)
                               : 0.0f;
        for_each_element([&](float x) {
          const float clamped = std::min(std::max(x, min_range), max_range);
          const float shifted = clamped - min_range;
          const float scaled = shifted * scale_factor;
          if (!type.is_signed()) {
            const float biased = scaled + 0.5f;
            return clamp_code(std::trunc(static_cast<double>(biased)), type);
          }
          const float centred = scaled - half;
          return clamp_code(std::round(centred), type);
        });
        break;
      }
      case QuantizeMode::kScaled: {
        const float min_output = static_cast<float>(type.lowest + (narrow_range ? 1 : 0));
        const float max_output = static_cast<float>(type.highest);
        const float from_min = min_output * min_range > 0 ? min_output / min_range : FLT_MAX;
        const float from_max = max_output * max_range > 0 ? max_output / max_range : FLT_MAX;
        const float scale_factor = std::min(from_min, from_max);
        min_range = min_output / scale_factor;
        max_range = max_output / scale_factor;
        for_each_element([&](float x) {
          const float clamped = std::min(std::max(x, min_range), max_range);
          const float scaled = clamped * scale_factor;
          return clamp_code(round_value(scaled, half_to_even), type);
        });
        break;
      }
    }
    output_minimum.data<float>()[s] = min_range;
    output_maximum.data<float>()[s] = max_range;
  }
  context.outputs = {output, output_minimum, output_maximum};
  return Status::ok();
}

}  // namespace

void register_quantization_kernels(KernelTable& table) {
  table.add("Dequantize", dequantize);
  table.add("QuantizeV2", quantize_v2);
}

}  // namespace mq
