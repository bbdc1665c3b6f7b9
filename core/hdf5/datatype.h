// HDF5 datatypes: how the elements of a dataset or attribute are stored
// (class, size, byte order, bit layout of floats, string padding).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace mq::hdf5 {

class ByteCursor;

enum class TypeClass {
  kInteger,
  kFloat,
  kTime,
  kString,
  kBitfield,
  kOpaque,
  kCompound,
  kReference,
  kEnum,
  kVariableLength,
  kArray,
};

enum class StringPadding { kNullTerminated, kNullPadded, kSpacePadded };
enum class CharacterSet { kAscii, kUtf8 };

struct Datatype {
  TypeClass type_class = TypeClass::kInteger;
  uint32_t size = 0;  // bytes per element as stored in the file
  bool big_endian = false;
  bool is_signed = false;
  uint16_t bit_offset = 0;
  uint16_t bit_precision = 0;
  // Floating point bit layout.
  uint8_t sign_location = 0;
  uint8_t exponent_location = 0;
  uint8_t exponent_size = 0;
  uint8_t mantissa_location = 0;
  uint8_t mantissa_size = 0;
  uint8_t mantissa_normalization = 0;  // 0 none, 1 most significant bit set, 2 implied
  uint32_t exponent_bias = 0;
  // Strings (fixed and variable-length).
  StringPadding padding = StringPadding::kNullTerminated;
  CharacterSet charset = CharacterSet::kAscii;
  bool variable_length_string = false;  // kVariableLength: a string rather than a sequence
  // Element type of enums, variable-length types and arrays (one entry).
  std::vector<Datatype> base;
  std::vector<uint64_t> array_dims;

  // Integers, floats, and enums over integers.
  bool is_numeric() const;
  // Fixed-length or variable-length strings.
  bool is_string() const;
  // "float32", "float64 (big-endian)", "int16", "uint8", "string[26]",
  // "variable-length string", "compound" ...
  std::string name() const;
};

// Parses a datatype message (the cursor is left after it).
StatusOr<Datatype> parse_datatype(ByteCursor& cursor);

}  // namespace mq::hdf5
