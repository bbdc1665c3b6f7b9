#include "core/graph/input_names.h"

namespace mq {

InputNameParts node_name_parts_from_input(std::string_view input) {
  InputNameParts parts;
  size_t first_colon = input.find(':');
  std::string_view head = input.substr(0, first_colon);
  if (first_colon != std::string_view::npos) {
    std::string_view rest = input.substr(first_colon + 1);
    parts.suffix = ":" + std::string(rest.substr(0, rest.find(':')));
  }
  if (!head.empty() && head[0] == '^') {
    parts.prefix = "^";
    head.remove_prefix(1);
  }
  parts.name = std::string(head);
  return parts;
}

std::string node_name_from_input(std::string_view input) {
  std::string_view head = input.substr(0, input.find(':'));
  if (!head.empty() && head[0] == '^') head.remove_prefix(1);
  return std::string(head);
}

std::string canonical_input_name(std::string_view input) {
  InputNameParts parts = node_name_parts_from_input(input);
  return parts.prefix + parts.name + (parts.suffix.empty() ? ":0" : parts.suffix);
}

}  // namespace mq
