// Protobuf text format for the GraphDef schema.
//
// protobuf-lite has no reflection, but every generated class reads and writes
// the binary wire format. So the schema is described once, as small tables
// (field name, number, kind, nested message), and both directions go through
// wire bytes:
//  - printing serializes a message deterministically (fields in number order,
//    map entries sorted by key, proto3 presence already applied: defaults
//    omitted, oneof members and present sub-messages kept even when empty) and
//    walks those bytes with the tables, writing `name: value` lines;
//  - reading tokenizes the text and writes wire bytes for one top-level field
//    at a time, which the generated parser then merges into the GraphDef.
// Map fields need no code of their own: on the wire and in text a map is a
// repeated entry message {key = 1, value = 2}.
//
// Limitation: fields protobuf-lite kept as unknown (numbers this schema does
// not declare, read from binary input) have no name, so the printer skips
// them without a trace; they do survive binary round trips.
#include "core/io/text_format.h"

#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace mq {
namespace {

// ---------------------------------------------------------------------------
// The schema, as tables.

enum class Kind : uint8_t {
  kInt32, kInt64, kUint32, kUint64, kFixed64, kBool, kFloat, kDouble,
  kString,    // UTF-8 text (protobuf rejects anything else in proto3 `string`)
  kBytes,     // arbitrary bytes
  kDataType,  // the DataType enum, printed by name
  kMessage,
};

struct MessageInfo;

struct FieldInfo {
  const char* name;
  uint32_t number;
  Kind kind;
  bool repeated;
  bool in_oneof;                // our messages have at most one oneof each
  const MessageInfo* message;  // for Kind::kMessage
};

struct MessageInfo {
  const char* name;  // as error messages show it ("NodeDef", "OpDef.ArgDef")
  const FieldInfo* fields;  // ascending field numbers
  size_t field_count;
};

constexpr FieldInfo scalar(const char* name, uint32_t number, Kind kind) {
  return {name, number, kind, false, false, nullptr};
}
constexpr FieldInfo repeated(const char* name, uint32_t number, Kind kind) {
  return {name, number, kind, true, false, nullptr};
}
constexpr FieldInfo message(const char* name, uint32_t number, const MessageInfo* type) {
  return {name, number, Kind::kMessage, false, false, type};
}
constexpr FieldInfo repeated_message(const char* name, uint32_t number, const MessageInfo* type) {
  return {name, number, Kind::kMessage, true, false, type};
}
constexpr FieldInfo oneof_member(const char* name, uint32_t number, Kind kind, const MessageInfo* type = nullptr) {
  return {name, number, kind, false, true, type};
}
// A map<K, V> field is a repeated entry message.
constexpr FieldInfo map(const char* name, uint32_t number, const MessageInfo* entry) {
  return repeated_message(name, number, entry);
}

extern const MessageInfo kTensorShapeDim, kTensorShape, kDtypeAndShape, kResourceHandle, kVariantTensorData,
    kTensorProto, kNameAttrList, kListValue, kAttrValue, kFullTypeDef, kNodeDebugInfo, kNodeDef, kVersionDef,
    kArgDef, kAttrDef, kOpDeprecation, kOpDef, kArgAttrs, kFunctionDef, kGradientDef, kRegisteredGradient,
    kFunctionDefLibrary, kFileLineCol, kStackTrace, kGraphDebugInfo, kGraphDef, kAttrEntry, kStringStringEntry,
    kArgAttrsEntry, kUint32Uint32Entry, kStackTraceEntry, kFileLineColByIdEntry, kStringFixed64Entry,
    kStackTraceByIdEntry;

template <size_t N>
constexpr MessageInfo message_info(const char* name, const FieldInfo (&fields)[N]) {
  return {name, fields, N};
}

const FieldInfo kTensorShapeDimFields[] = {scalar("size", 1, Kind::kInt64), scalar("name", 2, Kind::kString)};
const FieldInfo kTensorShapeFields[] = {
    repeated_message("dim", 2, &kTensorShapeDim),
    scalar("unknown_rank", 3, Kind::kBool),
};
const FieldInfo kDtypeAndShapeFields[] = {scalar("dtype", 1, Kind::kDataType), message("shape", 2, &kTensorShape)};
const FieldInfo kResourceHandleFields[] = {
    scalar("device", 1, Kind::kString),
    scalar("container", 2, Kind::kString),
    scalar("name", 3, Kind::kString),
    scalar("hash_code", 4, Kind::kUint64),
    scalar("maybe_type_name", 5, Kind::kString),
    repeated_message("dtypes_and_shapes", 6, &kDtypeAndShape),
};
const FieldInfo kVariantTensorDataFields[] = {
    scalar("type_name", 1, Kind::kString),
    scalar("metadata", 2, Kind::kBytes),
    repeated_message("tensors", 3, &kTensorProto),
};
const FieldInfo kTensorProtoFields[] = {
    scalar("dtype", 1, Kind::kDataType),
    message("tensor_shape", 2, &kTensorShape),
    scalar("version_number", 3, Kind::kInt32),
    scalar("tensor_content", 4, Kind::kBytes),
    repeated("float_val", 5, Kind::kFloat),
    repeated("double_val", 6, Kind::kDouble),
    repeated("int_val", 7, Kind::kInt32),
    repeated("string_val", 8, Kind::kBytes),
    repeated("scomplex_val", 9, Kind::kFloat),
    repeated("int64_val", 10, Kind::kInt64),
    repeated("bool_val", 11, Kind::kBool),
    repeated("dcomplex_val", 12, Kind::kDouble),
    repeated("half_val", 13, Kind::kInt32),
    repeated_message("resource_handle_val", 14, &kResourceHandle),
    repeated_message("variant_val", 15, &kVariantTensorData),
    repeated("uint32_val", 16, Kind::kUint32),
    repeated("uint64_val", 17, Kind::kUint64),
    scalar("float8_val", 18, Kind::kBytes),
};
const FieldInfo kNameAttrListFields[] = {scalar("name", 1, Kind::kString), map("attr", 2, &kAttrEntry)};
const FieldInfo kListValueFields[] = {
    repeated("s", 2, Kind::kBytes),
    repeated("i", 3, Kind::kInt64),
    repeated("f", 4, Kind::kFloat),
    repeated("b", 5, Kind::kBool),
    repeated("type", 6, Kind::kDataType),
    repeated_message("shape", 7, &kTensorShape),
    repeated_message("tensor", 8, &kTensorProto),
    repeated_message("func", 9, &kNameAttrList),
};
const FieldInfo kAttrValueFields[] = {
    oneof_member("list", 1, Kind::kMessage, &kListValue),
    oneof_member("s", 2, Kind::kBytes),
    oneof_member("i", 3, Kind::kInt64),
    oneof_member("f", 4, Kind::kFloat),
    oneof_member("b", 5, Kind::kBool),
    oneof_member("type", 6, Kind::kDataType),
    oneof_member("shape", 7, Kind::kMessage, &kTensorShape),
    oneof_member("tensor", 8, Kind::kMessage, &kTensorProto),
    oneof_member("placeholder", 9, Kind::kString),
    oneof_member("func", 10, Kind::kMessage, &kNameAttrList),
};
// type_id is the FullTypeId enum upstream; this schema declares it int32, so
// it is printed and read as a number.
const FieldInfo kFullTypeDefFields[] = {
    scalar("type_id", 1, Kind::kInt32),
    repeated_message("args", 2, &kFullTypeDef),
    oneof_member("s", 3, Kind::kString),
    oneof_member("i", 4, Kind::kInt64),
};
const FieldInfo kNodeDebugInfoFields[] = {
    repeated("original_node_names", 1, Kind::kString),
    repeated("original_func_names", 2, Kind::kString),
};
const FieldInfo kNodeDefFields[] = {
    scalar("name", 1, Kind::kString),
    scalar("op", 2, Kind::kString),
    repeated("input", 3, Kind::kString),
    scalar("device", 4, Kind::kString),
    map("attr", 5, &kAttrEntry),
    message("experimental_debug_info", 6, &kNodeDebugInfo),
    message("experimental_type", 7, &kFullTypeDef),
};
const FieldInfo kVersionDefFields[] = {
    scalar("producer", 1, Kind::kInt32),
    scalar("min_consumer", 2, Kind::kInt32),
    repeated("bad_consumers", 3, Kind::kInt32),
};
const FieldInfo kArgDefFields[] = {
    scalar("name", 1, Kind::kString),
    scalar("description", 2, Kind::kString),
    scalar("type", 3, Kind::kDataType),
    scalar("type_attr", 4, Kind::kString),
    scalar("number_attr", 5, Kind::kString),
    scalar("type_list_attr", 6, Kind::kString),
    repeated_message("handle_data", 7, &kDtypeAndShape),
    scalar("is_ref", 16, Kind::kBool),
    message("experimental_full_type", 17, &kFullTypeDef),
};
const FieldInfo kAttrDefFields[] = {
    scalar("name", 1, Kind::kString),
    scalar("type", 2, Kind::kString),
    message("default_value", 3, &kAttrValue),
    scalar("description", 4, Kind::kString),
    scalar("has_minimum", 5, Kind::kBool),
    scalar("minimum", 6, Kind::kInt64),
    message("allowed_values", 7, &kAttrValue),
};
const FieldInfo kOpDeprecationFields[] = {
    scalar("version", 1, Kind::kInt32),
    scalar("explanation", 2, Kind::kString),
};
const FieldInfo kOpDefFields[] = {
    scalar("name", 1, Kind::kString),
    repeated_message("input_arg", 2, &kArgDef),
    repeated_message("output_arg", 3, &kArgDef),
    repeated_message("attr", 4, &kAttrDef),
    scalar("summary", 5, Kind::kString),
    scalar("description", 6, Kind::kString),
    message("deprecation", 8, &kOpDeprecation),
    scalar("is_aggregate", 16, Kind::kBool),
    scalar("is_stateful", 17, Kind::kBool),
    scalar("is_commutative", 18, Kind::kBool),
    scalar("allows_uninitialized_input", 19, Kind::kBool),
    repeated("control_output", 20, Kind::kString),
    scalar("is_distributed_communication", 21, Kind::kBool),
};
const FieldInfo kArgAttrsFields[] = {map("attr", 1, &kAttrEntry)};
const FieldInfo kFunctionDefFields[] = {
    message("signature", 1, &kOpDef),
    repeated_message("node_def", 3, &kNodeDef),
    map("ret", 4, &kStringStringEntry),
    map("attr", 5, &kAttrEntry),
    map("control_ret", 6, &kStringStringEntry),
    map("arg_attr", 7, &kArgAttrsEntry),
    map("resource_arg_unique_id", 8, &kUint32Uint32Entry),
};
const FieldInfo kGradientDefFields[] = {
    scalar("function_name", 1, Kind::kString),
    scalar("gradient_func", 2, Kind::kString),
};
const FieldInfo kRegisteredGradientFields[] = {
    scalar("gradient_func", 1, Kind::kString),
    scalar("registered_op_type", 2, Kind::kString),
};
const FieldInfo kFunctionDefLibraryFields[] = {
    repeated_message("function", 1, &kFunctionDef),
    repeated_message("gradient", 2, &kGradientDef),
    repeated_message("registered_gradients", 3, &kRegisteredGradient),
};
const FieldInfo kFileLineColFields[] = {
    scalar("file_index", 1, Kind::kInt32),
    scalar("line", 2, Kind::kInt32),
    scalar("col", 3, Kind::kInt32),
    scalar("func", 4, Kind::kString),
    scalar("code", 5, Kind::kString),
};
const FieldInfo kStackTraceFields[] = {
    repeated_message("file_line_cols", 1, &kFileLineCol),
    repeated("frame_id", 2, Kind::kFixed64),
};
const FieldInfo kGraphDebugInfoFields[] = {
    repeated("files", 1, Kind::kString),
    map("traces", 2, &kStackTraceEntry),
    map("frames_by_id", 4, &kFileLineColByIdEntry),
    map("name_to_trace_id", 5, &kStringFixed64Entry),
    map("traces_by_id", 6, &kStackTraceByIdEntry),
};
const FieldInfo kGraphDefFields[] = {
    repeated_message("node", 1, &kNodeDef),
    message("library", 2, &kFunctionDefLibrary),
    scalar("version", 3, Kind::kInt32),
    message("versions", 4, &kVersionDef),
    message("debug_info", 5, &kGraphDebugInfo),
};

// Map entries.
const FieldInfo kAttrEntryFields[] = {scalar("key", 1, Kind::kString), message("value", 2, &kAttrValue)};
const FieldInfo kStringStringEntryFields[] = {scalar("key", 1, Kind::kString), scalar("value", 2, Kind::kString)};
const FieldInfo kArgAttrsEntryFields[] = {scalar("key", 1, Kind::kUint32), message("value", 2, &kArgAttrs)};
const FieldInfo kUint32Uint32EntryFields[] = {scalar("key", 1, Kind::kUint32), scalar("value", 2, Kind::kUint32)};
const FieldInfo kStackTraceEntryFields[] = {scalar("key", 1, Kind::kString), message("value", 2, &kStackTrace)};
const FieldInfo kFileLineColByIdEntryFields[] = {scalar("key", 1, Kind::kFixed64),
                                                 message("value", 2, &kFileLineCol)};
const FieldInfo kStringFixed64EntryFields[] = {scalar("key", 1, Kind::kString), scalar("value", 2, Kind::kFixed64)};
const FieldInfo kStackTraceByIdEntryFields[] = {scalar("key", 1, Kind::kFixed64), message("value", 2, &kStackTrace)};

const MessageInfo kTensorShapeDim = message_info("TensorShapeProto.Dim", kTensorShapeDimFields);
const MessageInfo kTensorShape = message_info("TensorShapeProto", kTensorShapeFields);
const MessageInfo kDtypeAndShape = message_info("ResourceHandleProto.DtypeAndShape", kDtypeAndShapeFields);
const MessageInfo kResourceHandle = message_info("ResourceHandleProto", kResourceHandleFields);
const MessageInfo kVariantTensorData = message_info("VariantTensorDataProto", kVariantTensorDataFields);
const MessageInfo kTensorProto = message_info("TensorProto", kTensorProtoFields);
const MessageInfo kNameAttrList = message_info("NameAttrList", kNameAttrListFields);
const MessageInfo kListValue = message_info("AttrValue.ListValue", kListValueFields);
const MessageInfo kAttrValue = message_info("AttrValue", kAttrValueFields);
const MessageInfo kFullTypeDef = message_info("FullTypeDef", kFullTypeDefFields);
const MessageInfo kNodeDebugInfo = message_info("NodeDef.ExperimentalDebugInfo", kNodeDebugInfoFields);
const MessageInfo kNodeDef = message_info("NodeDef", kNodeDefFields);
const MessageInfo kVersionDef = message_info("VersionDef", kVersionDefFields);
const MessageInfo kArgDef = message_info("OpDef.ArgDef", kArgDefFields);
const MessageInfo kAttrDef = message_info("OpDef.AttrDef", kAttrDefFields);
const MessageInfo kOpDeprecation = message_info("OpDeprecation", kOpDeprecationFields);
const MessageInfo kOpDef = message_info("OpDef", kOpDefFields);
const MessageInfo kArgAttrs = message_info("FunctionDef.ArgAttrs", kArgAttrsFields);
const MessageInfo kFunctionDef = message_info("FunctionDef", kFunctionDefFields);
const MessageInfo kGradientDef = message_info("GradientDef", kGradientDefFields);
const MessageInfo kRegisteredGradient = message_info("RegisteredGradient", kRegisteredGradientFields);
const MessageInfo kFunctionDefLibrary = message_info("FunctionDefLibrary", kFunctionDefLibraryFields);
const MessageInfo kFileLineCol = message_info("GraphDebugInfo.FileLineCol", kFileLineColFields);
const MessageInfo kStackTrace = message_info("GraphDebugInfo.StackTrace", kStackTraceFields);
const MessageInfo kGraphDebugInfo = message_info("GraphDebugInfo", kGraphDebugInfoFields);
const MessageInfo kGraphDef = message_info("GraphDef", kGraphDefFields);
const MessageInfo kAttrEntry = message_info("map<string, AttrValue> entry", kAttrEntryFields);
const MessageInfo kStringStringEntry = message_info("map<string, string> entry", kStringStringEntryFields);
const MessageInfo kArgAttrsEntry = message_info("map<uint32, FunctionDef.ArgAttrs> entry", kArgAttrsEntryFields);
const MessageInfo kUint32Uint32Entry = message_info("map<uint32, uint32> entry", kUint32Uint32EntryFields);
const MessageInfo kStackTraceEntry =
    message_info("map<string, GraphDebugInfo.StackTrace> entry", kStackTraceEntryFields);
const MessageInfo kFileLineColByIdEntry =
    message_info("map<fixed64, GraphDebugInfo.FileLineCol> entry", kFileLineColByIdEntryFields);
const MessageInfo kStringFixed64Entry = message_info("map<string, fixed64> entry", kStringFixed64EntryFields);
const MessageInfo kStackTraceByIdEntry =
    message_info("map<fixed64, GraphDebugInfo.StackTrace> entry", kStackTraceByIdEntryFields);

const FieldInfo* field_by_number(const MessageInfo& info, uint32_t number) {
  for (size_t i = 0; i < info.field_count; ++i)
    if (info.fields[i].number == number) return &info.fields[i];
  return nullptr;
}

// DataType names for values 0..33; value + 100 is the same name + "_REF".
constexpr const char* kDataTypeNames[] = {
    "DT_INVALID", "DT_FLOAT", "DT_DOUBLE", "DT_INT32", "DT_UINT8", "DT_INT16", "DT_INT8", "DT_STRING",
    "DT_COMPLEX64", "DT_INT64", "DT_BOOL", "DT_QINT8", "DT_QUINT8", "DT_QINT32", "DT_BFLOAT16", "DT_QINT16",
    "DT_QUINT16", "DT_UINT16", "DT_COMPLEX128", "DT_HALF", "DT_RESOURCE", "DT_VARIANT", "DT_UINT32", "DT_UINT64",
    "DT_FLOAT8_E5M2", "DT_FLOAT8_E4M3FN", "DT_FLOAT8_E4M3FNUZ", "DT_FLOAT8_E4M3B11FNUZ", "DT_FLOAT8_E5M2FNUZ",
    "DT_INT4", "DT_UINT4", "DT_INT2", "DT_UINT2", "DT_FLOAT4_E2M1FN",
};
constexpr int kDataTypeCount = static_cast<int>(std::size(kDataTypeNames));
constexpr int kRefOffset = 100;

bool data_type_from_name(std::string_view name, int32_t* value) {
  int offset = 0;
  constexpr std::string_view kRefSuffix = "_REF";
  if (name.size() > kRefSuffix.size() && name.substr(name.size() - kRefSuffix.size()) == kRefSuffix) {
    name.remove_suffix(kRefSuffix.size());
    offset = kRefOffset;
  }
  for (int i = offset == 0 ? 0 : 1; i < kDataTypeCount; ++i) {  // there is no DT_INVALID_REF
    if (name == kDataTypeNames[i]) {
      *value = i + offset;
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Wire format primitives.

enum WireType {
  kVarint = 0,
  kFixed64Wire = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32Wire = 5,
};

int wire_type_of(Kind kind) {
  switch (kind) {
    case Kind::kFixed64:
    case Kind::kDouble: return kFixed64Wire;
    case Kind::kFloat: return kFixed32Wire;
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kMessage: return kLengthDelimited;
    default: return kVarint;
  }
}

// Reads wire bytes with bounds checks; every read returns false instead of
// running past the end.
class WireCursor {
 public:
  explicit WireCursor(std::string_view bytes) : bytes_(bytes) {}
  bool at_end() const { return position_ >= bytes_.size(); }

  bool read_varint(uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (position_ >= bytes_.size()) return false;
      uint8_t byte = static_cast<uint8_t>(bytes_[position_++]);
      if (shift < 64) result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return false;
  }
  bool read_fixed(int byte_count, uint64_t* value) {
    if (bytes_.size() - position_ < static_cast<size_t>(byte_count)) return false;
    uint64_t result = 0;
    for (int i = 0; i < byte_count; ++i)
      result |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[position_ + i])) << (8 * i);
    position_ += byte_count;
    *value = result;
    return true;
  }
  bool read_length_delimited(std::string_view* payload) {
    uint64_t length;
    if (!read_varint(&length) || length > bytes_.size() - position_) return false;
    *payload = bytes_.substr(position_, static_cast<size_t>(length));
    position_ += static_cast<size_t>(length);
    return true;
  }
  // Steps over one value of a field nobody asked for (groups included).
  bool skip(int wire_type, uint32_t number, int depth = 0) {
    uint64_t ignored;
    std::string_view ignored_payload;
    switch (wire_type) {
      case kVarint: return read_varint(&ignored);
      case kFixed64Wire: return read_fixed(8, &ignored);
      case kFixed32Wire: return read_fixed(4, &ignored);
      case kLengthDelimited: return read_length_delimited(&ignored_payload);
      case kStartGroup:
        if (depth > 100) return false;
        while (true) {
          uint64_t tag;
          if (!read_varint(&tag)) return false;
          int inner_type = static_cast<int>(tag & 7);
          uint32_t inner_number = static_cast<uint32_t>(tag >> 3);
          if (inner_type == kEndGroup) return inner_number == number;
          if (!skip(inner_type, inner_number, depth + 1)) return false;
        }
      default: return false;
    }
  }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
};

// Serializes with map entries sorted by key. False for messages of 2 GiB or
// more, which protobuf cannot serialize.
bool serialize_deterministically(const google::protobuf::MessageLite& message, std::string* wire) {
  size_t size = message.ByteSizeLong();
  if (size > static_cast<size_t>(INT_MAX)) return false;
  wire->resize(size);
  bool failed;
  {
    // The stream may hold its last bytes until it is destroyed.
    google::protobuf::io::ArrayOutputStream array(wire->data(), static_cast<int>(size));
    google::protobuf::io::CodedOutputStream coded(&array);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
    failed = coded.HadError();
  }
  return !failed;
}

// ---------------------------------------------------------------------------
// Printer.

// How each byte looks inside a printed string: itself, a 2-character C
// escape, or a 3-digit octal escape.
struct EscapedByte {
  char text[4];
  uint8_t length;
};

constexpr std::array<EscapedByte, 256> make_escaped_bytes() {
  std::array<EscapedByte, 256> table{};
  for (int c = 0; c < 256; ++c) {
    EscapedByte& escaped = table[c];
    char simple = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '"' ? '"' : c == '\'' ? '\''
                  : c == '\\' ? '\\' : 0;
    if (simple) {
      escaped = {{'\\', simple, 0, 0}, 2};
    } else if (c >= 0x20 && c < 0x7f) {
      escaped = {{static_cast<char>(c), 0, 0, 0}, 1};
    } else {
      escaped = {{'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                  static_cast<char>('0' + (c & 7))},
                 4};
    }
  }
  return table;
}
constexpr std::array<EscapedByte, 256> kEscapedBytes = make_escaped_bytes();

void append_escaped(std::string_view bytes, std::string* out) {
  // Writes a chunk at a time into room for its worst case (every byte
  // octal), then trims: this runs over tens of megabytes of tensor_content,
  // and a chunk keeps the scratch room small.
  constexpr size_t kChunk = 16384;
  for (size_t chunk_start = 0; chunk_start < bytes.size(); chunk_start += kChunk) {
    std::string_view chunk = bytes.substr(chunk_start, kChunk);
    size_t start = out->size();
    out->resize(start + chunk.size() * 4);
    char* write = out->data() + start;
    for (char byte : chunk) {
      const EscapedByte& escaped = kEscapedBytes[static_cast<unsigned char>(byte)];
      std::memcpy(write, escaped.text, 4);
      write += escaped.length;
    }
    out->resize(static_cast<size_t>(write - out->data()));
  }
}

template <typename Integer>
void append_integer(Integer value, std::string* out) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out->append(buffer, result.ptr);
}

// snprintf honours the C locale; keep a '.' radix whatever the locale says.
void append_formatted(const char* buffer, std::string* out) {
  for (const char* p = buffer; *p; ++p) out->push_back(*p == ',' ? '.' : *p);
}

// The shortest of 6 or 9 significant digits that reads back as the same float.
void append_float(float value, std::string* out) {
  if (std::isnan(value) || std::isinf(value)) {
    out->append(std::isnan(value) ? "nan" : value < 0 ? "-inf" : "inf");
    return;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*g", 6, static_cast<double>(value));
  if (std::strtof(buffer, nullptr) != value)
    std::snprintf(buffer, sizeof(buffer), "%.*g", 9, static_cast<double>(value));
  append_formatted(buffer, out);
}

// The same for doubles with 15 or 17 digits.
void append_double(double value, std::string* out) {
  if (std::isnan(value) || std::isinf(value)) {
    out->append(std::isnan(value) ? "nan" : value < 0 ? "-inf" : "inf");
    return;
  }
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.*g", 15, value);
  if (std::strtod(buffer, nullptr) != value) std::snprintf(buffer, sizeof(buffer), "%.*g", 17, value);
  append_formatted(buffer, out);
}

class TextPrinter {
 public:
  explicit TextPrinter(std::string* out) : out_(*out) {}

  // Prints every field of a message's wire bytes at `depth`. Fields the table
  // does not know (unknown fields kept by protobuf-lite) are skipped.
  void print_fields(std::string_view wire, const MessageInfo& info, int depth) {
    WireCursor cursor(wire);
    while (!cursor.at_end()) {
      uint64_t tag;
      if (!cursor.read_varint(&tag)) return;
      uint32_t number = static_cast<uint32_t>(tag >> 3);
      int wire_type = static_cast<int>(tag & 7);
      const FieldInfo* field = field_by_number(info, number);
      bool printed = false;
      if (field && wire_type == wire_type_of(field->kind)) {
        if (!print_value(&cursor, wire_type, *field, depth)) return;
        printed = true;
      } else if (field && field->repeated && wire_type == kLengthDelimited) {
        std::string_view packed;
        if (!cursor.read_length_delimited(&packed)) return;
        print_packed(packed, *field, depth);
        printed = true;
      }
      if (!printed && !cursor.skip(wire_type, number)) return;
    }
  }

  void print_message(const FieldInfo& field, std::string_view wire, int depth) {
    indent(depth);
    out_ += field.name;
    out_ += " {\n";
    print_fields(wire, *field.message, depth + 1);
    indent(depth);
    out_ += "}\n";
  }

  // Scalar fields from the raw wire value (varint or fixed-width bits).
  void print_scalar(const FieldInfo& field, uint64_t raw, int depth) {
    indent(depth);
    out_ += field.name;
    out_ += ": ";
    switch (field.kind) {
      case Kind::kInt32: append_integer(static_cast<int32_t>(static_cast<uint32_t>(raw)), &out_); break;
      case Kind::kInt64: append_integer(static_cast<int64_t>(raw), &out_); break;
      case Kind::kUint32: append_integer(static_cast<uint32_t>(raw), &out_); break;
      case Kind::kUint64:
      case Kind::kFixed64: append_integer(raw, &out_); break;
      case Kind::kBool: out_ += raw != 0 ? "true" : "false"; break;
      case Kind::kFloat: {
        uint32_t bits = static_cast<uint32_t>(raw);
        float value;
        std::memcpy(&value, &bits, sizeof(value));
        append_float(value, &out_);
        break;
      }
      case Kind::kDouble: {
        double value;
        std::memcpy(&value, &raw, sizeof(value));
        append_double(value, &out_);
        break;
      }
      case Kind::kDataType: {
        int32_t value = static_cast<int32_t>(static_cast<uint32_t>(raw));
        int base = value > kRefOffset ? value - kRefOffset : value;
        if (base >= 0 && base < kDataTypeCount && value != kRefOffset) {
          out_ += kDataTypeNames[base];
          if (value > kRefOffset) out_ += "_REF";
        } else {
          append_integer(value, &out_);  // a number the enum does not name
        }
        break;
      }
      case Kind::kString:
      case Kind::kBytes:
      case Kind::kMessage: break;  // not scalars; never reached
    }
    out_ += '\n';
  }

  // A line for a field whose message could not be serialized.
  void print_omission(const FieldInfo& field, int depth) {
    indent(depth);
    out_ += "# ";
    out_ += field.name;
    out_ += " omitted: 2 GiB or larger, protobuf cannot serialize it\n";
  }

 private:
  bool print_value(WireCursor* cursor, int wire_type, const FieldInfo& field, int depth) {
    uint64_t raw = 0;
    switch (wire_type) {
      case kVarint:
        if (!cursor->read_varint(&raw)) return false;
        break;
      case kFixed64Wire:
        if (!cursor->read_fixed(8, &raw)) return false;
        break;
      case kFixed32Wire:
        if (!cursor->read_fixed(4, &raw)) return false;
        break;
      default: {
        std::string_view payload;
        if (!cursor->read_length_delimited(&payload)) return false;
        if (field.kind == Kind::kMessage) {
          print_message(field, payload, depth);
        } else {
          indent(depth);
          out_ += field.name;
          out_ += ": \"";
          append_escaped(payload, &out_);
          out_ += "\"\n";
        }
        return true;
      }
    }
    print_scalar(field, raw, depth);
    return true;
  }

  // Packed repeated numbers print one value per line.
  void print_packed(std::string_view packed, const FieldInfo& field, int depth) {
    WireCursor cursor(packed);
    int wire_type = wire_type_of(field.kind);
    while (!cursor.at_end())
      if (!print_value(&cursor, wire_type, field, depth)) return;
  }

  void indent(int depth) { out_.append(static_cast<size_t>(depth) * 2, ' '); }

  std::string& out_;
};

// ---------------------------------------------------------------------------
// Reader.

struct Token {
  enum Type { kEnd, kIdentifier, kInteger, kFloat, kString, kSymbol };
  Type type = kEnd;
  std::string_view text;
  size_t offset = 0;
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) { return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// Writes a code point as UTF-8; returns the end of what was written.
char* write_utf8(uint32_t code_point, char* out) {
  if (code_point < 0x80) {
    *out++ = static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    *out++ = static_cast<char>(0xc0 | (code_point >> 6));
    *out++ = static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    *out++ = static_cast<char>(0xe0 | (code_point >> 12));
    *out++ = static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    *out++ = static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    *out++ = static_cast<char>(0xf0 | (code_point >> 18));
    *out++ = static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    *out++ = static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    *out++ = static_cast<char>(0x80 | (code_point & 0x3f));
  }
  return out;
}

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF),
// which protobuf requires of proto3 `string` fields.
bool is_valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int length;
    uint32_t code_point, minimum;
    if ((c & 0xe0) == 0xc0) length = 2, code_point = c & 0x1f, minimum = 0x80;
    else if ((c & 0xf0) == 0xe0) length = 3, code_point = c & 0x0f, minimum = 0x800;
    else if ((c & 0xf8) == 0xf0) length = 4, code_point = c & 0x07, minimum = 0x10000;
    else return false;
    if (text.size() - i < static_cast<size_t>(length)) return false;
    for (int k = 1; k < length; ++k) {
      unsigned char continuation = static_cast<unsigned char>(text[i + k]);
      if ((continuation & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3f);
    }
    if (code_point < minimum || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

// Nesting deeper than this is refused (protobuf's own parser stops at 100).
constexpr int kMaxNesting = 100;

// Which fields of one message the text has given so far, to refuse a
// non-repeated field given twice, as protobuf's parser does.
struct FieldsGiven {
  uint64_t singular = 0;          // bit i: fields[i] (tables have fewer than 64 fields)
  const FieldInfo* oneof = nullptr;  // the member that set the message's oneof
};

class TextReader {
 public:
  explicit TextReader(std::string_view text) : text_(text) {}

  Status read_graph(tensorflow::GraphDef* graph) {
    MQ_RETURN_IF_ERROR(advance());
    FieldsGiven given;
    while (token_.type != Token::kEnd) {
      size_t field_offset = token_.offset;
      if (is_symbol('}') || is_symbol('>'))
        return fail_here("'" + std::string(token_.text) + "' closes nothing: there is no open message here");
      MQ_RETURN_IF_ERROR(read_field(kGraphDef, &given, 0));
      // One top-level field at a time: the wire bytes never hold more than
      // one node (or the library), whatever the size of the graph.
      if (wire_.size() > static_cast<size_t>(INT_MAX))
        return fail(field_offset, "this field is 2 GiB or larger once encoded; protobuf cannot hold it");
      if (!graph->MergeFromString(wire_))
        return Status::internal(position(field_offset) + ": protobuf refused the encoded field starting here");
      wire_.clear();
    }
    return Status::ok();
  }

 private:
  // -- tokens ---------------------------------------------------------------

  Status advance() {
    const size_t size = text_.size();
    while (pos_ < size) {
      char c = text_[pos_];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
        ++pos_;
      } else if (c == '#') {
        size_t end_of_line = text_.find('\n', pos_);
        pos_ = end_of_line == std::string_view::npos ? size : end_of_line + 1;
      } else {
        break;
      }
    }
    token_.offset = pos_;
    if (pos_ >= size) {
      token_.type = Token::kEnd;
      token_.text = {};
      return Status::ok();
    }
    const size_t start = pos_;
    char c = text_[pos_];
    if (is_letter(c)) {
      while (pos_ < size && (is_letter(text_[pos_]) || is_digit(text_[pos_]))) ++pos_;
      token_.type = Token::kIdentifier;
    } else if (is_digit(c) || (c == '.' && pos_ + 1 < size && is_digit(text_[pos_ + 1]))) {
      MQ_RETURN_IF_ERROR(lex_number());
    } else if (c == '"' || c == '\'') {
      MQ_RETURN_IF_ERROR(lex_string());
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      return fail(pos_, std::string("unexpected byte ") + hex + " outside a quoted string");
    } else {
      ++pos_;
      token_.type = Token::kSymbol;
    }
    token_.text = text_.substr(start, pos_ - start);
    return Status::ok();
  }

  Status lex_number() {
    const size_t size = text_.size();
    const size_t start = pos_;
    bool is_float = false;
    if (text_[pos_] == '0' && pos_ + 1 < size && (text_[pos_ + 1] | 0x20) == 'x') {
      pos_ += 2;
      if (pos_ >= size || !is_hex_digit(text_[pos_])) return fail(start, "'0x' must be followed by hex digits");
      while (pos_ < size && is_hex_digit(text_[pos_])) ++pos_;
    } else {
      while (pos_ < size && is_digit(text_[pos_])) ++pos_;
      if (pos_ < size && text_[pos_] == '.') {
        is_float = true;
        ++pos_;
        while (pos_ < size && is_digit(text_[pos_])) ++pos_;
      }
      if (pos_ < size && (text_[pos_] | 0x20) == 'e') {
        is_float = true;
        ++pos_;
        if (pos_ < size && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
        if (pos_ >= size || !is_digit(text_[pos_])) return fail(start, "the exponent of this number has no digits");
        while (pos_ < size && is_digit(text_[pos_])) ++pos_;
      }
      if (pos_ < size && (text_[pos_] | 0x20) == 'f') {  // 1.0f
        is_float = true;
        ++pos_;
      }
      if (!is_float && text_[start] == '0') {
        for (size_t i = start + 1; i < pos_; ++i)
          if (text_[i] > '7')
            return fail(start, "'" + std::string(text_.substr(start, pos_ - start)) +
                                   "' starts with 0, so it is octal, but holds the digit 8 or 9");
      }
    }
    if (pos_ < size && (is_letter(text_[pos_]) || is_digit(text_[pos_]) || text_[pos_] == '.'))
      return fail(pos_, "a number must be followed by a space or punctuation, not '" +
                            std::string(1, text_[pos_]) + "'");
    token_.type = is_float ? Token::kFloat : Token::kInteger;
    return Status::ok();
  }

  Status lex_string() {
    const size_t size = text_.size();
    const size_t start = pos_;
    const char quote = text_[pos_];
    // memchr finds candidate closing quotes quickly (string literals can be
    // tens of megabytes of tensor_content); a quote preceded by an odd
    // number of backslashes is escaped and does not close the string.
    size_t search_from = start + 1;
    while (true) {
      const char* found = static_cast<const char*>(std::memchr(text_.data() + search_from, quote, size - search_from));
      size_t end = found ? static_cast<size_t>(found - text_.data()) : size;
      if (std::memchr(text_.data() + search_from, '\n', end - search_from))
        return fail(start, "this string is not terminated: the line ends before its closing quote");
      if (!found) return fail(start, "this string is not terminated: the text ends before its closing quote");
      size_t backslashes = 0;
      while (end - backslashes - 1 > start && text_[end - backslashes - 1] == '\\') ++backslashes;
      search_from = end + 1;
      if (backslashes % 2 == 0) break;
    }
    pos_ = search_from;
    token_.type = Token::kString;
    return Status::ok();
  }

  bool is_symbol(char symbol) const {
    return token_.type == Token::kSymbol && token_.text[0] == symbol;
  }

  // -- errors ---------------------------------------------------------------

  std::string position(size_t offset) const {
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return "line " + std::to_string(line) + ":" + std::to_string(offset - line_start + 1);
  }
  Status fail(size_t offset, const std::string& message) const {
    return Status::error(position(offset) + ": " + message);
  }
  Status fail_here(const std::string& message) const { return fail(token_.offset, message); }

  std::string describe_token() const {
    if (token_.type == Token::kEnd) return "the end of the text";
    std::string_view text = token_.text;
    if (text.size() > 40) return "'" + std::string(text.substr(0, 37)) + "...'";
    return "'" + std::string(text) + "'";
  }
  static std::string describe_field(const FieldInfo& field, const MessageInfo& owner) {
    return "field '" + std::string(field.name) + "' of " + owner.name;
  }

  // -- wire output ----------------------------------------------------------

  void put_varint(uint64_t value) {
    while (value >= 0x80) {
      wire_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    wire_.push_back(static_cast<char>(value));
  }
  void put_tag(uint32_t number, int wire_type) { put_varint((static_cast<uint64_t>(number) << 3) | wire_type); }
  void put_fixed(uint64_t value, int byte_count) {
    for (int i = 0; i < byte_count; ++i) wire_.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
  // A length-delimited value whose length is not known yet: 5 bytes are kept
  // and later filled with the length as a padded varint (0x80-continued bytes
  // are a valid varint of the same value), so nothing has to move.
  size_t begin_length() {
    wire_.append(5, '\0');
    return wire_.size();
  }
  Status end_length(size_t content_start, size_t offset) {
    size_t length = wire_.size() - content_start;
    if (length > static_cast<size_t>(INT_MAX) - 64)
      return fail(offset, "this value is 2 GiB or larger once encoded; protobuf cannot hold it");
    char* p = wire_.data() + content_start - 5;
    for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(((length >> (7 * i)) & 0x7f) | 0x80);
    p[4] = static_cast<char>(length >> 28);
    return Status::ok();
  }

  // -- grammar --------------------------------------------------------------

  // name (':' value | ':'? message | ':' '[' values ']' | ':'? '[' messages ']') (',' | ';')?
  Status read_field(const MessageInfo& owner, FieldsGiven* given, int depth) {
    if (is_symbol('['))
      return fail_here(std::string("extension and Any fields ('[...]') do not exist in ") + owner.name);
    if (token_.type != Token::kIdentifier) return fail_here("expected a field name, found " + describe_token());
    const FieldInfo* field = nullptr;
    for (size_t i = 0; i < owner.field_count; ++i) {
      if (token_.text == owner.fields[i].name) {
        field = &owner.fields[i];
        if (!field->repeated) {
          uint64_t bit = uint64_t{1} << i;
          if (given->singular & bit)
            return fail_here(describe_field(*field, owner) + " is given more than once, but it is not repeated");
          given->singular |= bit;
        }
        break;
      }
    }
    if (!field) return fail_here("unknown field '" + std::string(token_.text) + "' in " + owner.name);
    if (field->in_oneof) {
      if (given->oneof)
        return fail_here(describe_field(*field, owner) + " cannot be given together with '" + given->oneof->name +
                         "': both belong to the same oneof");
      given->oneof = field;
    }
    const size_t name_offset = token_.offset;
    MQ_RETURN_IF_ERROR(advance());

    bool has_colon = is_symbol(':');
    if (has_colon) MQ_RETURN_IF_ERROR(advance());
    if (field->kind != Kind::kMessage && !has_colon)
      return fail_here("expected ':' after '" + std::string(field->name) + "', found " + describe_token());

    if (is_symbol('[')) {
      if (!field->repeated)
        return fail_here(describe_field(*field, owner) + " is not repeated, so it cannot take a list [...]");
      MQ_RETURN_IF_ERROR(advance());
      if (is_symbol(']')) {
        MQ_RETURN_IF_ERROR(advance());
      } else {
        while (true) {
          MQ_RETURN_IF_ERROR(read_value(*field, owner, name_offset, depth));
          if (is_symbol(']')) break;
          if (!is_symbol(','))
            return fail_here("expected ',' or ']' in the list of '" + std::string(field->name) + "', found " +
                             describe_token());
          MQ_RETURN_IF_ERROR(advance());
        }
        MQ_RETURN_IF_ERROR(advance());
      }
    } else {
      MQ_RETURN_IF_ERROR(read_value(*field, owner, name_offset, depth));
    }
    if (is_symbol(',') || is_symbol(';')) MQ_RETURN_IF_ERROR(advance());
    return Status::ok();
  }

  Status read_value(const FieldInfo& field, const MessageInfo& owner, size_t name_offset, int depth) {
    switch (field.kind) {
      case Kind::kMessage: return read_message(field, name_offset, depth);
      case Kind::kString:
      case Kind::kBytes: return read_string(field, owner);
      case Kind::kBool: return read_bool(field, owner);
      case Kind::kFloat:
      case Kind::kDouble: return read_floating(field, owner);
      case Kind::kDataType: return read_data_type(field, owner);
      default: return read_integer(field, owner);
    }
  }

  // '{' fields '}' or '<' fields '>'
  Status read_message(const FieldInfo& field, size_t name_offset, int depth) {
    char closer;
    if (is_symbol('{')) closer = '}';
    else if (is_symbol('<')) closer = '>';
    else return fail_here("expected '{' to open '" + std::string(field.name) + "', found " + describe_token());
    if (depth + 1 > kMaxNesting)
      return fail_here("messages are nested more than " + std::to_string(kMaxNesting) + " levels deep");
    const size_t open_offset = token_.offset;
    MQ_RETURN_IF_ERROR(advance());
    put_tag(field.number, kLengthDelimited);
    size_t content_start = begin_length();
    FieldsGiven given;
    while (!is_symbol(closer)) {
      if (token_.type == Token::kEnd)
        return fail_here(std::string("the text ends before '") + closer + "' closes '" + field.name +
                         "' (opened at " + position(open_offset) + ")");
      if (is_symbol('}') || is_symbol('>'))
        return fail_here(std::string("expected '") + closer + "' to close '" + field.name + "' (opened at " +
                         position(open_offset) + "), found " + describe_token());
      MQ_RETURN_IF_ERROR(read_field(*field.message, &given, depth + 1));
    }
    MQ_RETURN_IF_ERROR(advance());
    return end_length(content_start, name_offset);
  }

  // One or more adjacent string literals, concatenated.
  Status read_string(const FieldInfo& field, const MessageInfo& owner) {
    if (token_.type != Token::kString)
      return fail_here("expected a quoted string for " + describe_field(field, owner) + ", found " +
                       describe_token());
    const size_t value_offset = token_.offset;
    put_tag(field.number, kLengthDelimited);
    size_t content_start = begin_length();
    while (token_.type == Token::kString) {
      MQ_RETURN_IF_ERROR(decode_string_token());
      MQ_RETURN_IF_ERROR(advance());
    }
    if (field.kind == Kind::kString &&
        !is_valid_utf8(std::string_view(wire_).substr(content_start)))
      return fail(value_offset, describe_field(field, owner) +
                                    " must be UTF-8 text; its escapes make invalid UTF-8 (only bytes fields may)");
    return end_length(content_start, value_offset);
  }

  // Appends the bytes a quoted literal stands for (C escapes, \x, octal, \u).
  Status decode_string_token() {
    std::string_view literal = token_.text.substr(1, token_.text.size() - 2);
    const size_t base = token_.offset + 1;
    // No escape decodes to more bytes than it is written with, so the
    // literal's length is room enough; the wire is trimmed afterwards.
    const size_t start = wire_.size();
    wire_.resize(start + literal.size());
    char* out = wire_.data() + start;
    const size_t size = literal.size();
    size_t i = 0;
    while (i < size) {
      char c = literal[i++];
      if (c != '\\') {
        *out++ = c;
        continue;
      }
      const size_t escape_offset = base + i - 1;
      c = literal[i++];  // the lexer guarantees a character after a backslash
      switch (c) {
        case 'a': *out++ = '\a'; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'v': *out++ = '\v'; break;
        case '\\': case '?': case '\'': case '"': *out++ = c; break;
        case 'x': case 'X': {
          if (i >= size || !is_hex_digit(literal[i]))
            return fail(escape_offset, "'\\x' must be followed by hex digits");
          int value = 0;
          for (int k = 0; k < 2 && i < size && is_hex_digit(literal[i]); ++k)
            value = value * 16 + hex_value(literal[i++]);
          *out++ = static_cast<char>(value);
          break;
        }
        case 'u': case 'U': {
          uint32_t code_point;
          if (!read_hex_digits(literal, &i, c == 'u' ? 4 : 8, &code_point) || code_point > 0x10ffff)
            return fail(escape_offset, std::string("'\\") + c + "' must be followed by " + (c == 'u' ? "4" : "8") +
                                           " hex digits naming a Unicode code point");
          // A UTF-16 surrogate pair written as two \u escapes.
          uint32_t low;
          size_t after = i + 2;
          if (code_point >= 0xd800 && code_point < 0xdc00 && i + 1 < size && literal[i] == '\\' &&
              literal[i + 1] == 'u' && read_hex_digits(literal, &after, 4, &low) && low >= 0xdc00 && low < 0xe000) {
            code_point = 0x10000 + ((code_point - 0xd800) << 10) + (low - 0xdc00);
            i = after;
          }
          out = write_utf8(code_point, out);
          break;
        }
        default:
          if (c >= '0' && c <= '7') {
            int value = c - '0';
            for (int k = 0; k < 2 && i < size && literal[i] >= '0' && literal[i] <= '7'; ++k)
              value = value * 8 + (literal[i++] - '0');
            *out++ = static_cast<char>(value);
            break;
          }
          return fail(escape_offset, std::string("unknown escape '\\") + c + "' in a string");
      }
    }
    wire_.resize(static_cast<size_t>(out - wire_.data()));
    return Status::ok();
  }

  static bool read_hex_digits(std::string_view text, size_t* i, int count, uint32_t* value) {
    if (text.size() - *i < static_cast<size_t>(count)) return false;
    uint32_t result = 0;
    for (int k = 0; k < count; ++k) {
      char c = text[*i + k];
      if (!is_hex_digit(c)) return false;
      result = result * 16 + hex_value(c);
    }
    *i += count;
    *value = result;
    return true;
  }

  // Decimal, 0x hex or 0-prefixed octal magnitude of the current integer token.
  bool integer_magnitude(uint64_t* magnitude) const {
    std::string_view text = token_.text;
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] | 0x20) == 'x') {
      base = 16;
      text.remove_prefix(2);
    } else if (text.size() > 1 && text[0] == '0') {
      base = 8;
      text.remove_prefix(1);
    }
    uint64_t result = 0;
    for (char c : text) {
      uint64_t digit = static_cast<uint64_t>(hex_value(c));
      if (result > (std::numeric_limits<uint64_t>::max() - digit) / base) return false;
      result = result * base + digit;
    }
    *magnitude = result;
    return true;
  }

  // An optionally negative integer within [minimum, maximum]; `value` holds
  // its two's complement bits.
  Status read_signed(const FieldInfo& field, const MessageInfo& owner, int64_t minimum, uint64_t maximum,
                     uint64_t* value) {
    const size_t value_offset = token_.offset;
    bool negative = is_symbol('-');
    if (negative) MQ_RETURN_IF_ERROR(advance());
    if (token_.type != Token::kInteger)
      return fail_here("expected an integer for " + describe_field(field, owner) + ", found " + describe_token());
    uint64_t magnitude = 0;
    bool fits = integer_magnitude(&magnitude);
    if (negative) {
      if (minimum == 0 && magnitude != 0)
        return fail(value_offset, describe_field(field, owner) + " is unsigned; it cannot be negative");
      fits = fits && magnitude <= static_cast<uint64_t>(-(minimum + 1)) + 1;
    } else {
      fits = fits && magnitude <= maximum;
    }
    if (!fits)
      return fail(value_offset, std::string(negative ? "-" : "") + std::string(token_.text) +
                                    " is out of range for " + describe_field(field, owner));
    *value = negative ? 0 - magnitude : magnitude;
    return advance();
  }

  Status read_integer(const FieldInfo& field, const MessageInfo& owner) {
    uint64_t value = 0;
    switch (field.kind) {
      case Kind::kInt32:
        MQ_RETURN_IF_ERROR(read_signed(field, owner, INT32_MIN, INT32_MAX, &value));
        break;
      case Kind::kInt64:
        MQ_RETURN_IF_ERROR(read_signed(field, owner, INT64_MIN, INT64_MAX, &value));
        break;
      case Kind::kUint32:
        MQ_RETURN_IF_ERROR(read_signed(field, owner, 0, UINT32_MAX, &value));
        break;
      default:  // kUint64, kFixed64
        MQ_RETURN_IF_ERROR(read_signed(field, owner, 0, UINT64_MAX, &value));
        break;
    }
    put_tag(field.number, wire_type_of(field.kind));
    if (field.kind == Kind::kFixed64) put_fixed(value, 8);
    else put_varint(value);  // a negative int32 is sign-extended to 10 bytes, as protobuf writes it
    return Status::ok();
  }

  Status read_bool(const FieldInfo& field, const MessageInfo& owner) {
    bool value;
    std::string_view text = token_.text;
    if (token_.type == Token::kIdentifier && (text == "true" || text == "True" || text == "t")) {
      value = true;
    } else if (token_.type == Token::kIdentifier && (text == "false" || text == "False" || text == "f")) {
      value = false;
    } else if (token_.type == Token::kInteger && (text == "0" || text == "1")) {
      value = text == "1";
    } else {
      return fail_here("expected true or false for " + describe_field(field, owner) + ", found " + describe_token());
    }
    put_tag(field.number, kVarint);
    put_varint(value ? 1 : 0);
    return advance();
  }

  // Numbers (1, 1.5, 1e-3, 1.0f, 0x10), inf, infinity, nan, each optionally negative.
  Status read_floating(const FieldInfo& field, const MessageInfo& owner) {
    bool negative = is_symbol('-');
    if (negative) MQ_RETURN_IF_ERROR(advance());
    double value;
    if (token_.type == Token::kFloat) {
      std::string text(token_.text);
      if ((text.back() | 0x20) == 'f') text.pop_back();
      value = std::strtod(text.c_str(), nullptr);
    } else if (token_.type == Token::kInteger) {
      uint64_t magnitude;
      if (!integer_magnitude(&magnitude)) return fail_here(describe_token() + " is too large");
      value = static_cast<double>(magnitude);
    } else if (token_.type == Token::kIdentifier &&
               (equals_ignoring_case(token_.text, "inf") || equals_ignoring_case(token_.text, "infinity"))) {
      value = std::numeric_limits<double>::infinity();
    } else if (token_.type == Token::kIdentifier && equals_ignoring_case(token_.text, "nan")) {
      value = std::numeric_limits<double>::quiet_NaN();
    } else {
      return fail_here("expected a number for " + describe_field(field, owner) + ", found " + describe_token());
    }
    if (negative) value = -value;
    if (field.kind == Kind::kDouble) {
      uint64_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      put_tag(field.number, kFixed64Wire);
      put_fixed(bits, 8);
    } else {
      // Values that would round beyond the largest float become infinities
      // (a plain cast of those is undefined); the rest round to nearest.
      constexpr double kFloatOverflow = 0x1.ffffffp127;  // halfway from FLT_MAX to 2^128
      float narrow = value >= kFloatOverflow    ? std::numeric_limits<float>::infinity()
                     : value <= -kFloatOverflow ? -std::numeric_limits<float>::infinity()
                                                : static_cast<float>(value);
      uint32_t bits;
      std::memcpy(&bits, &narrow, sizeof(bits));
      put_tag(field.number, kFixed32Wire);
      put_fixed(bits, 4);
    }
    return advance();
  }

  // DT_FLOAT, DT_FLOAT_REF, or a number (open enum: any int32).
  Status read_data_type(const FieldInfo& field, const MessageInfo& owner) {
    uint64_t value = 0;
    if (token_.type == Token::kIdentifier) {
      int32_t named;
      if (!data_type_from_name(token_.text, &named))
        return fail_here("unknown DataType '" + std::string(token_.text) + "' for " + describe_field(field, owner) +
                         " (expected a name such as DT_FLOAT, or a number)");
      value = static_cast<uint64_t>(static_cast<int64_t>(named));
      MQ_RETURN_IF_ERROR(advance());
    } else if (token_.type == Token::kInteger || is_symbol('-')) {
      MQ_RETURN_IF_ERROR(read_signed(field, owner, INT32_MIN, INT32_MAX, &value));
    } else {
      return fail_here("expected a DataType such as DT_FLOAT for " + describe_field(field, owner) + ", found " +
                       describe_token());
    }
    put_tag(field.number, kVarint);
    put_varint(value);
    return Status::ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
  Token token_;
  std::string wire_;  // the encoded top-level field being read
};

}  // namespace

Status parse_text_graph(std::string_view text, tensorflow::GraphDef* graph) {
  graph->Clear();
  TextReader reader(text);
  Status status = reader.read_graph(graph);
  if (!status.is_ok()) graph->Clear();
  return status;
}

std::string print_text_graph(const tensorflow::GraphDef& graph) {
  std::string out;
  // Text takes about 3 bytes per binary byte when tensor_content dominates
  // (most bytes print as octal escapes); reserving avoids copying tens of
  // megabytes while the text grows.
  out.reserve(graph.ByteSizeLong() * 3);
  TextPrinter printer(&out);
  // Each top-level message is serialized on its own: a graph over 2 GiB in
  // memory still prints, and only one node's wire bytes exist at a time.
  std::string wire;
  auto print_message = [&](const FieldInfo& field, const google::protobuf::MessageLite& message) {
    if (serialize_deterministically(message, &wire)) printer.print_message(field, wire, 0);
    else printer.print_omission(field, 0);
  };
  const FieldInfo& node_field = *field_by_number(kGraphDef, 1);
  for (const tensorflow::NodeDef& node : graph.node()) print_message(node_field, node);
  if (graph.has_library()) print_message(*field_by_number(kGraphDef, 2), graph.library());
  // `version` is deprecated upstream but still read and written, like every field.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  const int64_t version = graph.version();
#pragma GCC diagnostic pop
  if (version != 0) printer.print_scalar(*field_by_number(kGraphDef, 3), static_cast<uint64_t>(version), 0);
  if (graph.has_versions()) print_message(*field_by_number(kGraphDef, 4), graph.versions());
  if (graph.has_debug_info()) print_message(*field_by_number(kGraphDef, 5), graph.debug_info());
  return out;
}

}  // namespace mq
