#include "core/hdf5/inflate.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

namespace mq::hdf5 {
namespace {

constexpr int kMaxCodeBits = 15;
constexpr int kFastBits = 10;
constexpr int kMaxLiteralCodes = 288;
constexpr int kMaxDistanceCodes = 32;

// Base values and extra bits of length symbols 257..285 and distance symbols 0..29.
constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint16_t kDistanceBase[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t kDistanceExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                        6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// Order in which the code-length code lengths are stored in a dynamic block header.
constexpr uint8_t kCodeLengthOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

Status damaged(const std::string& what) { return Status::error("compressed data is damaged: " + what); }

// Reads bits least-significant first. Past the end of the input it supplies
// zero bits and remembers how far it overran, so callers check `overrun()`
// instead of testing before every read.
class BitReader {
 public:
  explicit BitReader(std::string_view input)
      : data_(reinterpret_cast<const uint8_t*>(input.data())), size_(input.size()) {}

  uint32_t peek(int count) {
    if (bit_count_ < count) refill();
    return static_cast<uint32_t>(bit_buffer_ & ((uint64_t{1} << count) - 1));
  }
  void consume(int count) {
    bit_buffer_ >>= count;
    bit_count_ -= count;
  }
  uint32_t bits(int count) {
    if (count == 0) return 0;
    uint32_t value = peek(count);
    consume(count);
    return value;
  }
  // Drops the bits up to the next byte boundary.
  void align_to_byte() { consume(bit_count_ % 8); }
  // True when more bits were used than the input holds.
  bool overrun() const { return position_ > size_ && (position_ - size_) * 8 > static_cast<size_t>(bit_count_); }
  // Byte offset of the next unread whole byte (call after align_to_byte).
  size_t byte_position() const { return position_ - static_cast<size_t>(bit_count_) / 8; }
  // Moves to a byte offset, discarding buffered bits.
  void seek_byte(size_t position) {
    position_ = position;
    bit_buffer_ = 0;
    bit_count_ = 0;
  }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void refill() {
    while (bit_count_ <= 56) {
      uint64_t byte = position_ < size_ ? data_[position_] : 0;
      ++position_;
      bit_buffer_ |= byte << bit_count_;
      bit_count_ += 8;
    }
  }

  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
  uint64_t bit_buffer_ = 0;
  int bit_count_ = 0;
};

// A canonical Huffman code: a lookup table for codes of up to kFastBits bits
// and, for longer codes, the per-length counts and the symbols in code order.
class HuffmanCode {
 public:
  // Builds the code from one code length per symbol (0 = unused). Over-full
  // codes are refused; incomplete codes only when they hold a single 1-bit
  // code (as zlib allows). A code with no symbols is accepted but any attempt
  // to decode with it fails.
  Status build(const uint8_t* lengths, int symbol_count, const char* what) {
    std::array<uint16_t, kMaxCodeBits + 1> count{};
    for (int s = 0; s < symbol_count; ++s) ++count[lengths[s]];
    count_ = count;
    count_[0] = 0;
    int max_length = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len)
      if (count[len]) max_length = len;
    empty_ = max_length == 0;
    fast_.fill(0);
    if (empty_) return Status::ok();
    int left = 1;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      left <<= 1;
      left -= count[len];
      if (left < 0) return damaged(std::string("over-subscribed ") + what + " code");
    }
    if (left > 0 && max_length != 1) return damaged(std::string("incomplete ") + what + " code");

    std::array<uint16_t, kMaxCodeBits + 2> offsets{};
    for (int len = 1; len <= kMaxCodeBits; ++len) offsets[len + 1] = offsets[len] + count_[len];
    for (int s = 0; s < symbol_count; ++s)
      if (lengths[s]) symbols_[offsets[lengths[s]]++] = static_cast<uint16_t>(s);

    // Fast table: canonical codes are assigned in (length, symbol) order.
    uint32_t code = 0;
    int index = 0;
    for (int len = 1; len <= kFastBits; ++len) {
      for (int i = 0; i < count_[len]; ++i, ++index, ++code) {
        uint32_t reversed = 0;
        for (int b = 0; b < len; ++b)
          if (code & (1u << b)) reversed |= 1u << (len - 1 - b);
        uint16_t entry = static_cast<uint16_t>((symbols_[index] << 4) | len);
        for (uint32_t fill = reversed; fill < (1u << kFastBits); fill += 1u << len) fast_[fill] = entry;
      }
      code <<= 1;
    }
    return Status::ok();
  }

