// The reader against two small files written by h5py (tests/data/hdf5/
// make_fixtures.py): the same content in the classic format (superblock 0,
// symbol-table groups, version-1 B-tree chunk indexes) and in the latest
// format (superblock 3, link messages, dense storage, version-4 chunk indexes).
// Dataset values follow formulas: ramp(n)[i] = i * 0.25 - 3, iramp(n)[i] = i - 5.
#include "core/hdf5/hdf5_file.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace {

using mq::StatusCode;
using namespace mq::hdf5;

double ramp(size_t i) { return static_cast<double>(i) * 0.25 - 3; }

template <typename T>
T value_of(mq::StatusOr<T> result) {
  INFO(result.status().message());
  REQUIRE(result.is_ok());
  return std::move(result).value();
}

struct OpenedFile {
  std::string bytes;  // must outlive the file
  Hdf5File file;
  Group root;
};

std::unique_ptr<OpenedFile> open_fixture(const std::string& name) {
  auto bytes = mq::test::read_bytes(mq::test::test_data("hdf5/" + name));
  auto opened = std::unique_ptr<OpenedFile>(new OpenedFile{std::move(bytes), Hdf5File(), Group()});
  opened->file = value_of(Hdf5File::open(opened->bytes));
  opened->root = value_of(opened->file.root());
  return opened;
}

std::vector<float> floats(const Group& root, const std::string& path) {
  Dataset dataset = value_of(root.open_dataset(path));
  return value_of(dataset.read_float32());
}

void check_ramp(const Group& root, const std::string& path, size_t count) {
  INFO("dataset " << path);
  std::vector<float> values = floats(root, path);
  REQUIRE(values.size() == count);
  for (size_t i = 0; i < count; ++i) {
    INFO("element " << i);
    REQUIRE(values[i] == static_cast<float>(ramp(i)));
  }
}

void check_error(const mq::Status& status, StatusCode code, const std::string& fragment) {
  INFO("status: " << status.message() << "; expected: " << fragment);
  CHECK(status.code() == code);
  CHECK(status.message().find(fragment) != std::string::npos);
}

