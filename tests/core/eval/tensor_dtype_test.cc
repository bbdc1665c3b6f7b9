#include <catch2/catch.hpp>

#include "core/eval/tensor.h"

TEST_CASE("dtype names follow TensorFlow's DataTypeString", "[tensor_dtype]") {
  CHECK(mq::dtype_name(tensorflow::DT_INVALID) == "INVALID");
  CHECK(mq::dtype_name(tensorflow::DT_FLOAT) == "float");
  CHECK(mq::dtype_name(tensorflow::DT_QUINT8) == "quint8");
  CHECK(mq::dtype_name(tensorflow::DT_HALF) == "half");
  CHECK(mq::dtype_name(tensorflow::DT_FLOAT_REF) == "float_ref");
  CHECK(mq::dtype_name(tensorflow::DT_FLOAT8_E4M3FN) == "float8_e4m3fn");
  CHECK(mq::dtype_name(tensorflow::DT_INT4) == "unknown dtype enum (29)");
  CHECK(mq::dtype_name(static_cast<tensorflow::DataType>(77)) == "unknown dtype enum (77)");
}

TEST_CASE("dtype_from_name accepts exactly TensorFlow's names and aliases", "[tensor_dtype]") {
  tensorflow::DataType dtype = tensorflow::DT_INVALID;
  CHECK(mq::dtype_from_name("float32", &dtype));
  CHECK(dtype == tensorflow::DT_FLOAT);
  CHECK(mq::dtype_from_name("float16", &dtype));
  CHECK(dtype == tensorflow::DT_HALF);
  CHECK(mq::dtype_from_name("quint8_ref", &dtype));
  CHECK(dtype == tensorflow::DT_QUINT8_REF);
  CHECK_FALSE(mq::dtype_from_name("Float", &dtype));
  CHECK_FALSE(mq::dtype_from_name("INVALID", &dtype));
  CHECK_FALSE(mq::dtype_from_name("_ref", &dtype));
  CHECK_FALSE(mq::dtype_from_name("int4", &dtype));
  // Every name DataTypeString prints for a named type reads back.
  for (int value = 1; value <= 25; ++value) {
    auto type = static_cast<tensorflow::DataType>(value);
    tensorflow::DataType back = tensorflow::DT_INVALID;
    INFO(mq::dtype_name(type));
    CHECK(mq::dtype_from_name(mq::dtype_name(type), &back));
    CHECK(back == type);
  }
}

TEST_CASE("dtype sizes, element counts and shape strings", "[tensor_dtype]") {
  CHECK(mq::dtype_size(tensorflow::DT_FLOAT) == 4);
  CHECK(mq::dtype_size(tensorflow::DT_COMPLEX128) == 16);
  CHECK(mq::dtype_size(tensorflow::DT_BFLOAT16) == 2);
  CHECK(mq::dtype_size(tensorflow::DT_QUINT8) == 1);
  CHECK(mq::dtype_size(tensorflow::DT_STRING) == 0);
  CHECK(mq::dtype_size(tensorflow::DT_FLOAT_REF) == 0);
  CHECK(mq::num_elements({}) == 1);
  CHECK(mq::num_elements({2, 3, 4}) == 24);
  CHECK(mq::num_elements({5, 0}) == 0);
  CHECK(mq::num_elements({-1, 3}) == -1);
  CHECK(mq::num_elements({1LL << 40, 1LL << 40}) == -1);
  CHECK(mq::shape_string({}) == "[]");
  CHECK(mq::shape_string({1, 224, 224, 3}) == "[1,224,224,3]");
}
