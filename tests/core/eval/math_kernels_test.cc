#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "tests/core/eval/eval_test_util.h"

namespace mq {
namespace {

using test::floats;
using test::ints;
using test::run_error;
using test::run_ok;
using test::values_of;

TEST_CASE("binary arithmetic broadcasts like TensorFlow", "[eval][kernels][math]") {
  Tensor matrix = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor row = floats({3}, {10, 20, 30});
  Tensor column = floats({2, 1}, {100, 200});

  Tensor sum = run_ok("AddV2", {matrix, row});
  CHECK(sum.shape() == Shape{2, 3});
  CHECK(values_of<float>(sum) == std::vector<float>{11, 22, 33, 14, 25, 36});
  CHECK(values_of<float>(run_ok("Add", {column, matrix})) == std::vector<float>{101, 102, 103, 204, 205, 206});
  CHECK(values_of<float>(run_ok("Sub", {matrix, test::scalar_float(1)})) == std::vector<float>{0, 1, 2, 3, 4, 5});
  CHECK(values_of<float>(run_ok("Mul", {test::scalar_float(2), matrix})) == std::vector<float>{2, 4, 6, 8, 10, 12});

  // [2,1] against [3]: both broadcast to [2,3].
  Tensor outer = run_ok("Mul", {column, row});
  CHECK(outer.shape() == Shape{2, 3});
  CHECK(values_of<float>(outer) == std::vector<float>{1000, 2000, 3000, 2000, 4000, 6000});

  // Rank-3 with a middle broadcast: [2,1,2] * [1,3,1].
  Tensor a = floats({2, 1, 2}, {1, 2, 3, 4});
  Tensor b = floats({1, 3, 1}, {1, 10, 100});
  CHECK(values_of<float>(run_ok("Mul", {a, b})) ==
        std::vector<float>{1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400});

  CHECK_THAT(run_error("Add", {matrix, floats({2}, {1, 2})}), Catch::Contains("incompatible shapes: [2,3] vs. [2]"));
  CHECK_THAT(run_error("Add", {matrix, ints({3}, {1, 2, 3})}), Catch::Contains("different dtypes"));

  // Empty tensors stay empty.
  Tensor empty = run_ok("Add", {floats({0, 3}, {}), row});
  CHECK(empty.shape() == Shape{0, 3});
}

TEST_CASE("division, floor division and floor mod", "[eval][kernels][math]") {
  Tensor x = floats({4}, {7, -7, 7, -7});
  Tensor y = floats({4}, {2, 2, -2, -2});
  CHECK(values_of<float>(run_ok("RealDiv", {x, y})) == std::vector<float>{3.5f, -3.5f, -3.5f, 3.5f});
  CHECK(values_of<float>(run_ok("FloorDiv", {x, y})) == std::vector<float>{3, -4, -4, 3});
  CHECK(values_of<float>(run_ok("FloorMod", {x, y})) == std::vector<float>{1, 1, -1, -1});

  Tensor xi = ints({4}, {7, -7, 7, -7});
  Tensor yi = ints({4}, {2, 2, -2, -2});
  CHECK(values_of<int32_t>(run_ok("Div", {xi, yi})) == std::vector<int32_t>{3, -3, -3, 3});
  CHECK(values_of<int32_t>(run_ok("FloorDiv", {xi, yi})) == std::vector<int32_t>{3, -4, -4, 3});
  CHECK(values_of<int32_t>(run_ok("FloorMod", {xi, yi})) == std::vector<int32_t>{1, 1, -1, -1});
  CHECK_THAT(run_error("FloorDiv", {xi, ints({}, {0})}), Catch::Contains("Integer division by zero"));
}

TEST_CASE("integer arithmetic that overflows wraps around instead of trapping", "[eval][kernels][math]") {
  constexpr int32_t lowest = std::numeric_limits<int32_t>::lowest();
  constexpr int32_t highest = std::numeric_limits<int32_t>::max();
  Tensor x = ints({3}, {lowest, 65536, highest});
  // lowest / -1 traps on x86 when computed directly.
  CHECK(values_of<int32_t>(run_ok("Div", {x, ints({}, {-1})})) == std::vector<int32_t>{lowest, -65536, -highest});
  CHECK(values_of<int32_t>(run_ok("FloorDiv", {x, ints({}, {-1})})) == std::vector<int32_t>{lowest, -65536, -highest});
  CHECK(values_of<int32_t>(run_ok("FloorMod", {x, ints({}, {-1})})) == std::vector<int32_t>{0, 0, 0});
  CHECK(values_of<int32_t>(run_ok("Square", {x})) == std::vector<int32_t>{0, 0, 1});
  CHECK(values_of<int32_t>(run_ok("Add", {x, ints({}, {1})})) == std::vector<int32_t>{lowest + 1, 65537, lowest});
  CHECK(values_of<int32_t>(run_ok("Neg", {x})) == std::vector<int32_t>{lowest, -65536, -highest});
  Tensor big = test::int64s({1}, {std::numeric_limits<int64_t>::max()});
  CHECK(values_of<int64_t>(run_ok("Mul", {big, test::int64s({}, {2})})) == std::vector<int64_t>{-2});
}

TEST_CASE("maximum, minimum, pow and squared difference", "[eval][kernels][math]") {
  Tensor x = floats({3}, {1, 5, NAN});
  Tensor y = floats({3}, {3, 2, 0});
  Tensor max = run_ok("Maximum", {x, y});
  CHECK(max.data<float>()[0] == 3);
  CHECK(max.data<float>()[1] == 5);
  CHECK(std::isnan(max.data<float>()[2]));
  CHECK(values_of<float>(run_ok("Minimum", {floats({2}, {1, 5}), floats({2}, {3, 2})})) == std::vector<float>{1, 2});
  CHECK(values_of<float>(run_ok("Pow", {floats({3}, {2, 9, 4}), floats({3}, {3, 0.5f, -1})})) ==
        std::vector<float>{8, 3, 0.25f});
  CHECK(values_of<int32_t>(run_ok("Pow", {ints({3}, {2, -3, 5}), ints({3}, {10, 3, 0})})) ==
        std::vector<int32_t>{1024, -27, 1});
  CHECK_THAT(run_error("Pow", {ints({1}, {2}), ints({1}, {-1})}), Catch::Contains("negative integer powers"));
  CHECK(values_of<float>(run_ok("SquaredDifference", {floats({2}, {1, 5}), test::scalar_float(3)})) ==
        std::vector<float>{4, 4});
}

TEST_CASE("unary math matches hand-computed values", "[eval][kernels][math]") {
  Tensor x = floats({4}, {-2.5f, -0.5f, 0.5f, 2.5f});
  CHECK(values_of<float>(run_ok("Neg", {x})) == std::vector<float>{2.5f, 0.5f, -0.5f, -2.5f});
  CHECK(values_of<float>(run_ok("Abs", {x})) == std::vector<float>{2.5f, 0.5f, 0.5f, 2.5f});
  CHECK(values_of<float>(run_ok("Square", {x})) == std::vector<float>{6.25f, 0.25f, 0.25f, 6.25f});
  CHECK(values_of<float>(run_ok("Sign", {x})) == std::vector<float>{-1, -1, 1, 1});
  CHECK(values_of<float>(run_ok("Floor", {x})) == std::vector<float>{-3, -1, 0, 2});
  CHECK(values_of<float>(run_ok("Ceil", {x})) == std::vector<float>{-2, -0.0f, 1, 3});
  // Round half to even.
  CHECK(values_of<float>(run_ok("Round", {x})) == std::vector<float>{-2, -0.0f, 0, 2});
  CHECK(values_of<float>(run_ok("Relu", {x})) == std::vector<float>{0, 0, 0.5f, 2.5f});
  CHECK(values_of<float>(run_ok("Relu6", {floats({3}, {-1, 3, 7})})) == std::vector<float>{0, 3, 6});
  CHECK(values_of<float>(run_ok("LeakyRelu", {x}, test::float_attr("alpha", 0.1f))) ==
        std::vector<float>{-0.25f, -0.05f, 0.5f, 2.5f});
  CHECK(values_of<float>(run_ok("LeakyRelu", {x})) == std::vector<float>{-0.5f, -0.1f, 0.5f, 2.5f});
  CHECK(values_of<float>(run_ok("Sqrt", {floats({2}, {4, 9})})) == std::vector<float>{2, 3});
  CHECK(values_of<float>(run_ok("Rsqrt", {floats({2}, {4, 0.25f})})) == std::vector<float>{0.5f, 2});
  {
    // Correctly rounded on every element, as in the WebAssembly build, not
    // the processor's estimate refined (batch norm variances + epsilon).
    std::vector<float> variances;
    for (int i = 0; i < 1000; ++i) variances.push_back(0.001f + static_cast<float>(i) * 0.37f + 1e-3f / (i + 1));
    std::vector<float> roots = values_of<float>(run_ok("Sqrt", {floats({1000}, variances)}));
    std::vector<float> inverse_roots = values_of<float>(run_ok("Rsqrt", {floats({1000}, variances)}));
    int sqrt_mismatches = 0, rsqrt_mismatches = 0;
    for (size_t i = 0; i < variances.size(); ++i) {
      sqrt_mismatches += roots[i] != std::sqrt(variances[i]);
      rsqrt_mismatches += inverse_roots[i] != 1.0f / std::sqrt(variances[i]);
    }
    CHECK(sqrt_mismatches == 0);
    CHECK(rsqrt_mismatches == 0);
  }
  CHECK(values_of<float>(run_ok("Reciprocal", {floats({2}, {4, -0.5f})})) == std::vector<float>{0.25f, -2});

  auto approx = [](const Tensor& t, std::vector<double> expected) {
    REQUIRE(t.num_elements() == static_cast<int64_t>(expected.size()));
    for (size_t i = 0; i < expected.size(); ++i) CHECK(t.data<float>()[i] == Approx(expected[i]).epsilon(1e-6));
  };
  Tensor y = floats({3}, {-1, 0, 2});
  approx(run_ok("Exp", {y}), {std::exp(-1.0), 1, std::exp(2.0)});
  approx(run_ok("Log", {floats({2}, {1, 10})}), {0, std::log(10.0)});
  approx(run_ok("Log1p", {floats({2}, {0, 1e-7f})}), {0, 1e-7});
  approx(run_ok("Sigmoid", {y}), {1 / (1 + std::exp(1.0)), 0.5, 1 / (1 + std::exp(-2.0))});
  approx(run_ok("Tanh", {y}), {std::tanh(-1.0), 0, std::tanh(2.0)});
  approx(run_ok("Erf", {y}), {std::erf(-1.0), 0, std::erf(2.0)});
  approx(run_ok("Elu", {y}), {std::expm1(-1.0), 0, 2});
  approx(run_ok("Selu", {y}), {1.0507009873554805 * 1.6732632423543772 * std::expm1(-1.0), 0, 2 * 1.0507009873554805});
  approx(run_ok("Softplus", {floats({3}, {-1, 0, 30})}), {std::log1p(std::exp(-1.0)), std::log(2.0), 30});

  // Integer variants where TensorFlow has them; float-only ops refuse ints.
  CHECK(values_of<int32_t>(run_ok("Abs", {ints({2}, {-3, 4})})) == std::vector<int32_t>{3, 4});
  CHECK(values_of<int32_t>(run_ok("Relu", {ints({2}, {-3, 4})})) == std::vector<int32_t>{0, 4});
  CHECK_THAT(run_error("Exp", {ints({1}, {1})}), Catch::Contains("dtype int32 is not supported"));
}

TEST_CASE("half and bfloat16 are computed through float", "[eval][kernels][math]") {
  Tensor half(tensorflow::DT_HALF, {2});
  half.data<Eigen::half>()[0] = Eigen::half(1.5f);
  half.data<Eigen::half>()[1] = Eigen::half(-2.0f);
  Tensor sum = run_ok("AddV2", {half, half});
  CHECK(sum.dtype() == tensorflow::DT_HALF);
  CHECK(static_cast<float>(sum.data<Eigen::half>()[0]) == 3.0f);
  CHECK(static_cast<float>(sum.data<Eigen::half>()[1]) == -4.0f);
  Tensor relu = run_ok("Relu", {half});
  CHECK(static_cast<float>(relu.data<Eigen::half>()[1]) == 0.0f);
}

TEST_CASE("AddN sums inputs of one shape", "[eval][kernels][math]") {
  Tensor a = floats({2}, {1, 2});
  CHECK(values_of<float>(run_ok("AddN", {a, a, floats({2}, {10, 20})})) == std::vector<float>{12, 24});
  CHECK_THAT(run_error("AddN", {a, floats({3}, {1, 2, 3})}), Catch::Contains("same dtype and shape"));
}

TEST_CASE("Cast converts between numeric dtypes", "[eval][kernels][math]") {
  Tensor x = floats({4}, {1.7f, -1.7f, 0, 300});
  Tensor as_int = run_ok("Cast", {x}, test::type_attr("DstT", tensorflow::DT_INT32));
  CHECK(as_int.dtype() == tensorflow::DT_INT32);
  CHECK(values_of<int32_t>(as_int) == std::vector<int32_t>{1, -1, 0, 300});
  Tensor as_bool = run_ok("Cast", {x}, test::type_attr("DstT", tensorflow::DT_BOOL));
  CHECK(test::bool_values(as_bool) == std::vector<bool>{true, true, false, true});
  Tensor as_half = run_ok("Cast", {x}, test::type_attr("DstT", tensorflow::DT_HALF));
  CHECK(static_cast<float>(as_half.data<Eigen::half>()[3]) == 300.0f);
  Tensor back = run_ok("Cast", {as_half}, test::type_attr("DstT", tensorflow::DT_DOUBLE));
  CHECK(back.data<double>()[1] == Approx(-1.7).epsilon(1e-3));
  Tensor from_bool = run_ok("Cast", {test::bools({2}, {true, false})}, test::type_attr("DstT", tensorflow::DT_FLOAT));
  CHECK(values_of<float>(from_bool) == std::vector<float>{1, 0});
  Tensor same = run_ok("Cast", {x}, test::type_attr("DstT", tensorflow::DT_FLOAT));
  CHECK(same.shares_buffer_with(x));
}

TEST_CASE("Cast of a float no integer type holds saturates, and NaN becomes 0", "[eval][kernels][math]") {
  const float inf = std::numeric_limits<float>::infinity();
  Tensor x = floats({6}, {std::nanf(""), inf, -inf, 3e9f, -3e9f, 300});
  Tensor as_int = run_ok("Cast", {x}, test::type_attr("DstT", tensorflow::DT_INT32));
  constexpr int32_t lowest = std::numeric_limits<int32_t>::lowest();
  constexpr int32_t highest = std::numeric_limits<int32_t>::max();
  CHECK(values_of<int32_t>(as_int) == std::vector<int32_t>{0, highest, lowest, highest, lowest, 300});
  Tensor as_byte = run_ok("Cast", {x}, test::type_attr("DstT", tensorflow::DT_UINT8));
  CHECK(values_of<uint8_t>(as_byte) == std::vector<uint8_t>{0, 255, 0, 255, 0, 255});
  Tensor as_int64 = run_ok("Cast", {floats({2}, {1e19f, -1e19f})}, test::type_attr("DstT", tensorflow::DT_INT64));
  CHECK(values_of<int64_t>(as_int64) ==
        std::vector<int64_t>{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::lowest()});
  Tensor halves = run_ok("Cast", {floats({2}, {70000, -1.5f})}, test::type_attr("DstT", tensorflow::DT_HALF));
  Tensor from_half = run_ok("Cast", {halves}, test::type_attr("DstT", tensorflow::DT_INT16));
  CHECK(values_of<int16_t>(from_half) == std::vector<int16_t>{std::numeric_limits<int16_t>::max(), -1});
}

}  // namespace
}  // namespace mq
