// Damaged files: truncated at many offsets, bytes changed at many places,
// structures pointing at themselves. Every read must end in a value or a
// Status; run under ASan/UBSan (preset debug-asan) to catch silent overruns.
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/hdf5/dataset_reader.h"
#include "core/hdf5/hdf5_file.h"
#include "tests/test_support.h"

namespace {

using namespace mq::hdf5;

struct Outcome {
  size_t opened = 0;
  size_t failed = 0;
};

// Reads everything reachable: all objects, attributes and dataset values.
// Returns false when anything failed along the way.
bool read_everything(std::string_view bytes) {
  OpenOptions options;
  options.max_read_bytes = 16 << 20;
  auto file = Hdf5File::open(bytes, options);
  if (!file.is_ok()) return false;
  auto root = file->root();
  if (!root.is_ok()) return false;
  bool clean = true;
  auto read_attributes = [&](const Object& object) {
    auto names = object.attribute_names();
    if (!names.is_ok()) {
      clean = false;
      return;
    }
    for (const std::string& name : *names) {
      auto attribute = object.attribute(name);
      if (!attribute.is_ok()) {
        clean = false;
        continue;
      }
      if (attribute->datatype().is_string()) clean &= attribute->read_strings().is_ok();
      if (attribute->datatype().is_numeric()) clean &= attribute->read_numbers().is_ok();
    }
  };
  read_attributes(*root);
  auto objects = file->list_objects();
  if (!objects.is_ok()) return false;
  for (const ObjectEntry& entry : *objects) {
    if (entry.kind == ObjectKind::kGroup) {
      auto group = root->open_group(entry.path);
      if (!group.is_ok()) {
        clean = false;
        continue;
      }
      read_attributes(*group);
      for (const std::string& child : group->child_names()) clean &= group->child_kind(child).is_ok();
    } else if (entry.kind == ObjectKind::kDataset) {
      auto dataset = root->open_dataset(entry.path);
      if (!dataset.is_ok()) {
        clean = false;
        continue;
      }
      read_attributes(*dataset);
      if (dataset->datatype().is_numeric()) clean &= dataset->read_float32().is_ok();
      else if (dataset->datatype().is_string()) clean &= dataset->read_strings().is_ok();
      else clean &= dataset->read_raw().is_ok();
    }
  }
  return clean;
}

// Superblock offset of the end-of-file address, so truncated copies can be
// made to claim their new size and get past the truncation check.
size_t end_of_file_field(const std::string& bytes) { return bytes[8] <= 1 ? 40 : 28; }

void set_end_of_file(std::string& bytes, uint64_t size) {
  size_t at = end_of_file_field(bytes);
  for (int i = 0; i < 8; ++i) bytes[at + static_cast<size_t>(i)] = static_cast<char>(size >> (8 * i));
}

// Deterministic pseudo-random numbers (the test must not vary between runs).
struct Random {
  uint64_t state;
  uint64_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
};

std::vector<std::string> sample_files() {
  std::vector<std::string> paths = {mq::test::test_data("hdf5/tiny_classic.h5"),
                                    mq::test::test_data("hdf5/tiny_latest.h5")};
  std::string shared = mq::test::shared_dir();
  std::error_code error;
  if (!shared.empty() && std::filesystem::exists(shared + "/keras/fdeep_lstm.latest.h5", error)) {
    paths.push_back(shared + "/keras/fdeep_lstm.latest.h5");
  } else {
    mq::test::announce_skip("damaged copies of fdeep_lstm.latest.h5", "../shared/keras not found");
  }
  return paths;
}

}  // namespace

TEST_CASE("truncated files give errors, never crashes", "[hdf5][malformed]") {
  for (const std::string& path : sample_files()) {
    INFO("file " << path);
    std::string bytes = mq::test::read_bytes(path);
    REQUIRE(read_everything(bytes) == (path.find("tiny_") == std::string::npos));  // fixtures hold unsupported parts
    Outcome outcome;
    std::vector<size_t> lengths;
    for (size_t length = 0; length < 2048 && length < bytes.size(); length += 7) lengths.push_back(length);
    for (size_t i = 1; i <= 300; ++i) lengths.push_back(bytes.size() * i / 301);
    for (size_t length : lengths) {
      std::string truncated = bytes.substr(0, length);
      // As cut: the superblock's end-of-file address gives it away.
      auto plain = Hdf5File::open(truncated);
      if (length > 100) {
        INFO("length " << length);
        REQUIRE_FALSE(plain.is_ok());
        CHECK(plain.status().message().find("truncated") != std::string::npos);
      }
      // Claiming the shorter size, so reads hit the missing bytes.
      if (length > 64) {
        set_end_of_file(truncated, length);
        if (read_everything(truncated)) ++outcome.opened;
        else ++outcome.failed;
      }
    }
    // Most cuts lose something a full read needs.
    CHECK(outcome.failed > outcome.opened);
  }
}

