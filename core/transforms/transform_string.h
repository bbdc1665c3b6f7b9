// The --transforms argument of TensorFlow's transform_graph:
//   strip_unused_nodes(type=float, shape="1,299,299,3") fold_constants(ignore_errors=true)
// Transforms are separated by whitespace; parameters go in parentheses,
// separated by ',' (optionally followed by whitespace); values are either
// [A-Za-z0-9_./-]+ or double-quoted (a backslash keeps the next character,
// and is itself kept); a repeated parameter collects a list. The parser
// reproduces GTT's state machine exactly, including its quirks: no spaces
// around '=' or before ',' / ')', and a transform left open at the end of
// the text ("f(a=1") is silently dropped (reported as a warning here).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace mq {

struct TransformSpec {
  std::string name;
  // Parameter name → every value given for it, in order of appearance.
  std::map<std::string, std::vector<std::string>> params;
  size_t offset = 0;  // where the name starts in the parsed text
};

using TransformList = std::vector<TransformSpec>;

// Where and why parsing failed. `message` is what the returned Status says
// ("at column 4: expected '=' right after parameter 'a' of 'f', found ' '");
// `gtt_message` is TensorFlow's own text ("Looking for =, but found  = 1)").
struct TransformStringError {
  size_t offset = 0;  // 0-based byte offset of the offending character
  int line = 1;       // 1-based
  int column = 1;     // 1-based, within the line
  std::string message;
  std::string gtt_message;
};

// Parses `text`. On failure returns the error (and fills `error` if given).
// `warnings` (if given) receives a note for a transform dropped because the
// text ended inside its parentheses.
StatusOr<TransformList> parse_transform_string(std::string_view text, TransformStringError* error = nullptr,
                                               std::vector<std::string>* warnings = nullptr);

// Writes a transform back in the syntax above, quoting values that need it:
// fold_constants(ignore_errors=true), strip_unused_nodes(shape="1,2").
std::string format_transform(const TransformSpec& spec);
std::string format_transform_list(const TransformList& list);

}  // namespace mq
