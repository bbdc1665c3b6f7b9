#include "core/io/graph_io.h"

#include <cstdint>
#include <cstring>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/wire_format_lite.h>

#include "core/io/file.h"
#include "core/io/text_format.h"

namespace mq {
namespace {

bool starts_with(std::string_view bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && bytes.substr(0, prefix.size()) == prefix;
}

// Reads a varint at `pos`; false if it runs past the end or is over 10 bytes.
bool read_varint(std::string_view bytes, size_t* pos, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= bytes.size()) return false;
    uint8_t b = static_cast<uint8_t>(bytes[(*pos)++]);
    if (shift < 64) result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

struct WireField {
  uint32_t number = 0;
  int wire_type = 0;
  size_t start = 0;          // offset of the tag
  size_t payload_start = 0;  // offset of the value (after a length prefix)
  uint64_t payload_size = 0; // for length-delimited fields
};

// Walks one level of protobuf wire format. Returns an empty string when the
// bytes are well formed, otherwise a description of the first problem.
std::string walk_fields(std::string_view bytes, std::vector<WireField>* fields) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    WireField f;
    f.start = pos;
    uint64_t tag = 0;
    if (!read_varint(bytes, &pos, &tag)) return "a field tag at byte " + std::to_string(f.start) + " is cut off";
    f.number = static_cast<uint32_t>(tag >> 3);
    f.wire_type = static_cast<int>(tag & 7);
    if (f.number == 0) return "byte " + std::to_string(f.start) + " holds field number 0, which is invalid";
    switch (f.wire_type) {
      case 0: {
        uint64_t v;
        if (!read_varint(bytes, &pos, &v))
          return "a number at byte " + std::to_string(f.start) + " is cut off";
        break;
      }
      case 1:
        if (bytes.size() - pos < 8) return "an 8-byte value at byte " + std::to_string(f.start) + " is cut off";
        pos += 8;
        break;
      case 5:
        if (bytes.size() - pos < 4) return "a 4-byte value at byte " + std::to_string(f.start) + " is cut off";
        pos += 4;
        break;
      case 2: {
        uint64_t len;
        if (!read_varint(bytes, &pos, &len))
          return "a length at byte " + std::to_string(f.start) + " is cut off";
        if (len > bytes.size() - pos)
          return "field " + std::to_string(f.number) + " at byte " + std::to_string(f.start) + " declares " +
                 std::to_string(len) + " bytes but only " + std::to_string(bytes.size() - pos) + " remain";
        f.payload_start = pos;
        f.payload_size = len;
        pos += static_cast<size_t>(len);
        break;
      }
      default:
        return "byte " + std::to_string(f.start) + " has wire type " + std::to_string(f.wire_type) +
               ", which no GraphDef field uses";
    }
    if (fields) fields->push_back(f);
  }
  return "";
}

// Wire types the schema gives the fields of GraphDef, NodeDef, a node's attr
// map entries and AttrValue (-1: a field this check does not know).
constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;

int graph_field_wire_type(uint32_t number) {
  switch (number) {
    case 1: case 2: case 4: case 5: return kLengthDelimited;
    case 3: return kVarint;
    default: return -1;
  }
}
int node_field_wire_type(uint32_t number) { return number >= 1 && number <= 7 ? kLengthDelimited : -1; }
int attr_entry_wire_type(uint32_t number) { return number == 1 || number == 2 ? kLengthDelimited : -1; }
int attr_value_wire_type(uint32_t number) {
  switch (number) {
    case 3: case 5: case 6: return kVarint;
    case 4: return kFixed32;
    default: return number >= 1 && number <= 10 ? kLengthDelimited : -1;
  }
}

const char* wire_type_name(int wire_type) {
  switch (wire_type) {
    case kVarint: return "a number (varint)";
    case kFixed64: return "an 8-byte value";
    case kLengthDelimited: return "length-delimited bytes";
    case kFixed32: return "a 4-byte value";
    default: return "a group";
  }
}

// Protobuf reads a known field number with an unexpected wire type as an
// unknown field and drops it silently: a node, a name or an attribute would
// vanish from a damaged file. This walks GraphDef → NodeDef → attr → AttrValue
// (never deeper, so it needs no recursion) and describes the first field whose
// wire type the schema does not allow, or returns "".
// Runs a nested walk and returns its problem, if any, from the caller.
#define MQ_WIRE_NESTED(call)                                   \
  do {                                                        \
    std::string nested_problem = nested([&] { return call; }); \
    if (!nested_problem.empty()) return nested_problem;        \
  } while (false)

