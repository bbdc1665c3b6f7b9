// Writing JSON by hand without a library in the core: a string literal with
// the escapes JSON requires.
#pragma once

#include <string>
#include <string_view>

namespace mq {

// "a\"b" → "\"a\\\"b\""; control characters become \uXXXX, bytes ≥ 0x80 are
// copied as they are (the core's strings are UTF-8).
std::string json_quote(std::string_view text);

}  // namespace mq
