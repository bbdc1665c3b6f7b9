// Bit-exact quantization arithmetic (../shared/spec/dequantize-math.md):
// what quantize_weights and round_weights compute, what the Dequantize kernel
// computes back, and the error figures reported per quantized tensor.
// One vectorizable pass per tensor; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mq {

// quantize_weights' range: min folded from FLT_MAX and max from FLT_MIN
// (smallest positive normal), then min = min(min, 0), max = max(max, 0).
// NaNs are ignored, as TensorFlow's comparisons ignore them.
struct FloatRange {
  float min;
  float max;
};
FloatRange quantize_weights_range(const float* values, size_t count);

// FloatToQuantized<quint8> element by element (double arithmetic, rounding
// half away from zero, the two rounded terms subtracted).
void float_to_quint8(const float* values, size_t count, float min, float max, uint8_t* out);

// Dequantize MIN_FIRST for quint8 (the mode quantize_weights emits).
struct MinFirstDequantizer {
  MinFirstDequantizer(float min, float max);
  float operator()(uint8_t q) const { return range_min_rounded + static_cast<float>(q) * scale; }
  float scale;
  float range_min_rounded;
};
void dequantize_quint8_min_first(const uint8_t* q, size_t count, float min, float max, float* out);

// round_weights: the bucket arithmetic, in place.
void round_to_buckets(float* values, size_t count, int num_steps);

// Symmetric per-channel int8 (SCALED Dequantize, narrow_range): the scale a
// channel with this largest magnitude gets, and q = round(v / scale) in
// [-127, 127]. A channel of zeros gets scale 1 and all-zero codes.
float symmetric_int8_scale(float max_abs);
int8_t quantize_symmetric_int8(float value, float scale);

// IEEE half conversions (round to nearest even), for scheme=float16.
uint16_t float_to_half_bits(float value);
float half_bits_to_float(uint16_t bits);

// How far a quantized tensor is from the original.
struct QuantizationError {
  double max_abs = 0;  // largest |original − dequantized|
  double rmse = 0;     // root mean square error
  double sqnr_db = 0;  // 10·log10(signal power / noise power); +inf when exact
};
class QuantizationErrorAccumulator {
 public:
  void add(float original, float restored) {
    double d = static_cast<double>(original) - static_cast<double>(restored);
    double a = d < 0 ? -d : d;
    if (a > max_abs_) max_abs_ = a;
    noise_ += d * d;
    signal_ += static_cast<double>(original) * static_cast<double>(original);
    ++count_;
  }
  // The same for `count` pairs at once, vectorizable: partial sums in four
  // lanes, so totals can differ from add()'s in the last bits.
  void add_block(const float* original, const float* restored, size_t count);
  QuantizationError result() const;

 private:
  double max_abs_ = 0, noise_ = 0, signal_ = 0;
  size_t count_ = 0;
};

}  // namespace mq
