#include "core/transforms/registry.h"

#include <algorithm>

#include "core/transforms/transforms.h"
#include "core/util/json_quote.h"

namespace mq {
namespace {

using P = ParameterType;

// Adding a transform: write core/transforms/<name>.cc defining
// mq::transforms::<name>, declare it in transforms.h, add its row below
// (name, one-line help, parameters, function) and its tests in
// tests/core/transforms/<name>_test.cc. Parameters are read only through the
// context's accessors, with the same default as the row.
std::vector<TransformDefinition> build_table() {
  // One row per transform, sorted by name.
  std::vector<TransformDefinition> table = {
      {"add_default_attributes",
       "Adds every attribute a node's op defines with a default and the node lacks (TensorFlow 2.21 op registry).",
       {},
       transforms::add_default_attributes},
      {"backport_concatv2",
       "Rewrites ConcatV2 as the older Concat op (axis moved to the first input).",
       {},
       transforms::backport_concatv2},
      {"backport_tensor_array_v3",
       "Rewrites TensorArray*V3 ops as their V2 forms, feeding a dummy flow constant where V3 had a second output.",
       {},
       transforms::backport_tensor_array_v3},
      {"flatten_atrous_conv",
       "Turns SpaceToBatchND + Conv2D/DepthwiseConv2dNative + BatchToSpaceND (a TF1 dilated convolution) into one "
       "convolution with a zero-spread filter and SAME padding.",
       {},
       transforms::flatten_atrous_conv},
      {"fold_batch_norms",
       "Folds Mul(Conv2D|MatMul|DepthwiseConv2dNative(x, weights), scale) into the weights: w[i] × scale[i mod cols].",
       {},
       transforms::fold_batch_norms, transforms::fold_batch_norms, true},
      {"fold_constants",
       "Replaces every sub-graph that does not depend on the --inputs by a Const holding its value (needs --outputs).",
       {{"clear_output_shapes", P::kBool, "true", "drop _output_shapes attributes instead of using them as shapes"},
        {"exclude_op", P::kStringList, "", "never fold nodes of this op type (repeatable)"},
        {"exclude_node", P::kStringList, "", "never fold the node with this name (repeatable)"},
        {"max_constant_size_in_bytes", P::kInt64, "10485760", "do not create constants larger than this"}},
       transforms::fold_constants, transforms::fold_constants, true},
      {"fold_old_batch_norms",
       "Folds BatchNormWithGlobalNormalization / FusedBatchNorm after a Conv2D or DepthwiseConv2dNative (directly, "
       "through BatchToSpaceND or a ConcatV2) into the weights and a BiasAdd.",
       {{"fused_batch_norm_v3", P::kBool, "false",
         "also fold FusedBatchNormV2/V3 with is_training=false (TensorFlow's tool does not)"}},
       transforms::fold_old_batch_norms, transforms::fold_old_batch_norms, false},
      {"fuse_pad_and_conv",
       "Fuses MirrorPad followed by Conv2D into FusedPadConv2D.",
       {},
       transforms::fuse_pad_and_conv},
      {"fuse_resize_and_conv",
       "Fuses ResizeBilinear followed by Conv2D into FusedResizeAndPadConv2D (with zero padding).",
       {},
       transforms::fuse_resize_and_conv},
      {"fuse_resize_pad_and_conv",
       "Fuses ResizeBilinear, MirrorPad and Conv2D into FusedResizeAndPadConv2D.",
       {},
       transforms::fuse_resize_pad_and_conv},
      {"insert_logging",
       "Inserts a Print node after each selected node so its outputs are logged when the graph runs.",
       {{"op", P::kStringList, "", "log only nodes with these op types (repeatable)"},
        {"prefix", P::kStringList, "", "log only nodes whose name starts with one of these (repeatable)"},
        {"message", P::kString, "", "text printed before the values"},
        {"show_name", P::kBool, "false", "start the message with the Print node's name"},
        {"show_op", P::kBool, "false", "start the message with the logged node's op type"},
        {"first_n", P::kInt32, "-1", "log only the first n evaluations (-1: always)"},
        {"summarize", P::kInt32, "1024", "how many values of each tensor to print"}},
       transforms::insert_logging},
      {"merge_duplicate_nodes",
       "Merges nodes with the same op, inputs, device and attributes into one (stateless ops only); repeats until "
       "none are left.",
       {},
       transforms::merge_duplicate_nodes},
      {"obfuscate_names",
       "Replaces node names by short generated ones (0, 1, ..., Z, 10, ...), keeping --inputs and --outputs names.",
       {},
       transforms::obfuscate_names},
      {"quantize_weights",
       "Stores large float Consts in 8 bits (TensorFlow's quint8 + Dequantize MIN_FIRST by default; per-channel "
       "int8 or float16 on request) behind a node of the same name that gives floats back.",
       {{"minimum_size", P::kInt32, "1024", "leave Consts with fewer elements as float"},
        {"scheme", P::kString, "quint8",
         "quint8 (TensorFlow's, bit-exact), per_channel_int8 (qint8, Dequantize SCALED per output channel) or "
         "float16 (half + Cast, for runtimes without Dequantize)"},
        {"include", P::kStringList, "", "only Consts whose name matches one of these patterns (*, ?, [..]; repeatable)"},
        {"exclude", P::kStringList, "", "never Consts whose name matches one of these patterns (repeatable)"}},
       transforms::quantize_weights, transforms::quantize_weights, false},
      {"remove_attribute",
       "Removes an attribute from every node, or from the nodes of one op type.",
       {{"attribute_name", P::kString, "", "the attribute to remove", true},
        {"op_name", P::kString, "*", "only nodes with this op type ('*': all)"}},
       transforms::remove_attribute},
      {"remove_control_dependencies",
       "Removes every control input (^name) from every node.",
       {},
       transforms::remove_control_dependencies},
      {"remove_device",
       "Clears the device of every node.",
       {},
       transforms::remove_device},
      {"remove_nodes",
       "Removes nodes of the given op types that simply pass their first input on (Identity, CheckNumerics, ...), "
       "wiring consumers to that input; --inputs and --outputs are kept.",
       {{"op", P::kStringList, "", "op type to remove (repeatable)", true},
        {"max_inputs", P::kInt32, "1", "also remove nodes with up to this many data inputs"}},
       transforms::remove_nodes},
      {"rename_attribute",
       "Renames an attribute on every node, or on the nodes of one op type.",
       {{"old_attribute_name", P::kString, "", "the attribute's current name", true},
        {"new_attribute_name", P::kString, "", "its new name", true},
        {"op_name", P::kStringList, "*", "only nodes with this op type (the first one given; '*': all)"}},
       transforms::rename_attribute},
      {"rename_node",
       "Renames one node and every input that refers to it.",
       {{"old_node_name", P::kString, "", "the node's current name", true},
        {"new_node_name", P::kString, "", "its new name (must not be in use)", true}},
       transforms::rename_node},
      {"rename_op",
       "Changes the op type of every node with a given op type.",
       {{"old_op_name", P::kString, "", "the op type to replace", true},
        {"new_op_name", P::kString, "", "the new op type", true}},
       transforms::rename_op},
      {"round_weights",
       "Snaps the values of float Consts (16 elements or more) to num_steps evenly spaced levels, so the file "
       "compresses well; the graph stays float.",
       {{"num_steps", P::kInt32, "256", "how many levels each tensor keeps"}},
       transforms::round_weights},
      {"set_device",
       "Sets the device of every node (or only of nodes without one).",
       {{"device", P::kString, "", "the device, e.g. /device:CPU:0 (empty clears it)"},
        {"if_default", P::kBool, "false", "only change nodes that have no device"}},
       transforms::set_device},
      {"sort_by_execution_order",
       "Orders nodes so that every node comes after its inputs (GTT's exact order).",
       {},
       transforms::sort_by_execution_order},
      {"sparsify_gather",
       "Replaces Gather/GatherV2 over a mostly-zero [N,1] float Const (behind an Identity) by a hash table of its "
       "non-zero entries (HashTable, InitializeTable, LookupTableFind).",
       {{"group_init_node", P::kStringList, "group_deps",
         "the NoOp that runs the tables' initializers (created if missing; the first value counts)"},
        {"input_checkpoint", P::kStringList, "", "TensorFlow's training checkpoint; not read (frozen graphs only)"}},
       transforms::sparsify_gather},
      {"strip_unused_nodes",
       "Keeps only the nodes the --outputs need, turning --inputs into Placeholders of the given type and shape.",
       {{"type", P::kString, "float", "data type of new Placeholders"},
        {"shape", P::kString, "", "shape of new Placeholders, e.g. \"1,224,224,3\" (default: scalar)"},
        {"name", P::kStringList, "", "an input with its own type and shape (repeatable, pairs with the next two)"},
        {"type_for_name", P::kStringList, "", "type for the matching 'name' (repeatable)"},
        {"shape_for_name", P::kStringList, "", "shape for the matching 'name' (repeatable)"}},
       transforms::strip_unused_nodes, transforms::strip_unused_nodes, true},
  };
  std::sort(table.begin(), table.end(),
            [](const TransformDefinition& a, const TransformDefinition& b) { return std::string_view(a.name) < b.name; });
  return table;
}

std::string parameter_json(const ParameterSpec& spec) {
  return std::string("{\"name\":") + json_quote(spec.name) + ",\"type\":" +
         json_quote(parameter_type_name(spec.type)) + ",\"default\":" + json_quote(spec.default_value) +
         ",\"required\":" + (spec.required ? "true" : "false") + ",\"help\":" + json_quote(spec.help) + "}";
}

}  // namespace

const std::vector<TransformDefinition>& transform_table() {
  static const std::vector<TransformDefinition> table = build_table();
  return table;
}

const TransformDefinition* find_transform(std::string_view name) {
  for (const TransformDefinition& definition : transform_table())
    if (name == definition.name) return &definition;
  return nullptr;
}

std::string describe_transforms_json() {
  std::string out = "{\"transforms\":[";
  bool first = true;
  for (const TransformDefinition& definition : transform_table()) {
    if (!first) out += ',';
    first = false;
    out += "{\"name\":" + json_quote(definition.name) + ",\"help\":" + json_quote(definition.help) +
           ",\"parameters\":[";
    for (size_t i = 0; i < definition.parameters.size(); ++i) {
      if (i > 0) out += ',';
      out += parameter_json(definition.parameters[i]);
    }
    out += "]}";
  }
  out += "],\"common_parameters\":[" + parameter_json(ignore_errors_parameter()) + "]}";
  return out;
}

}  // namespace mq
