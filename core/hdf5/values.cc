#include "core/hdf5/values.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/hdf5/byte_cursor.h"
#include "core/hdf5/heaps.h"

namespace mq::hdf5 {
namespace {

uint64_t load_bits(const char* p, uint32_t size, bool big_endian) {
  uint64_t value = 0;
  if (big_endian) {
    for (uint32_t i = 0; i < size; ++i) value = (value << 8) | static_cast<uint8_t>(p[i]);
  } else {
    for (uint32_t i = size; i-- > 0;) value = (value << 8) | static_cast<uint8_t>(p[i]);
  }
  return value;
}

bool host_is_little_endian() {
  const uint16_t probe = 1;
  uint8_t first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

uint64_t low_bits(unsigned count) { return count >= 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1; }

bool is_ieee_single(const Datatype& t) {
  return t.size == 4 && t.sign_location == 31 && t.exponent_location == 23 && t.exponent_size == 8 &&
         t.mantissa_location == 0 && t.mantissa_size == 23 && t.exponent_bias == 127 &&
         t.mantissa_normalization == 2;
}

bool is_ieee_double(const Datatype& t) {
  return t.size == 8 && t.sign_location == 63 && t.exponent_location == 52 && t.exponent_size == 11 &&
         t.mantissa_location == 0 && t.mantissa_size == 52 && t.exponent_bias == 1023 &&
         t.mantissa_normalization == 2;
}

Status check_float_layout(const Datatype& t) {
  unsigned bits = t.size * 8;
  if (t.size == 0 || t.size > 8)
    return Status::unsupported(std::to_string(t.size * 8) + "-bit floating-point numbers are not supported");
  if (t.sign_location >= bits || t.exponent_size == 0 || t.exponent_size > 30 || t.mantissa_size == 0 ||
      t.mantissa_size > 62 || t.exponent_location + t.exponent_size > bits ||
      t.mantissa_location + t.mantissa_size > bits)
    return damaged_file("a floating-point datatype has an impossible bit layout");
  return Status::ok();
}

double decode_float(uint64_t bits, const Datatype& t) {
  bool negative = (bits >> t.sign_location) & 1;
  uint64_t exponent = (bits >> t.exponent_location) & low_bits(t.exponent_size);
  uint64_t mantissa = (bits >> t.mantissa_location) & low_bits(t.mantissa_size);
  double value;
  int bias = static_cast<int>(std::min<uint32_t>(t.exponent_bias, 1u << 30));
  if (exponent == low_bits(t.exponent_size)) {
    value = mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  } else if (t.mantissa_normalization == 2) {
    if (exponent == 0) {
      value = std::ldexp(static_cast<double>(mantissa), 1 - bias - t.mantissa_size);
    } else {
      double significand = static_cast<double>(mantissa | (uint64_t{1} << t.mantissa_size));
      value = std::ldexp(significand, static_cast<int>(exponent) - bias - t.mantissa_size);
    }
  } else {  // the most significant mantissa bit is stored
    value = std::ldexp(static_cast<double>(mantissa), static_cast<int>(exponent) - bias - (t.mantissa_size - 1));
  }
  return negative ? -value : value;
}

template <typename T>
T from_double(double value) {
  if constexpr (std::is_same_v<T, int64_t>) {
    if (std::isnan(value)) return 0;
    if (value >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
    if (value <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(value);
  } else if constexpr (std::is_same_v<T, float>) {
    // Out-of-range conversions are undefined behaviour: saturate to infinity.
    if (value > std::numeric_limits<float>::max()) return std::numeric_limits<float>::infinity();
    if (value < -std::numeric_limits<float>::max()) return -std::numeric_limits<float>::infinity();
    return static_cast<float>(value);
  } else {
    return static_cast<T>(value);
  }
}

template <typename T>
Status convert_integers(const Datatype& type, std::string_view raw, uint64_t count, T* out) {
  if (type.size == 0 || type.size > 8)
    return Status::unsupported(std::to_string(type.size * 8) + "-bit integers are not supported");
  unsigned precision = type.bit_precision ? type.bit_precision : type.size * 8;
  if (precision > 64 || type.bit_offset + precision > type.size * 8u)
    return damaged_file("an integer datatype has an impossible bit layout");
  bool whole = type.bit_offset == 0 && precision == type.size * 8u;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t bits = load_bits(raw.data() + i * type.size, type.size, type.big_endian);
    if (!whole) bits = (bits >> type.bit_offset) & low_bits(precision);
    if (type.is_signed) {
      if (precision < 64 && (bits >> (precision - 1)) & 1) bits |= ~low_bits(precision);  // sign-extend
      out[i] = static_cast<T>(static_cast<int64_t>(bits));
    } else {
      out[i] = static_cast<T>(bits);
    }
  }
  return Status::ok();
}

std::string apply_padding(std::string_view bytes, StringPadding padding) {
  if (padding == StringPadding::kNullTerminated) return std::string(bytes.substr(0, bytes.find('\0')));
  size_t end = bytes.size();
  char pad = padding == StringPadding::kSpacePadded ? ' ' : '\0';
  while (end > 0 && (bytes[end - 1] == pad || bytes[end - 1] == '\0')) --end;
  return std::string(bytes.substr(0, end));
}

}  // namespace

template <typename T>
Status convert_numbers(const Datatype& type, std::string_view raw, uint64_t count, T* out) {
  if (type.size == 0) return damaged_file("elements of 0 bytes cannot be read");
  if (count > raw.size() / type.size)
    return Status::internal("too few bytes for " + std::to_string(count) + " elements");
  if (count == 0) return Status::ok();
  switch (type.type_class) {
    case TypeClass::kInteger:
      return convert_integers(type, raw, count, out);
    case TypeClass::kEnum:
      if (type.base.empty() || type.base[0].type_class != TypeClass::kInteger || type.base[0].size != type.size)
        return Status::unsupported("enumerations over " + (type.base.empty() ? "?" : type.base[0].name()) +
                                   " cannot be read as numbers");
      return convert_integers(type.base[0], raw, count, out);
    case TypeClass::kFloat: {
      MQ_RETURN_IF_ERROR(check_float_layout(type));
      if (is_ieee_single(type) && std::is_same_v<T, float> && !type.big_endian && host_is_little_endian()) {
        std::memcpy(out, raw.data(), static_cast<size_t>(count) * 4);  // already in the host's format
      } else if (is_ieee_single(type)) {
        for (uint64_t i = 0; i < count; ++i) {
          uint32_t bits = static_cast<uint32_t>(load_bits(raw.data() + i * 4, 4, type.big_endian));
          float value;
          std::memcpy(&value, &bits, 4);
          out[i] = from_double<T>(value);
        }
      } else if (is_ieee_double(type)) {
        for (uint64_t i = 0; i < count; ++i) {
          uint64_t bits = load_bits(raw.data() + i * 8, 8, type.big_endian);
          double value;
          std::memcpy(&value, &bits, 8);
          out[i] = from_double<T>(value);
        }
      } else {
        for (uint64_t i = 0; i < count; ++i)
          out[i] = from_double<T>(decode_float(load_bits(raw.data() + i * type.size, type.size, type.big_endian), type));
      }
      return Status::ok();
    }
    default:
      return Status::unsupported("elements of type " + type.name() + " are not numbers");
  }
}

template Status convert_numbers<float>(const Datatype&, std::string_view, uint64_t, float*);
template Status convert_numbers<double>(const Datatype&, std::string_view, uint64_t, double*);
template Status convert_numbers<int64_t>(const Datatype&, std::string_view, uint64_t, int64_t*);

StatusOr<std::vector<std::string>> decode_strings(const FileContext& file, const Datatype& type, std::string_view raw,
                                                  uint64_t count) {
  std::vector<std::string> out;
  if (type.size == 0) return damaged_file("elements of 0 bytes cannot be read");
  if (count > raw.size() / type.size)
    return Status::internal("too few bytes for " + std::to_string(count) + " elements");
  if (type.type_class == TypeClass::kString) {
    out.reserve(static_cast<size_t>(count));
    for (uint64_t i = 0; i < count; ++i) out.push_back(apply_padding(raw.substr(i * type.size, type.size), type.padding));
    return out;
  }
  if (type.type_class != TypeClass::kVariableLength || !type.variable_length_string)
    return Status::unsupported("elements of type " + type.name() + " are not strings");
  if (type.size < 4u + file.offset_size + 4u)
    return damaged_file("variable-length strings of " + std::to_string(type.size) + " bytes are too short");
  GlobalHeapReader heap(file);
  out.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    ByteCursor cursor = file.cursor_over(raw.substr(i * type.size, type.size));
    uint32_t length = cursor.u32();
    uint64_t collection = cursor.address();
    uint32_t index = cursor.u32();
    if (length == 0 || collection == 0 || collection == kUndefinedAddress) {
      out.emplace_back();
      continue;
    }
    MQ_ASSIGN_OR_RETURN(std::string_view object, heap.object(collection, index));
    if (object.size() < length)
      return damaged_file("a variable-length string of " + std::to_string(length) + " bytes is stored in " +
                          std::to_string(object.size()));
    out.push_back(apply_padding(object.substr(0, length), type.padding));
  }
  return out;
}

}  // namespace mq::hdf5