// Checks shared by both fixtures: they hold the same objects.
void check_common_content(const Group& root) {
  SECTION("root attributes of every kind") {
    CHECK(value_of(root.attribute_names()) ==
          std::vector<std::string>{"counts", "empty", "halves", "names", "ratio", "title", "utf8", "vlen_list"});
    CHECK(value_of(root.read_string_attribute("title")) == "tiny fixture");
    CHECK(value_of(root.read_string_attribute("utf8")) == "gr\xc3\xbc\xc3\x9f" "e");
    CHECK(value_of(root.read_string_list_attribute("names")) == std::vector<std::string>{"alpha", "beta", "gamma_delta"});
    CHECK(value_of(root.read_string_list_attribute("vlen_list")) == std::vector<std::string>{"one", "two", "three"});
    CHECK(value_of(root.read_number_attribute("counts")) == std::vector<double>{1, -2, 300000});
    CHECK(value_of(root.read_number_attribute("ratio")) == std::vector<double>{0.125});
    CHECK(value_of(root.read_number_attribute("halves")) == std::vector<double>{0.5, -1.5, 65504.0});
    // An empty float64 array reads as an empty list of strings (Keras' empty weight_names).
    CHECK(value_of(root.read_string_list_attribute("empty")).empty());
    CHECK(value_of(root.read_number_attribute("empty")).empty());

    Attribute names = value_of(root.attribute("names"));
    CHECK(names.datatype().name() == "string[12]");
    CHECK(names.shape() == std::vector<uint64_t>{3});
    Attribute ratio = value_of(root.attribute("ratio"));
    CHECK(ratio.shape().empty());
    CHECK(ratio.element_count() == 1);
    CHECK(ratio.datatype().name() == "float64");

    check_error(root.read_string_attribute("counts").status(), StatusCode::kInvalidInput, "holds int32 values");
    check_error(root.read_string_attribute("names").status(), StatusCode::kInvalidInput, "holds 3 strings");
    check_error(root.read_number_attribute("title").status(), StatusCode::kInvalidInput, "not numbers");
    check_error(root.attribute("nope").status(), StatusCode::kInvalidInput, "'/' has no attribute 'nope'");
    CHECK_FALSE(value_of(root.has_attribute("nope")));
    CHECK(value_of(root.has_attribute("title")));
  }

  SECTION("datasets of every numeric type, in both byte orders") {
    check_ramp(root, "data/f32", 24);
    check_ramp(root, "/data/f64_be", 10);
    check_ramp(root, "data/f16", 7);
    check_ramp(root, "data/compact", 6);
    Dataset f32 = value_of(root.open_dataset("data/f32"));
    CHECK(f32.shape() == std::vector<uint64_t>{2, 3, 4});
    CHECK(f32.path() == "/data/f32");
    CHECK(f32.datatype().name() == "float32");
    CHECK(value_of(f32.read_string_attribute("unit")) == "meters");
    CHECK(value_of(f32.read_raw()).size() == 24 * 4);
    Dataset be = value_of(root.open_dataset("data/f64_be"));
    CHECK(be.datatype().name() == "float64 (big-endian)");
    std::vector<double> doubles = value_of(be.read_float64());
    CHECK(doubles[9] == -0.75);

    CHECK(value_of(value_of(root.open_dataset("data/i8")).read_int64()) ==
          std::vector<int64_t>{-5, -4, -3, -2, -1, 0, 1, 2, 3});
    CHECK(value_of(value_of(root.open_dataset("data/u16_be")).read_int64()) ==
          std::vector<int64_t>{0, 1000, 2000, 3000, 4000, 5000});
    CHECK(value_of(value_of(root.open_dataset("data/i32_be")).read_float32()) ==
          std::vector<float>{-5, -4, -3, -2, -1});
    CHECK(value_of(value_of(root.open_dataset("data/i64")).read_int64()) ==
          std::vector<int64_t>{-5000000000000, -4000000000000, -3000000000000, -2000000000000, -1000000000000});
    Dataset scalar = value_of(root.open_dataset("data/scalar"));
    CHECK(scalar.shape().empty());
    CHECK(value_of(scalar.read_float32()) == std::vector<float>{42.5f});
    Dataset empty = value_of(root.open_dataset("data/empty"));
    CHECK(empty.shape() == std::vector<uint64_t>{0, 3});
    CHECK(value_of(empty.read_float32()).empty());
    // Never written: every element is the fill value.
    CHECK(value_of(value_of(root.open_dataset("data/unwritten")).read_float32()) == std::vector<float>(6, 7.5f));
  }

  SECTION("string datasets") {
    CHECK(value_of(value_of(root.open_dataset("data/fixed_strings")).read_strings()) ==
          std::vector<std::string>{"ab", "cde", ""});
    CHECK(value_of(value_of(root.open_dataset("data/vlen_strings")).read_strings()) ==
          std::vector<std::string>{"x", "longer text", ""});
    check_error(value_of(root.open_dataset("data/vlen_strings")).read_float32().status(), StatusCode::kInvalidInput,
                "not numbers");
    check_error(value_of(root.open_dataset("data/f32")).read_strings().status(), StatusCode::kInvalidInput,
                "not strings");
  }

  SECTION("chunked datasets with version-1 or version-2 chunk indexes and filters") {
    check_ramp(root, "chunked/gzip_shuffle", 1000);
    check_ramp(root, "chunked/plain", 300);
    check_ramp(root, "chunked/fletcher", 50);
    check_ramp(root, "chunked/many_chunks", 200);
    std::vector<float> partial = floats(root, "chunked/partial");
    // Only the top-left 2x2 chunk was written; the rest is the fill value -1.
    std::vector<float> expected(16, -1.0f);
    for (int i : {0, 1, 4, 5}) expected[static_cast<size_t>(i)] = 9.0f;
    CHECK(partial == expected);
    check_error(value_of(root.open_dataset("chunked/lzf")).read_float32().status(), StatusCode::kUnsupported,
                "dataset '/chunked/lzf' uses filter 'lzf', which is not supported");
    check_error(value_of(root.open_dataset("chunked/scaleoffset")).read_raw().status(), StatusCode::kUnsupported,
                "uses filter 'scaleoffset'");
  }

  SECTION("groups: members, nesting, links") {
    std::vector<std::string> top = root.child_names();
    CHECK((top == std::vector<std::string>{"chunked", "data", "links", "many", "nested"} ||
           top == std::vector<std::string>{"chunked", "data", "dense_attrs", "index", "links", "many", "nested",
                                           "ordered"}));
    Group many = value_of(root.open_group("many"));
    std::vector<std::string> children = many.child_names();
    REQUIRE(children.size() == 151);
    CHECK(children.front() == "child_000");
    CHECK(children[149] == "child_149");
    CHECK(children.back() == "target");
    CHECK(value_of(value_of(many.open_dataset("child_123")).read_int64()) == std::vector<int64_t>{-7});
    Group deepest = value_of(root.open_group("nested/inner/deepest"));
    CHECK(deepest.path() == "/nested/inner/deepest");
    CHECK(value_of(deepest.read_number_attribute("depth")) == std::vector<double>{3});
    Group inner = value_of(deepest.open_group("/nested/inner"));
    CHECK(inner.child_names() == std::vector<std::string>{"deepest"});

    CHECK(value_of(root.child_kind("data")) == ObjectKind::kGroup);
    CHECK(value_of(root.child_kind("data/f32")) == ObjectKind::kDataset);
    CHECK(value_of(root.has_child("data/f32")));
    CHECK_FALSE(value_of(root.has_child("data/nothing")));
    CHECK_FALSE(value_of(root.has_child("nothing")));

    Group links = value_of(root.open_group("links"));
    CHECK(links.child_names() == std::vector<std::string>{"dangling", "external", "hard", "loop_a", "loop_b", "soft", "up"});
    // A soft link to a group, then a path through it.
    Group soft = value_of(root.open_group("links/soft"));
    CHECK(soft.path() == "/links/soft");
    check_ramp(root, "links/soft/f32", 24);
    check_ramp(root, "links/hard", 10);
    // A hard link back to its own group: paths through the cycle still resolve.
    check_ramp(root, "links/up/up/up/hard", 10);
    check_error(root.open_group("links/dangling").status(), StatusCode::kInvalidInput, "has no member 'does'");
    check_error(root.open_group("links/loop_a").status(), StatusCode::kInvalidInput, "soft links followed");
    check_error(root.open_dataset("links/external").status(), StatusCode::kUnsupported,
                "'/links/external' is an external link (to 'other.h5:/x')");
    check_error(root.open_group("data/f32").status(), StatusCode::kInvalidInput, "'/data/f32' is a dataset, not a group");
    check_error(root.open_dataset("data").status(), StatusCode::kInvalidInput, "'/data' is a group, not a dataset");
    check_error(root.open_dataset("data/f32/x").status(), StatusCode::kInvalidInput, "not a group");
    check_error(root.open_dataset("data/missing").status(), StatusCode::kInvalidInput,
                "group '/data' has no member 'missing'");
  }
}

