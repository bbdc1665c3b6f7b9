#include <catch2/catch.hpp>

#include "tests/core/eval/eval_test_util.h"

namespace mq {
namespace {

using test::bool_values;
using test::bools;
using test::floats;
using test::ints;
using test::run_error;
using test::run_ok;
using test::values_of;

TEST_CASE("comparisons broadcast and return bool", "[eval][kernels][compare]") {
  Tensor x = floats({2, 2}, {1, 2, 3, 4});
  Tensor two = test::scalar_float(2);
  CHECK(bool_values(run_ok("Equal", {x, two})) == std::vector<bool>{false, true, false, false});
  CHECK(bool_values(run_ok("NotEqual", {x, two})) == std::vector<bool>{true, false, true, true});
  CHECK(bool_values(run_ok("Less", {x, two})) == std::vector<bool>{true, false, false, false});
  CHECK(bool_values(run_ok("LessEqual", {x, two})) == std::vector<bool>{true, true, false, false});
  CHECK(bool_values(run_ok("Greater", {x, floats({2}, {0, 5})})) == std::vector<bool>{true, false, true, false});
  CHECK(bool_values(run_ok("GreaterEqual", {ints({2}, {3, 1}), ints({2}, {3, 2})})) ==
        std::vector<bool>{true, false});
  CHECK(run_ok("Less", {x, two}).dtype() == tensorflow::DT_BOOL);

  Tensor words = Tensor::from_strings({2}, {"a", "b"});
  CHECK(bool_values(run_ok("Equal", {words, Tensor::from_strings({}, {"b"})})) == std::vector<bool>{false, true});
  // incompatible_shape_error=false turns a shape mismatch into "not equal".
  Tensor mismatch = run_ok("Equal", {x, floats({3}, {1, 2, 3})}, test::bool_attr("incompatible_shape_error", false));
  CHECK(mismatch.rank() == 0);
  CHECK(bool_values(mismatch) == std::vector<bool>{false});
  CHECK_THAT(run_error("Equal", {x, floats({3}, {1, 2, 3})}), Catch::Contains("incompatible shapes"));
}

TEST_CASE("logical ops", "[eval][kernels][compare]") {
  Tensor a = bools({4}, {true, true, false, false});
  Tensor b = bools({4}, {true, false, true, false});
  CHECK(bool_values(run_ok("LogicalAnd", {a, b})) == std::vector<bool>{true, false, false, false});
  CHECK(bool_values(run_ok("LogicalOr", {a, b})) == std::vector<bool>{true, true, true, false});
  CHECK(bool_values(run_ok("LogicalNot", {a})) == std::vector<bool>{false, false, true, true});
  CHECK_THAT(run_error("LogicalAnd", {floats({1}, {1}), floats({1}, {1})}), Catch::Contains("not supported"));
}

TEST_CASE("Select and SelectV2", "[eval][kernels][compare]") {
  Tensor t = floats({2, 2}, {1, 2, 3, 4});
  Tensor e = floats({2, 2}, {-1, -2, -3, -4});
  CHECK(values_of<float>(run_ok("Select", {bools({2, 2}, {true, false, false, true}), t, e})) ==
        std::vector<float>{1, -2, -3, 4});
  // A vector condition picks whole rows.
  CHECK(values_of<float>(run_ok("Select", {bools({2}, {false, true}), t, e})) == std::vector<float>{-1, -2, 3, 4});
  CHECK(values_of<float>(run_ok("Select", {bools({}, {true}), t, e})) == std::vector<float>{1, 2, 3, 4});
  CHECK_THAT(run_error("Select", {bools({3}, {true, true, true}), t, e}), Catch::Contains("must be a scalar"));

  // SelectV2 broadcasts all three.
  Tensor selected = run_ok("SelectV2", {bools({2}, {true, false}), floats({2, 1}, {10, 20}), test::scalar_float(0)});
  CHECK(selected.shape() == Shape{2, 2});
  CHECK(values_of<float>(selected) == std::vector<float>{10, 0, 20, 0});
}

TEST_CASE("Where lists the coordinates of true elements", "[eval][kernels][compare]") {
  Tensor where = run_ok("Where", {bools({2, 3}, {false, true, false, true, false, true})});
  CHECK(where.dtype() == tensorflow::DT_INT64);
  CHECK(where.shape() == Shape{3, 2});
  CHECK(values_of<int64_t>(where) == std::vector<int64_t>{0, 1, 1, 0, 1, 2});
  Tensor numeric = run_ok("Where", {floats({3}, {0, 2, -1})});
  CHECK(values_of<int64_t>(numeric) == std::vector<int64_t>{1, 2});
  Tensor none = run_ok("Where", {floats({0}, {})});
  CHECK(none.shape() == Shape{0, 1});
}

}  // namespace
}  // namespace mq
