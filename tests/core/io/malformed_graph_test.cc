// The malformed-input cases of tests/malformed_cases.h in process, where
// they are cheap enough to try exhaustively: a cut at every offset, every
// single-bit flip, and each hostile file through parse → check → summarize →
// transform → run. Under the debug-asan build this is the suite that shows a
// sanitizer report for any of them.
#include <catch2/catch.hpp>
#include <iostream>

#include "core/api.h"
#include "core/eval/model_run.h"
#include "core/graph/graph_checks.h"
#include "core/io/graph_io.h"
#include "core/summarize/summarize.h"
#include "tests/malformed_cases.h"

namespace {

using mq::test::Damage;

// Everything a command might do with a graph that read: none may crash.
void exercise(const tensorflow::GraphDef& graph) {
  mq::GraphSummary summary = mq::summarize_graph(graph, 0);
  (void)mq::render_summary_text(summary, "model.pb");
  std::vector<std::string> warnings;
  auto structure = mq::graph_structure(graph, &warnings);
  (void)mq::render_summary_json(summary, "model.pb", structure.is_ok() ? &*structure : nullptr);
  (void)mq::serialize_graph(graph, mq::GraphFormat::kText);
  if (!mq::check_graph_well_formed(graph, "model.pb").is_ok()) return;
  mq::api::TransformRequest request;
  request.transforms = "strip_unused_nodes sort_by_execution_order fold_constants(ignore_errors=true) quantize_weights";
  (void)mq::api::transform(graph, request);
  mq::RunOptions run;
  run.memory_limit_bytes = 64 << 20;
  (void)mq::run_model(graph, run);
}

}  // namespace

TEST_CASE("malformed graphs: a cut at every offset inside a field is refused as truncated", "[malformed]") {
  const std::string bytes = mq::test::serialized(mq::test::valid_graph());
  int cuts = 0;
  for (size_t offset : mq::test::offsets_inside_fields(bytes)) {
    INFO("cut at byte " << offset);
    tensorflow::GraphDef graph;
    mq::Status status = mq::parse_graph(bytes.substr(0, offset), "model.pb", &graph);
    REQUIRE_FALSE(status.is_ok());
    CHECK_THAT(status.message(), Catch::StartsWith("model.pb: ") && Catch::Contains("truncated"));
    ++cuts;
  }
  std::cout << "malformed graphs: " << cuts << " cuts refused" << std::endl;
  CHECK(cuts > 100);
}

TEST_CASE("malformed graphs: every single-bit flip is accepted or refused, never a crash", "[malformed]") {
  const std::string bytes = mq::test::serialized(mq::test::valid_graph());
  int accepted = 0, refused = 0;
  for (size_t position = 0; position < bytes.size(); ++position) {
    for (int bit = 0; bit < 8; ++bit) {
      INFO("bit " << bit << " of byte " << position);
      std::string flipped = bytes;
      flipped[position] = static_cast<char>(flipped[position] ^ (1 << bit));
      tensorflow::GraphDef graph;
      mq::Status status = mq::parse_graph(flipped, "model.pb", &graph);
      if (!status.is_ok()) {
        ++refused;
        CHECK_THAT(status.message(), Catch::StartsWith("model.pb: "));
        CHECK(status.message().find('\n') == std::string::npos);
        continue;
      }
      ++accepted;
      exercise(graph);
    }
  }
  std::cout << "malformed graphs: " << accepted + refused << " bit flips, " << accepted << " still read, " << refused
            << " refused" << std::endl;
  CHECK(refused > 0);
  CHECK(accepted > 0);
}

TEST_CASE("malformed graphs: each hostile file gets the message that names its problem", "[malformed]") {
  int count = 0;
  for (const mq::test::MalformedCase& c : mq::test::malformed_cases()) {
    INFO("case: " << c.name);
    ++count;
    tensorflow::GraphDef graph;
    mq::Status parsed = mq::parse_graph(c.bytes, "model.pb", &graph);
    if (c.damage == Damage::kUnreadable) {
      REQUIRE_FALSE(parsed.is_ok());
      CHECK_THAT(parsed.message(), Catch::StartsWith("model.pb: "));
      for (const std::string& piece : c.expected) CHECK_THAT(parsed.message(), Catch::Contains(piece));
      continue;
    }
    REQUIRE(parsed.is_ok());
    mq::Status checked = mq::check_graph_well_formed(graph, "model.pb");
    if (c.transform_refuses) {
      REQUIRE_FALSE(checked.is_ok());
      CHECK_THAT(checked.message(), Catch::StartsWith("model.pb: "));
      CHECK_THAT(checked.message(), Catch::Contains(c.expected.front()));
    } else {
      CHECK(checked.is_ok());
    }
    exercise(graph);
  }
  std::cout << "malformed graphs: " << count << " hostile files" << std::endl;
}

TEST_CASE("malformed graphs: the valid graph the cases start from is well formed and runs", "[malformed]") {
  tensorflow::GraphDef graph = mq::test::valid_graph();
  CHECK(mq::check_graph_well_formed(graph, "model.pb").is_ok());
  auto result = mq::run_model(graph, {});
  REQUIRE(result.is_ok());
  CHECK(result->outputs.size() == 1);
}

TEST_CASE("malformed graphs: attribute kinds follow the op's definition", "[malformed]") {
  tensorflow::AttrValue value;
  value.set_s("float");
  CHECK_FALSE(mq::attr_value_fits(value, "type"));
  CHECK(mq::attr_value_fits(value, "string"));
  value.set_type(tensorflow::DT_FLOAT);
  CHECK(mq::attr_value_fits(value, "type"));
  CHECK_FALSE(mq::attr_value_fits(value, "list(type)"));
  value.mutable_list();
  CHECK(mq::attr_value_fits(value, "list(type)"));
  CHECK(std::string(mq::attr_value_kind(value)) == "list");
  tensorflow::AttrValue unset;
  CHECK(mq::attr_value_fits(unset, "int"));  // how an empty list comes out of a file
}

TEST_CASE("malformed graphs: no shared model trips the well-formedness check", "[malformed][shared]") {
  for (const std::string& path : mq::test::shared_models()) {
    INFO(path);
    tensorflow::GraphDef graph;
    REQUIRE(mq::load_graph_file(path, &graph).is_ok());
    mq::Status status = mq::check_graph_well_formed(graph, path);
    CHECK(status.message() == "");
  }
}
