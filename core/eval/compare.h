// Comparing two models (say, before and after a transform) on the same
// inputs: both are run (model_run.h) with the inputs of the first, and each
// output is compared element by element with NumPy's allclose rule, the
// first model being the reference: |b − a| ≤ atol + rtol·|a|.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/eval/model_run.h"
#include "core/eval/tensor.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

struct CompareOptions {
  RunOptions run;  // inputs, outputs, shapes and seed, as for run_model
  double rtol = 1e-4;
  double atol = 1e-5;
};

struct OutputDifference {
  std::string name;
  DataType dtype_a = tensorflow::DT_INVALID, dtype_b = tensorflow::DT_INVALID;
  Shape shape_a, shape_b;
  int64_t elements = 0;
  double max_abs_error = 0;  // over elements where both values are finite
  double max_rel_error = 0;  // |b − a| / |a| over elements where a ≠ 0 and both are finite
  int64_t mismatched = 0;    // elements outside the tolerance (a NaN on one side only counts)
  bool within_tolerance = true;
  std::string problem;  // "shapes differ: …", "dtypes differ: …" (then within_tolerance is false)
};

struct Comparison {
  double rtol = 0, atol = 0;
  std::vector<ModelInput> inputs;  // what both models were given
  std::vector<OutputDifference> outputs;
  bool within_tolerance = true;  // every output is
  double milliseconds_a = 0, milliseconds_b = 0;
};

// Compares two values of the same output.
OutputDifference compare_tensors(const std::string& name, const Tensor& a, const Tensor& b, double rtol, double atol);

// Runs both graphs and compares every output. Outputs default to the first
// graph's; inputs the first graph needs are given to the second as well
// (when it has a node of that name), so generated inputs are shared.
StatusOr<Comparison> compare_models(const tensorflow::GraphDef& a, const tensorflow::GraphDef& b,
                                    const CompareOptions& options);

// {"within_tolerance":…,"rtol":…,"atol":…,"inputs":[{"name","dtype","shape","generated"}],
//  "outputs":[{"name","dtype","shape","elements","max_abs_error","max_rel_error","mismatched",
//  "within_tolerance","problem"?,"dtype_b"?,"shape_b"?}],"milliseconds":{"a":…,"b":…}}
std::string comparison_json(const Comparison& comparison);

// One line per output and a verdict, for people.
std::string comparison_text(const Comparison& comparison);

}  // namespace mq
