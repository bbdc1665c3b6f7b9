#include <catch2/catch.hpp>
#include <cmath>

#include "core/eval/tensor_proto.h"
#include "tests/core/eval/eval_test_util.h"

namespace mq {
namespace {

using test::floats;
using test::run_error;
using test::run_kernel;
using test::run_ok;
using test::values_of;

tensorflow::TensorProto float_proto(const Shape& shape, const std::vector<float>& values) {
  tensorflow::TensorProto proto;
  proto.set_dtype(tensorflow::DT_FLOAT);
  shape_to_proto(shape, proto.mutable_tensor_shape());
  for (float value : values) proto.add_float_val(value);
  return proto;
}

TEST_CASE("Const decodes its value attribute", "[eval][kernels][basic]") {
  Tensor value = run_ok("Const", {},
                        test::type_attr("dtype", tensorflow::DT_FLOAT) +
                            test::tensor_attr("value", float_proto({3}, {1, 2})));
  CHECK(values_of<float>(value) == std::vector<float>{1, 2, 2});
  CHECK_THAT(run_error("Const", {},
                       test::type_attr("dtype", tensorflow::DT_INT32) + test::tensor_attr("value", float_proto({}, {1}))),
             Catch::Contains("attribute 'dtype' is int32 but the value is float"));
  tensorflow::TensorProto short_content = float_proto({2}, {});
  short_content.set_tensor_content("abc");
  CHECK_THAT(run_error("Const", {}, test::tensor_attr("value", short_content)),
             Catch::Contains("node 'n' (op Const) attribute 'value': tensor_content has 3 bytes"));
  CHECK_THAT(run_error("Const", {}), Catch::Contains("attribute 'value' is missing"));
}

TEST_CASE("Identity and its relatives pass values on without copying", "[eval][kernels][basic]") {
  Tensor x = floats({2}, {1, 2});
  for (const char* op : {"Identity", "StopGradient", "Snapshot", "PlaceholderWithDefault"}) {
    INFO(op);
    CHECK(run_ok(op, {x}).shares_buffer_with(x));
  }
  StatusOr<std::vector<Tensor>> many = run_kernel("IdentityN", {x, test::scalar_int(3)});
  REQUIRE(many.is_ok());
  REQUIRE(many->size() == 2);
  CHECK(values_of<int32_t>((*many)[1]) == std::vector<int32_t>{3});
  StatusOr<std::vector<Tensor>> nothing = run_kernel("NoOp", {});
  REQUIRE(nothing.is_ok());
  CHECK(nothing->empty());
  CHECK_THAT(run_error("Identity", {}), Catch::Contains("needs 1 data input, the node has 0"));
}

TEST_CASE("CheckNumerics fails on NaN and Inf", "[eval][kernels][basic]") {
  CHECK(run_ok("CheckNumerics", {floats({2}, {1, 2})}).num_elements() == 2);
  CHECK_THAT(run_error("CheckNumerics", {floats({2}, {1, NAN})}, test::string_attr("message", "bad")),
             Catch::Contains("bad : Tensor had NaN values"));
  CHECK_THAT(run_error("CheckNumerics", {floats({1}, {INFINITY})}), Catch::Contains("Tensor had Inf values"));
}

TEST_CASE("the kernel table lists every op of the non-NN groups", "[eval][kernels]") {
  std::vector<std::string> ops = KernelTable::global().ops();
  CHECK(std::is_sorted(ops.begin(), ops.end()));
  for (const char* op :
       {"Const", "Placeholder", "PlaceholderWithDefault", "Identity", "IdentityN", "NoOp", "StopGradient",
        "CheckNumerics", "Snapshot", "Add", "AddV2", "AddN", "Sub", "Mul", "RealDiv", "Div", "FloorDiv", "FloorMod",
        "Maximum", "Minimum", "Pow", "SquaredDifference", "Neg", "Abs", "Sqrt", "Rsqrt", "Square", "Exp", "Log",
        "Log1p", "Reciprocal", "Sign", "Floor", "Ceil", "Round", "Erf", "Sigmoid", "Tanh", "Relu", "Relu6", "Elu",
        "Selu", "LeakyRelu", "Softplus", "Cast", "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual",
        "LogicalAnd", "LogicalOr", "LogicalNot", "Select", "SelectV2", "Where", "Reshape", "Shape", "ShapeN", "Size",
        "Rank", "ExpandDims", "Squeeze", "Transpose", "ConcatV2", "Concat", "Pack", "Unpack", "Slice", "StridedSlice",
        "Split", "SplitV", "Tile", "Pad", "PadV2", "MirrorPad", "Fill", "Range", "ZerosLike", "OnesLike",
        "BroadcastTo", "Gather", "GatherV2", "OneHot", "SparseToDense", "Sum", "Mean", "Max", "Min", "Prod", "All",
        "Any", "ArgMax", "ArgMin"}) {
    INFO(op);
    CHECK(KernelTable::global().find(op) != nullptr);
  }
}

}  // namespace
}  // namespace mq
