// insert_logging(op=…, prefix=…, message=…, show_name=false, show_op=false,
// first_n=-1, summarize=1024): after every used node (optionally only some op
// types or name prefixes) inserts a Print node "<name>__print__" that passes
// output 0 through and logs each output that is read; consumers of output 0
// then read the Print node.
// Divergence from TensorFlow: a node without outputs that is used only as a
// control input (a NoOp) is skipped; TensorFlow reads past the end of its
// output list.
#include <map>
#include <set>

#include "core/graph/input_names.h"
#include "core/graph/surgery.h"
#include "core/ops/op_registry.h"
#include "core/transforms/transform_context.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {
namespace {

bool has_prefix(const std::string& name, const std::vector<std::string>& prefixes) {
  for (const std::string& prefix : prefixes)
    if (name.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

}  // namespace

Status insert_logging(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> ops, ctx.get_list("op"));
  MQ_ASSIGN_OR_RETURN(std::vector<std::string> prefixes, ctx.get_list("prefix"));
  MQ_ASSIGN_OR_RETURN(std::string message, ctx.get_string("message", ""));
  MQ_ASSIGN_OR_RETURN(bool show_name, ctx.get_bool("show_name", false));
  MQ_ASSIGN_OR_RETURN(bool show_op, ctx.get_bool("show_op", false));
  MQ_ASSIGN_OR_RETURN(int64_t first_n, ctx.get_int("first_n", -1));
  MQ_ASSIGN_OR_RETURN(int64_t summarize, ctx.get_int("summarize", 1024));
  const std::set<std::string> op_set(ops.begin(), ops.end());

  // Which outputs of each node are read (control inputs count as output 0).
  std::map<std::string, std::set<int>> used_ports;
  for (const tensorflow::NodeDef& node : in.node()) {
    for (const std::string& input : node.input()) {
      InputNameParts parts = node_name_parts_from_input(canonical_input_name(input));
      int64_t port = 0;
      if (!parse_int_parameter(parts.suffix.substr(1), INT32_MIN, INT32_MAX, &port))
        return Status::error("Couldn't understand output number in " + input);
      used_ports[parts.name].insert(static_cast<int>(port));
    }
  }

  GraphDef logged;
  std::set<std::string> print_nodes;
  std::map<std::string, std::string> renames;
  for (const tensorflow::NodeDef& node : in.node()) {
    *logged.add_node() = node;
    auto used = used_ports.find(node.name());
    if (used == used_ports.end() || used->second.empty()) continue;
    if (!op_set.empty() && !op_set.count(node.op())) continue;
    if (!prefixes.empty() && !has_prefix(node.name(), prefixes)) continue;

    const tensorflow::OpDef* op_def = find_op_def(node.op(), in.library());
    if (op_def == nullptr) return op_not_registered(node.op(), node.name());
    MQ_ASSIGN_OR_RETURN(std::vector<tensorflow::DataType> output_types, output_types_of(node, *op_def));
    if (output_types.empty()) {
      ctx.warn("node '" + node.name() + "' (" + node.op() + ") has no outputs to log");
      continue;
    }
    const std::string print_name = node.name() + "__print__";
    tensorflow::NodeDef* print = logged.add_node();
    print->set_name(print_name);
    print->set_op("Print");
    print->add_input(node.name() + ":0");
    for (int port : used->second) {
      if (port < 0 || port >= static_cast<int>(output_types.size()))
        return Status::error("node '" + node.name() + "' (" + node.op() + ") has " +
                             std::to_string(output_types.size()) + " outputs but output " + std::to_string(port) +
                             " is read");
      print->add_input(node.name() + ":" + std::to_string(port));
    }
    std::string full_message;
    if (show_op) full_message += ";" + node.op() + ";";
    if (show_name) full_message += ";" + print_name + ";";
    full_message += message;
    auto& attrs = *print->mutable_attr();
    attrs["message"].set_s(full_message);
    attrs["first_n"].set_i(first_n);
    attrs["summarize"].set_i(summarize);
    attrs["T"].set_type(output_types[0]);
    tensorflow::AttrValue::ListValue* types = attrs["U"].mutable_list();
    for (tensorflow::DataType type : output_types) types->add_type(type);
    print_nodes.insert(print_name);
    renames[node.name() + ":0"] = print_name + ":0";
    ctx.add_count("Print nodes inserted");
  }
  return rename_node_inputs(logged, renames, print_nodes, out);
}

}  // namespace mq::transforms
