#include "core/transforms/recipes.h"

#include "core/eval/tensor.h"
#include "core/graph/input_names.h"
#include "core/summarize/summarize.h"
#include "core/util/json_quote.h"

namespace mq {
namespace {

std::string strip_for_shape(const std::string& shape) {
  return "strip_unused_nodes(type=float, shape=\"" + shape + "\")";
}

std::vector<std::string> fix_missing_kernel_errors_with(const std::string& strip) {
  return {strip, "fold_constants(ignore_errors=true)", "fold_batch_norms", "fold_old_batch_norms"};
}

std::vector<std::string> optimizing_for_deployment_with(const std::string& strip) {
  return {strip, "remove_nodes(op=Identity, op=CheckNumerics)", "fold_constants(ignore_errors=true)",
          "fold_batch_norms", "fold_old_batch_norms"};
}

std::vector<std::string> optimize_quantize_weights_with(const std::string& strip) {
  std::vector<std::string> transforms = fix_missing_kernel_errors_with(strip);
  transforms.push_back("quantize_weights");
  return transforms;
}

std::string join(const std::vector<std::string>& pieces, const char* separator) {
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) out += (i ? separator : "") + pieces[i];
  return out;
}

// "1,224,224,3": sizes of at least -1 separated by commas, nothing else.
Status check_shape_text(const std::string& shape) {
  size_t start = 0;
  while (true) {
    size_t comma = shape.find(',', start);
    std::string piece = shape.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    bool digits = !piece.empty();
    for (size_t i = piece[0] == '-' ? 1 : 0; i < piece.size(); ++i) digits = digits && piece[i] >= '0' && piece[i] <= '9';
    if (!digits || piece == "-" || (piece[0] == '-' && piece != "-1"))
      return Status::error("the shape '" + shape + "' is not a comma-separated list of sizes such as 1,224,224,3");
    if (comma == std::string::npos) return Status::ok();
    start = comma + 1;
  }
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string out;
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? "," : "") + std::to_string(dims[i]);
  return out;
}

// strip_unused_nodes with every input's own type and shape.
StatusOr<std::string> strip_from_placeholders(const GraphSummary& summary, const std::vector<std::string>& inputs) {
  struct Known {
    std::string name, type, shape;
  };
  std::vector<Known> known;
  for (const std::string& input : inputs) {
    const std::string name = node_name_from_input(input);
    const GraphInput* placeholder = nullptr;
    for (const GraphInput& candidate : summary.inputs)
      if (candidate.name == name) placeholder = &candidate;
    if (placeholder == nullptr)
      return Status::error("input '" + name + "' is not a Placeholder, so its shape is unknown; pass --shape " +
                           "(e.g. --shape 1,224,224,3)");
    bool fully_known = placeholder->shape_knowledge == ShapeKnowledge::kKnown;
    for (int64_t dim : placeholder->dims) fully_known = fully_known && dim >= 0;
    if (!fully_known) {
      std::string example = "1,224,224,3";
      if (placeholder->shape_knowledge == ShapeKnowledge::kKnown) {
        std::vector<int64_t> dims = placeholder->dims;
        for (int64_t& dim : dims) dim = dim < 0 ? 1 : dim;
        example = dims_text(dims);
      }
      return Status::error("input '" + name + "' has shape " + shape_text(*placeholder) +
                           ", which is not fully known; pass --shape with every size (e.g. --shape " + example + ")");
    }
    if (placeholder->dtype == tensorflow::DT_INVALID)
      return Status::error("input '" + name + "' has no dtype attribute; pass --shape and fix the Placeholder");
    known.push_back({name, dtype_name(placeholder->dtype), dims_text(placeholder->dims)});
  }
  if (known.size() == 1) {
    // A scalar is strip_unused_nodes' default shape (an empty shape="" is an error).
    if (known[0].shape.empty()) return "strip_unused_nodes(type=" + known[0].type + ")";
    return "strip_unused_nodes(type=" + known[0].type + ", shape=\"" + known[0].shape + "\")";
  }
  std::vector<std::string> params;
  for (const Known& input : known) {
    params.push_back("name=" + input.name);
    params.push_back("type_for_name=" + input.type);
    // Scalars: "" would not parse; a one-element vector is the closest a
    // shape_for_name can say, so such graphs need --shape instead.
    if (input.shape.empty())
      return Status::error("input '" + input.name + "' is a scalar, which strip_unused_nodes cannot name among "
                           "several inputs; pass --shape");
    params.push_back("shape_for_name=\"" + input.shape + "\"");
  }
  return "strip_unused_nodes(" + join(params, ", ") + ")";
}

}  // namespace

