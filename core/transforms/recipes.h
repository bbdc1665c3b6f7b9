// Ready-made transform lists ("recipes") for the usual jobs, as the seed
// project offered them: each is a list of transform strings starting with
// strip_unused_nodes, which needs the input's type and shape.
//
//   optimizing_for_deployment  strip_unused_nodes, remove_nodes(op=Identity,
//                              op=CheckNumerics), fold_constants(ignore_errors=true),
//                              fold_batch_norms, fold_old_batch_norms
//   fix_missing_kernel_errors  the same without remove_nodes
//   optimize_quantize_weights  fix_missing_kernel_errors, then quantize_weights
//
// The plain lists use the seed's 299×299 image shape; get_*_for_shape()
// puts in another. plan_recipe() goes further and never guesses: with no
// shape given it takes the inputs' own shapes from their Placeholders, and
// fails naming the input when one is not fully known.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// The seed's input shape for its lists.
inline constexpr const char* kSeedRecipeShape = "1,299,299,3";

std::vector<std::string> optimizing_for_deployment();
std::vector<std::string> fix_missing_kernel_errors();
std::vector<std::string> optimize_quantize_weights();

// `shape` is a comma-separated list of sizes, e.g. "1,224,224,3".
std::vector<std::string> get_optimizing_for_deployment_for_shape(const std::string& shape);
std::vector<std::string> get_fix_missing_kernel_errors_for_shape(const std::string& shape);
std::vector<std::string> get_optimize_quantize_weights_for_shape(const std::string& shape);

struct Recipe {
  const char* name;
  const char* help;
  // The list with `strip` (a strip_unused_nodes transform) as its first entry.
  std::vector<std::string> (*with_strip)(const std::string& strip);
};

// Every recipe, in the order above.
const std::vector<Recipe>& recipe_table();
// nullptr when there is no recipe with that name.
const Recipe* find_recipe(std::string_view name);

// {"recipes":[{"name":…,"help":…,"transforms":[… with the seed's shape …]}]}
std::string describe_recipes_json();

// A recipe made concrete for one graph.
struct RecipePlan {
  std::vector<std::string> inputs;   // --inputs used
  std::vector<std::string> outputs;  // --outputs used
  std::vector<std::string> transforms;
  std::string transform_text;        // the transforms joined by spaces, ready to parse
};

// Fills in what was not given: inputs default to the graph's Placeholders and
// outputs to the nodes nobody consumes (summarize_graph's detection); with an
// empty `shape`, strip_unused_nodes gets each input's type and shape from its
// Placeholder (type=/shape= for one input, name=/type_for_name=/
// shape_for_name= for several). Fails for an unknown recipe, a malformed
// shape, a graph without detectable outputs, or an input whose shape is not
// fully known (naming it and asking for --shape).
StatusOr<RecipePlan> plan_recipe(const tensorflow::GraphDef& graph, const std::string& recipe,
                                 const std::string& shape, const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs);

}  // namespace mq
