#include "core/hdf5/datatype.h"

#include <algorithm>

#include "core/hdf5/byte_cursor.h"
#include "core/hdf5/file_context.h"

namespace mq::hdf5 {
namespace {

constexpr int kMaxTypeNesting = 16;

Status cut_off() { return damaged_file("a datatype description is cut off"); }

// Skips a NUL-terminated name; `padded` names are padded to a multiple of 8
// bytes counted from `start`.
void skip_name(ByteCursor& cursor, bool padded) {
  size_t start = cursor.position();
  while (!cursor.failed() && cursor.u8() != 0) {
  }
  if (padded) {
    size_t used = cursor.position() - start;
    cursor.skip((8 - used % 8) % 8);
  }
}

// Bytes needed to hold values up to `value` (member offsets in version-3 compounds).
size_t bytes_for(uint64_t value) {
  size_t n = 1;
  while (n < 8 && value >> (8 * n)) ++n;
  return n;
}

StatusOr<Datatype> parse(ByteCursor& cursor, int depth) {
  if (depth > kMaxTypeNesting) return damaged_file("datatypes are nested too deeply");
  Datatype type;
  uint8_t class_and_version = cursor.u8();
  uint32_t bits = cursor.u8();  // three bytes of class bit field, read in order
  bits |= static_cast<uint32_t>(cursor.u8()) << 8;
  bits |= static_cast<uint32_t>(cursor.u8()) << 16;
  type.size = cursor.u32();
  if (cursor.failed()) return cut_off();
  int version = class_and_version >> 4;
  int type_class = class_and_version & 0x0f;
  if (version < 1 || version > 4) return Status::unsupported("datatype version " + std::to_string(version) +
                                                             " is not supported");
  switch (type_class) {
    case 0:  // fixed-point
      type.type_class = TypeClass::kInteger;
      type.big_endian = bits & 0x01;
      type.is_signed = bits & 0x08;
      type.bit_offset = cursor.u16();
      type.bit_precision = cursor.u16();
      break;
    case 1:  // floating-point
      type.type_class = TypeClass::kFloat;
      if (bits & 0x40) return Status::unsupported("VAX-order floating-point data is not supported");
      type.big_endian = bits & 0x01;
      type.mantissa_normalization = static_cast<uint8_t>((bits >> 4) & 0x03);
      type.sign_location = static_cast<uint8_t>((bits >> 8) & 0xff);
      type.bit_offset = cursor.u16();
      type.bit_precision = cursor.u16();
      type.exponent_location = cursor.u8();
      type.exponent_size = cursor.u8();
      type.mantissa_location = cursor.u8();
      type.mantissa_size = cursor.u8();
      type.exponent_bias = cursor.u32();
      break;
    case 2:  // time
      type.type_class = TypeClass::kTime;
      type.big_endian = bits & 0x01;
      type.bit_precision = cursor.u16();
      break;
    case 3:  // string
      type.type_class = TypeClass::kString;
      type.padding = static_cast<StringPadding>(std::min<uint32_t>(bits & 0x0f, 2));
      type.charset = (bits >> 4 & 0x0f) == 1 ? CharacterSet::kUtf8 : CharacterSet::kAscii;
      break;
    case 4:  // bitfield
      type.type_class = TypeClass::kBitfield;
      type.big_endian = bits & 0x01;
      type.bit_offset = cursor.u16();
      type.bit_precision = cursor.u16();
      break;
    case 5:  // opaque: an ASCII tag
      type.type_class = TypeClass::kOpaque;
      cursor.skip(bits & 0xff);
      break;
    case 6: {  // compound: skip the members, we only report the class
      type.type_class = TypeClass::kCompound;
      uint32_t members = bits & 0xffff;
      for (uint32_t m = 0; m < members && !cursor.failed(); ++m) {
        skip_name(cursor, version < 3);
        if (version == 1) {
          cursor.skip(4 + 1 + 3 + 4 + 4 + 16);  // offset, rank, reserved, permutation, reserved, sizes
        } else if (version == 2) {
          cursor.skip(4);
        } else {
          cursor.skip(bytes_for(type.size));
        }
        MQ_ASSIGN_OR_RETURN(Datatype member, parse(cursor, depth + 1));
        (void)member;
      }
      break;
    }
    case 7:  // reference
      type.type_class = TypeClass::kReference;
      break;
    case 8: {  // enumeration: base type, names, values
      type.type_class = TypeClass::kEnum;
      uint32_t members = bits & 0xffff;
      MQ_ASSIGN_OR_RETURN(Datatype base, parse(cursor, depth + 1));
      for (uint32_t m = 0; m < members && !cursor.failed(); ++m) skip_name(cursor, version < 3);
      cursor.skip(static_cast<uint64_t>(members) * base.size);
      type.base.push_back(std::move(base));
      break;
    }
    case 9: {  // variable-length sequence or string
      type.type_class = TypeClass::kVariableLength;
      type.variable_length_string = (bits & 0x0f) == 1;
      type.padding = static_cast<StringPadding>(std::min<uint32_t>(bits >> 4 & 0x0f, 2));
      type.charset = (bits >> 8 & 0x0f) == 1 ? CharacterSet::kUtf8 : CharacterSet::kAscii;
      MQ_ASSIGN_OR_RETURN(Datatype base, parse(cursor, depth + 1));
      type.base.push_back(std::move(base));
      break;
    }
    case 10: {  // array
      type.type_class = TypeClass::kArray;
      int rank = cursor.u8();
      if (version < 3) cursor.skip(3);
      for (int d = 0; d < rank; ++d) type.array_dims.push_back(cursor.u32());
      if (version < 3) cursor.skip(4 * static_cast<uint64_t>(rank));  // permutation indices
      MQ_ASSIGN_OR_RETURN(Datatype base, parse(cursor, depth + 1));
      type.base.push_back(std::move(base));
      break;
    }
    default:
      return Status::unsupported("datatype class " + std::to_string(type_class) + " is not supported");
  }
  if (cursor.failed()) return cut_off();
  return type;
}

}  // namespace

bool Datatype::is_numeric() const {
  if (type_class == TypeClass::kInteger || type_class == TypeClass::kFloat) return true;
  return type_class == TypeClass::kEnum && !base.empty() && base[0].type_class == TypeClass::kInteger;
}

bool Datatype::is_string() const {
  return type_class == TypeClass::kString || (type_class == TypeClass::kVariableLength && variable_length_string);
}

std::string Datatype::name() const {
  std::string order = big_endian && size > 1 ? " (big-endian)" : "";
  switch (type_class) {
    case TypeClass::kInteger:
      return (is_signed ? "int" : "uint") + std::to_string(size * 8) + order;
    case TypeClass::kFloat:
      return "float" + std::to_string(size * 8) + order;
    case TypeClass::kTime:
      return "time";
    case TypeClass::kString:
      return "string[" + std::to_string(size) + "]";
    case TypeClass::kBitfield:
      return "bitfield" + std::to_string(size * 8);
    case TypeClass::kOpaque:
      return "opaque[" + std::to_string(size) + "]";
    case TypeClass::kCompound:
      return "compound";
    case TypeClass::kReference:
      return "reference";
    case TypeClass::kEnum:
      return "enum of " + (base.empty() ? std::string("?") : base[0].name());
    case TypeClass::kVariableLength:
      if (variable_length_string) return "variable-length string";
      return "variable-length sequence of " + (base.empty() ? std::string("?") : base[0].name());
    case TypeClass::kArray:
      return "array of " + (base.empty() ? std::string("?") : base[0].name());
  }
  return "unknown";
}

StatusOr<Datatype> parse_datatype(ByteCursor& cursor) { return parse(cursor, 0); }

}  // namespace mq::hdf5
