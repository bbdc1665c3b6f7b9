#include "core/io/npy.h"

#include <cctype>
#include <cstring>

#include "core/io/file.h"

namespace mq {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct NpyType {
  const char* descr;  // without the byte-order character
  DataType dtype;
};

constexpr NpyType kTypes[] = {
    {"f4", tensorflow::DT_FLOAT},  {"f8", tensorflow::DT_DOUBLE}, {"f2", tensorflow::DT_HALF},
    {"i4", tensorflow::DT_INT32},  {"i8", tensorflow::DT_INT64},  {"i2", tensorflow::DT_INT16},
    {"i1", tensorflow::DT_INT8},   {"u1", tensorflow::DT_UINT8},  {"u2", tensorflow::DT_UINT16},
    {"u4", tensorflow::DT_UINT32}, {"u8", tensorflow::DT_UINT64}, {"b1", tensorflow::DT_BOOL},
};

// The value text after 'key': in the header dictionary, or empty.
std::string_view header_value(std::string_view header, std::string_view key) {
  for (char quote : {'\'', '"'}) {
    std::string quoted = std::string(1, quote) + std::string(key) + quote;
    size_t pos = header.find(quoted);
    if (pos == std::string_view::npos) continue;
    pos = header.find(':', pos + quoted.size());
    if (pos == std::string_view::npos) return {};
    ++pos;
    while (pos < header.size() && std::isspace(static_cast<unsigned char>(header[pos]))) ++pos;
    size_t end = pos;
    if (end < header.size() && header[end] == '(') {
      end = header.find(')', end);
      return end == std::string_view::npos ? std::string_view() : header.substr(pos, end - pos + 1);
    }
    if (end < header.size() && (header[end] == '\'' || header[end] == '"')) {
      size_t close = header.find(header[end], end + 1);
      return close == std::string_view::npos ? std::string_view() : header.substr(pos, close - pos + 1);
    }
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
    std::string_view value = header.substr(pos, end - pos);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
    return value;
  }
  return {};
}

StatusOr<Shape> parse_shape(std::string_view text, const std::string& source) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')')
    return Status::error(source + ": the .npy header has no readable 'shape'");
  Shape shape;
  std::string_view inner = text.substr(1, text.size() - 2);
  size_t pos = 0;
  while (pos < inner.size()) {
    while (pos < inner.size() && (std::isspace(static_cast<unsigned char>(inner[pos])) || inner[pos] == ',')) ++pos;
    if (pos >= inner.size()) break;
    int64_t value = 0;
    size_t start = pos;
    while (pos < inner.size() && std::isdigit(static_cast<unsigned char>(inner[pos]))) {
      if (value > (int64_t{1} << 55)) return Status::error(source + ": a dimension in the .npy shape is too large");
      value = value * 10 + (inner[pos] - '0');
      ++pos;
    }
    if (pos == start) return Status::error(source + ": cannot read the .npy shape " + std::string(text));
    if (pos < inner.size() && inner[pos] == 'L') ++pos;  // Python 2 long
    shape.push_back(value);
  }
  if (num_elements(shape) < 0) return Status::error(source + ": the .npy shape " + std::string(text) + " is too large");
  return shape;
}

}  // namespace

