// How the Graph Transform Tool reads NodeDef input strings and --inputs /
// --outputs entries: split on ':', piece 0 minus one leading '^' is the node
// name, ":" + piece 1 (if any) is the suffix. Unlike parse_input() in
// graph_index.h this never treats a non-numeric suffix as part of the name,
// which is what the transforms must reproduce.
#pragma once

#include <string>
#include <string_view>

namespace mq {

struct InputNameParts {
  std::string prefix;  // "^" or ""
  std::string name;    // the node name
  std::string suffix;  // ":<port>" or "" (pieces after a second ':' are dropped)
};

// "^a:3" → {"^", "a", ":3"}; "a:b:c" → {"", "a", ":b"}.
InputNameParts node_name_parts_from_input(std::string_view input);

// "^a:3" → "a".
std::string node_name_from_input(std::string_view input);

// prefix + name + (suffix or ":0"): "a" → "a:0", "^a" → "^a:0".
std::string canonical_input_name(std::string_view input);

}  // namespace mq