  // Decodes one symbol; -1 when the bits form no valid code.
  int decode(BitReader& reader) const {
    if (empty_) return -1;
    uint32_t bits = reader.peek(kMaxCodeBits);
    uint16_t entry = fast_[bits & ((1u << kFastBits) - 1)];
    if (entry) {
      reader.consume(entry & 15);
      return entry >> 4;
    }
    // Codes longer than kFastBits: walk the canonical code one bit at a time.
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      code |= static_cast<int>((bits >> (len - 1)) & 1);
      int count = count_[len];
      if (code - first < count) {
        reader.consume(len);
        return symbols_[index + (code - first)];
      }
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    return -1;
  }

 private:
  std::array<uint16_t, 1 << kFastBits> fast_{};
  std::array<uint16_t, kMaxCodeBits + 1> count_{};
  std::array<uint16_t, kMaxLiteralCodes> symbols_{};
  bool empty_ = true;
};

// Growable output with a hard limit.
class Output {
 public:
  explicit Output(size_t max_size) : max_size_(max_size) {}

  bool reserve_more(size_t extra) {
    if (extra > max_size_ - size_) return false;
    if (size_ + extra > buffer_.size()) {
      size_t capacity = buffer_.empty() ? 4096 : buffer_.size();
      while (capacity < size_ + extra) capacity = capacity > max_size_ / 2 ? max_size_ : capacity * 2;
      buffer_.resize(capacity < size_ + extra ? size_ + extra : capacity);
    }
    return true;
  }
  char* end() { return &buffer_[0] + size_; }
  void advance(size_t n) { size_ += n; }
  size_t size() const { return size_; }
  std::string take() {
    buffer_.resize(size_);
    return std::move(buffer_);
  }

