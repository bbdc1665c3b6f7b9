// ByteCursor: reads little-endian fields from a byte range without ever
// reading outside it. A read past the end returns zeros and marks the cursor
// failed; parsers read a whole structure and then check `failed()` once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mq::hdf5 {

// HDF5's "undefined address": all bits set, whatever the size of offsets.
constexpr uint64_t kUndefinedAddress = ~uint64_t{0};

class ByteCursor {
 public:
  ByteCursor() = default;
  // `offset_size` and `length_size` are the superblock's sizes of addresses
  // and lengths (2, 4 or 8), used by address() and length().
  explicit ByteCursor(std::string_view bytes, uint8_t offset_size = 8, uint8_t length_size = 8)
      : bytes_(bytes), offset_size_(offset_size), length_size_(length_size) {}

  size_t position() const { return position_; }
  size_t size() const { return bytes_.size(); }
  size_t remaining() const { return bytes_.size() - position_; }
  bool failed() const { return failed_; }
  std::string_view bytes() const { return bytes_; }
  uint8_t offset_size() const { return offset_size_; }
  uint8_t length_size() const { return length_size_; }

  void seek(size_t position) {
    if (position > bytes_.size()) {
      failed_ = true;
      position_ = bytes_.size();
    } else {
      position_ = position;
    }
  }
  void skip(uint64_t count) {
    if (count > remaining()) {
      failed_ = true;
      position_ = bytes_.size();
    } else {
      position_ += static_cast<size_t>(count);
    }
  }

  // Unsigned little-endian integer of `width` bytes (0..8).
  uint64_t uint(size_t width) {
    if (width > 8 || width > remaining()) {
      failed_ = true;
      position_ = bytes_.size();
      return 0;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i)
      value |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[position_ + i])) << (8 * i);
    position_ += width;
    return value;
  }
  uint8_t u8() { return static_cast<uint8_t>(uint(1)); }
  uint16_t u16() { return static_cast<uint16_t>(uint(2)); }
  uint32_t u32() { return static_cast<uint32_t>(uint(4)); }
  uint64_t u64() { return uint(8); }

  // A file address; kUndefinedAddress when all its bytes are 0xff.
  uint64_t address() {
    uint64_t value = uint(offset_size_);
    if (offset_size_ < 8 && value == (uint64_t{1} << (8 * offset_size_)) - 1) return kUndefinedAddress;
    return value;
  }
  // A length field ("size of lengths" bytes).
  uint64_t length() { return uint(length_size_); }

  // The next `count` bytes (empty and failed when fewer remain).
  std::string_view take(uint64_t count) {
    if (count > remaining()) {
      failed_ = true;
      position_ = bytes_.size();
      return {};
    }
    std::string_view out = bytes_.substr(position_, static_cast<size_t>(count));
    position_ += static_cast<size_t>(count);
    return out;
  }

  // Reads len(signature) bytes; true when they match.
  bool signature(std::string_view expected) { return take(expected.size()) == expected && !failed_; }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
  bool failed_ = false;
  uint8_t offset_size_ = 8;
  uint8_t length_size_ = 8;
};

}  // namespace mq::hdf5
