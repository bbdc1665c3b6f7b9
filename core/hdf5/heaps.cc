#include "core/hdf5/heaps.h"

#include <algorithm>

#include "core/hdf5/btrees.h"
#include "core/hdf5/byte_cursor.h"

namespace mq::hdf5 {
namespace {

bool is_power_of_two(uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

unsigned log2_of_power_of_two(uint64_t value) {
  unsigned log2 = 0;
  while (value > 1) {
    value >>= 1;
    ++log2;
  }
  return log2;
}

// floor(log2(value)) / 8 + 1: bytes to store numbers up to `value`.
size_t encoded_size(uint64_t value) {
  unsigned log2 = 0;
  while (log2 < 63 && (value >> (log2 + 1))) ++log2;
  return log2 / 8 + 1;
}

}  // namespace

StatusOr<LocalHeap> LocalHeap::read(const FileContext& file, uint64_t address) {
  std::string what = "local heap " + address_string(address);
  MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file.cursor_from(address, what));
  if (!cursor.signature("HEAP")) return damaged_file(what + " lacks its HEAP signature");
  cursor.skip(4);  // version and reserved
  uint64_t size = cursor.length();
  cursor.length();  // free list head
  uint64_t data_address = cursor.address();
  if (cursor.failed()) return damaged_file(what + " is cut off");
  LocalHeap heap;
  heap.address_ = address;
  MQ_ASSIGN_OR_RETURN(heap.data_, file.span(data_address, size, "the data of " + what));
  return heap;
}

StatusOr<std::string> LocalHeap::string_at(uint64_t offset) const {
  if (offset >= data_.size())
    return damaged_file("a name at offset " + std::to_string(offset) + " lies outside local heap " +
                        address_string(address_) + " (" + std::to_string(data_.size()) + " bytes)");
  std::string_view rest = data_.substr(static_cast<size_t>(offset));
  size_t end = rest.find('\0');
  if (end == std::string_view::npos)
    return damaged_file("a name in local heap " + address_string(address_) + " is not terminated");
  return std::string(rest.substr(0, end));
}

StatusOr<std::string_view> GlobalHeapReader::object(uint64_t collection_address, uint32_t index) {
  auto found = collections_.find(collection_address);
  if (found == collections_.end()) {
    std::string what = "global heap collection " + address_string(collection_address);
    MQ_ASSIGN_OR_RETURN(ByteCursor header, file_.cursor_from(collection_address, what));
    if (!header.signature("GCOL")) return damaged_file(what + " lacks its GCOL signature");
    header.skip(4);  // version and reserved
    uint64_t size = header.length();
    if (header.failed()) return damaged_file(what + " is cut off");
    MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file_.cursor_at(collection_address, size, what));
    cursor.skip(header.position());
    std::map<uint32_t, std::string_view> objects;
    size_t object_header_size = 8 + file_.length_size;
    while (cursor.remaining() >= object_header_size) {
      uint16_t object_index = cursor.u16();
      cursor.skip(6);  // reference count and reserved
      uint64_t object_size = cursor.length();
      if (object_index == 0) break;  // free space runs to the end of the collection
      std::string_view data = cursor.take(object_size);
      cursor.skip(std::min<uint64_t>((8 - object_size % 8) % 8, cursor.remaining()));
      if (cursor.failed()) return damaged_file("object " + std::to_string(object_index) + " of " + what +
                                               " runs past the collection");
      objects[object_index] = data;
    }
    found = collections_.emplace(collection_address, std::move(objects)).first;
  }
  auto object = found->second.find(index);
  if (object == found->second.end())
    return damaged_file("global heap collection " + address_string(collection_address) + " has no object " +
                        std::to_string(index));
  return object->second;
}

