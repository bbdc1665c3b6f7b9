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

TEST_CASE("reductions over one, several and negative axes", "[eval][kernels][reduction]") {
  // [2,3,2]
  Tensor x = floats({2, 3, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  CHECK(values_of<float>(run_ok("Sum", {x, ints({}, {0})})) == std::vector<float>{8, 10, 12, 14, 16, 18});
  CHECK(values_of<float>(run_ok("Sum", {x, ints({}, {1})})) == std::vector<float>{9, 12, 27, 30});
  CHECK(values_of<float>(run_ok("Sum", {x, ints({}, {-1})})) == std::vector<float>{3, 7, 11, 15, 19, 23});
  // Non-adjacent axes 0 and 2.
  Tensor outer = run_ok("Sum", {x, ints({2}, {0, 2})});
  CHECK(outer.shape() == Shape{3});
  CHECK(values_of<float>(outer) == std::vector<float>{18, 26, 34});
  Tensor all = run_ok("Sum", {x, ints({3}, {0, 1, 2})}, test::bool_attr("keep_dims", true));
  CHECK(all.shape() == Shape{1, 1, 1});
  CHECK(values_of<float>(all) == std::vector<float>{78});
  CHECK(values_of<float>(run_ok("Mean", {x, ints({}, {1})})) == std::vector<float>{3, 4, 9, 10});
  CHECK(values_of<float>(run_ok("Max", {x, ints({}, {2})})) == std::vector<float>{2, 4, 6, 8, 10, 12});
  CHECK(values_of<float>(run_ok("Min", {x, test::int64s({}, {0})})) == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(values_of<float>(run_ok("Prod", {floats({2, 2}, {1, 2, 3, 4}), ints({}, {0})})) == std::vector<float>{3, 8});
  // No axes: the input unchanged.
  CHECK(values_of<float>(run_ok("Sum", {x, ints({0}, {})})) == values_of<float>(x));
  CHECK(values_of<int32_t>(run_ok("Mean", {ints({3}, {1, 2, 4}), ints({}, {0})})) == std::vector<int32_t>{2});
  CHECK_THAT(run_error("Sum", {x, ints({}, {3})}), Catch::Contains("Invalid reduction dimension"));
}

TEST_CASE("reductions of empty tensors give the identity", "[eval][kernels][reduction]") {
  Tensor empty = floats({0, 2}, {});
  CHECK(values_of<float>(run_ok("Sum", {empty, ints({}, {0})})) == std::vector<float>{0, 0});
  CHECK(values_of<float>(run_ok("Prod", {empty, ints({}, {0})})) == std::vector<float>{1, 1});
  Tensor max = run_ok("Max", {empty, ints({}, {0})});
  CHECK(max.data<float>()[0] == -std::numeric_limits<float>::infinity());
  CHECK(run_ok("Sum", {empty, ints({}, {1})}).shape() == Shape{0});
  CHECK(std::isnan(run_ok("Mean", {empty, ints({}, {0})}).data<float>()[0]));
}

TEST_CASE("All and Any", "[eval][kernels][reduction]") {
  Tensor x = test::bools({2, 2}, {true, false, true, true});
  CHECK(test::bool_values(run_ok("All", {x, ints({}, {1})})) == std::vector<bool>{false, true});
  CHECK(test::bool_values(run_ok("Any", {x, ints({}, {0})})) == std::vector<bool>{true, true});
  CHECK_THAT(run_error("All", {floats({1}, {1}), ints({}, {0})}), Catch::Contains("bool"));
}

TEST_CASE("ArgMax and ArgMin", "[eval][kernels][reduction]") {
  Tensor x = floats({2, 3}, {1, 9, 9, 7, 0, 3});
  Tensor arg_max = run_ok("ArgMax", {x, ints({}, {1})});
  CHECK(arg_max.dtype() == tensorflow::DT_INT64);
  CHECK(values_of<int64_t>(arg_max) == std::vector<int64_t>{1, 0});
  CHECK(values_of<int64_t>(run_ok("ArgMin", {x, ints({}, {0})})) == std::vector<int64_t>{0, 1, 1});
  Tensor as_int32 = run_ok("ArgMax", {x, ints({}, {-1})}, test::type_attr("output_type", tensorflow::DT_INT32));
  CHECK(values_of<int32_t>(as_int32) == std::vector<int32_t>{1, 0});
  CHECK_THAT(run_error("ArgMax", {floats({0, 2}, {}), ints({}, {0})}), Catch::Contains("empty"));
}

}  // namespace
}  // namespace mq
