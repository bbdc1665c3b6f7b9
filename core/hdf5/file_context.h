// What every part of the HDF5 reader needs to know about the open file: its
// bytes, the superblock's sizes and base address, and the reading limits.
// Turns file addresses into bounds-checked cursors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/hdf5/byte_cursor.h"
#include "core/util/status.h"

namespace mq::hdf5 {

struct OpenOptions {
  // Largest dataset or attribute value (in bytes, after decompression) that
  // a read may produce; larger reads fail with kResourceExhausted.
  uint64_t max_read_bytes = uint64_t{1} << 30;
  // Most soft links followed while resolving one path.
  int max_soft_links = 16;
};

struct FileContext {
  std::string_view bytes;
  uint8_t offset_size = 8;
  uint8_t length_size = 8;
  uint64_t base_address = 0;
  int superblock_version = 0;
  uint64_t root_object_address = kUndefinedAddress;
  OpenOptions options;
  // Chunk bytes decoded so far, over every dataset read from this file (the
  // reader is single-threaded); dataset_reader.cc keeps it under a budget.
  mutable uint64_t decoded_chunk_bytes = 0;

  // A cursor over `size` bytes at file address `address` (relative to the
  // base address), or an error naming `what` when they are not all in the file.
  StatusOr<ByteCursor> cursor_at(uint64_t address, uint64_t size, const std::string& what) const;
  // A cursor from `address` to the end of the file.
  StatusOr<ByteCursor> cursor_from(uint64_t address, const std::string& what) const;
  // The bytes themselves.
  StatusOr<std::string_view> span(uint64_t address, uint64_t size, const std::string& what) const;
  // A cursor over bytes that came from this file (message data, heap objects).
  ByteCursor cursor_over(std::string_view data) const { return ByteCursor(data, offset_size, length_size); }
};

// Finds and parses the superblock (versions 0 to 3).
StatusOr<std::shared_ptr<const FileContext>> open_file_context(std::string_view bytes, const OpenOptions& options);

// "HDF5 file is damaged: <what>" — the message for structural problems.
Status damaged_file(const std::string& what);

// "12345" — addresses in messages.
std::string address_string(uint64_t address);

}  // namespace mq::hdf5