StatusOr<FractalHeap> FractalHeap::open(const FileContext& file, uint64_t address) {
  FractalHeap heap;
  heap.file_ = &file;
  heap.address_ = address;
  heap.what_ = "fractal heap " + address_string(address);
  const std::string& what = heap.what_;
  MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file.cursor_from(address, what));
  if (!cursor.signature("FRHP")) return damaged_file(what + " lacks its FRHP signature");
  int version = cursor.u8();
  heap.id_length_ = cursor.u16();
  uint16_t filter_length = cursor.u16();
  heap.flags_ = cursor.u8();
  heap.max_managed_object_size_ = cursor.u32();
  cursor.length();  // next huge object ID
  heap.huge_btree_address_ = cursor.address();
  cursor.length();   // free space in managed blocks
  cursor.address();  // free-space manager
  cursor.length();   // managed space
  cursor.length();   // allocated managed space
  cursor.length();   // direct block allocation iterator offset
  cursor.length();   // managed object count
  cursor.length();   // huge object size
  cursor.length();   // huge object count
  cursor.length();   // tiny object size
  cursor.length();   // tiny object count
  heap.table_width_ = cursor.u16();
  heap.starting_block_size_ = cursor.length();
  heap.max_direct_block_size_ = cursor.length();
  heap.max_heap_bits_ = cursor.u16();
  cursor.u16();  // starting rows of the root indirect block
  heap.root_block_address_ = cursor.address();
  heap.root_rows_ = cursor.u16();
  if (cursor.failed()) return damaged_file(what + " is cut off");
  if (version != 0) return Status::unsupported(what + " has version " + std::to_string(version));
  if (filter_length != 0) return Status::unsupported(what + " is compressed, which is not supported");
  if (!is_power_of_two(heap.table_width_) || !is_power_of_two(heap.starting_block_size_) ||
      !is_power_of_two(heap.max_direct_block_size_) || heap.max_direct_block_size_ < heap.starting_block_size_ ||
      heap.max_heap_bits_ == 0 || heap.max_heap_bits_ > 64 || heap.id_length_ < 2)
    return damaged_file(what + " has an impossible doubling table");
  heap.max_direct_rows_ =
      log2_of_power_of_two(heap.max_direct_block_size_) - log2_of_power_of_two(heap.starting_block_size_) + 2;
  if (log2_of_power_of_two(heap.starting_block_size_) + heap.root_rows_ > 64)
    return damaged_file(what + " has too many rows in its root block");
  heap.heap_offset_size_ = (heap.max_heap_bits_ + 7u) / 8u;
  heap.heap_length_size_ = std::min<size_t>((log2_of_power_of_two(heap.max_direct_block_size_) + 7u) / 8u,
                                            encoded_size(heap.max_managed_object_size_));
  return heap;
}

StatusOr<std::string_view> FractalHeap::object(std::string_view heap_id) const {
  ByteCursor id = file_->cursor_over(heap_id);
  uint8_t flags = id.u8();
  if (id.failed()) return damaged_file("an empty heap ID refers to " + what_);
  if (flags >> 6 != 0) return Status::unsupported("heap ID version " + std::to_string(flags >> 6) + " in " + what_);
  switch ((flags >> 4) & 0x03) {
    case 0: {
      uint64_t offset = id.uint(heap_offset_size_);
      uint64_t length = id.uint(heap_length_size_);
      if (id.failed()) return damaged_file("a heap ID for " + what_ + " is cut off");
      return managed_object(offset, length);
    }
    case 1:
      return huge_object(heap_id);
    case 2: {
      uint64_t length;
      if (id_length_ > 18) {
        length = ((uint64_t{flags} & 0x0f) << 8 | id.u8()) + 1;
      } else {
        length = (flags & 0x0f) + 1u;
      }
      std::string_view data = id.take(length);
      if (id.failed()) return damaged_file("a tiny object in " + what_ + " is longer than its heap ID");
      return data;
    }
    default:
      return damaged_file("a heap ID for " + what_ + " has unknown type 3");
  }
}

