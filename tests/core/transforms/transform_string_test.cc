#include "core/transforms/transform_string.h"

#include <catch2/catch.hpp>

namespace {

using Params = std::map<std::string, std::vector<std::string>>;

mq::TransformList parsed(const std::string& text) {
  auto list = mq::parse_transform_string(text);
  INFO(text << " → " << list.status().message());
  REQUIRE(list.is_ok());
  return *list;
}

mq::TransformStringError parse_error(const std::string& text) {
  mq::TransformStringError error;
  auto list = mq::parse_transform_string(text, &error);
  INFO(text << " was expected to fail");
  REQUIRE_FALSE(list.is_ok());
  CHECK(list.status().message() == error.message);
  return error;
}

}  // namespace

TEST_CASE("transform names are separated by whitespace only (TV-PARSE-1..3)", "[transforms][parser]") {
  auto one = parsed("foo");
  REQUIRE(one.size() == 1);
  CHECK(one[0].name == "foo");
  CHECK(one[0].params.empty());

  for (const char* text : {"foo bar", "foo() bar()", "foo\n bar", "\tfoo\r\nbar  "}) {
    auto two = parsed(text);
    REQUIRE(two.size() == 2);
    CHECK(two[0].name == "foo");
    CHECK(two[1].name == "bar");
    CHECK(two[0].params.empty());
    CHECK(two[1].params.empty());
  }
  auto glued = parsed("a(x=1)b");
  REQUIRE(glued.size() == 2);
  CHECK(glued[1].name == "b");
  CHECK(parsed("").empty());
  CHECK(parsed("   \n\t ").empty());
}

TEST_CASE("parameters, repeated parameters and quoted values (TV-PARSE-4..6, 10, 13)", "[transforms][parser]") {
  auto single = parsed("foo(bob_something=sue)");
  REQUIRE(single.size() == 1);
  CHECK(single[0].params == Params{{"bob_something", {"sue"}}});

  auto repeated = parsed("bar(a=1, b=2, a=3)");
  REQUIRE(repeated.size() == 1);
  CHECK(repeated[0].params == Params{{"a", {"1", "3"}}, {"b", {"2"}}});

  auto quoted = parsed("bar(a=\"1\", b=\"1,2,3\", a=3)");
  CHECK(quoted[0].params == Params{{"a", {"1", "3"}}, {"b", {"1,2,3"}}});

  const std::string recipe_text =
      "\n  strip_unused_nodes(type=float, shape=\"1,299,299,3\")\n  fold_constants(ignore_errors=true)\n";
  auto recipe = parsed(recipe_text);
  REQUIRE(recipe.size() == 2);
  CHECK(recipe[0].name == "strip_unused_nodes");
  CHECK(recipe[0].params == Params{{"type", {"float"}}, {"shape", {"1,299,299,3"}}});
  CHECK(recipe[1].params == Params{{"ignore_errors", {"true"}}});
  CHECK(recipe[0].offset == 3);
  CHECK(recipe[1].offset == recipe_text.find("fold_constants"));

  auto escaped = parsed("f(name=\"a\\\"b\")");
  CHECK(escaped[0].params.at("name") == std::vector<std::string>{"a\\\"b"});

  CHECK(parsed("f( a=1)")[0].params == Params{{"a", {"1"}}});
  CHECK(parsed("f(a=1 b=2)")[0].params == Params{{"a", {"1"}}, {"b", {"2"}}});
  CHECK(parsed("f(a=-1.5/x_y)")[0].params == Params{{"a", {"-1.5/x_y"}}});
  CHECK(parsed("f(a=\"\")")[0].params == Params{{"a", {""}}});
  CHECK(parsed("f(a=\"x:0\")")[0].params == Params{{"a", {"x:0"}}});
}

