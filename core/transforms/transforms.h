// Every transform function, one per file core/transforms/<name>.cc, all with
// the same signature; the transforms that run on whole models in the recipes
// also take a graph the caller no longer needs (GraphDef&&, see
// TakingTransformFunction in registry.h) and move its bytes instead of
// copying them. They are listed, with help and parameters, in the
// table of registry.cc; callers go through apply_transforms().
#pragma once

#include <string>
#include <vector>

#include "core/graph/matcher.h"
#include "core/proto/graph.pb.h"
#include "core/transforms/transform_context.h"
#include "core/util/status.h"

namespace mq::transforms {

using tensorflow::GraphDef;

Status add_default_attributes(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status backport_concatv2(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status backport_tensor_array_v3(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status flatten_atrous_conv(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status fold_batch_norms(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status fold_batch_norms(GraphDef&& in, TransformContext& ctx, GraphDef* out);
Status fold_constants(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status fold_constants(GraphDef&& in, TransformContext& ctx, GraphDef* out);
Status fold_old_batch_norms(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status fold_old_batch_norms(GraphDef&& in, TransformContext& ctx, GraphDef* out);
Status fuse_pad_and_conv(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status fuse_resize_and_conv(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status fuse_resize_pad_and_conv(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status insert_logging(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status merge_duplicate_nodes(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status obfuscate_names(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status quantize_weights(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status quantize_weights(GraphDef&& in, TransformContext& ctx, GraphDef* out);
Status remove_attribute(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status remove_control_dependencies(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status remove_device(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status remove_nodes(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status rename_attribute(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status rename_node(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status rename_op(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status round_weights(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status set_device(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status sort_by_execution_order(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status sparsify_gather(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status strip_unused_nodes(const GraphDef& in, TransformContext& ctx, GraphDef* out);
Status strip_unused_nodes(GraphDef&& in, TransformContext& ctx, GraphDef* out);

// Helpers shared by the transform files.

// Passes replace_matching_op_types' warnings and counts on to the report.
void report_replacements(TransformContext& ctx, const ReplaceReport& report, const std::string& counter);

// Appends a copy of `node` unless a node of that name was already appended
// (a node can fill two roles of one match, e.g. Conv2D(MirrorPad(x, p), x)).
void append_once(const tensorflow::NodeDef& node, std::vector<tensorflow::NodeDef>* nodes);

}  // namespace mq::transforms
