// Allocations that inputs decide go through a limit and fail with a message
// before anything is allocated: the run's MemoryBudget (outputs, kernels'
// temporary copies, generated inputs) and the decode limit for TensorProtos
// whose few values stand for a huge tensor.
#include <catch2/catch.hpp>

#include "core/eval/evaluator.h"
#include "core/eval/model_run.h"
#include "core/eval/tensor_proto.h"
#include "tests/test_support.h"

TEST_CASE("memory sizes are read the way a person writes them", "[memory]") {
  CHECK(*mq::parse_memory_size("1073741824") == 1073741824ULL);
  CHECK(*mq::parse_memory_size("512M") == 512ULL << 20);
  CHECK(*mq::parse_memory_size("4G") == 4ULL << 30);
  CHECK(*mq::parse_memory_size("4GiB") == 4ULL << 30);
  CHECK(*mq::parse_memory_size("1.5G") == 3ULL << 29);
  CHECK(*mq::parse_memory_size("64k") == 64ULL << 10);
  CHECK(*mq::parse_memory_size("2T") == 2ULL << 40);
  for (const char* bad : {"", "abc", "-1", "0", "1X", "G", "1e30", " 4G"}) {
    INFO(bad);
    auto parsed = mq::parse_memory_size(bad);
    REQUIRE_FALSE(parsed.is_ok());
    CHECK_THAT(parsed.status().message(), Catch::Contains("should be a number of bytes or a size like 512M or 4G"));
  }
}

TEST_CASE("a run over its memory limit stops naming the node", "[memory]") {
  tensorflow::GraphDef graph = mq::test::graph_from_text(R"pb(
    node { name: "dims" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
           attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 1024 int_val: 1024 } } } }
    node { name: "one" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
           attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { } float_val: 1 } } } }
    node { name: "big" op: "Fill" input: "dims" input: "one" attr { key: "T" value { type: DT_FLOAT } } }
  )pb");
  mq::RunOptions options;
  options.memory_limit_bytes = 1 << 20;
  auto result = mq::run_model(graph, options);
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.status().code() == mq::StatusCode::kResourceExhausted);
  CHECK_THAT(result.status().message(),
             Catch::StartsWith("node 'big' (op Fill): an output of shape [1024,1024] would need 4194304 bytes, over "
                               "the budget of 1048576 bytes"));
  options.memory_limit_bytes = 8 << 20;
  CHECK(mq::run_model(graph, options).is_ok());
}

TEST_CASE("generated inputs count against the memory limit before they are made", "[memory]") {
  tensorflow::GraphDef graph = mq::test::graph_from_text(R"pb(
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
           attr { key: "shape" value { shape { dim { size: 1048576 } dim { size: 1024 } } } } }
    node { name: "y" op: "Neg" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
  )pb");
  mq::RunOptions options;
  options.memory_limit_bytes = 1ULL << 30;
  auto result = mq::run_model(graph, options);
  REQUIRE_FALSE(result.is_ok());
  CHECK_THAT(result.status().message(),
             Catch::StartsWith("input 'x' (generated) of shape [1048576,1024] would need 4294967296 bytes, over the "
                               "budget of 1073741824 bytes"));
}

TEST_CASE("kernels charge their temporary copies to the budget", "[memory]") {
  // MatMul of half-precision operands computes on float copies of both.
  tensorflow::GraphDef graph = mq::test::graph_from_text(R"pb(
    node { name: "a" op: "Placeholder" attr { key: "dtype" value { type: DT_HALF } } }
    node { name: "m" op: "MatMul" input: "a" input: "a" attr { key: "T" value { type: DT_HALF } } }
  )pb");
  mq::Tensor a(tensorflow::DT_HALF, {256, 256});  // 128 KiB
  mq::MemoryBudget tight(3 * 131072 + 1000);      // the input, the output and a little: no room for float copies
  auto result = mq::evaluate_graph(graph, {{"a", a}}, {"m"}, tight);
  REQUIRE_FALSE(result.is_ok());
  CHECK_THAT(result.status().message(), Catch::Contains("node 'm' (op MatMul): float copies of half-precision operands"));
  mq::MemoryBudget enough(4 << 20);
  CHECK(mq::evaluate_graph(graph, {{"a", a}}, {"m"}, enough).is_ok());
  CHECK(enough.peak() > 3 * 131072);
}

TEST_CASE("a TensorProto whose few values stand for more than 2 GiB is refused before decoding", "[memory]") {
  tensorflow::TensorProto proto;
  proto.set_dtype(tensorflow::DT_FLOAT);
  proto.mutable_tensor_shape()->add_dim()->set_size(1 << 20);
  proto.mutable_tensor_shape()->add_dim()->set_size(1 << 10);
  proto.add_float_val(0.5f);
  auto tensor = mq::tensor_from_proto(proto);
  REQUIRE_FALSE(tensor.is_ok());
  CHECK(tensor.status().code() == mq::StatusCode::kResourceExhausted);
  CHECK(tensor.status().message() ==
        "the float tensor of shape [1048576,1024] would take 4294967296 bytes once decoded, more than a GraphDef can "
        "hold (2 GiB)");
  proto.mutable_tensor_shape()->mutable_dim(0)->set_size(1 << 10);  // 4 MiB: fine
  CHECK(mq::tensor_from_proto(proto).is_ok());
}
