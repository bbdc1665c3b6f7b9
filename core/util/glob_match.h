// Shell-style patterns for node names, as include=/exclude= options take them:
// '*' matches any run of characters ('/' included, so "conv*" covers
// "conv1/weights"), '?' one character, "[abc]", "[a-z]" and "[!abc]" one
// character of (or not of) a set; every other character matches itself.
#pragma once

#include <string_view>

namespace mq {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace mq