StatusOr<Tensor> parse_npy(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kMagicSize + 4 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    return Status::error(source + ": not a NumPy .npy file (it does not start with \\x93NUMPY)");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t header_length = 0;
  size_t header_start = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return Status::error(source + ": the .npy file is truncated");
    for (int i = 3; i >= 0; --i) header_length = (header_length << 8) | static_cast<unsigned char>(bytes[8 + i]);
    header_start = 12;
  } else {
    return Status::error(source + ": .npy format version " + std::to_string(major) + " is not supported (1, 2 or 3)");
  }
  if (header_length > bytes.size() - header_start) return Status::error(source + ": the .npy header is truncated");
  std::string_view header = bytes.substr(header_start, header_length);

  std::string_view descr = header_value(header, "descr");
  if (descr.size() < 3) return Status::error(source + ": the .npy header has no readable 'descr'");
  std::string_view type_text = descr.substr(1, descr.size() - 2);  // strip quotes
  if (type_text.size() != 3)
    return Status::error(source + ": .npy dtype '" + std::string(type_text) + "' is not supported");
  char order = type_text[0];
  std::string_view code = type_text.substr(1);
  const NpyType* type = nullptr;
  for (const NpyType& candidate : kTypes)
    if (code == candidate.descr) type = &candidate;
  if (!type)
    return Status::error(source + ": .npy dtype '" + std::string(type_text) +
                         "' is not supported (float16/32/64, int8/16/32/64, uint8/16/32/64, bool)");
  bool single_byte = code[1] == '1';
  if (order == '>' && !single_byte)
    return Status::error(source + ": the .npy data is big-endian ('" + std::string(type_text) +
                         "'); save it little-endian (array.astype('<" + std::string(code) + "'))");
  if (order != '<' && order != '|' && order != '=')
    return Status::error(source + ": .npy dtype '" + std::string(type_text) + "' is not supported");

  std::string_view fortran = header_value(header, "fortran_order");
  if (fortran == "True")
    return Status::error(source + ": the .npy array is in Fortran order; save it in C order (np.ascontiguousarray)");
  if (fortran != "False") return Status::error(source + ": the .npy header has no readable 'fortran_order'");

  MQ_ASSIGN_OR_RETURN(Shape shape, parse_shape(header_value(header, "shape"), source));
  int64_t count = num_elements(shape);
  size_t element = dtype_size(type->dtype);
  std::string_view data = bytes.substr(header_start + header_length);
  if (static_cast<unsigned long long>(count) > data.size() / element ||
      static_cast<size_t>(count) * element != data.size())
    return Status::error(source + ": the .npy data has " + std::to_string(data.size()) + " bytes but shape " +
                         shape_string(shape) + " of " + dtype_name(type->dtype) + " needs " +
                         std::to_string(static_cast<unsigned long long>(count) * element));
  Tensor tensor(type->dtype, shape);
  if (!data.empty()) std::memcpy(tensor.raw(), data.data(), data.size());
  if (type->dtype == tensorflow::DT_BOOL) {
    for (int64_t i = 0; i < count; ++i) tensor.data<uint8_t>()[i] = tensor.data<uint8_t>()[i] != 0;
  }
  return tensor;
}

StatusOr<std::string> serialize_npy(const Tensor& tensor) {
  const NpyType* type = nullptr;
  for (const NpyType& candidate : kTypes)
    if (candidate.dtype == tensor.dtype()) type = &candidate;
  if (!type) return Status::error("tensors of dtype " + dtype_name(tensor.dtype()) + " cannot be saved as .npy");
  std::string code = type->descr;
  std::string descr = (code[1] == '1' ? "|" : "<") + code;
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape().size(); ++i) {
    shape += std::to_string(tensor.shape()[i]);
    shape += tensor.shape().size() == 1 ? "," : (i + 1 < tensor.shape().size() ? ", " : "");
  }
  shape += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  bool version2 = header.size() + 1 + 10 > 65535;
  size_t prefix = version2 ? 12 : 10;
  size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out(kMagic, kMagicSize);
  out.push_back(static_cast<char>(version2 ? 2 : 1));
  out.push_back(0);
  size_t length = header.size();
  for (size_t i = 0; i < (version2 ? 4u : 2u); ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  out += header;
  out.append(tensor.raw() ? tensor.raw() : "", tensor.byte_size());
  return out;
}

StatusOr<Tensor> read_npy_file(const std::string& path) {
  MQ_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  return parse_npy(bytes, path);
}

Status write_npy_file(const Tensor& tensor, const std::string& path) {
  StatusOr<std::string> bytes = serialize_npy(tensor);
  if (!bytes.is_ok()) return bytes.status().with_context(path);
  return write_file_atomic(path, *bytes);
}

}  // namespace mq
