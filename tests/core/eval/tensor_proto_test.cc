#include "core/eval/tensor_proto.h"

#include <catch2/catch.hpp>
#include <cstring>

#include "tests/core/eval/eval_test_util.h"

namespace mq {
namespace {

using tensorflow::TensorProto;

TensorProto proto_with_shape(DataType dtype, const Shape& shape) {
  TensorProto proto;
  proto.set_dtype(dtype);
  shape_to_proto(shape, proto.mutable_tensor_shape());
  return proto;
}

TEST_CASE("a typed field with fewer values than elements repeats the last one", "[eval][tensor_proto]") {
  TensorProto proto = proto_with_shape(tensorflow::DT_FLOAT, {2, 3});
  proto.add_float_val(1.5f);
  proto.add_float_val(-2.0f);
  StatusOr<Tensor> tensor = tensor_from_proto(proto);
  REQUIRE(tensor.is_ok());
  CHECK(tensor->shape() == Shape{2, 3});
  CHECK(test::values_of<float>(*tensor) == std::vector<float>{1.5f, -2, -2, -2, -2, -2});

  // One value fills a large shape; extra values are ignored.
  TensorProto big = proto_with_shape(tensorflow::DT_INT32, {1000});
  big.add_int_val(7);
  StatusOr<Tensor> filled = tensor_from_proto(big);
  REQUIRE(filled.is_ok());
  CHECK(filled->data<int32_t>()[999] == 7);
  TensorProto extra = proto_with_shape(tensorflow::DT_INT64, {2});
  for (int v : {4, 5, 6}) extra.add_int64_val(v);
  CHECK(test::values_of<int64_t>(*tensor_from_proto(extra)) == std::vector<int64_t>{4, 5});

  // No values at all: zeros.
  TensorProto empty_field = proto_with_shape(tensorflow::DT_DOUBLE, {3});
  CHECK(test::values_of<double>(*tensor_from_proto(empty_field)) == std::vector<double>{0, 0, 0});
}

TEST_CASE("tensor_content takes precedence over typed fields", "[eval][tensor_proto]") {
  TensorProto proto = proto_with_shape(tensorflow::DT_FLOAT, {2});
  float raw[2] = {3.0f, 4.0f};
  proto.set_tensor_content(std::string(reinterpret_cast<const char*>(raw), sizeof(raw)));
  proto.add_float_val(9.0f);
  StatusOr<Tensor> tensor = tensor_from_proto(proto);
  REQUIRE(tensor.is_ok());
  CHECK(test::values_of<float>(*tensor) == std::vector<float>{3, 4});
}

TEST_CASE("int_val is truncated for narrow types and half_val holds bit patterns", "[eval][tensor_proto]") {
  TensorProto bytes = proto_with_shape(tensorflow::DT_UINT8, {2});
  bytes.add_int_val(257);
  bytes.add_int_val(-1);
  CHECK(test::values_of<uint8_t>(*tensor_from_proto(bytes)) == std::vector<uint8_t>{1, 255});
  TensorProto signed_bytes = proto_with_shape(tensorflow::DT_INT8, {1});
  signed_bytes.add_int_val(200);
  CHECK(test::values_of<int8_t>(*tensor_from_proto(signed_bytes)) == std::vector<int8_t>{-56});

  TensorProto half = proto_with_shape(tensorflow::DT_HALF, {2});
  half.add_half_val(0x3c00);  // 1.0
  half.add_half_val(0xc000);  // -2.0
  StatusOr<Tensor> decoded = tensor_from_proto(half);
  REQUIRE(decoded.is_ok());
  CHECK(static_cast<float>(decoded->data<Eigen::half>()[0]) == 1.0f);
  CHECK(static_cast<float>(decoded->data<Eigen::half>()[1]) == -2.0f);

  TensorProto bf16 = proto_with_shape(tensorflow::DT_BFLOAT16, {3});
  bf16.add_half_val(0x4040);  // 3.0, repeated
  StatusOr<Tensor> repeated = tensor_from_proto(bf16);
  REQUIRE(repeated.is_ok());
  CHECK(static_cast<float>(repeated->data<Eigen::bfloat16>()[2]) == 3.0f);
}

TEST_CASE("strings decode from string_val and from tensor_content", "[eval][tensor_proto]") {
  TensorProto proto = proto_with_shape(tensorflow::DT_STRING, {3});
  proto.add_string_val("a");
  proto.add_string_val("bc");
  StatusOr<Tensor> tensor = tensor_from_proto(proto);
  REQUIRE(tensor.is_ok());
  CHECK(tensor->strings() == std::vector<std::string>{"a", "bc", "bc"});

  TensorProto content;
  tensor_to_proto_content(*tensor, &content);
  CHECK(content.string_val_size() == 0);
  CHECK(content.tensor_content() == std::string("\x01\x02\x02" "abcbc"));
  StatusOr<Tensor> back = tensor_from_proto(content);
  REQUIRE(back.is_ok());
  CHECK(back->strings() == tensor->strings());
}

TEST_CASE("decoding rejects malformed protos with clear messages", "[eval][tensor_proto]") {
  TensorProto wrong_size = proto_with_shape(tensorflow::DT_FLOAT, {2, 2});
  wrong_size.set_tensor_content(std::string(12, '\0'));
  StatusOr<Tensor> a = tensor_from_proto(wrong_size);
  REQUIRE_FALSE(a.is_ok());
  CHECK(a.status().message() == "tensor_content has 12 bytes but a float tensor of shape [2,2] needs 16");

  TensorProto negative = proto_with_shape(tensorflow::DT_FLOAT, {2, -1});
  CHECK_THAT(tensor_from_proto(negative).status().message(), Catch::Contains("dimension 1") && Catch::Contains("-1"));

  TensorProto overflow = proto_with_shape(tensorflow::DT_FLOAT, {1LL << 40, 1LL << 40});
  CHECK_THAT(tensor_from_proto(overflow).status().message(), Catch::Contains("more elements than fit"));

  TensorProto unknown_rank;
  unknown_rank.set_dtype(tensorflow::DT_FLOAT);
  unknown_rank.mutable_tensor_shape()->set_unknown_rank(true);
  CHECK_THAT(tensor_from_proto(unknown_rank).status().message(), Catch::Contains("unknown rank"));

  TensorProto invalid;
  CHECK_THAT(tensor_from_proto(invalid).status().message(), Catch::Contains("DT_INVALID"));

  TensorProto ref = proto_with_shape(static_cast<DataType>(101), {1});
  CHECK_THAT(tensor_from_proto(ref).status().message(), Catch::Contains("reference dtype"));
}

TEST_CASE("encoding as tensor_content and as typed fields round-trips", "[eval][tensor_proto]") {
  Tensor values = test::floats({2, 2}, {1, 2, 3, 4});
  TensorProto content;
  tensor_to_proto_content(values, &content);
  CHECK(content.dtype() == tensorflow::DT_FLOAT);
  CHECK(content.tensor_shape().dim_size() == 2);
  CHECK(content.tensor_content().size() == 16);
  CHECK(content.float_val_size() == 0);

  TensorProto field;
  tensor_to_proto_field(values, &field);
  CHECK(field.tensor_content().empty());
  CHECK(field.float_val_size() == 4);

  for (const TensorProto* proto : {&content, &field}) {
    StatusOr<Tensor> back = tensor_from_proto(*proto);
    REQUIRE(back.is_ok());
    CHECK(back->shape() == values.shape());
    CHECK(test::values_of<float>(*back) == test::values_of<float>(values));
  }

  // A scalar: "tensor_shape {}" present, 4 bytes of content.
  TensorProto scalar;
  tensor_to_proto_content(test::scalar_float(2.5f), &scalar);
  CHECK(scalar.has_tensor_shape());
  CHECK(scalar.tensor_shape().dim_size() == 0);
  CHECK(scalar.tensor_content().size() == 4);

  // SetNodeAttr's choice: one element → typed field, more → content.
  TensorProto one;
  tensor_to_proto_for_attr(test::ints({1}, {-1}), &one);
  CHECK(one.int_val_size() == 1);
  CHECK(one.int_val(0) == -1);
  CHECK(one.tensor_content().empty());
  TensorProto many;
  tensor_to_proto_for_attr(test::ints({2}, {1, 2}), &many);
  CHECK(many.int_val_size() == 0);
  CHECK(many.tensor_content().size() == 8);

  // An empty tensor encodes as dtype and shape only.
  TensorProto empty;
  tensor_to_proto_content(Tensor(tensorflow::DT_FLOAT, {0, 3}), &empty);
  CHECK(empty.tensor_content().empty());
  CHECK(tensor_from_proto(empty)->shape() == Shape{0, 3});

  // Every numeric dtype through both encodings.
  for (DataType dtype : {tensorflow::DT_DOUBLE, tensorflow::DT_INT8, tensorflow::DT_UINT16, tensorflow::DT_INT64,
                         tensorflow::DT_BOOL, tensorflow::DT_HALF, tensorflow::DT_BFLOAT16, tensorflow::DT_UINT32,
                         tensorflow::DT_UINT64, tensorflow::DT_QUINT8, tensorflow::DT_QINT32}) {
    Tensor original(dtype, {3});
    for (size_t i = 0; i < original.byte_size(); ++i) original.raw()[i] = static_cast<char>(i % 2 ? 0x3c : 1);
    if (dtype == tensorflow::DT_BOOL)
      for (int i = 0; i < 3; ++i) original.raw()[i] = static_cast<char>(i % 2);
    for (bool as_content : {true, false}) {
      TensorProto proto;
      if (as_content) tensor_to_proto_content(original, &proto);
      else tensor_to_proto_field(original, &proto);
      StatusOr<Tensor> back = tensor_from_proto(proto);
      INFO(dtype_name(dtype) << (as_content ? " content" : " field"));
      REQUIRE(back.is_ok());
      CHECK(std::memcmp(back->raw(), original.raw(), original.byte_size()) == 0);
    }
  }
}

TEST_CASE("decoding a proto the caller gives up adopts tensor_content without a copy", "[eval][tensor_proto]") {
  TensorProto proto = proto_with_shape(tensorflow::DT_FLOAT, {1024});
  proto.set_tensor_content(std::string(4096, '\0'));
  const char* before = proto.tensor_content().data();
  StatusOr<Tensor> tensor = tensor_from_proto(std::move(proto));
  REQUIRE(tensor.is_ok());
  CHECK(tensor->raw() == before);
  CHECK(tensor->num_elements() == 1024);
}

}  // namespace
}  // namespace mq
