// Reading and writing GraphDef bytes: binary (.pb) and text (.pbtxt), with the
// format detected from the content and a plain description of files that are
// not a GraphDef at all.
#pragma once

#include <string>
#include <string_view>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

enum class GraphFormat { kBinary, kText };

// The largest serialized message protobuf (and TensorFlow) can read or write.
constexpr unsigned long long kMaxGraphBytes = 2147483647ULL;

// What the first bytes of a file look like: "a TensorFlow Lite flatbuffer",
// "an HDF5 file (a Keras .h5 model?)", ... or an empty string when they could
// be a GraphDef.
std::string describe_foreign_format(std::string_view bytes);

// Parses binary or text GraphDef bytes, chosen by content. `source` names the
// input in messages ("model.pb"). On success `format` (if given) says which.
Status parse_graph(std::string_view bytes, const std::string& source, tensorflow::GraphDef* graph,
                   GraphFormat* format = nullptr);

// Serializes a graph; refuses results of 2 GiB or more.
StatusOr<std::string> serialize_graph(const tensorflow::GraphDef& graph, GraphFormat format);

// File helpers built on the two above.
Status load_graph_file(const std::string& path, tensorflow::GraphDef* graph, GraphFormat* format = nullptr);
Status save_graph_file(const tensorflow::GraphDef& graph, const std::string& path, GraphFormat format);

// The format a path asks for by its extension: .pbtxt/.txt/.pbtext → text, else binary.
GraphFormat format_for_path(const std::string& path);

}  // namespace mq
