// A minimal ZIP reader for .keras archives: lists the entries and returns the
// contents of stored or deflated ones, checking their CRC-32. Works on bytes
// in memory (not copied: they must outlive the archive).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace mq::keras {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
};

class ZipArchive {
 public:
  static StatusOr<ZipArchive> open(std::string_view bytes);

  const std::vector<ZipEntry>& entries() const { return entries_; }
  // The entry called `name`, or nullptr.
  const ZipEntry* find(std::string_view name) const;

  // The bytes of a stored (uncompressed) entry, without copying.
  StatusOr<std::string_view> stored_bytes(std::string_view name) const;
  // The contents of a stored or deflated entry; refuses entries larger than `max_bytes`.
  StatusOr<std::string> read(std::string_view name, uint64_t max_bytes = uint64_t{1} << 31) const;

 private:
  StatusOr<std::string_view> compressed_bytes(const ZipEntry& entry) const;

  std::string_view bytes_;
  std::vector<ZipEntry> entries_;
};

}  // namespace mq::keras