std::vector<std::string> optimizing_for_deployment() { return get_optimizing_for_deployment_for_shape(kSeedRecipeShape); }
std::vector<std::string> fix_missing_kernel_errors() { return get_fix_missing_kernel_errors_for_shape(kSeedRecipeShape); }
std::vector<std::string> optimize_quantize_weights() { return get_optimize_quantize_weights_for_shape(kSeedRecipeShape); }

std::vector<std::string> get_optimizing_for_deployment_for_shape(const std::string& shape) {
  return optimizing_for_deployment_with(strip_for_shape(shape));
}
std::vector<std::string> get_fix_missing_kernel_errors_for_shape(const std::string& shape) {
  return fix_missing_kernel_errors_with(strip_for_shape(shape));
}
std::vector<std::string> get_optimize_quantize_weights_for_shape(const std::string& shape) {
  return optimize_quantize_weights_with(strip_for_shape(shape));
}

const std::vector<Recipe>& recipe_table() {
  static const std::vector<Recipe> table = {
      {"optimizing_for_deployment",
       "Strip what the outputs do not need, remove Identity and CheckNumerics, fold constants and batch norms.",
       optimizing_for_deployment_with},
      {"fix_missing_kernel_errors",
       "Strip what the outputs do not need and fold constants and batch norms, so training-only ops without "
       "mobile kernels disappear.",
       fix_missing_kernel_errors_with},
      {"optimize_quantize_weights",
       "fix_missing_kernel_errors, then store float weights as 8-bit (quantize_weights): about 4x smaller.",
       optimize_quantize_weights_with},
  };
  return table;
}

const Recipe* find_recipe(std::string_view name) {
  for (const Recipe& recipe : recipe_table())
    if (name == recipe.name) return &recipe;
  return nullptr;
}

std::string describe_recipes_json() {
  std::string out = "{\"recipes\":[";
  for (size_t i = 0; i < recipe_table().size(); ++i) {
    const Recipe& recipe = recipe_table()[i];
    out += std::string(i ? "," : "") + "{\"name\":" + json_quote(recipe.name) + ",\"help\":" + json_quote(recipe.help) +
           ",\"transforms\":[";
    std::vector<std::string> transforms = recipe.with_strip(strip_for_shape(kSeedRecipeShape));
    for (size_t t = 0; t < transforms.size(); ++t) out += (t ? "," : "") + json_quote(transforms[t]);
    out += "]}";
  }
  return out + "]}";
}

StatusOr<RecipePlan> plan_recipe(const tensorflow::GraphDef& graph, const std::string& recipe,
                                 const std::string& shape, const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs) {
  const Recipe* found = find_recipe(recipe);
  if (found == nullptr) {
    std::string names;
    for (const Recipe& known : recipe_table()) names += (names.empty() ? "" : ", ") + std::string(known.name);
    return Status::error("unknown recipe '" + recipe + "'; the recipes are " + names);
  }
  if (!shape.empty()) MQ_RETURN_IF_ERROR(check_shape_text(shape));

  GraphSummary summary = summarize_graph(graph, 0);
  RecipePlan plan;
  plan.inputs = inputs;
  if (plan.inputs.empty())
    for (const GraphInput& input : summary.inputs) plan.inputs.push_back(input.name);
  plan.outputs = outputs;
  if (plan.outputs.empty())
    for (const GraphOutput& output : summary.outputs) plan.outputs.push_back(output.name);
  if (plan.outputs.empty())
    return Status::error("the graph has no node that nothing consumes, so its outputs cannot be detected; pass "
                         "--outputs");

  std::string strip;
  if (!shape.empty()) {
    strip = strip_for_shape(shape);
  } else if (plan.inputs.empty()) {
    strip = "strip_unused_nodes";  // nothing to turn into a Placeholder
  } else {
    MQ_ASSIGN_OR_RETURN(strip, strip_from_placeholders(summary, plan.inputs));
  }
  plan.transforms = found->with_strip(strip);
  plan.transform_text = join(plan.transforms, " ");
  return plan;
}

}  // namespace mq
