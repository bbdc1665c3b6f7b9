// RandomUniform: shape from its input, values in [0, 1), the same values for
// the same seeds, different ones for other seeds.
#include <catch2/catch.hpp>

#include "tests/core/eval/eval_test_util.h"

using namespace mq::test;

TEST_CASE("RandomUniform fills [0, 1) deterministically", "[eval][kernels][random]") {
  const Attrs floats_seeded = type_attr("dtype", tensorflow::DT_FLOAT) + int_attr("seed", 3) + int_attr("seed2", 4);
  mq::Tensor first = run_ok("RandomUniform", {ints({2}, {50, 40})}, floats_seeded);
  CHECK(first.shape() == mq::Shape{50, 40});
  CHECK(first.dtype() == tensorflow::DT_FLOAT);
  std::vector<float> values = values_of<float>(first);
  float low = 1, high = 0, sum = 0;
  for (float value : values) {
    low = std::min(low, value);
    high = std::max(high, value);
    sum += value;
  }
  CHECK(low >= 0.0f);
  CHECK(high < 1.0f);
  CHECK(sum / values.size() == Approx(0.5).margin(0.03));
  CHECK(values_of<float>(run_ok("RandomUniform", {ints({2}, {50, 40})}, floats_seeded)) == values);
  const Attrs other_seed = type_attr("dtype", tensorflow::DT_FLOAT) + int_attr("seed", 5) + int_attr("seed2", 4);
  CHECK(values_of<float>(run_ok("RandomUniform", {ints({2}, {50, 40})}, other_seed)) != values);

  mq::Tensor doubles = run_ok("RandomUniform", {int64s({1}, {7})}, type_attr("dtype", tensorflow::DT_DOUBLE));
  CHECK(doubles.shape() == mq::Shape{7});
  CHECK_THAT(run_error("RandomUniform", {ints({2}, {2, -1})}, type_attr("dtype", tensorflow::DT_FLOAT)),
             Catch::Contains("negative size"));
  CHECK_THAT(run_error("RandomUniform", {ints({1}, {2})}, type_attr("dtype", tensorflow::DT_INT32)),
             Catch::Contains("RandomUniform of dtype int32 is not supported"));
}