TEST_CASE("files with changed bytes give errors or values, never crashes", "[hdf5][malformed]") {
  Random random{42};
  for (const std::string& path : sample_files()) {
    INFO("file " << path);
    std::string bytes = mq::test::read_bytes(path);
    size_t failures = 0;
    const int kCopies = 300;
    for (int copy = 0; copy < kCopies; ++copy) {
      std::string damaged = bytes;
      int changes = 1 + static_cast<int>(random.next() % 8);
      for (int c = 0; c < changes; ++c) {
        // Metadata sits mostly near the start; favour it.
        size_t limit = random.next() % 2 ? std::min<size_t>(bytes.size(), 4096) : bytes.size();
        size_t at = random.next() % limit;
        damaged[at] = static_cast<char>(random.next() & 0xff);
      }
      if (!read_everything(damaged)) ++failures;
    }
    CHECK(failures > 0);
  }
}

TEST_CASE("structures that point at themselves are reported, not followed forever", "[hdf5][malformed]") {
  std::string bytes = mq::test::read_bytes(mq::test::test_data("hdf5/tiny_classic.h5"));
  // Find an internal (level > 0) group B-tree node and point its first child at itself.
  size_t node = std::string::npos;
  for (size_t at = bytes.find("TREE"); at != std::string::npos; at = bytes.find("TREE", at + 4)) {
    if (bytes[at + 4] == 0 && bytes[at + 5] > 0) {
      node = at;
      break;
    }
  }
  REQUIRE(node != std::string::npos);
  std::string looped = bytes;
  size_t first_child = node + 8 + 16 + 8;  // header, two siblings, first key
  for (int i = 0; i < 8; ++i) looped[first_child + static_cast<size_t>(i)] = static_cast<char>(node >> (8 * i));
  Hdf5File file = std::move(Hdf5File::open(looped)).value();
  Group root = std::move(file.root()).value();
  auto many = root.open_group("many");
  REQUIRE_FALSE(many.is_ok());
  CHECK(many.status().message().find("reached twice") != std::string::npos);

  // The root object header's continuation message pointing back at the
  // header's own message block: the same messages would be read forever.
  uint64_t root_header = 0;
  for (int i = 0; i < 8; ++i) root_header |= uint64_t{static_cast<uint8_t>(bytes[64 + static_cast<size_t>(i)])} << (8 * i);
  REQUIRE(bytes[root_header] == 1);  // version-1 object header
  size_t message = root_header + 16;
  uint32_t block_size = static_cast<uint8_t>(bytes[root_header + 8]) | static_cast<uint8_t>(bytes[root_header + 9]) << 8;
  while (bytes[message] != 0x10) message += 8 + static_cast<uint8_t>(bytes[message + 2]);  // to the continuation
  std::string cycle = bytes;
  for (int i = 0; i < 8; ++i) {
    cycle[message + 8 + static_cast<size_t>(i)] = static_cast<char>((root_header + 16) >> (8 * i));
    cycle[message + 16 + static_cast<size_t>(i)] = static_cast<char>(uint64_t{block_size} >> (8 * i));
  }
  auto opened = Hdf5File::open(cycle);
  REQUIRE_FALSE(opened.is_ok());
  CHECK(opened.status().message().find("form a loop") != std::string::npos);
}

TEST_CASE("HDF5 shuffle filter: an element size from the file larger than the chunk leaves it as it is", "[hdf5]") {
  // The element size is the filter's client data, so a damaged file can
  // claim billions of bytes; undoing the shuffle must not loop over them.
  CHECK(mq::hdf5::unshuffle("abcdef", size_t{1} << 40) == "abcdef");
  CHECK(mq::hdf5::unshuffle("abcdef", 0) == "abcdef");
  // Two 3-byte elements stored byte plane by byte plane: a d b e c f.
  CHECK(mq::hdf5::unshuffle("adbecf", 3) == "abcdef");
  CHECK(mq::hdf5::unshuffle("adbecfg", 3) == "abcdefg");  // a trailing partial element stays put
}