class WireTypeCheck {
 public:
  explicit WireTypeCheck(google::protobuf::io::CodedInputStream& in) : in_(in) {}

  std::string graph() {
    int node_index = 0;
    while (uint32_t tag = in_.ReadTag()) {
      uint32_t number = tag >> 3;
      int wire_type = static_cast<int>(tag & 7);
      std::string problem = expect(number, wire_type, graph_field_wire_type(number), "GraphDef", "");
      if (!problem.empty()) return problem;
      if (number == 1) {
        std::string where = "node #" + std::to_string(node_index++);
        MQ_WIRE_NESTED(node(where));
      } else if (!skip(tag)) {
        return "";
      }
    }
    return "";
  }

 private:
  // Enters a length-delimited payload, runs `body`, and leaves it.
  template <typename Body>
  std::string nested(Body&& body) {
    uint32_t length = 0;
    if (!in_.ReadVarint32(&length)) return "";
    auto limit = in_.PushLimit(static_cast<int>(length));
    std::string problem = body();
    in_.PopLimit(limit);
    return problem;
  }
  std::string node(const std::string& where) {
    std::string name;
    while (uint32_t tag = in_.ReadTag()) {
      uint32_t number = tag >> 3;
      int wire_type = static_cast<int>(tag & 7);
      std::string label = name.empty() ? where : where + " ('" + name + "')";
      std::string problem = expect(number, wire_type, node_field_wire_type(number), "NodeDef", label);
      if (!problem.empty()) return problem;
      if (number == 1) {
        uint32_t length = 0;
        if (!in_.ReadVarint32(&length) || !in_.ReadString(&name, static_cast<int>(length))) return "";
      } else if (number == 5) {
        MQ_WIRE_NESTED(attr_entry(label));
      } else if (!skip(tag)) {
        return "";
      }
    }
    return "";
  }

  std::string attr_entry(const std::string& where) {
    std::string key;
    while (uint32_t tag = in_.ReadTag()) {
      uint32_t number = tag >> 3;
      int wire_type = static_cast<int>(tag & 7);
      std::string problem = expect(number, wire_type, attr_entry_wire_type(number), "an attr entry", where);
      if (!problem.empty()) return problem;
      if (number == 1) {
        uint32_t length = 0;
        if (!in_.ReadVarint32(&length) || !in_.ReadString(&key, static_cast<int>(length))) return "";
      } else if (number == 2) {
        MQ_WIRE_NESTED(attr_value(where + " attribute '" + key + "'"));
      } else if (!skip(tag)) {
        return "";
      }
    }
    return "";
  }

  std::string attr_value(const std::string& where) {
    while (uint32_t tag = in_.ReadTag()) {
      uint32_t number = tag >> 3;
      int wire_type = static_cast<int>(tag & 7);
      std::string problem = expect(number, wire_type, attr_value_wire_type(number), "AttrValue", where);
      if (!problem.empty()) return problem;
      if (!skip(tag)) return "";
    }
    return "";
  }
  std::string expect(uint32_t number, int wire_type, int expected, const char* message, const std::string& where) {
    if (expected < 0 || wire_type == expected) return "";
    return (where.empty() ? std::string() : where + ": ") + "field " + std::to_string(number) + " of " + message +
           " holds " + wire_type_name(wire_type) + " where the schema has " + wire_type_name(expected) +
           " (the file is corrupt)";
  }

  bool skip(uint32_t tag) { return google::protobuf::internal::WireFormatLite::SkipField(&in_, tag); }

  google::protobuf::io::CodedInputStream& in_;
};
#undef MQ_WIRE_NESTED

std::string check_wire_types(std::string_view bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                             static_cast<int>(bytes.size()));
  return WireTypeCheck(in).graph();
}

// protobuf-lite itself logs some parse failures to stderr (a string field
// that is not UTF-8); the core never prints, and the message it returns says
// what is wrong, so the log goes nowhere.
void silence_protobuf_logging() {
  static const bool silenced = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)silenced;
}

bool looks_like_text(std::string_view bytes) {
  size_t n = std::min<size_t>(bytes.size(), 4096);
  size_t printable = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80) ++printable;
    if (c == 0) return false;
  }
  return n > 0 && printable == n;
}

