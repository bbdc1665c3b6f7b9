// Fixtures shared by the fold_batch_norms and fold_old_batch_norms tests:
// test-vectors.md's G_CONV graph and its relatives, and running a graph's
// output through the evaluator so a fold can be checked by its numbers.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "core/eval/evaluator.h"
#include "tests/core/transforms/transform_test_support.h"

namespace mq::test {

inline void set_conv_attrs(tensorflow::NodeDef* conv) {
  auto& attrs = *conv->mutable_attr();
  attrs["T"].set_type(tensorflow::DT_FLOAT);
  attrs["padding"].set_s("VALID");
  for (int i = 0; i < 4; ++i) attrs["strides"].mutable_list()->add_i(1);
  for (int i = 0; i < 4; ++i) attrs["dilations"].mutable_list()->add_i(1);
  attrs["data_format"].set_s("NHWC");
  if (conv->op() == "Conv2D") {
    attrs["use_cudnn_on_gpu"].set_b(true);
    attrs["explicit_paddings"].mutable_list();
  }
}

// input_op [1,1,6,2], weights_op [1,2,2,2], conv_op = `conv_op`(input_op, weights_op).
inline tensorflow::GraphDef g_conv(const std::string& conv_op = "Conv2D") {
  tensorflow::GraphDef graph;
  add_float_const(&graph, "input_op", {1, 1, 6, 2}, {1, 4, 2, 5, 3, 6, -1, -4, -2, -5, -3, -6});
  add_float_const(&graph, "weights_op", {1, 2, 2, 2}, {1, 2, 3, 4, 0.1f, 0.2f, 0.3f, 0.4f});
  set_conv_attrs(add_node(&graph, "conv_op", conv_op, {"input_op", "weights_op"}));
  return graph;
}

// The float values of `output` computed by the evaluator (the graphs here
// have no inputs).
inline std::vector<float> evaluate_output(const tensorflow::GraphDef& graph, const std::string& output) {
  MemoryBudget budget;
  StatusOr<std::vector<Tensor>> values = evaluate_graph(graph, {}, {output}, budget);
  INFO("evaluating " << output << ": " << values.status().message());
  REQUIRE(values.is_ok());
  const Tensor& value = (*values)[0];
  REQUIRE(value.dtype() == tensorflow::DT_FLOAT);
  return std::vector<float>(value.data<float>(), value.data<float>() + value.num_elements());
}

// Both graphs compute `output` with at most `relative` relative error.
inline void check_same_output(const tensorflow::GraphDef& before, const tensorflow::GraphDef& after,
                              const std::string& output, double relative = 1e-5) {
  std::vector<float> expected = evaluate_output(before, output);
  std::vector<float> actual = evaluate_output(after, output);
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(output << "[" << i << "]: " << actual[i] << " vs " << expected[i]);
    CHECK(std::fabs(actual[i] - expected[i]) <= relative * std::max(1.0, std::fabs(double(expected[i]))));
  }
}

}  // namespace mq::test
