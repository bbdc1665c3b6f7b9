// modelquant recipes [--shape 1,224,224,3] [--json]
#include <memory>

#include "core/transforms/recipes.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace mq::cli {
namespace {

struct RecipesOptions {
  std::string shape = kSeedRecipeShape;
  bool json = false;
};

void run_recipes(const RecipesOptions& options) {
  if (options.json) {
    write_stdout(describe_recipes_json() + "\n");
    return;
  }
  std::string out;
  for (const Recipe& recipe : recipe_table()) {
    out += std::string(recipe.name) + "\n    " + recipe.help + "\n";
    for (const std::string& transform :
         recipe.with_strip("strip_unused_nodes(type=float, shape=\"" + options.shape + "\")"))
      out += "      " + transform + "\n";
    out += "\n";
  }
  out += "Run one with: modelquant transform MODEL -o OUT --recipe NAME [--shape 1,224,224,3]\n"
         "Without --shape, strip_unused_nodes gets each input's type and shape from its Placeholder.\n";
  write_stdout(out);
}

}  // namespace

void add_recipes_command(CLI::App& app) {
  auto options = std::make_shared<RecipesOptions>();
  CLI::App* command = app.add_subcommand("recipes", "List the ready-made transform lists for modelquant transform --recipe");
  command->add_option("--shape", options->shape, "Show the lists with this input shape")->capture_default_str();
  command->add_flag("--json", options->json, "Print the recipes as JSON (with the 1,299,299,3 shape)");
  command->callback([options] { run_recipes(*options); });
}

}  // namespace mq::cli
