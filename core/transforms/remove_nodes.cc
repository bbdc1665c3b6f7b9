// remove_nodes(op=Identity, op=CheckNumerics, max_inputs=1): removes nodes
// of the given op types that have 1..max_inputs data inputs, wiring their
// consumers to the first input (keeping its port); control dependents are
// moved to that input's node. Nodes named by --inputs / --outputs are kept.
// Repeats until nothing more can be removed, so chains disappear too.
#include <set>

#include "core/graph/input_names.h"
#include "core/graph/matcher.h"
#include "core/graph/surgery.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status remove_nodes(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> ops, ctx.get_list("op"));
  if (ops.empty())
    return Status::error("remove_nodes expects at least one 'op'argument, e.g. remove_nodes(op=Identity)");
  MQ_ASSIGN_OR_RETURN(int64_t max_inputs, ctx.get_int("max_inputs", 1));

  std::set<std::string> protected_nodes;
  for (const std::string& name : ctx.input_names()) protected_nodes.insert(node_name_from_input(name));
  for (const std::string& name : ctx.output_names()) protected_nodes.insert(node_name_from_input(name));

  GraphDef current;
  *current.mutable_node() = in.node();
  for (const std::string& op : ops) {
    for (int64_t input_count = 1; input_count <= max_inputs; ++input_count) {
      OpTypePattern pattern{op, std::vector<OpTypePattern>(static_cast<size_t>(input_count), OpTypePattern{"*", {}})};
      bool removed_any = true;
      while (removed_any) {
        removed_any = false;
        std::map<std::string, std::string> renames;
        GraphDef replaced;
        MQ_RETURN_IF_ERROR(replace_matching_op_types(
            current, pattern,
            [&](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
                std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
              const tensorflow::NodeDef& head = *match.node;
              if (protected_nodes.count(head.name())) {
                copy_original_match(match, new_nodes);
                return Status::ok();
              }
              const tensorflow::NodeDef& input_node = *match.inputs[0].node;
              // The head's input naming that node, so a port such as "x:1" is kept.
              std::string target = input_node.name();
              for (const std::string& input : head.input()) {
                if (input == input_node.name() || input.rfind(input_node.name() + ":", 0) == 0) {
                  target = input;
                  break;
                }
              }
              renames[head.name()] = target;
              renames["^" + head.name()] = "^" + input_node.name();
              new_nodes->push_back(input_node);
              removed_any = true;
              ctx.add_count("nodes removed", static_cast<int64_t>(matched_nodes_in_order(match).size()) - 1);
              return Status::ok();
            },
            ReplaceOptions{true}, &replaced));
        MQ_RETURN_IF_ERROR(rename_node_inputs(replaced, renames, {}, &current));
      }
    }
  }
  *out = std::move(current);
  return Status::ok();
}

}  // namespace mq::transforms
