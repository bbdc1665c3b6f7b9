// The table of transforms: one row per transform with its GTT name, a
// one-line help, its parameter schema and its function. It feeds the driver
// (apply_transforms.h), `modelquant transforms` and the web page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/transforms/transform_context.h"
#include "core/util/status.h"

namespace mq {

using TransformFunction = Status (*)(const tensorflow::GraphDef& in, TransformContext& ctx, tensorflow::GraphDef* out);
// The same transform on a graph the caller no longer needs: nodes and tensor
// bytes are moved out of `in` instead of copied, so a large model is not held
// twice.
using TakingTransformFunction = Status (*)(tensorflow::GraphDef&& in, TransformContext& ctx,
                                           tensorflow::GraphDef* out);

struct TransformDefinition {
  const char* name;
  const char* help;
  std::vector<ParameterSpec> parameters;
  TransformFunction function;
  // Optional; the driver prefers it. When it fails, `in` is either left as
  // it was (taking_restores_input) or in an unspecified state, in which case
  // the driver uses it only for steps whose errors cannot be ignored.
  TakingTransformFunction taking_function = nullptr;
  bool taking_restores_input = false;
};

// Every transform, sorted by name.
const std::vector<TransformDefinition>& transform_table();

// nullptr when there is no transform with that name.
const TransformDefinition* find_transform(std::string_view name);

// The table as JSON: {"transforms":[{"name":…,"help":…,"parameters":[{"name":…,
// "type":"bool|int32|int64|float|string|string-list","default":…,"required":…,
// "help":…}]}],"common_parameters":[…]}
std::string describe_transforms_json();

}  // namespace mq