void check_listing(const Hdf5File& file, bool latest) {
  std::vector<ObjectEntry> objects = value_of(file.list_objects());
  std::vector<std::string> paths;
  size_t datasets = 0;
  for (const ObjectEntry& entry : objects) {
    paths.push_back(entry.path);
    if (entry.kind == ObjectKind::kDataset) ++datasets;
  }
  // The hard-linked dataset under /many appears once, under the first name reached.
  CHECK(std::count(paths.begin(), paths.end(), "/many/child_000") == 1);
  CHECK(std::count(paths.begin(), paths.end(), "/many/child_001") == 0);
  CHECK(std::count(paths.begin(), paths.end(), "/links/up") == 0);  // the cycle back to /links
  CHECK(std::count(paths.begin(), paths.end(), "/links/hard") == 0);  // already seen as /data/f64_be
  CHECK(paths.front() == "/chunked");
  CHECK(datasets == (latest ? 37u : 21u));
}

}  // namespace

TEST_CASE("classic-format fixture: superblock 0, symbol tables, version-1 B-trees", "[hdf5]") {
  auto opened = open_fixture("tiny_classic.h5");
  CHECK(opened->file.superblock_version() == 0);
  check_common_content(opened->root);
  SECTION("listing") { check_listing(opened->file, false); }
  SECTION("creation order is not tracked") {
    check_error(opened->root.child_names_in_creation_order().status(), StatusCode::kInvalidInput,
                "does not record the order");
  }
}

