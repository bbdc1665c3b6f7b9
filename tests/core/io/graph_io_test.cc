#include "core/io/graph_io.h"

#include <catch2/catch.hpp>
#include <random>

#include "core/io/file.h"
#include "tests/test_support.h"

using mq::test::shared_models;

TEST_CASE("every shared model survives binary parse, write, parse unchanged") {
  for (const std::string& path : shared_models()) {
    INFO(path);
    tensorflow::GraphDef graph;
    mq::GraphFormat format;
    mq::Status s = mq::load_graph_file(path, &graph, &format);
    REQUIRE(s.is_ok());
    CHECK(format == mq::GraphFormat::kBinary);
    CHECK(graph.node_size() > 0);
    auto bytes = mq::serialize_graph(graph, mq::GraphFormat::kBinary);
    REQUIRE(bytes.is_ok());
    tensorflow::GraphDef again;
    REQUIRE(mq::parse_graph(*bytes, "again", &again).is_ok());
    auto bytes2 = mq::serialize_graph(again, mq::GraphFormat::kBinary);
    REQUIRE(bytes2.is_ok());
    CHECK(*bytes == *bytes2);
    CHECK(again.node_size() == graph.node_size());
  }
}

TEST_CASE("unknown fields survive a binary round trip") {
  tensorflow::GraphDef graph;
  graph.add_node()->set_name("a");
  std::string bytes = graph.SerializeAsString();
  // field 99, varint 7, appended at the top level and inside the node.
  bytes += std::string("\x98\x06\x07", 3);
  tensorflow::GraphDef parsed;
  REQUIRE(mq::parse_graph(bytes, "x.pb", &parsed).is_ok());
  auto out = mq::serialize_graph(parsed, mq::GraphFormat::kBinary);
  REQUIRE(out.is_ok());
  CHECK(*out == bytes);
}

TEST_CASE("files that are not a GraphDef get a message saying what they are") {
  auto message_for = [](const std::string& bytes) {
    tensorflow::GraphDef g;
    mq::Status s = mq::parse_graph(bytes, "input.pb", &g);
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.message().rfind("input.pb: ", 0) == 0);
    CHECK(s.message().find('\n') == std::string::npos);
    return s.message();
  };
  CHECK(message_for("").find("empty") != std::string::npos);
  CHECK(message_for(std::string("\x89HDF\r\n\x1a\n\0\0\0\0", 12)).find("HDF5") != std::string::npos);
  CHECK(message_for(std::string("PK\x03\x04rest", 8)).find("ZIP") != std::string::npos);
  CHECK(message_for(std::string("\x1c\0\0\0TFL3\0\0\0\0", 12)).find("TensorFlow Lite") != std::string::npos);
  // SavedModel: schema version 1, then a meta graph message.
  CHECK(message_for(std::string("\x08\x01\x12\x03\x0a\x01\x41", 7)).find("SavedModel") != std::string::npos);
  // ONNX: ir_version, producer name, graph (field 7).
  CHECK(message_for(std::string("\x08\x07\x12\x02pt\x3a\x00", 8)).find("ONNX") != std::string::npos);
  std::mt19937 rng(7);
  std::string random(4096, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  message_for(random);
}

TEST_CASE("a truncated model names the problem") {
  auto models = shared_models();
  if (models.empty()) return;
  std::string bytes = mq::test::read_bytes(models.front());
  std::mt19937 rng(11);
  for (int i = 0; i < 10; ++i) {
    size_t cut = 1 + rng() % (bytes.size() - 1);
    tensorflow::GraphDef g;
    mq::Status s = mq::parse_graph(std::string_view(bytes).substr(0, cut), "cut.pb", &g);
    INFO("cut at " << cut << ": " << s.message());
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.message().find("truncated") != std::string::npos);
  }
}

TEST_CASE("write_file_atomic replaces the file and leaves no temporary behind") {
  std::string dir = mq::test::temp_dir();
  std::string path = dir + "/out.pb";
  REQUIRE(mq::write_file_atomic(path, "first").is_ok());
  REQUIRE(mq::write_file_atomic(path, "second").is_ok());
  CHECK(*mq::read_file(path) == "second");
  mq::Status s = mq::write_file_atomic(dir + "/missing-dir/out.pb", "x");
  CHECK_FALSE(s.is_ok());
  CHECK(s.message().find("missing-dir") != std::string::npos);
}

TEST_CASE("large graphs are streamed from and to files with the same result as in memory") {
  std::string big;
  for (const std::string& path : shared_models())
    if (mq::file_size(path).value() >= (1u << 20) && (big.empty() || mq::file_size(path).value() > mq::file_size(big).value()))
      big = path;
  if (big.empty()) {
    mq::test::announce_skip("streamed load", "no shared model of 1 MB or more");
    return;
  }
  INFO(big);
  tensorflow::GraphDef streamed, in_memory;
  REQUIRE(mq::load_graph_file(big, &streamed).is_ok());
  REQUIRE(mq::parse_graph(mq::test::read_bytes(big), big, &in_memory).is_ok());
  auto a = mq::serialize_graph(streamed, mq::GraphFormat::kBinary);
  auto b = mq::serialize_graph(in_memory, mq::GraphFormat::kBinary);
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  CHECK(*a == *b);

  std::string dir = mq::test::temp_dir();
  REQUIRE(mq::save_graph_file(streamed, dir + "/copy.pb", mq::GraphFormat::kBinary).is_ok());
  CHECK(mq::test::read_bytes(dir + "/copy.pb") == *a);

  // A truncated large file falls back to the in-memory path and says why.
  std::string bytes = mq::test::read_bytes(big);
  REQUIRE(mq::write_file_atomic(dir + "/cut.pb", bytes.substr(0, bytes.size() - 1000)).is_ok());
  tensorflow::GraphDef cut;
  mq::Status s = mq::load_graph_file(dir + "/cut.pb", &cut);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("cut.pb: the file looks truncated") != std::string::npos);
}
