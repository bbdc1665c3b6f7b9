// obfuscate_names: gives every node a short generated name (base 62 over
// 0-9a-zA-Z: 0, 1, ..., Z, 10, ...), skipping names in --inputs/--outputs,
// whose nodes keep their own. The lists are compared as raw strings, so
// "x:0" does not protect node "x".
#include <set>
#include <unordered_map>

#include "core/graph/input_names.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {
namespace {

std::string base62(int64_t value) {
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value % 62]);
    value /= 62;
  } while (value > 0);
  return out;
}

}  // namespace

Status obfuscate_names(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  std::set<std::string> protected_names(ctx.input_names().begin(), ctx.input_names().end());
  protected_names.insert(ctx.output_names().begin(), ctx.output_names().end());
  std::unordered_map<std::string, std::string> new_names;
  int64_t counter = 0;
  for (const tensorflow::NodeDef& node : in.node()) {
    std::string new_name;
    if (protected_names.count(node.name())) {
      new_name = node.name();
    } else {
      do {
        new_name = base62(counter++);
      } while (protected_names.count(new_name));
      ctx.add_count("nodes renamed");
    }
    new_names[node.name()] = new_name;
  }
  out->Clear();
  for (const tensorflow::NodeDef& node : in.node()) {
    tensorflow::NodeDef* copy = out->add_node();
    *copy = node;
    copy->set_name(new_names[node.name()]);
    for (std::string& input : *copy->mutable_input()) {
      InputNameParts parts = node_name_parts_from_input(input);
      auto renamed = new_names.find(parts.name);
      if (renamed == new_names.end())
        return Status::error("No node named " + parts.name + " for input to " + node.name());
      input = parts.prefix + renamed->second + parts.suffix;
    }
  }
  return Status::ok();
}

}  // namespace mq::transforms
