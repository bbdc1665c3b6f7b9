#include "core/util/glob_match.h"

#include <catch2/catch.hpp>

TEST_CASE("glob_match", "[util][glob]") {
  using mq::glob_match;
  CHECK(glob_match("conv1/weights", "conv1/weights"));
  CHECK_FALSE(glob_match("conv1/weights", "conv1/weights2"));
  CHECK(glob_match("conv*", "conv1/weights"));  // '*' crosses '/'
  CHECK(glob_match("*/weights", "a/b/weights"));
  CHECK_FALSE(glob_match("*/weights", "weights"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("**a*", "bab"));
  CHECK_FALSE(glob_match("", "a"));
  CHECK(glob_match("conv?/w", "conv7/w"));
  CHECK_FALSE(glob_match("conv?/w", "conv/w"));
  CHECK(glob_match("conv[1-3]/w", "conv2/w"));
  CHECK_FALSE(glob_match("conv[1-3]/w", "conv4/w"));
  CHECK(glob_match("conv[!1-3]/w", "conv4/w"));
  CHECK_FALSE(glob_match("conv[!1-3]/w", "conv1/w"));
  CHECK(glob_match("x[]]", "x]"));   // ']' first in a set is literal
  CHECK(glob_match("x[", "x["));     // an unclosed '[' is literal
  CHECK(glob_match("a*b*c", "aXXbYYbc"));
  CHECK_FALSE(glob_match("a*b*c", "aXXbYYb"));
}