// After the binary parser refused the bytes: find out where and why, so the
// message can say "node #12 ('conv1/weights') is damaged" instead of nothing.
std::string locate_binary_damage(std::string_view bytes) {
  std::vector<WireField> fields;
  std::string problem = walk_fields(bytes, &fields);
  if (!problem.empty()) {
    bool truncated = problem.find("cut off") != std::string::npos || problem.find("remain") != std::string::npos;
    return (truncated ? "the file looks truncated: " : "the file is corrupt: ") + problem;
  }
  size_t node_index = 0;
  std::string previous_name;
  for (const WireField& f : fields) {
    if (f.number != 1 || f.wire_type != 2) continue;
    tensorflow::NodeDef node;
    std::string_view payload = bytes.substr(f.payload_start, static_cast<size_t>(f.payload_size));
    if (!node.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      std::string where = "node #" + std::to_string(node_index);
      if (!previous_name.empty()) where += " (after '" + previous_name + "')";
      return where + " at byte " + std::to_string(f.start) + " is corrupt";
    }
    previous_name = node.name();
    ++node_index;
  }
  return "the file is corrupt (its fields nest too deeply or hold invalid values)";
}

}  // namespace

std::string describe_foreign_format(std::string_view bytes) {
  if (bytes.empty()) return "the file is empty";
  if (starts_with(bytes, "\x89HDF\r\n\x1a\n"))
    return "it is an HDF5 file (a Keras .h5 model?), not a GraphDef; convert it with 'modelquant keras2pb'";
  if (starts_with(bytes, std::string_view("PK\x03\x04", 4)))
    return "it is a ZIP archive (a Keras 3 .keras model?), not a GraphDef; convert it with 'modelquant keras2pb'";
  if (starts_with(bytes, "\x1f\x8b")) return "it is gzip-compressed; decompress it first";
  if (bytes.size() >= 8 && bytes.substr(4, 4) == "TFL3")
    return "it is a TensorFlow Lite flatbuffer (.tflite), not a GraphDef";
  if (starts_with(bytes, "\x93NUMPY")) return "it is a NumPy .npy array, not a GraphDef";
  size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (bytes[first] == '{' || bytes[first] == '[') && looks_like_text(bytes))
    return "it is a JSON file (a TensorFlow.js or Keras model.json?), not a GraphDef";
  // Binary protobufs that are not a GraphDef: a SavedModel starts with its
  // schema version (field 1, varint) followed by meta graphs (field 2); an
  // ONNX ModelProto starts with ir_version (field 1, varint) and has a graph
  // (field 7).
  if (static_cast<uint8_t>(bytes[0]) == 0x08) {
    std::vector<WireField> fields;
    if (walk_fields(bytes, &fields).empty()) {
      bool has_graph_field7 = false, has_field2_message = false;
      for (const WireField& f : fields) {
        if (f.number == 7 && f.wire_type == 2) has_graph_field7 = true;
        if (f.number == 2 && f.wire_type == 2) has_field2_message = true;
      }
      if (has_graph_field7) return "it is an ONNX model, not a TensorFlow GraphDef";
      if (has_field2_message)
        return "it is a SavedModel (saved_model.pb), not a frozen GraphDef; freeze it first "
               "(convert its variables to constants)";
    }
    return "it starts like a protobuf message of another kind, not a GraphDef";
  }
  return "";
}

