#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>

#include "tests/core/eval/eval_test_util.h"

namespace mq {
namespace {

using test::floats;
using test::int_attr;
using test::ints;
using test::run_error;
using test::run_kernel;
using test::run_ok;
using test::values_of;

// 0..23 as a [2,3,4] float tensor: element (i,j,k) is 12i + 4j + k.
Tensor counting() {
  std::vector<float> values(24);
  std::iota(values.begin(), values.end(), 0.0f);
  return floats({2, 3, 4}, values);
}

std::vector<float> range_values(float from, float to) {
  std::vector<float> out;
  for (float v = from; v < to; ++v) out.push_back(v);
  return out;
}

TEST_CASE("Reshape, ExpandDims and Squeeze share the buffer", "[eval][kernels][array]") {
  Tensor x = counting();
  Tensor reshaped = run_ok("Reshape", {x, ints({2}, {-1, 6})});
  CHECK(reshaped.shape() == Shape{4, 6});
  CHECK(reshaped.shares_buffer_with(x));
  CHECK_THAT(run_error("Reshape", {x, ints({2}, {5, -1})}), Catch::Contains("24 values"));
  CHECK_THAT(run_error("Reshape", {x, ints({2}, {-1, -1})}), Catch::Contains("only one"));
  CHECK(run_ok("Reshape", {floats({0, 3}, {}), ints({2}, {-1, 3})}).shape() == Shape{0, 3});

  CHECK(run_ok("ExpandDims", {x, ints({}, {-1})}).shape() == Shape{2, 3, 4, 1});
  CHECK(run_ok("ExpandDims", {x, ints({1}, {0})}).shape() == Shape{1, 2, 3, 4});
  CHECK_THAT(run_error("ExpandDims", {x, ints({}, {5})}), Catch::Contains("out of range"));

  Tensor ones = floats({1, 2, 1, 1}, {1, 2});
  CHECK(run_ok("Squeeze", {ones}).shape() == Shape{2});
  CHECK(run_ok("Squeeze", {ones}, test::int_list_attr("squeeze_dims", {-1, 0})).shape() ==
        Shape{2, 1});
  CHECK_THAT(run_error("Squeeze", {ones}, test::int_list_attr("squeeze_dims", {1})),
             Catch::Contains("Can not squeeze dim[1]"));
}

TEST_CASE("Shape, ShapeN, Size and Rank", "[eval][kernels][array]") {
  Tensor x = counting();
  CHECK(values_of<int32_t>(run_ok("Shape", {x})) == std::vector<int32_t>{2, 3, 4});
  Tensor as_int64 = run_ok("Shape", {x}, test::type_attr("out_type", tensorflow::DT_INT64));
  CHECK(values_of<int64_t>(as_int64) == std::vector<int64_t>{2, 3, 4});
  StatusOr<std::vector<Tensor>> shapes = run_kernel("ShapeN", {x, test::scalar_float(1)});
  REQUIRE(shapes.is_ok());
  REQUIRE(shapes->size() == 2);
  CHECK((*shapes)[1].shape() == Shape{0});
  CHECK(values_of<int32_t>(run_ok("Size", {x})) == std::vector<int32_t>{24});
  CHECK(values_of<int32_t>(run_ok("Rank", {x})) == std::vector<int32_t>{3});
}

TEST_CASE("Transpose permutes dimensions", "[eval][kernels][array]") {
  Tensor m = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor t = run_ok("Transpose", {m, ints({2}, {1, 0})});
  CHECK(t.shape() == Shape{3, 2});
  CHECK(values_of<float>(t) == std::vector<float>{1, 4, 2, 5, 3, 6});
  Tensor t3 = run_ok("Transpose", {counting(), ints({3}, {2, 0, 1})});
  CHECK(t3.shape() == Shape{4, 2, 3});
  // (k, i, j) = 12i + 4j + k
  CHECK(values_of<float>(t3)[0 * 6 + 1 * 3 + 2] == 20);
  CHECK(values_of<float>(t3)[3 * 6 + 0 * 3 + 1] == 7);
  CHECK_THAT(run_error("Transpose", {m, ints({2}, {0, 0})}), Catch::Contains("more than once"));
}

TEST_CASE("ConcatV2, Concat, Pack and Unpack", "[eval][kernels][array]") {
  Tensor a = floats({2, 1}, {1, 2});
  Tensor b = floats({2, 2}, {3, 4, 5, 6});
  Tensor joined = run_ok("ConcatV2", {a, b, ints({}, {-1})});
  CHECK(joined.shape() == Shape{2, 3});
  CHECK(values_of<float>(joined) == std::vector<float>{1, 3, 4, 2, 5, 6});
  CHECK(values_of<float>(run_ok("Concat", {ints({}, {0}), floats({1}, {1}), floats({2}, {2, 3})})) ==
        std::vector<float>{1, 2, 3});
  CHECK_THAT(run_error("ConcatV2", {a, floats({3, 1}, {0, 0, 0}), ints({}, {1})}),
             Catch::Contains("cannot be concatenated"));
  Tensor words = run_ok("ConcatV2", {Tensor::from_strings({1}, {"x"}), Tensor::from_strings({2}, {"y", "z"}),
                                     ints({}, {0})});
  CHECK(words.strings() == std::vector<std::string>{"x", "y", "z"});

  Tensor packed = run_ok("Pack", {floats({2}, {1, 2}), floats({2}, {3, 4})}, int_attr("axis", 1));
  CHECK(packed.shape() == Shape{2, 2});
  CHECK(values_of<float>(packed) == std::vector<float>{1, 3, 2, 4});
  CHECK(run_ok("Pack", {test::scalar_float(1), test::scalar_float(2)}).shape() == Shape{2});

  StatusOr<std::vector<Tensor>> parts = run_kernel("Unpack", {b}, int_attr("num", 2) + int_attr("axis", -1));
  REQUIRE(parts.is_ok());
  REQUIRE(parts->size() == 2);
  CHECK(values_of<float>((*parts)[0]) == std::vector<float>{3, 5});
  CHECK(values_of<float>((*parts)[1]) == std::vector<float>{4, 6});
}

TEST_CASE("Slice", "[eval][kernels][array]") {
  Tensor s = run_ok("Slice", {counting(), ints({3}, {1, 1, 0}), ints({3}, {1, -1, 2})});
  CHECK(s.shape() == Shape{1, 2, 2});
  CHECK(values_of<float>(s) == std::vector<float>{16, 17, 20, 21});
  CHECK_THAT(run_error("Slice", {counting(), ints({3}, {0, 0, 3}), ints({3}, {1, 1, 2})}),
             Catch::Contains("to fit in dimension 4"));
  CHECK(run_ok("Slice", {counting(), ints({3}, {0, 0, 0}), ints({3}, {0, 3, 4})}).num_elements() == 0);
}

test::Attrs masks(int begin, int end, int ellipsis, int new_axis, int shrink) {
  return int_attr("begin_mask", begin) + int_attr("end_mask", end) + int_attr("ellipsis_mask", ellipsis) +
         int_attr("new_axis_mask", new_axis) + int_attr("shrink_axis_mask", shrink);
}

Tensor strided(const std::vector<int32_t>& begin, const std::vector<int32_t>& end,
               const std::vector<int32_t>& strides, const test::Attrs& attrs) {
  int64_t n = static_cast<int64_t>(begin.size());
  return run_ok("StridedSlice", {counting(), ints({n}, begin), ints({n}, end), ints({n}, strides)}, attrs);
}

TEST_CASE("StridedSlice with each of the five masks", "[eval][kernels][array]") {
  Tensor plain = strided({0, 1, 1}, {2, 3, 3}, {1, 1, 1}, masks(0, 0, 0, 0, 0));
  CHECK(plain.shape() == Shape{2, 2, 2});
  CHECK(values_of<float>(plain) == std::vector<float>{5, 6, 9, 10, 17, 18, 21, 22});

  // begin_mask: dimension 0 starts at 0 whatever begin says.
  Tensor begin_masked = strided({1, 1, 0}, {2, 2, 1}, {1, 1, 1}, masks(1, 0, 0, 0, 0));
  CHECK(begin_masked.shape() == Shape{2, 1, 1});
  CHECK(values_of<float>(begin_masked) == std::vector<float>{4, 16});

  // end_mask: dimensions 0 and 2 run to the end.
  Tensor end_masked = strided({1, 0, 2}, {0, 1, 0}, {1, 1, 1}, masks(0, 5, 0, 0, 0));
  CHECK(end_masked.shape() == Shape{1, 1, 2});
  CHECK(values_of<float>(end_masked) == std::vector<float>{14, 15});

  // Negative strides, with and without end_mask.
  CHECK(values_of<float>(strided({0, 0, -1}, {1, 1, 0}, {1, 1, -1}, masks(0, 4, 0, 0, 0))) ==
        std::vector<float>{3, 2, 1, 0});
  CHECK(values_of<float>(strided({0, 0, -1}, {1, 1, 0}, {1, 1, -1}, masks(0, 0, 0, 0, 0))) ==
        std::vector<float>{3, 2, 1});
  CHECK(values_of<float>(strided({0, 0, 0}, {1, 1, 4}, {1, 1, 2}, masks(0, 0, 0, 0, 0))) ==
        std::vector<float>{0, 2});

  // shrink_axis_mask: x[1] and x[-1] drop dimension 0.
  Tensor shrunk = strided({1, 0, 0}, {2, 0, 0}, {1, 1, 1}, masks(0, 6, 0, 0, 1));
  CHECK(shrunk.shape() == Shape{3, 4});
  CHECK(values_of<float>(shrunk) == range_values(12, 24));
  Tensor last = strided({-1}, {0}, {1}, masks(0, 0, 0, 0, 1));
  CHECK(last.shape() == Shape{3, 4});
  CHECK(values_of<float>(last) == range_values(12, 24));

  // new_axis_mask: x[newaxis, 0:2].
  Tensor new_axis = strided({0, 0}, {0, 2}, {1, 1}, masks(0, 0, 0, 1, 0));
  CHECK(new_axis.shape() == Shape{1, 2, 3, 4});
  CHECK(values_of<float>(new_axis) == range_values(0, 24));

  // ellipsis_mask: x[..., 1] and x[..., newaxis, 2].
  Tensor ellipsis = strided({0, 1}, {0, 2}, {1, 1}, masks(0, 0, 1, 0, 2));
  CHECK(ellipsis.shape() == Shape{2, 3});
  CHECK(values_of<float>(ellipsis) == std::vector<float>{1, 5, 9, 13, 17, 21});
  Tensor ellipsis_new_axis = strided({0, 0, 2}, {0, 0, 3}, {1, 1, 1}, masks(0, 0, 1, 2, 4));
  CHECK(ellipsis_new_axis.shape() == Shape{2, 3, 1});
  CHECK(values_of<float>(ellipsis_new_axis) == std::vector<float>{2, 6, 10, 14, 18, 22});

  // Out-of-range begin/end are clamped; an empty range gives an empty tensor.
  CHECK(strided({-100}, {100}, {1}, masks(0, 0, 0, 0, 0)).shape() == Shape{2, 3, 4});
  CHECK(strided({1}, {1}, {1}, masks(0, 0, 0, 0, 0)).shape() == Shape{0, 3, 4});

  Tensor x = counting();
  CHECK_THAT(run_error("StridedSlice", {x, ints({1}, {5}), ints({1}, {6}), ints({1}, {1})}, masks(0, 0, 0, 0, 1)),
             Catch::Contains("out of bounds"));
  CHECK_THAT(run_error("StridedSlice", {x, ints({1}, {0}), ints({1}, {1}), ints({1}, {0})}, masks(0, 0, 0, 0, 0)),
             Catch::Contains("must be non-zero"));
  // Each entry needs a mask bit: 64 entries (plus the implicit ellipsis) do not fit.
  std::vector<int32_t> zeros(64, 0), ones(64, 1);
  CHECK_THAT(run_error("StridedSlice", {x, ints({64}, zeros), ints({64}, ones), ints({64}, ones)}, masks(0, 0, 0, 0, 0)),
             Catch::Contains("64 entries; at most 63"));
}

TEST_CASE("Split and SplitV", "[eval][kernels][array]") {
  StatusOr<std::vector<Tensor>> halves = run_kernel("Split", {ints({}, {1}), floats({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})},
                                                    int_attr("num_split", 2));
  REQUIRE(halves.is_ok());
  REQUIRE(halves->size() == 2);
  CHECK(values_of<float>((*halves)[1]) == std::vector<float>{3, 4, 7, 8});
  CHECK_THAT(run_error("Split", {ints({}, {1}), floats({1, 3}, {1, 2, 3})}, int_attr("num_split", 2)),
             Catch::Contains("evenly divide"));

  StatusOr<std::vector<Tensor>> pieces =
      run_kernel("SplitV", {floats({5}, {1, 2, 3, 4, 5}), ints({3}, {1, -1, 2}), ints({}, {-1})},
                 int_attr("num_split", 3));
  REQUIRE(pieces.is_ok());
  REQUIRE(pieces->size() == 3);
  CHECK(values_of<float>((*pieces)[1]) == std::vector<float>{2, 3});
  CHECK(values_of<float>((*pieces)[2]) == std::vector<float>{4, 5});
}

TEST_CASE("Tile, BroadcastTo, Pad and MirrorPad", "[eval][kernels][array]") {
  Tensor m = floats({2, 2}, {1, 2, 3, 4});
  Tensor tiled = run_ok("Tile", {m, ints({2}, {2, 3})});
  CHECK(tiled.shape() == Shape{4, 6});
  CHECK(values_of<float>(tiled)[0 * 6 + 2] == 1);
  CHECK(values_of<float>(tiled)[3 * 6 + 5] == 4);
  CHECK(values_of<float>(tiled)[2 * 6 + 3] == 2);

  Tensor broadcast = run_ok("BroadcastTo", {floats({2, 1}, {1, 2}), ints({3}, {2, 2, 3})});
  CHECK(broadcast.shape() == Shape{2, 2, 3});
  CHECK(values_of<float>(broadcast) == std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2});
  CHECK_THAT(run_error("BroadcastTo", {floats({3}, {1, 2, 3}), ints({1}, {2})}), Catch::Contains("cannot broadcast"));

