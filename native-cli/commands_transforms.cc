// modelquant transforms [--json]: every transform with its parameters.
#include <cstdio>
#include <memory>

#include "core/transforms/registry.h"
#include "native-cli/cli_support.h"
#include "native-cli/commands.h"

namespace mq::cli {
namespace {

void run_transforms(bool json) {
  if (json) {
    write_stdout(describe_transforms_json() + "\n");
    return;
  }
  std::string out;
  char line[512];
  auto describe = [&](const ParameterSpec& parameter) {
    std::string facts = parameter_type_name(parameter.type);
    if (parameter.required) facts += ", required";
    else if (parameter.default_value[0] != '\0') facts += ", default " + std::string(parameter.default_value);
    std::snprintf(line, sizeof line, "    %-22s %-26s %s\n", parameter.name, ("(" + facts + ")").c_str(),
                  parameter.help);
    out += line;
  };
  for (const TransformDefinition& transform : transform_table()) {
    out += std::string(transform.name) + "\n    " + transform.help + "\n";
    for (const ParameterSpec& parameter : transform.parameters) describe(parameter);
    out += "\n";
  }
  out += "Every transform also takes:\n";
  describe(ignore_errors_parameter());
  out += "\nSyntax: name(param=value, param=\"quoted, value\") name2 ...; a repeated parameter gives a list.\n";
  write_stdout(out);
}

}  // namespace

void add_transforms_command(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand("transforms", "List every transform with its parameters, defaults and help");
  command->add_flag("--json", *json, "Print the table as JSON");
  command->callback([json] { run_transforms(*json); });
}

}  // namespace mq::cli
