// Running a list of transforms over a graph the way TensorFlow's
// transform_graph does: each transform gets the previous result, the graph's
// function library is carried over, `ignore_errors=true` keeps the previous
// graph when a transform fails, and a result whose inputs name missing nodes
// stops the run. Every step is reported (nodes and bytes before/after,
// warnings, counters, time).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/transforms/registry.h"
#include "core/transforms/transform_context.h"
#include "core/transforms/transform_string.h"
#include "core/util/status.h"

namespace mq {

#if !defined(NDEBUG)
constexpr bool kValidateAfterEachTransformByDefault = true;
#else
constexpr bool kValidateAfterEachTransformByDefault = false;
#endif

struct TransformOptions {
  // Also run GraphIndex::validate() (duplicate names, dangling inputs, data
  // inputs after control inputs, cycles) after each transform and fail,
  // naming the transform, when a valid graph became invalid.
  bool validate = kValidateAfterEachTransformByDefault;
  // Where transform names are looked up; nullptr means transform_table().
  // (Tests use their own table to check the driver against misbehaving transforms.)
  const std::vector<TransformDefinition>* table = nullptr;
  // Called before each transform runs (index counts from 0).
  std::function<void(size_t index, size_t count, const TransformSpec& spec)> on_transform_start;
};

struct TransformStepReport {
  std::string name;
  std::string text;  // the transform as written back: "fold_constants(ignore_errors=true)"
  int nodes_before = 0;
  int nodes_after = 0;
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
  double milliseconds = 0;
  bool error_ignored = false;  // failed under ignore_errors=true; the graph was kept
  std::string ignored_error;
  TransformNotes notes;
};

struct TransformResult {
  tensorflow::GraphDef graph;
  std::vector<TransformStepReport> steps;
};

// Splits an --inputs / --outputs value the way TensorFlow does: on every ','
// with nothing trimmed; "" → no names; "a,,b" → {"a", "", "b"}.
std::vector<std::string> split_names(std::string_view comma_separated);

// Checks a whole list before anything runs: every transform exists, every
// parameter is one its schema knows, and ignore_errors is true or false
// (case-insensitive, as TensorFlow reads it).
Status check_transform_list(const TransformList& transforms,
                            const std::vector<TransformDefinition>* table = nullptr);

StatusOr<TransformResult> apply_transforms(const tensorflow::GraphDef& graph, const TransformList& transforms,
                                           const std::vector<std::string>& inputs,
                                           const std::vector<std::string>& outputs,
                                           const TransformOptions& options = {});
// The same on a graph the caller no longer needs: it is moved in rather than
// copied (a 100 MB model is then held once, plus each transform's output).
StatusOr<TransformResult> apply_transforms(tensorflow::GraphDef&& graph, const TransformList& transforms,
                                           const std::vector<std::string>& inputs,
                                           const std::vector<std::string>& outputs,
                                           const TransformOptions& options = {});

// The step reports as JSON: [{"name":…,"text":…,"nodes_before":…,
// "nodes_after":…,"bytes_before":…,"bytes_after":…,"milliseconds":…,
// "error_ignored":…,"ignored_error":…,"warnings":[…],"counters":{…},
// "tensors":[…as tensor_reports_json…]}]
std::string transform_steps_json(const std::vector<TransformStepReport>& steps);

// [{"node":…,"encoding":…,"elements":…,"bytes_before":…,"bytes_after":…,
// "max_abs_error":…,"rmse":…,"sqnr_db":…}], with null for an infinite SQNR
// (an exact encoding).
std::string tensor_reports_json(const std::vector<TensorReport>& tensors);

}  // namespace mq