 private:
  std::string buffer_;
  size_t size_ = 0;
  size_t max_size_;
};

Status too_large(size_t max_output) {
  return Status::resource_exhausted("decompressed data is larger than the expected " + std::to_string(max_output) +
                                    " bytes");
}

Status copy_stored_block(BitReader& reader, Output& out, size_t max_output) {
  reader.align_to_byte();
  uint32_t length = reader.bits(16);
  uint32_t complement = reader.bits(16);
  if (reader.overrun()) return damaged("stream ends inside a stored block header");
  if ((length ^ 0xffff) != complement) return damaged("stored block length does not match its complement");
  size_t start = reader.byte_position();
  if (start > reader.size() || length > reader.size() - start) return damaged("stored block runs past the end");
  if (!out.reserve_more(length)) return too_large(max_output);
  if (length) std::memcpy(out.end(), reader.data() + start, length);
  out.advance(length);
  reader.seek_byte(start + length);
  return Status::ok();
}

Status decode_block_data(BitReader& reader, const HuffmanCode& literals, const HuffmanCode& distances, Output& out,
                         size_t max_output) {
  for (;;) {
    int symbol = literals.decode(reader);
    if (reader.overrun()) return damaged("stream ends inside a block");
    if (symbol < 0) return damaged("invalid literal/length code");
    if (symbol < 256) {
      if (!out.reserve_more(1)) return too_large(max_output);
      *out.end() = static_cast<char>(symbol);
      out.advance(1);
      continue;
    }
    if (symbol == 256) return Status::ok();
    symbol -= 257;
    if (symbol >= 29) return damaged("invalid length symbol");
    size_t length = kLengthBase[symbol] + reader.bits(kLengthExtra[symbol]);
    int distance_symbol = distances.decode(reader);
    if (distance_symbol < 0 || distance_symbol >= 30) return damaged("invalid distance code");
    size_t distance = kDistanceBase[distance_symbol] + reader.bits(kDistanceExtra[distance_symbol]);
    if (reader.overrun()) return damaged("stream ends inside a block");
    if (distance > out.size()) return damaged("a back-reference points before the start of the data");
    if (!out.reserve_more(length)) return too_large(max_output);
    char* dest = out.end();
    const char* src = dest - distance;
    if (distance >= length) {
      std::memcpy(dest, src, length);
    } else {
      for (size_t i = 0; i < length; ++i) dest[i] = src[i];  // overlapping run
    }
    out.advance(length);
  }
}

Status read_dynamic_codes(BitReader& reader, HuffmanCode* literals, HuffmanCode* distances) {
  int literal_count = static_cast<int>(reader.bits(5)) + 257;
  int distance_count = static_cast<int>(reader.bits(5)) + 1;
  int code_length_count = static_cast<int>(reader.bits(4)) + 4;
  if (literal_count > 286) return damaged("too many literal/length codes");
  if (distance_count > 30) return damaged("too many distance codes");
  uint8_t code_length_lengths[19] = {};
  for (int i = 0; i < code_length_count; ++i) code_length_lengths[kCodeLengthOrder[i]] = static_cast<uint8_t>(reader.bits(3));
  if (reader.overrun()) return damaged("stream ends inside a block header");
  HuffmanCode code_length_code;
  MQ_RETURN_IF_ERROR(code_length_code.build(code_length_lengths, 19, "code-length"));

  uint8_t lengths[kMaxLiteralCodes + kMaxDistanceCodes] = {};
  int total = literal_count + distance_count;
  int index = 0;
  while (index < total) {
    int symbol = code_length_code.decode(reader);
    if (reader.overrun()) return damaged("stream ends inside a block header");
    if (symbol < 0) return damaged("invalid code-length code");
    if (symbol < 16) {
      lengths[index++] = static_cast<uint8_t>(symbol);
      continue;
    }
    uint8_t value = 0;
    int repeat;
    if (symbol == 16) {
      if (index == 0) return damaged("a repeat code has no previous length");
      value = lengths[index - 1];
      repeat = 3 + static_cast<int>(reader.bits(2));
    } else if (symbol == 17) {
      repeat = 3 + static_cast<int>(reader.bits(3));
    } else {
      repeat = 11 + static_cast<int>(reader.bits(7));
    }
    if (index + repeat > total) return damaged("code lengths overflow the table");
    for (int i = 0; i < repeat; ++i) lengths[index++] = value;
  }
  if (lengths[256] == 0) return damaged("the block has no end-of-block code");
  MQ_RETURN_IF_ERROR(literals->build(lengths, literal_count, "literal/length"));
  MQ_RETURN_IF_ERROR(distances->build(lengths + literal_count, distance_count, "distance"));
  return Status::ok();
}

const HuffmanCode& fixed_literal_code() {
  static const HuffmanCode code = [] {
    uint8_t lengths[kMaxLiteralCodes];
    for (int s = 0; s < 144; ++s) lengths[s] = 8;
    for (int s = 144; s < 256; ++s) lengths[s] = 9;
    for (int s = 256; s < 280; ++s) lengths[s] = 7;
    for (int s = 280; s < 288; ++s) lengths[s] = 8;
    HuffmanCode built;
    (void)built.build(lengths, kMaxLiteralCodes, "fixed literal/length");
    return built;
  }();
  return code;
}

const HuffmanCode& fixed_distance_code() {
  static const HuffmanCode code = [] {
    uint8_t lengths[kMaxDistanceCodes];
    for (auto& length : lengths) length = 5;
    HuffmanCode built;
    (void)built.build(lengths, kMaxDistanceCodes, "fixed distance");
    return built;
  }();
  return code;
}

// Decodes deflate blocks until the final one; leaves the reader after it.
Status inflate_blocks(BitReader& reader, Output& out, size_t max_output) {
  bool final_block = false;
  // Heap-allocated: two tables are several kilobytes, too much for small stacks.
  auto literals = std::make_unique<HuffmanCode>();
  auto distances = std::make_unique<HuffmanCode>();
  while (!final_block) {
    final_block = reader.bits(1) != 0;
    uint32_t type = reader.bits(2);
    if (reader.overrun()) return damaged("stream ends before its last block");
    if (type == 0) {
      MQ_RETURN_IF_ERROR(copy_stored_block(reader, out, max_output));
    } else if (type == 1) {
      MQ_RETURN_IF_ERROR(decode_block_data(reader, fixed_literal_code(), fixed_distance_code(), out, max_output));
    } else if (type == 2) {
      MQ_RETURN_IF_ERROR(read_dynamic_codes(reader, literals.get(), distances.get()));
      MQ_RETURN_IF_ERROR(decode_block_data(reader, *literals, *distances, out, max_output));
    } else {
      return damaged("invalid block type 3");
    }
  }
  return Status::ok();
}

}  // namespace

