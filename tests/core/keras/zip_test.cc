#include "core/keras/zip.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/test_support.h"

namespace {

using mq::StatusCode;
using mq::keras::ZipArchive;

std::string expected_deflated_text() {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "line " + std::to_string(i) + " of a compressible file\n";
  return text;
}

}  // namespace

TEST_CASE("ZIP archive: lists entries and reads stored and deflated ones", "[hdf5][zip]") {
  std::string bytes = mq::test::read_bytes(mq::test::test_data("hdf5/archive.zip"));
  auto archive = ZipArchive::open(bytes);
  INFO(archive.status().message());
  REQUIRE(archive.is_ok());
  REQUIRE(archive->entries().size() == 2);
  CHECK(archive->entries()[0].name == "stored.txt");
  CHECK(archive->entries()[1].name == "folder/deflated.txt");
  CHECK(archive->entries()[1].method == 8);

  auto stored = archive->read("stored.txt");
  REQUIRE(stored.is_ok());
  CHECK(*stored == "plain text, stored as is\n");
  auto view = archive->stored_bytes("stored.txt");
  REQUIRE(view.is_ok());
  CHECK(*view == "plain text, stored as is\n");
  CHECK(view->data() >= bytes.data());  // a view into the archive, not a copy
  CHECK(view->data() < bytes.data() + bytes.size());

  auto deflated = archive->read("folder/deflated.txt");
  INFO(deflated.status().message());
  REQUIRE(deflated.is_ok());
  CHECK(*deflated == expected_deflated_text());

  CHECK(archive->find("missing") == nullptr);
  CHECK(archive->read("missing").status().message() == "the archive has no entry 'missing'");
  CHECK_FALSE(archive->stored_bytes("folder/deflated.txt").is_ok());
  auto limited = archive->read("folder/deflated.txt", 100);
  REQUIRE_FALSE(limited.is_ok());
  CHECK(limited.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("ZIP archive: damaged archives give errors", "[hdf5][zip]") {
  std::string bytes = mq::test::read_bytes(mq::test::test_data("hdf5/archive.zip"));
  CHECK(ZipArchive::open("").status().message().find("not a ZIP archive") != std::string::npos);
  CHECK(ZipArchive::open(std::string(100, 'x')).status().message().find("no end-of-central-directory") !=
        std::string::npos);

  // A changed byte in the stored entry's data is caught by its CRC-32.
  std::string changed = bytes;
  size_t text = changed.find("plain text");
  REQUIRE(text != std::string::npos);
  changed[text] = 'P';
  auto archive = ZipArchive::open(changed);
  REQUIRE(archive.is_ok());
  CHECK(archive->read("stored.txt").status().message().find("CRC-32") != std::string::npos);

  // Every truncation and every single-byte change fails cleanly or reads correct data.
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto truncated = ZipArchive::open(bytes.substr(0, length));
    if (!truncated.is_ok()) continue;
    for (const auto& entry : truncated->entries()) (void)truncated->read(entry.name);
  }
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    auto opened = ZipArchive::open(damaged);
    if (!opened.is_ok()) continue;
    for (const auto& entry : opened->entries()) {
      auto contents = opened->read(entry.name);
      if (contents.is_ok() && entry.name == "folder/deflated.txt") CHECK(*contents == expected_deflated_text());
    }
  }
}