TEST_CASE("latest-format fixture: superblock 3, link messages, dense storage, version-4 layouts", "[hdf5]") {
  auto opened = open_fixture("tiny_latest.h5");
  const Group& root = opened->root;
  CHECK(opened->file.superblock_version() == 3);
  check_common_content(root);
  SECTION("listing") { check_listing(opened->file, true); }

  SECTION("dense attributes, including one stored as a huge heap object") {
    Group dense = value_of(root.open_group("dense_attrs"));
    std::vector<std::string> names = value_of(dense.attribute_names());
    REQUIRE(names.size() == 21);
    CHECK(names.front() == "attr_00");
    CHECK(names.back() == "big");
    for (int i = 0; i < 20; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "attr_%02d", i);
      CHECK(value_of(dense.read_number_attribute(name)) == std::vector<double>{i * 10.0});
    }
    std::string big = value_of(dense.read_string_attribute("big"));
    REQUIRE(big.size() == 70000);
    CHECK(big.substr(0, 12) == "012345678901");
    CHECK(big.substr(69990) == "0123456789");
  }

  SECTION("creation order") {
    Group ordered = value_of(root.open_group("ordered"));
    CHECK(ordered.child_names() == std::vector<std::string>{"alpha", "mid", "zeta"});
    CHECK(value_of(ordered.child_names_in_creation_order()) == std::vector<std::string>{"zeta", "alpha", "mid"});
    CHECK(value_of(ordered.attribute_names()) == std::vector<std::string>{"a_first", "z_last"});
  }

  SECTION("every version-4 chunk index, filtered and unfiltered") {
    check_ramp(root, "index/single", 12);
    check_ramp(root, "index/single_gzip", 12);
    check_ramp(root, "index/implicit", 30);
    check_ramp(root, "index/fixed", 100);
    check_ramp(root, "index/fixed_gzip", 100);
    check_ramp(root, "index/fixed_max", 100);  // chunks numbered over a larger maximum shape
    check_ramp(root, "index/earray", 700);
    check_ramp(root, "index/earray_gzip", 700);
    check_ramp(root, "index/earray_dim1", 60);  // unlimited second dimension
    check_ramp(root, "index/btree2", 120);
    check_ramp(root, "index/btree2_gzip", 120);
    // A fixed array split into pages (1100 chunks, 1024 per page).
    std::vector<int64_t> paged = value_of(value_of(root.open_dataset("index/fixed_paged")).read_int64());
    REQUIRE(paged.size() == 1100);
    for (size_t i = 0; i < paged.size(); ++i) {
      INFO("element " << i);
      REQUIRE(paged[i] == static_cast<int8_t>(static_cast<int64_t>(i) - 5));
    }
    // Only elements 8..11 were written; the rest is the fill value 2.5.
    std::vector<float> sparse = floats(root, "index/earray_sparse");
    REQUIRE(sparse.size() == 40);
    for (size_t i = 0; i < sparse.size(); ++i) CHECK(sparse[i] == (i >= 8 && i < 12 ? 1.0f : 2.5f));
    // Chunked datasets never written have no index yet: all fill value.
    CHECK(floats(root, "index/unwritten_fixed") == std::vector<float>(10, 3.0f));
    CHECK(floats(root, "index/unwritten_earray") == std::vector<float>(10, 4.0f));
    CHECK(floats(root, "index/unwritten_btree2") == std::vector<float>(16, 5.0f));
  }
}

TEST_CASE("opening refuses what is not HDF5", "[hdf5]") {
  check_error(Hdf5File::open("").status(), StatusCode::kInvalidInput, "not an HDF5 file");
  check_error(Hdf5File::open(std::string(4096, 'x')).status(), StatusCode::kInvalidInput, "signature was not found");
  std::string bytes = mq::test::read_bytes(mq::test::test_data("hdf5/tiny_classic.h5"));
  check_error(Hdf5File::open(bytes.substr(0, bytes.size() - 1)).status(), StatusCode::kInvalidInput,
              "HDF5 file is truncated");
  std::string future = bytes;
  future[8] = 9;  // superblock version
  check_error(Hdf5File::open(future).status(), StatusCode::kUnsupported, "superblock version 9");

  // A user block before the superblock: the signature is found at 512.
  std::string shifted = std::string(512, '\0') + bytes;
  shifted[512 + 25] = static_cast<char>(0x02);  // base address 512: addresses count from the superblock
  auto file = Hdf5File::open(shifted);
  INFO(file.status().message());
  REQUIRE(file.is_ok());
  Group root = value_of(file->root());
  check_ramp(root, "data/f32", 24);
}

TEST_CASE("reading limits give kResourceExhausted", "[hdf5]") {
  std::string bytes = mq::test::read_bytes(mq::test::test_data("hdf5/tiny_classic.h5"));
  OpenOptions options;
  options.max_read_bytes = 1000;
  Hdf5File file = value_of(Hdf5File::open(bytes, options));
  Group root = value_of(file.root());
  check_ramp(root, "data/f32", 24);  // 96 bytes: fine
  check_error(value_of(root.open_dataset("chunked/gzip_shuffle")).read_float32().status(),
              StatusCode::kResourceExhausted, "more than the 1000-byte reading limit");
}
