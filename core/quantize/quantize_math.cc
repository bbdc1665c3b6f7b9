#include "core/quantize/quantize_math.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

namespace mq {
namespace {

// C's round(): halfway cases away from zero. Written with trunc so the loops
// around it vectorize; x − trunc(x) is exact for the magnitudes involved.
inline double round_half_away(double x) {
  double t = std::trunc(x);
  double frac = x - t;
  return t + (frac >= 0.5 ? 1.0 : 0.0) - (frac <= -0.5 ? 1.0 : 0.0);
}

}  // namespace

FloatRange quantize_weights_range(const float* values, size_t count) {
  float min = FLT_MAX, max = FLT_MIN;
  for (size_t i = 0; i < count; ++i) {
    float v = values[i];
    // Written as TensorFlow's std::min/std::max folds: a NaN never wins.
    min = v < min ? v : min;
    max = max < v ? v : max;
  }
  return {std::min(min, 0.0f), std::max(0.0f, max)};
}

void float_to_quint8(const float* values, size_t count, float min, float max, uint8_t* out) {
  if (min == max) {
    std::memset(out, 0, count);
    return;
  }
  const double steps = 256.0;
  const double range_adjust = steps / (steps - 1.0);
  const double range = static_cast<double>(static_cast<float>(max - min)) * range_adjust;
  const double range_scale = steps / range;
  const double min_rounded = round_half_away(static_cast<double>(min) * range_scale);
  // Codes outside [0, 255] are clamped anyway, so x is first limited to a
  // window just wider than [min, max]; that keeps the int32 truncation below
  // exact and defined (NaN lands on the low edge, code 0) and lets the loop
  // vectorize.
  const double lo = static_cast<double>(min) * range_scale - 2.0;
  const double hi = static_cast<double>(max) * range_scale + 2.0;
  // Everything stays in double until the final code (std::max(lo, x) puts
  // a NaN on lo; the 0/1 terms are doubles), which lets GCC vectorize the
  // loop with plain SSE2: 2.5x faster than mixing int and double.
  for (size_t i = 0; i < count; ++i) {
    double x = static_cast<double>(values[i]) * range_scale;
    x = std::min(hi, std::max(lo, x));
    const double t = static_cast<double>(static_cast<int32_t>(x));
    const double frac = x - t;
    const double up = frac >= 0.5 ? 1.0 : 0.0;
    const double down = frac <= -0.5 ? 1.0 : 0.0;
    double q = t + up - down - min_rounded;
    q = std::min(255.0, std::max(0.0, q));
    out[i] = static_cast<uint8_t>(static_cast<int32_t>(q));
  }
}

MinFirstDequantizer::MinFirstDequantizer(float min, float max) {
  scale = static_cast<float>(static_cast<double>(static_cast<float>(max - min)) / 255.0);
  if (max == min) {
    scale = 0.0f;
    range_min_rounded = min;
  } else {
    float ratio = min / scale;
    range_min_rounded = static_cast<float>(std::round(ratio)) * scale;
  }
}

void dequantize_quint8_min_first(const uint8_t* q, size_t count, float min, float max, float* out) {
  MinFirstDequantizer dq(min, max);
  for (size_t i = 0; i < count; ++i) out[i] = dq(q[i]);
}

void round_to_buckets(float* values, size_t count, int num_steps) {
  float min = FLT_MAX, max = FLT_MIN;
  for (size_t i = 0; i < count; ++i) {
    min = values[i] < min ? values[i] : min;
    max = max < values[i] ? values[i] : max;
  }
  if (min == max) {
    if (std::fabs(min) < 0.000001f) max = min + 1.0f;
    else if (min > 0) max = 2.0f * min;
    else min = 2.0f * max;
  }
  const float bucket_width = (max - min) / static_cast<float>(num_steps);
  // The bucket index stays a float: for finite weights it is a small whole
  // number either way, and a NaN or infinite weight (or range) has no int.
  for (size_t i = 0; i < count; ++i) {
    const float bucket = std::floor((values[i] - min) / bucket_width);
    values[i] = min + bucket_width * (bucket + 0.5f);
  }
}

float symmetric_int8_scale(float max_abs) { return max_abs > 0 ? max_abs / 127.0f : 1.0f; }

int8_t quantize_symmetric_int8(float value, float scale) {
  double q = round_half_away(static_cast<double>(value) / static_cast<double>(scale));
  if (std::isnan(q)) return 0;  // a NaN weight (or scale) has no level; int8 has no NaN
  q = q < -127.0 ? -127.0 : (q > 127.0 ? 127.0 : q);
  return static_cast<int8_t>(static_cast<int>(q));
}

uint16_t float_to_half_bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t sign = (bits >> 16) & 0x8000u;
  uint32_t abs = bits & 0x7fffffffu;
  if (abs >= 0x7f800000u) return static_cast<uint16_t>(sign | (abs > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to ≥ 65520: infinity
  if (abs < 0x38800000u) {  // below the smallest normal half: subnormal or zero
    if (abs < 0x33000000u) return static_cast<uint16_t>(sign);
    uint32_t exponent = abs >> 23;
    uint32_t mantissa = (abs & 0x7fffffu) | 0x800000u;
    uint32_t shift = 126 - exponent;  // 14 + (113 - exponent) - 1
    uint32_t half = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = ((abs - 0x38000000u) >> 13);
  uint32_t rest = abs & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
  return static_cast<uint16_t>(sign | half);
}

float half_bits_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      bits = sign | (static_cast<uint32_t>(112 - e) << 23) | ((mantissa & 0x3ffu) << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

void QuantizationErrorAccumulator::add_block(const float* original, const float* restored, size_t count) {
  constexpr size_t kLanes = 4;
  double largest[kLanes] = {max_abs_, 0, 0, 0};
  double noise[kLanes] = {noise_, 0, 0, 0};
  double signal[kLanes] = {signal_, 0, 0, 0};
  size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    for (size_t lane = 0; lane < kLanes; ++lane) {
      const double o = static_cast<double>(original[i + lane]);
      const double d = o - static_cast<double>(restored[i + lane]);
      largest[lane] = std::max(largest[lane], std::fabs(d));  // a NaN difference is skipped, as in add()
      noise[lane] += d * d;
      signal[lane] += o * o;
    }
  }
  max_abs_ = std::max(std::max(largest[0], largest[1]), std::max(largest[2], largest[3]));
  noise_ = (noise[0] + noise[1]) + (noise[2] + noise[3]);
  signal_ = (signal[0] + signal[1]) + (signal[2] + signal[3]);
  count_ += i;
  for (; i < count; ++i) add(original[i], restored[i]);
}

QuantizationError QuantizationErrorAccumulator::result() const {
  QuantizationError e;
  e.max_abs = max_abs_;
  e.rmse = count_ ? std::sqrt(noise_ / static_cast<double>(count_)) : 0.0;
  e.sqnr_db = noise_ > 0 ? 10.0 * std::log10(signal_ / noise_) : std::numeric_limits<double>::infinity();
  return e;
}

}  // namespace mq
