#include "core/graph/node_hash.h"

#include <catch2/catch.hpp>

#include "tests/core/transforms/transform_test_support.h"

TEST_CASE("Hash64 and Combine reproduce TensorFlow's values (TV-HASH-1)", "[transforms][hash]") {
  CHECK(mq::hash64("") == 0x81769421199f9e3bULL);
  CHECK(mq::hash64("Const") == 0x509535092bf8fc84ULL);
  CHECK(mq::hash64("abcdefgh") == 0x2f994778e453fc52ULL);
  CHECK(mq::hash64("abcdefghi") == 0x5de656f51f7e2995ULL);
  CHECK(mq::hash64_combine(1, 2) == 0x9e3779b97f4a7c03ULL);
}

TEST_CASE("HashNodeDef (TV-HASH-2, 3)", "[transforms][hash]") {
  tensorflow::NodeDef relu;
  relu.set_op("Relu");
  relu.set_name("a");
  relu.add_input("foo");
  CHECK(mq::hash_node_def(relu) == 0xeb058fdcd07e5adaULL);
  relu.set_input(0, "foo:0");
  CHECK(mq::hash_node_def(relu) == 0xeb058fdcd07e5adaULL);
  relu.clear_name();
  CHECK(mq::hash_node_def(relu) == 0x3ec518cc26c6310fULL);
  tensorflow::NodeDef other = relu;
  other.set_input(0, "bar");
  CHECK(mq::hash_node_def(other) != mq::hash_node_def(relu));

  auto make = [](const std::string& name, std::vector<float> values) {
    tensorflow::GraphDef graph;
    return *mq::test::add_float_const(&graph, name, {static_cast<int64_t>(values.size())}, values);
  };
  std::vector<float> iota = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  auto a = make("a", iota);
  CHECK(mq::hash_node_def(a) == mq::hash_node_def(make("a", iota)));
  auto changed = iota;
  changed[3] = 42;
  CHECK(mq::hash_node_def(a) != mq::hash_node_def(make("a", changed)));
  CHECK(mq::hash_node_def(a) != mq::hash_node_def(make("b", iota)));
  CHECK(mq::hash_node_def(a) != mq::hash_node_def(make("a", std::vector<float>(iota.begin(), iota.end() - 1))));
  auto int_const = a;
  (*int_const.mutable_attr())["dtype"].set_type(tensorflow::DT_INT32);
  CHECK(mq::hash_node_def(a) != mq::hash_node_def(int_const));
  auto on_device = a;
  on_device.set_device("/cpu:0");
  CHECK(mq::hash_node_def(a) != mq::hash_node_def(on_device));
}