StatusOr<std::string> inflate_raw(std::string_view input, size_t max_output, size_t* consumed) {
  BitReader reader(input);
  Output out(max_output);
  MQ_RETURN_IF_ERROR(inflate_blocks(reader, out, max_output));
  reader.align_to_byte();
  if (consumed) *consumed = reader.byte_position();
  return out.take();
}

StatusOr<std::string> inflate_zlib(std::string_view input, size_t max_output) {
  if (input.size() < 2) return damaged("zlib stream is shorter than its 2-byte header");
  auto cmf = static_cast<uint8_t>(input[0]);
  auto flags = static_cast<uint8_t>(input[1]);
  if ((cmf & 0x0f) != 8) return damaged("zlib header names compression method " + std::to_string(cmf & 0x0f) +
                                        ", not deflate (8)");
  if ((cmf >> 4) > 7) return damaged("zlib header asks for a window larger than 32 KiB");
  if (((cmf << 8) | flags) % 31 != 0) return damaged("zlib header check bits are wrong");
  if (flags & 0x20) return Status::unsupported("zlib streams with a preset dictionary are not supported");
  size_t body_size = 0;
  MQ_ASSIGN_OR_RETURN(std::string out, inflate_raw(input.substr(2), max_output, &body_size));
  size_t trailer = 2 + body_size;
  if (trailer > input.size() || input.size() - trailer < 4) return damaged("zlib stream is missing its Adler-32 checksum");
  uint32_t expected = 0;
  for (int i = 0; i < 4; ++i) expected = (expected << 8) | static_cast<uint8_t>(input[trailer + static_cast<size_t>(i)]);
  if (adler32(out) != expected) return damaged("Adler-32 checksum does not match the decompressed data");
  return out;
}

uint32_t adler32(std::string_view data, uint32_t adler) {
  constexpr uint32_t kModulus = 65521;
  uint32_t a = adler & 0xffff, b = adler >> 16;
  size_t i = 0;
  while (i < data.size()) {
    size_t block = std::min<size_t>(data.size() - i, 5552);  // largest run without uint32 overflow
    for (size_t end = i + block; i < end; ++i) {
      a += static_cast<uint8_t>(data[i]);
      b += a;
    }
    a %= kModulus;
    b %= kModulus;
  }
  return (b << 16) | a;
}

uint32_t crc32(std::string_view data, uint32_t crc) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (char ch : data) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return ~crc;
}

}  // namespace mq::hdf5