// Messages are one line: control characters that came from the file (node
// names, text excerpts) are written as escapes.
std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Text GraphDefs start (after blank space) with a field name or a comment;
// anything else that failed as binary is described as damaged binary.
bool starts_like_text(std::string_view bytes) {
  size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  char c = bytes[first];
  return c == '#' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

Status parse_graph(std::string_view bytes, const std::string& source, tensorflow::GraphDef* graph,
                   GraphFormat* format) {
  auto fail = [&](const std::string& why) { return Status::error(one_line(source + ": " + why)); };
  silence_protobuf_logging();
  if (bytes.size() > kMaxGraphBytes)
    return fail("the file is " + std::to_string(bytes.size()) +
                " bytes; protobuf cannot read a GraphDef of 2 GiB or more");
  std::string foreign = describe_foreign_format(bytes);
  if (!foreign.empty()) return fail(foreign);

  graph->Clear();
  if (graph->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    // Wire-valid bytes are not necessarily a graph: random data often parses
    // as a message made only of unknown fields.
    std::string wire_problem = check_wire_types(bytes);
    if (!wire_problem.empty() && !looks_like_text(bytes)) {
      graph->Clear();
      return fail(wire_problem);
    }
    bool has_content = graph->node_size() > 0 || graph->has_library() || graph->has_versions();
    if ((has_content && wire_problem.empty()) || bytes.empty()) {
      if (format) *format = GraphFormat::kBinary;
      return Status::ok();
    }
    if (!looks_like_text(bytes) || !starts_like_text(bytes))
      return fail("it is not a GraphDef (no nodes, no versions; random or foreign bytes?)");
  }
  if (looks_like_text(bytes) && starts_like_text(bytes)) {
    graph->Clear();
    Status text_status = parse_text_graph(bytes, graph);
    if (!text_status.is_ok()) return fail("not a binary GraphDef, and as text: " + text_status.message());
    if (format) *format = GraphFormat::kText;
    return Status::ok();
  }
  graph->Clear();
  return fail(locate_binary_damage(bytes));
}

StatusOr<std::string> serialize_graph(const tensorflow::GraphDef& graph, GraphFormat format) {
  if (format == GraphFormat::kText) return print_text_graph(graph);
  size_t size = graph.ByteSizeLong();
  if (size > kMaxGraphBytes)
    return Status::error("the result would be " + std::to_string(size) +
                         " bytes; a GraphDef must stay under 2 GiB");
  // Deterministic: map entries (node attrs) sorted by key, so the same graph
  // always gives the same bytes.
  std::string out;
  out.resize(size);
  google::protobuf::io::ArrayOutputStream array(out.data(), static_cast<int>(size));
  google::protobuf::io::CodedOutputStream coded(&array);
  coded.SetSerializationDeterministic(true);
  graph.SerializeWithCachedSizes(&coded);
  if (coded.HadError() || static_cast<size_t>(coded.ByteCount()) != size)
    return Status::internal("serializing the graph failed");
  return out;
}

Status load_graph_file(const std::string& path, tensorflow::GraphDef* graph, GraphFormat* format) {
  silence_protobuf_logging();
  MQ_ASSIGN_OR_RETURN(unsigned long long size, file_size(path));
  if (size > kMaxGraphBytes)
    return Status::error(path + ": the file is " + std::to_string(size) +
                         " bytes; protobuf cannot read a GraphDef of 2 GiB or more");
  // Large binary graphs are parsed straight from the file, so their bytes and
  // the parsed graph are never in memory together. Text, small files and
  // anything that fails are read whole and go through parse_graph, which
  // knows how to describe what is wrong.
  constexpr unsigned long long kStreamFrom = 1 << 20;
  if (size >= kStreamFrom) {
    MQ_ASSIGN_OR_RETURN(std::string head, read_file_head(path, 4096));
    if (describe_foreign_format(head).empty() && !looks_like_text(head)) {
      graph->Clear();
      bool parsed = false;
      MQ_RETURN_IF_ERROR(read_file_stream(path, [&](google::protobuf::io::ZeroCopyInputStream& stream) {
        parsed = graph->ParseFromZeroCopyStream(&stream);
        return Status::ok();
      }));
      if (parsed) {
        std::string wire_problem;
        MQ_RETURN_IF_ERROR(read_file_stream(path, [&](google::protobuf::io::ZeroCopyInputStream& stream) {
          google::protobuf::io::CodedInputStream in(&stream);
          wire_problem = WireTypeCheck(in).graph();
          return Status::ok();
        }));
        if (!wire_problem.empty()) {
          graph->Clear();
          return Status::error(path + ": " + wire_problem);
        }
      }
      if (parsed && (graph->node_size() > 0 || graph->has_library() || graph->has_versions())) {
        if (format) *format = GraphFormat::kBinary;
        return Status::ok();
      }
      graph->Clear();
    }
  }
  MQ_ASSIGN_OR_RETURN(std::string bytes, read_file(path, kMaxGraphBytes));
  return parse_graph(bytes, path, graph, format);
}

Status save_graph_file(const tensorflow::GraphDef& graph, const std::string& path, GraphFormat format) {
  if (format == GraphFormat::kText) return write_file_atomic(path, print_text_graph(graph));
  size_t size = graph.ByteSizeLong();
  if (size > kMaxGraphBytes)
    return Status::error(path + ": the result would be " + std::to_string(size) +
                         " bytes; a GraphDef must stay under 2 GiB");
  return write_file_atomic_stream(path, [&](google::protobuf::io::ZeroCopyOutputStream& stream) {
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    graph.SerializeWithCachedSizes(&coded);
    coded.Trim();
    if (coded.HadError()) return Status::error(path + ": writing the graph failed");
    return Status::ok();
  });
}

GraphFormat format_for_path(const std::string& path) {
  auto ends_with = [&](const char* suffix) {
    size_t n = std::strlen(suffix);
    return path.size() >= n && path.compare(path.size() - n, n, suffix) == 0;
  };
  if (ends_with(".pbtxt") || ends_with(".txt") || ends_with(".pbtext") || ends_with(".prototxt"))
    return GraphFormat::kText;
  return GraphFormat::kBinary;
}

}  // namespace mq