  Tensor padded = run_ok("Pad", {m, ints({2, 2}, {1, 0, 0, 1})});
  CHECK(padded.shape() == Shape{3, 3});
  CHECK(values_of<float>(padded) == std::vector<float>{0, 0, 0, 1, 2, 0, 3, 4, 0});
  Tensor padded_v2 = run_ok("PadV2", {floats({2}, {1, 2}), ints({1, 2}, {1, 2}), test::scalar_float(9)});
  CHECK(values_of<float>(padded_v2) == std::vector<float>{9, 1, 2, 9, 9});
  CHECK_THAT(run_error("Pad", {m, ints({2, 2}, {-1, 0, 0, 0})}), Catch::Contains("non-negative"));

  Tensor row = floats({3}, {1, 2, 3});
  CHECK(values_of<float>(run_ok("MirrorPad", {row, ints({1, 2}, {2, 2})}, test::string_attr("mode", "REFLECT"))) ==
        std::vector<float>{3, 2, 1, 2, 3, 2, 1});
  CHECK(values_of<float>(run_ok("MirrorPad", {row, ints({1, 2}, {2, 1})},
                                test::string_attr("mode", "SYMMETRIC"))) ==
        std::vector<float>{2, 1, 1, 2, 3, 3});
  CHECK_THAT(run_error("MirrorPad", {row, ints({1, 2}, {3, 0})}, test::string_attr("mode", "REFLECT")),
             Catch::Contains("no greater than"));
}

TEST_CASE("Fill, Range, ZerosLike and OnesLike", "[eval][kernels][array]") {
  Tensor filled = run_ok("Fill", {ints({2}, {2, 3}), test::scalar_float(7)});
  CHECK(filled.shape() == Shape{2, 3});
  CHECK(values_of<float>(filled) == std::vector<float>(6, 7));
  CHECK(values_of<int32_t>(run_ok("Range", {ints({}, {3}), ints({}, {10}), ints({}, {3})})) ==
        std::vector<int32_t>{3, 6, 9});
  CHECK(values_of<int32_t>(run_ok("Range", {ints({}, {5}), ints({}, {1}), ints({}, {-2})})) ==
        std::vector<int32_t>{5, 3});
  CHECK(values_of<float>(run_ok("Range", {test::scalar_float(0), test::scalar_float(1), test::scalar_float(0.25f)})) ==
        std::vector<float>{0, 0.25f, 0.5f, 0.75f});
  CHECK_THAT(run_error("Range", {ints({}, {0}), ints({}, {5}), ints({}, {0})}), Catch::Contains("delta != 0"));
  // int64 bounds are taken exactly, and spans wider than int64 still count right.
  constexpr int64_t lowest = std::numeric_limits<int64_t>::lowest();
  constexpr int64_t highest = std::numeric_limits<int64_t>::max();
  CHECK(values_of<int64_t>(run_ok("Range", {test::int64s({}, {highest - 2}), test::int64s({}, {highest}),
                                            test::int64s({}, {1})})) == std::vector<int64_t>{highest - 2, highest - 1});
  CHECK(values_of<int64_t>(run_ok("Range", {test::int64s({}, {lowest}), test::int64s({}, {highest}),
                                            test::int64s({}, {int64_t{1} << 62})})) ==
        std::vector<int64_t>{lowest, lowest / 2, 0, -(lowest / 2)});
  CHECK(values_of<int64_t>(run_ok("Range", {test::int64s({}, {highest}), test::int64s({}, {lowest}),
                                            test::int64s({}, {lowest})})) == std::vector<int64_t>{highest, -1});
  CHECK_THAT(run_error("Range", {test::int64s({}, {lowest}), test::int64s({}, {highest}), test::int64s({}, {1})}),
             Catch::Contains("too many elements"));
  CHECK_THAT(run_error("Range", {test::scalar_float(0), test::scalar_float(1e30f), test::scalar_float(1e-30f)}),
             Catch::Contains("too many elements"));
  CHECK_THAT(run_error("Range", {test::scalar_float(0), test::scalar_float(std::nanf("")), test::scalar_float(1)}),
             Catch::Contains("too many elements"));
  CHECK(values_of<float>(run_ok("ZerosLike", {floats({2}, {4, 5})})) == std::vector<float>{0, 0});
  CHECK(values_of<int32_t>(run_ok("OnesLike", {ints({2}, {4, 5})})) == std::vector<int32_t>{1, 1});
}

TEST_CASE("Gather and GatherV2", "[eval][kernels][array]") {
  Tensor params = floats({3, 2}, {1, 2, 3, 4, 5, 6});
  Tensor rows = run_ok("Gather", {params, ints({2, 2}, {2, 0, 1, 1})});
  CHECK(rows.shape() == Shape{2, 2, 2});
  CHECK(values_of<float>(rows) == std::vector<float>{5, 6, 1, 2, 3, 4, 3, 4});
  Tensor columns = run_ok("GatherV2", {params, ints({1}, {1}), ints({}, {-1})});
  CHECK(columns.shape() == Shape{3, 1});
  CHECK(values_of<float>(columns) == std::vector<float>{2, 4, 6});
  Tensor scalar_index = run_ok("GatherV2", {params, test::int64s({}, {2}), ints({}, {0})});
  CHECK(scalar_index.shape() == Shape{2});
  // batch_dims = 1: each row picks its own column.
  Tensor batched = run_ok("GatherV2", {params, ints({3, 1}, {1, 0, 1}), ints({}, {1})}, int_attr("batch_dims", 1));
  CHECK(batched.shape() == Shape{3, 1});
  CHECK(values_of<float>(batched) == std::vector<float>{2, 3, 6});
  CHECK_THAT(run_error("Gather", {params, ints({1}, {3})}), Catch::Contains("indices[0] = 3 is not in [0, 3)"));
  Tensor words = run_ok("GatherV2", {Tensor::from_strings({2}, {"a", "b"}), ints({3}, {1, 1, 0}), ints({}, {0})});
  CHECK(words.strings() == std::vector<std::string>{"b", "b", "a"});
}

TEST_CASE("OneHot and SparseToDense", "[eval][kernels][array]") {
  Tensor hot = run_ok("OneHot", {ints({3}, {0, 2, 5}), ints({}, {3}), test::scalar_float(1), test::scalar_float(0)});
  CHECK(hot.shape() == Shape{3, 3});
  CHECK(values_of<float>(hot) == std::vector<float>{1, 0, 0, 0, 0, 1, 0, 0, 0});
  Tensor hot_axis0 = run_ok("OneHot", {ints({2}, {1, 0}), ints({}, {2}), test::scalar_float(5), test::scalar_float(-1)},
                            int_attr("axis", 0));
  CHECK(hot_axis0.shape() == Shape{2, 2});
  CHECK(values_of<float>(hot_axis0) == std::vector<float>{-1, 5, 5, -1});

  Tensor dense = run_ok("SparseToDense", {ints({2, 2}, {0, 1, 1, 2}), ints({2}, {2, 3}), floats({2}, {7, 8}),
                                          test::scalar_float(-1)});
  CHECK(dense.shape() == Shape{2, 3});
  CHECK(values_of<float>(dense) == std::vector<float>{-1, 7, -1, -1, -1, 8});
  Tensor vector = run_ok("SparseToDense", {ints({2}, {3, 0}), ints({1}, {4}), test::scalar_float(1), test::scalar_float(0)},
                         test::bool_attr("validate_indices", false));
  CHECK(values_of<float>(vector) == std::vector<float>{1, 0, 0, 1});
  CHECK_THAT(run_error("SparseToDense", {ints({2}, {3, 0}), ints({1}, {4}), test::scalar_float(1), test::scalar_float(0)}),
             Catch::Contains("out of order"));
  CHECK_THAT(run_error("SparseToDense", {ints({1}, {4}), ints({1}, {4}), test::scalar_float(1), test::scalar_float(0)}),
             Catch::Contains("out of bounds"));
}

}  // namespace
}  // namespace mq