TEST_CASE("parse errors carry GTT's text and point at the offending character", "[transforms][parser]") {
  SECTION("space before '=' (TV-PARSE-8)") {
    auto error = parse_error("f(a = 1)");
    CHECK(error.gtt_message == "Looking for =, but found  = 1)");
    CHECK(error.column == 4);
    CHECK(error.message == "at column 4: expected '=' right after parameter 'a' of 'f', found ' '");
  }
  SECTION("comma between transforms (TV-PARSE-9)") {
    auto error = parse_error("a,b");
    CHECK(error.gtt_message == "Looking for transform name, but found ,b");
    CHECK(error.column == 2);
  }
  SECTION("unquoted list value (TV-PARSE-12)") {
    auto error = parse_error("f(shape=1,2)");
    CHECK(error.gtt_message == "Looking for =, but found )");
    CHECK(error.column == 12);
  }
  SECTION("backslash newline (TV-PARSE-7)") {
    auto error = parse_error("\\\n");
    CHECK(error.gtt_message == "Looking for transform name, but found \\\n");
    CHECK(error.line == 1);
    CHECK(error.column == 1);
  }
  SECTION("position on a later line") {
    auto error = parse_error("strip_unused_nodes\n  fold_constants(ignore_errors=true, type ='x')");
    CHECK(error.line == 2);
    CHECK(error.column == 42);
    CHECK(error.message.rfind("at line 2, column 42: expected '=' right after parameter 'type'", 0) == 0);
  }
  SECTION("the other GTT quirks") {
    CHECK(parse_error("f(a=1 ,b=2)").gtt_message == "Looking for parameter name, but found ,b=2)");
    CHECK(parse_error("f(a=1 )").gtt_message == "Looking for parameter name, but found )");
    CHECK(parse_error("f(a=1 )").message.find("no space is allowed before ')'") != std::string::npos);
    CHECK(parse_error("f(a=1,)").gtt_message == "Looking for parameter name, but found )");
    CHECK(parse_error("f(a=1,").gtt_message == "Looking for parameter name, but found ");
    CHECK(parse_error("f(a='x')").gtt_message == "Looking for parameter name, but found 'x')");
    CHECK(parse_error("f(a=x:0)").gtt_message == "Looking for parameter name, but found :0)");
    auto unclosed = parse_error("f(a=\"1,2)");
    CHECK(unclosed.gtt_message == "Looking for parameter name, but found 1,2)");
    CHECK(unclosed.column == 5);
  }
}

TEST_CASE("a transform left open at the end is dropped with a warning (TV-PARSE-11)", "[transforms][parser]") {
  std::vector<std::string> warnings;
  auto list = mq::parse_transform_string("f(a=1", nullptr, &warnings);
  REQUIRE(list.is_ok());
  CHECK(list->empty());
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "at column 2: transform 'f' has no closing ')' and was ignored");

  warnings.clear();
  auto kept = mq::parse_transform_string("a b(x=", nullptr, &warnings);
  REQUIRE(kept.is_ok());
  REQUIRE(kept->size() == 1);
  CHECK((*kept)[0].name == "a");
  CHECK(warnings.size() == 1);
  CHECK(parsed("f(").empty());
}

TEST_CASE("transforms are written back in a form that parses to the same list", "[transforms][parser]") {
  const std::string text = "strip_unused_nodes(type=float, shape=\"1,299,299,3\") remove_nodes(op=Identity, op=CheckNumerics) "
                           "fold_constants(ignore_errors=true) rename_node(old_node_name=\"a:0\", new_node_name=b/c)";
  auto list = parsed(text);
  std::string written = mq::format_transform_list(list);
  CHECK(written ==
        "strip_unused_nodes(shape=\"1,299,299,3\", type=float) remove_nodes(op=Identity, op=CheckNumerics) "
        "fold_constants(ignore_errors=true) rename_node(new_node_name=b/c, old_node_name=\"a:0\")");
  auto again = parsed(written);
  REQUIRE(again.size() == list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    CHECK(again[i].name == list[i].name);
    CHECK(again[i].params == list[i].params);
  }
}
