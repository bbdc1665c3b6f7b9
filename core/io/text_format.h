// Protobuf text format (.pbtxt) for the GraphDef schema, written for this
// schema only (protobuf-lite has no reflection): the same output as
// protobuf's TextFormat::Printer and a reader that accepts what its parser does.
#pragma once

#include <string>
#include <string_view>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// Parses text into `graph`. Errors name the line and column ("line 12:7:
// unknown field 'nmae' in NodeDef").
Status parse_text_graph(std::string_view text, tensorflow::GraphDef* graph);

// Prints `graph` in protobuf text format (fields in field-number order, map
// entries sorted by key, 2-space indentation).
std::string print_text_graph(const tensorflow::GraphDef& graph);

}  // namespace mq
