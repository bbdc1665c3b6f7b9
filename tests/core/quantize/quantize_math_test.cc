#include "core/quantize/quantize_math.h"

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

namespace {

uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

}  // namespace

TEST_CASE("quantize_weights arithmetic matches the spec's test vectors", "[quantize]") {
  SECTION("TV-QW-1: weights in [0.1, 4]") {
    std::vector<float> w = {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f};
    auto range = mq::quantize_weights_range(w.data(), w.size());
    CHECK(range.min == 0.0f);
    CHECK(range.max == 4.0f);
    std::vector<uint8_t> q(w.size());
    mq::float_to_quint8(w.data(), w.size(), range.min, range.max, q.data());
    CHECK(q == std::vector<uint8_t>{64, 128, 191, 255, 6, 13, 19, 26});
    // TV-QW-4: dequantized values, bit for bit.
    std::vector<float> back(w.size());
    mq::dequantize_quint8_min_first(q.data(), q.size(), range.min, range.max, back.data());
    std::vector<float> expected = {1.00392163f, 2.00784326f, 2.99607849f, 4.0f,
                                   0.0941176564f, 0.203921586f, 0.298039228f, 0.407843173f};
    for (size_t i = 0; i < expected.size(); ++i) CHECK(bits_of(back[i]) == bits_of(expected[i]));
  }
  SECTION("TV-QW-2: all-negative tensor keeps max = FLT_MIN") {
    std::vector<float> w = {-1, -4, -2, -5};
    auto range = mq::quantize_weights_range(w.data(), w.size());
    CHECK(range.min == -5.0f);
    CHECK(bits_of(range.max) == 0x00800000u);
    std::vector<uint8_t> q(w.size());
    mq::float_to_quint8(w.data(), w.size(), range.min, range.max, q.data());
    CHECK(q == std::vector<uint8_t>{204, 51, 153, 0});
    std::vector<float> back(w.size());
    mq::dequantize_quint8_min_first(q.data(), q.size(), range.min, range.max, back.data());
    CHECK(back[0] == -1.0f);
    CHECK(back[3] == -5.0f);
  }
  SECTION("Example 3: zero inside the range dequantizes to exactly zero") {
    std::vector<float> w = {-1, -0.5f, 0, 0.25f, 0.5f, 1, 2, 3};
    std::vector<uint8_t> q(w.size());
    mq::float_to_quint8(w.data(), w.size(), -1.0f, 3.0f, q.data());
    CHECK(q == std::vector<uint8_t>{0, 32, 64, 80, 96, 128, 192, 255});
    std::vector<float> back(w.size());
    mq::dequantize_quint8_min_first(q.data(), q.size(), -1.0f, 3.0f, back.data());
    CHECK(back[2] == 0.0f);
    CHECK(bits_of(back[1]) == bits_of(-0.501960814f));
    CHECK(bits_of(back[4]) == bits_of(0.501960874f));
    CHECK(bits_of(back[6]) == bits_of(2.00784349f));
  }
  SECTION("NaN values do not move the range") {
    std::vector<float> w = {NAN, 1.0f, -2.0f};
    auto range = mq::quantize_weights_range(w.data(), w.size());
    CHECK(range.min == -2.0f);
    CHECK(range.max == 1.0f);
  }
}

TEST_CASE("round_weights bucket arithmetic matches the spec's test vectors", "[quantize]") {
  SECTION("TV-RW-1") {
    std::vector<float> w;
    for (int r = 0; r < 5; ++r)
      for (float v : {1.0f, 2.0f, 3.0f, 4.0f, 0.1f, 0.2f, 0.3f, 0.4f}) w.push_back(v);
    mq::round_to_buckets(w.data(), w.size(), 256);
    std::vector<float> expected = {1.00644529f, 1.99667978f, 3.00214839f, 4.00761747f,
                                   0.107617192f, 0.19902344f, 0.305664062f, 0.397070318f};
    for (size_t i = 0; i < w.size(); ++i) CHECK(bits_of(w[i]) == bits_of(expected[i % 8]));
  }
  SECTION("TV-RW-2, TV-RW-3: constant tensors") {
    std::vector<float> threes(16, 3.0f), minus_ones(16, -1.0f);
    mq::round_to_buckets(threes.data(), 16, 256);
    mq::round_to_buckets(minus_ones.data(), 16, 256);
    CHECK(threes[0] == 3.00585938f);
    CHECK(minus_ones[5] == -0.998046875f);
  }
  SECTION("TV-RW-4: four steps") {
    std::vector<float> w(16);
    for (int i = 0; i < 16; ++i) w[i] = static_cast<float>(i);
    mq::round_to_buckets(w.data(), 16, 4);
    CHECK(w[0] == 1.875f);
    CHECK(w[15] == 16.875f);
  }
}

TEST_CASE("half conversion rounds to nearest even and round-trips", "[quantize]") {
  CHECK(mq::float_to_half_bits(1.0f) == 0x3c00);
  CHECK(mq::float_to_half_bits(-2.0f) == 0xc000);
  CHECK(mq::float_to_half_bits(65504.0f) == 0x7bff);
  CHECK(mq::float_to_half_bits(65520.0f) == 0x7c00);
  CHECK(mq::float_to_half_bits(1e-8f) == 0x0000);
  CHECK(mq::float_to_half_bits(5.9604645e-8f) == 0x0001);  // smallest subnormal
  CHECK(mq::float_to_half_bits(INFINITY) == 0x7c00);
  CHECK((mq::float_to_half_bits(NAN) & 0x7c00) == 0x7c00);
  CHECK(mq::float_to_half_bits(1.0f + 1.0f / 2048) == 0x3c00);  // tie → even
  CHECK(mq::float_to_half_bits(1.0f + 3.0f / 2048) == 0x3c02);  // tie → even (up)
  for (uint32_t h = 0; h < 0x7c00; ++h) {
    float f = mq::half_bits_to_float(static_cast<uint16_t>(h));
    REQUIRE(mq::float_to_half_bits(f) == h);
    REQUIRE(mq::float_to_half_bits(-f) == (h | 0x8000));
  }
}

TEST_CASE("symmetric int8 quantization and the error report", "[quantize]") {
  float scale = mq::symmetric_int8_scale(2.54f);
  CHECK(scale == 2.54f / 127.0f);
  CHECK(mq::quantize_symmetric_int8(2.54f, scale) == 127);
  CHECK(mq::quantize_symmetric_int8(-2.54f, scale) == -127);
  CHECK(mq::quantize_symmetric_int8(100.0f, scale) == 127);
  CHECK(mq::quantize_symmetric_int8(0.0f, scale) == 0);
  CHECK(mq::symmetric_int8_scale(0.0f) == 1.0f);
  // A denormal range whose scale underflows to 0: 0 / 0 has no int8 level.
  CHECK(mq::quantize_symmetric_int8(0.0f, 0.0f) == 0);
  CHECK(mq::quantize_symmetric_int8(1e-40f, 0.0f) == 127);

  mq::QuantizationErrorAccumulator acc;
  acc.add(1.0f, 1.0f);
  acc.add(2.0f, 1.5f);
  auto e = acc.result();
  CHECK(e.max_abs == Approx(0.5));
  CHECK(e.rmse == Approx(std::sqrt(0.125)));
  CHECK(e.sqnr_db == Approx(10 * std::log10(5.0 / 0.25)));
  mq::QuantizationErrorAccumulator exact;
  exact.add(3.0f, 3.0f);
  CHECK(std::isinf(exact.result().sqnr_db));
}
