// Hostile and broken model files, shared by the CLI's malformed-input suite
// (tests/cli/malformed_inputs_test.cc) and the core's in-process one
// (tests/core/io/malformed_graph_test.cc). Every file is made here from a
// small valid graph, so each case says exactly what is wrong with it.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/proto/graph.pb.h"
#include "tests/test_support.h"

namespace mq::test {

// What a command should do with a case's file.
enum class Damage {
  kUnreadable,    // not a GraphDef that can be read: every command refuses it
  kInvalidGraph,  // reads, but must not be transformed or run: transform and run refuse it
  kMaybeReadable, // damage that may or may not leave a readable graph (bit flips): accept or refuse, never crash
};

struct MalformedCase {
  std::string name;
  std::string bytes;
  Damage damage = Damage::kUnreadable;
  // Pieces the one-line message must contain (besides the file's path).
  std::vector<std::string> expected;
  // For kInvalidGraph: whether `transform` refuses it too (unknown ops are
  // left for `run` to refuse: a graph with custom ops can still be transformed).
  bool transform_refuses = true;
};

// The protobuf wire format, for bytes no GraphDef would serialize to.
inline std::string varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
  return out;
}
inline std::string tag(uint32_t field, int wire_type) { return varint((uint64_t{field} << 3) | wire_type); }
inline std::string length_delimited(uint32_t field, const std::string& payload) {
  return tag(field, 2) + varint(payload.size()) + payload;
}

// The graph every case damages: tests/data/malformed/valid.pbtxt.
inline tensorflow::GraphDef valid_graph() { return graph_from_text(read_bytes(test_data("malformed/valid.pbtxt"))); }

inline std::string serialized(const tensorflow::GraphDef& graph) { return graph.SerializeAsString(); }

inline tensorflow::NodeDef* node_named(tensorflow::GraphDef& graph, const std::string& name) {
  for (auto& node : *graph.mutable_node())
    if (node.name() == name) return &node;
  return nullptr;
}

// Reads a varint at `pos` (advancing it); the bytes must be well formed.
inline uint64_t read_varint_at(const std::string& bytes, size_t* pos) {
  uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t b = static_cast<uint8_t>(bytes.at((*pos)++));
    value |= uint64_t(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return value;
  }
}

// Offsets where cutting the file leaves a top-level field incomplete (never
// exactly between two fields, where the rest would still be a valid graph).
// The top-level fields must all be length-delimited (nodes, versions).
inline std::vector<size_t> offsets_inside_fields(const std::string& bytes) {
  std::vector<bool> boundary(bytes.size() + 1, false);
  size_t pos = 0;
  while (pos < bytes.size()) {
    boundary[pos] = true;
    uint64_t key = read_varint_at(bytes, &pos);
    REQUIRE((key & 7) == 2);
    pos += read_varint_at(bytes, &pos);
  }
  std::vector<size_t> inside;
  for (size_t offset = 1; offset < bytes.size(); ++offset)
    if (!boundary[offset]) inside.push_back(offset);
  return inside;
}

// AttrValue{func{attr{"a": AttrValue{func{...}}}}} nested `depth` times.
// Every level's bytes come before the level inside it, so the lengths are
// worked out from the inside first and the prefixes written from the outside:
// linear in the depth (100,000 levels take a moment, not minutes).
inline std::string nested_attr_value(int depth) {
  std::vector<std::string> prefixes(static_cast<size_t>(depth));
  uint64_t inner = 0;  // size of the AttrValue inside the current level
  for (int level = 0; level < depth; ++level) {
    std::string entry_head = length_delimited(1, "a") + tag(2, 2) + varint(inner);
    uint64_t entry = entry_head.size() + inner;
    std::string list_head = tag(2, 2) + varint(entry);
    uint64_t list = list_head.size() + entry;
    std::string value_head = tag(10, 2) + varint(list);
    prefixes[static_cast<size_t>(level)] = value_head + list_head + entry_head;
    inner = value_head.size() + list;
  }
  std::string out;
  out.reserve(inner);
  for (int level = depth - 1; level >= 0; --level) out += prefixes[static_cast<size_t>(level)];
  return out;
}

// The same nesting in text format.
inline std::string nested_attr_text(int depth) {
  std::string text = "node { name: \"bomb\" op: \"Const\" attr { key: \"k\" value { ";
  for (int i = 0; i < depth; ++i) text += "func { attr { key: \"a\" value { ";
  for (int i = 0; i < depth; ++i) text += "} } } ";
  return text + "} } }\n";
}

