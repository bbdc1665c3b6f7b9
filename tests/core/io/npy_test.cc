#include "core/io/npy.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/core/eval/eval_test_util.h"

namespace mq {
namespace {

TEST_CASE("npy files round-trip every supported dtype", "[eval][npy]") {
  std::string dir = test::temp_dir();
  for (DataType dtype : {tensorflow::DT_FLOAT, tensorflow::DT_DOUBLE, tensorflow::DT_INT32, tensorflow::DT_INT64,
                         tensorflow::DT_UINT8, tensorflow::DT_BOOL, tensorflow::DT_INT8, tensorflow::DT_INT16,
                         tensorflow::DT_UINT16, tensorflow::DT_HALF}) {
    INFO(dtype_name(dtype));
    Tensor original(dtype, {2, 3});
    for (size_t i = 0; i < original.byte_size(); ++i) original.raw()[i] = static_cast<char>(i * 7 + 1);
    if (dtype == tensorflow::DT_BOOL)
      for (size_t i = 0; i < 6; ++i) original.raw()[i] = static_cast<char>(i % 2);
    std::string path = dir + "/t.npy";
    REQUIRE(write_npy_file(original, path).is_ok());
    StatusOr<Tensor> back = read_npy_file(path);
    INFO(back.status().message());
    REQUIRE(back.is_ok());
    CHECK(back->dtype() == dtype);
    CHECK(back->shape() == original.shape());
    CHECK(std::string(back->raw(), back->byte_size()) == std::string(original.raw(), original.byte_size()));
  }
  // Scalars, vectors and empty arrays keep their shapes.
  for (Shape shape : {Shape{}, Shape{5}, Shape{0, 4}}) {
    Tensor original(tensorflow::DT_FLOAT, shape);
    StatusOr<std::string> bytes = serialize_npy(original);
    REQUIRE(bytes.is_ok());
    CHECK((bytes->size() - original.byte_size()) % 64 == 0);
    StatusOr<Tensor> back = parse_npy(*bytes, "x.npy");
    REQUIRE(back.is_ok());
    CHECK(back->shape() == shape);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("npy headers written by NumPy parse, bad files fail clearly", "[eval][npy]") {
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
  header.append(118 - header.size(), ' ');
  header.push_back('\n');
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header;
  int64_t values[2] = {-5, 1LL << 40};
  bytes.append(reinterpret_cast<const char*>(values), sizeof(values));
  StatusOr<Tensor> parsed = parse_npy(bytes, "ids.npy");
  REQUIRE(parsed.is_ok());
  CHECK(parsed->dtype() == tensorflow::DT_INT64);
  CHECK(test::values_of<int64_t>(*parsed) == std::vector<int64_t>{-5, 1LL << 40});

  CHECK_THAT(parse_npy(bytes.substr(0, bytes.size() - 1), "ids.npy").status().message(),
             Catch::Contains("ids.npy: the .npy data has 15 bytes but shape [2] of int64 needs 16"));
  CHECK_THAT(parse_npy("hello world", "x.npy").status().message(), Catch::Contains("not a NumPy .npy file"));
  std::string big_endian = bytes;
  big_endian.replace(big_endian.find("<i8"), 3, ">i8");
  CHECK_THAT(parse_npy(big_endian, "x.npy").status().message(), Catch::Contains("big-endian"));
  std::string fortran = bytes;
  fortran.replace(fortran.find("False"), 5, "True ");
  CHECK_THAT(parse_npy(fortran, "x.npy").status().message(), Catch::Contains("Fortran order"));
  std::string complex = bytes;
  complex.replace(complex.find("<i8"), 3, "<c8");
  CHECK_THAT(parse_npy(complex, "x.npy").status().message(), Catch::Contains("'<c8' is not supported"));
  CHECK_THAT(read_npy_file("/nonexistent/x.npy").status().message(), Catch::Contains("/nonexistent/x.npy"));
}

TEST_CASE("the shared reference .npy files read", "[eval][npy]") {
  std::string shared = test::shared_dir();
  if (shared.empty()) {
    test::announce_skip("reading shared reference .npy files", "../shared not found");
    return;
  }
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(shared + "/models/reference")) {
    if (entry.path().extension() != ".npy") continue;
    StatusOr<Tensor> tensor = read_npy_file(entry.path().string());
    INFO(entry.path().string() << ": " << tensor.status().message());
    REQUIRE(tensor.is_ok());
    CHECK(tensor->num_elements() > 0);
    ++count;
  }
  CHECK(count >= 24);
}

}  // namespace
}  // namespace mq