StatusOr<std::string_view> FractalHeap::managed_object(uint64_t offset, uint64_t length) const {
  const FileContext& file = *file_;
  std::string where = "object at offset " + std::to_string(offset) + " of " + what_;
  uint64_t block_address = root_block_address_;
  uint64_t block_size = starting_block_size_;
  uint64_t within = offset;
  unsigned rows = root_rows_;
  // Descend through indirect blocks; each level covers a strictly smaller span.
  for (int level = 0; rows > 0; ++level) {
    if (level > 64) return damaged_file(where + ": indirect blocks nest too deeply");
    std::string what = "indirect block " + address_string(block_address) + " of " + what_;
    MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file.cursor_from(block_address, what));
    if (!cursor.signature("FHIB")) return damaged_file(what + " lacks its FHIB signature");
    cursor.skip(1 + file.offset_size + heap_offset_size_);  // version, heap address, block offset
    unsigned row = 0;
    uint64_t row_block_size = starting_block_size_;
    for (; row < rows; ++row) {
      row_block_size = row == 0 ? starting_block_size_ : starting_block_size_ << (row - 1);
      uint64_t row_span = row_block_size * table_width_;
      if (row_span / table_width_ != row_block_size) return damaged_file(what + " is too large");
      if (within < row_span) break;
      within -= row_span;
    }
    if (row == rows) return damaged_file(where + " lies beyond the heap's blocks");
    uint64_t column = within / row_block_size;
    within %= row_block_size;
    // Entries are direct-block addresses for the first rows, then indirect-block addresses.
    cursor.skip((static_cast<uint64_t>(row) * table_width_ + column) * file.offset_size);
    uint64_t child = cursor.address();
    if (cursor.failed()) return damaged_file(what + " is cut off");
    if (child == kUndefinedAddress) return damaged_file(where + " lies in a block that was never written");
    block_address = child;
    block_size = row_block_size;
    if (row < max_direct_rows_) {
      rows = 0;
    } else {
      unsigned child_rows = log2_of_power_of_two(row_block_size) -
                            log2_of_power_of_two(starting_block_size_ * table_width_) + 1;
      if (child_rows >= rows) return damaged_file(what + " has a child as large as itself");
      rows = child_rows;
    }
  }
  std::string what = "direct block " + address_string(block_address) + " of " + what_;
  MQ_ASSIGN_OR_RETURN(ByteCursor block, file.cursor_at(block_address, block_size, what));
  if (!block.signature("FHDB")) return damaged_file(what + " lacks its FHDB signature");
  size_t header_size = 5 + file.offset_size + heap_offset_size_ + ((flags_ & 0x02) ? 4 : 0);
  if (within < header_size || length > block_size || within > block_size - length)
    return damaged_file(where + " (" + std::to_string(length) + " bytes) does not fit in its block");
  return block.bytes().substr(static_cast<size_t>(within), static_cast<size_t>(length));
}

StatusOr<std::string_view> FractalHeap::huge_object(std::string_view id) const {
  const FileContext& file = *file_;
  ByteCursor cursor = file.cursor_over(id);
  cursor.skip(1);
  if (id_length_ - 1u >= static_cast<unsigned>(file.offset_size + file.length_size)) {
    uint64_t address = cursor.address();
    uint64_t length = cursor.length();
    if (cursor.failed()) return damaged_file("a huge-object heap ID for " + what_ + " is cut off");
    return file.span(address, length, "huge object of " + what_);
  }
  uint64_t key = cursor.uint(std::min<size_t>(id_length_ - 1u, 8));
  if (cursor.failed()) return damaged_file("a huge-object heap ID for " + what_ + " is cut off");
  uint64_t found_address = kUndefinedAddress, found_length = 0;
  bool found = false;
  MQ_RETURN_IF_ERROR(for_each_btree_v2_record(file, huge_btree_address_, 1, [&](std::string_view record) {
    ByteCursor fields = file.cursor_over(record);
    uint64_t address = fields.address();
    uint64_t length = fields.length();
    uint64_t record_key = fields.length();
    if (!fields.failed() && record_key == key && !found) {
      found = true;
      found_address = address;
      found_length = length;
    }
    return Status::ok();
  }));
  if (!found) return damaged_file("huge object " + std::to_string(key) + " is missing from " + what_);
  return file.span(found_address, found_length, "huge object of " + what_);
}

}  // namespace mq::hdf5
