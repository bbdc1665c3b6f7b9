// How summarize_graph reads an entry of NodeDef.input.
#pragma once

#include <string_view>

namespace mq {

// GTT's NodeNameFromInput: the text before the first ':' without a leading
// '^' ("^a:1" → "a"). Unlike parse_input (core/graph), "a:b:c" gives "a".
inline std::string_view gtt_node_name(std::string_view input) {
  input = input.substr(0, input.find(':'));
  if (!input.empty() && input[0] == '^') input.remove_prefix(1);
  return input;
}

}  // namespace mq
