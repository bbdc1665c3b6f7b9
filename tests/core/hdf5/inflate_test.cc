#include "core/hdf5/inflate.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/test_support.h"

namespace {

using mq::StatusCode;
using mq::hdf5::adler32;
using mq::hdf5::crc32;
using mq::hdf5::inflate_raw;
using mq::hdf5::inflate_zlib;

std::string bytes(const char* data, size_t size) { return std::string(data, size); }

// zlib.compress(b"hello, hello, hello world", level) for levels 0 (stored) and 1 (fixed codes).
const std::string kStored = bytes(
    "\x78\x01\x01\x19\x00\xe6\xff\x68\x65\x6c\x6c\x6f\x2c\x20\x68\x65\x6c\x6c\x6f\x2c\x20\x68\x65\x6c\x6c\x6f\x20\x77"
    "\x6f\x72\x6c\x64\x74\x87\x09\x1d",
    36);
const std::string kFixed = bytes(
    "\x78\x01\xcb\x48\xcd\xc9\xc9\xd7\x51\xc8\x40\xa2\x14\xca\xf3\x8b\x72\x52\x00\x74\x87\x09\x1d", 23);
const std::string kHello = "hello, hello, hello world";

// zlib.compress(b"a" * 100000, 9): one dynamic block of overlapping back-references.
std::string run_of_a() {
  std::string out = bytes("\x78\xda\xed\xc1\x31\x01\x00\x00\x00\xc2\xa0\xac\xeb\x5f\xc2\x1a\x1e\x40\x01", 19);
  out += std::string(96, '\0');
  out += bytes("\xaf\x06\x79\x66\x0b\x4d", 6);
  return out;
}

// Raw deflate (no zlib wrapper) of b"raw deflate stream, raw deflate stream".
const std::string kRaw = bytes(
    "\x2b\x4a\x2c\x57\x48\x49\x4d\xcb\x49\x2c\x49\x55\x28\x2e\x29\x4a\x4d\xcc\xd5\x51\x28\xc2\x10\x03\x00", 25);

}  // namespace

TEST_CASE("checksums match the published check values", "[hdf5][inflate]") {
  CHECK(adler32("Wikipedia") == 0x11e60398u);
  CHECK(crc32("123456789") == 0xcbf43926u);
  CHECK(adler32("") == 1u);
  CHECK(crc32("") == 0u);
  // Continuing a checksum over pieces gives the same value as in one go.
  CHECK(crc32("6789", crc32("12345")) == 0xcbf43926u);
  CHECK(adler32("pedia", adler32("Wiki")) == 0x11e60398u);
}

TEST_CASE("inflate decodes stored, fixed-code and dynamic-code streams", "[hdf5][inflate]") {
  auto stored = inflate_zlib(kStored, 1000);
  REQUIRE(stored.is_ok());
  CHECK(*stored == kHello);

  auto fixed = inflate_zlib(kFixed, 1000);
  REQUIRE(fixed.is_ok());
  CHECK(*fixed == kHello);

  auto run = inflate_zlib(run_of_a(), 100000);
  INFO(run.status().message());
  REQUIRE(run.is_ok());
  CHECK(*run == std::string(100000, 'a'));

  size_t consumed = 0;
  auto raw = inflate_raw(kRaw, 1000, &consumed);
  REQUIRE(raw.is_ok());
  CHECK(*raw == "raw deflate stream, raw deflate stream");
  CHECK(consumed == kRaw.size());
}

TEST_CASE("inflate decodes long Huffman codes (up to 15 bits) and long matches", "[hdf5][inflate]") {
  // 33800 bytes with a skewed symbol distribution; see tests/data/hdf5/make_inflate_fixture.py.
  std::string compressed = mq::test::read_bytes(mq::test::test_data("hdf5/skewed.zz"));
  auto out = inflate_zlib(compressed, 33800);
  INFO(out.status().message());
  REQUIRE(out.is_ok());
  CHECK(out->size() == 33800);
  CHECK(crc32(*out) == 449865872u);
  CHECK(out->substr(out->size() - 3) == "xyz");

  // One byte less room than needed is refused as too large, not truncated silently.
  auto too_small = inflate_zlib(compressed, 33799);
  REQUIRE_FALSE(too_small.is_ok());
  CHECK(too_small.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("inflate refuses damaged streams with a message", "[hdf5][inflate]") {
  auto expect_error = [](const std::string& input, const std::string& fragment) {
    auto out = inflate_zlib(input, 1 << 20);
    INFO("expected an error containing: " << fragment);
    REQUIRE_FALSE(out.is_ok());
    CHECK(out.status().message().find(fragment) != std::string::npos);
  };
  expect_error("", "shorter than");
  expect_error(bytes("\x79\x01", 2), "method");                   // compression method 9
  expect_error(bytes("\x78\x02", 2), "check bits");               // FCHECK wrong
  expect_error(bytes("\x78\xbb\x00\x00\x00\x01", 6), "dictionary");  // FDICT set
  expect_error(bytes("\x78\x01\x07", 3), "block type 3");
  // Stored block whose length and complement disagree.
  expect_error(bytes("\x78\x01\x01\x05\x00\x00\x00hello", 12), "complement");
  // Fixed-code block starting with a back-reference (length 3, distance 1) and nothing before it.
  expect_error(bytes("\x78\x01\x03\x02\x00", 5), "before the start");
  // Checksum of other data.
  std::string wrong_checksum = kFixed;
  wrong_checksum.back() ^= 0x01;
  expect_error(wrong_checksum, "Adler-32");
  // Every truncation fails cleanly.
  for (size_t length = 0; length < kFixed.size(); ++length) {
    auto out = inflate_zlib(kFixed.substr(0, length), 1000);
    CHECK_FALSE(out.is_ok());
  }
  std::string run = run_of_a();
  for (size_t length = 0; length < run.size(); ++length) CHECK_FALSE(inflate_zlib(run.substr(0, length), 100000).is_ok());
}

TEST_CASE("inflate survives every single-byte corruption of a dynamic stream", "[hdf5][inflate]") {
  std::string compressed = mq::test::read_bytes(mq::test::test_data("hdf5/skewed.zz"));
  // Corrupt the header and code tables thoroughly, the rest sparsely.
  size_t failures = 0, checked = 0;
  for (size_t at = 0; at < compressed.size(); at += at < 200 ? 1 : 97) {
    for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::string damaged = compressed;
      damaged[at] = static_cast<char>(damaged[at] ^ flip);
      auto out = inflate_zlib(damaged, 40000);
      ++checked;
      if (!out.is_ok()) ++failures;
      else CHECK(out->size() <= 40000);
    }
  }
  // Almost every corruption is caught (by the decoder or the Adler-32 check).
  CHECK(failures >= checked - 2);
}
