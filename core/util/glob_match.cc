#include "core/util/glob_match.h"

#include <cstddef>

namespace mq {
namespace {

// Matches the bracket expression starting at pattern[p] ('[') against c.
// Sets *next to the index after the closing ']'. A '[' without a closing
// ']' is a literal '['.
bool bracket_matches(std::string_view pattern, size_t p, char c, size_t* next) {
  size_t i = p + 1;
  bool negated = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negated = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  for (; i < pattern.size(); ++i) {
    if (pattern[i] == ']' && !first) {
      *next = i + 1;
      return matched != negated;
    }
    first = false;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      if (pattern[i] <= c && c <= pattern[i + 2]) matched = true;
      i += 2;
    } else if (pattern[i] == c) {
      matched = true;
    }
  }
  *next = p + 1;  // unterminated: '[' stands for itself
  return c == '[';
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
      continue;
    }
    if (p < pattern.size()) {
      size_t next = p + 1;
      bool one = false;
      if (pattern[p] == '?') one = true;
      else if (pattern[p] == '[') one = bracket_matches(pattern, p, text[t], &next);
      else one = pattern[p] == text[t];
      if (one) {
        p = next;
        ++t;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    p = star + 1;  // let the last '*' take one more character
    t = ++star_text;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace mq
