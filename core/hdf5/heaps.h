// The three HDF5 heaps: local heaps (link names of symbol-table groups),
// global heap collections (variable-length data) and fractal heaps (links
// and attributes of groups in dense storage).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/hdf5/file_context.h"
#include "core/util/status.h"

namespace mq::hdf5 {

class LocalHeap {
 public:
  static StatusOr<LocalHeap> read(const FileContext& file, uint64_t address);
  // The NUL-terminated string at `offset` in the heap's data segment.
  StatusOr<std::string> string_at(uint64_t offset) const;

 private:
  std::string_view data_;
  uint64_t address_ = kUndefinedAddress;
};

// Looks up global heap objects, parsing each collection once.
class GlobalHeapReader {
 public:
  explicit GlobalHeapReader(const FileContext& file) : file_(file) {}
  StatusOr<std::string_view> object(uint64_t collection_address, uint32_t index);

 private:
  const FileContext& file_;
  std::map<uint64_t, std::map<uint32_t, std::string_view>> collections_;
};

class FractalHeap {
 public:
  static StatusOr<FractalHeap> open(const FileContext& file, uint64_t address);
  // The object a heap ID (as stored in a B-tree record or attribute) names.
  StatusOr<std::string_view> object(std::string_view heap_id) const;

 private:
  StatusOr<std::string_view> managed_object(uint64_t offset, uint64_t length) const;
  StatusOr<std::string_view> huge_object(std::string_view id) const;

  const FileContext* file_ = nullptr;
  uint64_t address_ = kUndefinedAddress;
  uint8_t flags_ = 0;
  uint16_t id_length_ = 0;
  uint32_t max_managed_object_size_ = 0;
  uint64_t huge_btree_address_ = kUndefinedAddress;
  uint16_t table_width_ = 0;
  uint64_t starting_block_size_ = 0;
  uint64_t max_direct_block_size_ = 0;
  uint16_t max_heap_bits_ = 0;
  uint64_t root_block_address_ = kUndefinedAddress;
  uint16_t root_rows_ = 0;
  unsigned max_direct_rows_ = 0;
  size_t heap_offset_size_ = 0;  // bytes of a heap offset (in IDs and block headers)
  size_t heap_length_size_ = 0;  // bytes of an object length in managed-object IDs
  std::string what_;
};

}  // namespace mq::hdf5