// Every case but the truncations and bit flips (see below), which are many.
inline std::vector<MalformedCase> malformed_cases() {
  std::vector<MalformedCase> cases;
  const tensorflow::GraphDef valid = valid_graph();
  const std::string valid_bytes = serialized(valid);
  auto invalid = [&](const std::string& name, auto&& damage, std::vector<std::string> expected,
                     bool transform_refuses = true) {
    tensorflow::GraphDef graph = valid;
    damage(graph);
    cases.push_back({name, serialized(graph), Damage::kInvalidGraph, std::move(expected), transform_refuses});
  };
  auto unreadable = [&](const std::string& name, const std::string& bytes, std::vector<std::string> expected) {
    cases.push_back({name, bytes, Damage::kUnreadable, std::move(expected)});
  };

  // Wire-level damage.
  unreadable("empty file", "", {"the file is empty"});
  unreadable("a node field with a varint wire type", valid_bytes + tag(1, 0) + varint(1),
             {"field 1 of GraphDef holds a number (varint) where the schema has length-delimited bytes"});
  unreadable("a node whose name is a varint",
             valid_bytes + length_delimited(1, tag(1, 0) + varint(7) + length_delimited(2, "Relu")),
             {"node #4", "field 1 of NodeDef holds a number (varint)"});
  unreadable("an attribute type given as bytes",
             valid_bytes + length_delimited(1, length_delimited(1, "r") + length_delimited(2, "Relu") +
                                                   length_delimited(5, length_delimited(1, "T") +
                                                                           length_delimited(2, length_delimited(6, "x")))),
             {"node #4 ('r') attribute 'T'", "field 6 of AttrValue holds length-delimited bytes"});
  unreadable("a start-group wire type", valid_bytes + tag(1, 3), {"wire type 3"});
  unreadable("a node declaring 4 GiB", valid_bytes + tag(1, 2) + varint(0xffffffffULL),
             {"truncated", "declares 4294967295 bytes"});
  unreadable("a node whose attribute declares 2 GiB",
             valid_bytes + length_delimited(1, length_delimited(1, "big") + tag(5, 2) + varint(0x80000000ULL)),
             {"node #4 (after 'out')", "corrupt"});
  unreadable("a nested-message bomb (binary, 100000 levels)",
             length_delimited(1, length_delimited(1, "bomb") + length_delimited(2, "Const") +
                                     length_delimited(5, length_delimited(1, "k") +
                                                             length_delimited(2, nested_attr_value(100000)))),
             {"node #0", "corrupt"});
  unreadable("a nested-message bomb (text, 100000 levels)", nested_attr_text(100000), {"nested more than"});
  unreadable("a malformed text graph", "node { name: \"a\" op: }\n", {"line 1"});

  // Files of other kinds.
  std::string saved_model = tag(1, 0) + varint(1) + length_delimited(2, length_delimited(1, length_delimited(4, "serve")) +
                                                                              length_delimited(2, serialized(valid)));
  unreadable("a SavedModel (saved_model.pb)", saved_model, {"SavedModel"});
  std::string tflite = std::string("\x1c\x00\x00\x00TFL3", 8) + std::string(64, '\0');
  unreadable("a TensorFlow Lite flatbuffer", tflite, {"TensorFlow Lite"});
  std::string onnx = tag(1, 0) + varint(7) + length_delimited(2, "pytorch") +
                     length_delimited(7, length_delimited(1, length_delimited(1, "x") + length_delimited(4, "Relu")));
  unreadable("an ONNX model", onnx, {"ONNX"});
  unreadable("an HDF5 file", std::string("\x89HDF\r\n\x1a\n", 8) + std::string(64, '\0'), {"HDF5"});
  unreadable("a ZIP archive", std::string("PK\x03\x04", 4) + std::string(64, '\0'), {"ZIP"});
  unreadable("a gzip file", std::string("\x1f\x8b\x08\x00", 4) + std::string(32, '\0'), {"gzip"});
  unreadable("a JSON file", "{\"format\": \"graph-model\", \"modelTopology\": {}}", {"JSON"});

  // Graphs that read but are broken.
  invalid("duplicate node names", [](tensorflow::GraphDef& g) { *g.add_node() = *node_named(g, "y"); },
          {"two nodes are named 'y'"});
  invalid("an input naming a missing node", [](tensorflow::GraphDef& g) { node_named(g, "out")->set_input(0, "nope"); },
          {"node 'out' input 'nope' does not exist"});
  invalid("a cycle", [](tensorflow::GraphDef& g) { node_named(g, "y")->set_input(0, "out"); },
          {"cycle through node"});
  invalid("tensor_content whose size disagrees with shape and dtype",
          [](tensorflow::GraphDef& g) {
            node_named(g, "w")->mutable_attr()->at("value").mutable_tensor()->mutable_tensor_content()->resize(15);
          },
          {"node 'w' (op Const) attribute 'value': tensor_content has 15 bytes but a float tensor of shape [2,2] needs 16"});
  invalid("a negative dim",
          [](tensorflow::GraphDef& g) {
            node_named(g, "w")->mutable_attr()->at("value").mutable_tensor()->mutable_tensor_shape()->mutable_dim(0)->set_size(-3);
          },
          {"node 'w' (op Const) attribute 'value': dimension 0 of the tensor shape is -3"});
  invalid("dims whose product overflows",
          [](tensorflow::GraphDef& g) {
            auto* tensor = node_named(g, "w")->mutable_attr()->at("value").mutable_tensor();
            tensor->clear_tensor_content();
            tensor->add_float_val(1);
            for (int i = 0; i < 2; ++i) tensor->mutable_tensor_shape()->mutable_dim(i)->set_size(int64_t{1} << 40);
          },
          {"node 'w' (op Const) attribute 'value'", "more elements than fit in an int64"});
  invalid("a Const whose dtype its value does not match",
          [](tensorflow::GraphDef& g) { (*node_named(g, "w")->mutable_attr())["dtype"].set_type(tensorflow::DT_INT32); },
          {"node 'w' (op Const) attribute 'dtype' is int32 but attribute 'value' holds float"});
  invalid("a string where the op expects a type",
          [](tensorflow::GraphDef& g) { (*node_named(g, "out")->mutable_attr())["T"].set_s("float"); },
          {"node 'out' (op Relu) attribute 'T' should be a type but is a string"});
  invalid("an unknown op",
          [](tensorflow::GraphDef& g) {
            auto* node = g.add_node();
            node->set_name("custom");
            node->set_op("FooBar");
            node->add_input("out");
          },
          {"node 'custom' (op FooBar)", "no kernel for op FooBar"}, /*transform_refuses=*/false);
  return cases;
}

}  // namespace mq::test
