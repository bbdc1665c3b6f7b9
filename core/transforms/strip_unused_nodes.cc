// strip_unused_nodes(type=float, shape="1,224,224,3", name=…, type_for_name=…,
// shape_for_name=…): keeps only the nodes the --outputs depend on (through
// data and control inputs), stopping at --inputs, which are kept and turned
// into Placeholders unless they already are one.
#include <cstdint>
#include <set>
#include <unordered_map>

#include "core/eval/tensor.h"
#include "core/graph/input_names.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {
namespace {


// TensorFlow's TensorShapeFromString: "1,299,299,3" (spaces around numbers allowed).
Status parse_shape(const std::string& text, std::vector<int64_t>* dims) {
  if (text.empty()) return Status::error("Specified shape is empty.");
  dims->clear();
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string piece = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int64_t dim = 0;
    if (!parse_int_parameter(piece, INT64_MIN, INT64_MAX, &dim)) return Status::error("Could parse as shape: '" + text + "'");
    dims->push_back(dim);
    if (comma == std::string::npos) return Status::ok();
    start = comma + 1;
  }
}

struct PlaceholderParams {
  std::vector<std::string> type, shape, name, type_for_name, shape_for_name;
};

Status type_for_placeholder(const PlaceholderParams& params, const std::string& node_name,
                            tensorflow::DataType* type) {
  *type = tensorflow::DT_FLOAT;
  if (!params.type.empty()) {
    if (params.type.size() != 1)
      return Status::error("You must pass no more than one default 'type' to strip_unused_nodes");
    if (!dtype_from_name(params.type[0], type))
      return Status::error("Couldn't understand type argument '" + params.type[0] + "'");
  }
  if (!params.name.empty() || !params.type_for_name.empty()) {
    if (params.name.size() != params.type_for_name.size())
      return Status::error(
          "You must pass a 'type_for_name' arg for every 'name', e.g. strip_unused_nodes(name=foo, "
          "type_for_name=float, name=bar, type_for_name=quint8");
    for (size_t i = 0; i < params.name.size(); ++i) {
      if (params.name[i] != node_name) continue;
      if (!dtype_from_name(params.type_for_name[i], type))
        return Status::error("Couldn't understand type argument '" + params.type_for_name[i] + "'");
    }
  }
  return Status::ok();
}

Status shape_for_placeholder(const PlaceholderParams& params, const std::string& node_name,
                             std::vector<int64_t>* dims) {
  dims->clear();
  if (!params.shape.empty()) {
    if (params.shape.size() != 1)
      return Status::error("You must pass no more than one default 'shape' to strip_unused_nodes");
    MQ_RETURN_IF_ERROR(parse_shape(params.shape[0], dims));
  }
  if (!params.name.empty() || !params.shape_for_name.empty()) {
    if (params.name.size() != params.shape_for_name.size())
      return Status::error(
          "You must pass a 'shape_for_name' arg for every 'name', e.g. strip_unused_nodes(name=foo, "
          "shape_for_name=\"2,2,1\", name=bar, shape_for_name=\"1\"");
    for (size_t i = 0; i < params.name.size(); ++i)
      if (params.name[i] == node_name) MQ_RETURN_IF_ERROR(parse_shape(params.shape_for_name[i], dims));
  }
  return Status::ok();
}

}  // namespace

namespace {

// `taken` is `in` when the caller no longer needs it: kept nodes are then
// moved, not copied, once nothing can fail any more.
Status strip(const GraphDef& in, GraphDef* taken, TransformContext& ctx, GraphDef* out) {
  PlaceholderParams params;
  MQ_ASSIGN_OR_RETURN(params.type, ctx.get_list("type"));
  MQ_ASSIGN_OR_RETURN(params.shape, ctx.get_list("shape"));
  MQ_ASSIGN_OR_RETURN(params.name, ctx.get_list("name"));
  MQ_ASSIGN_OR_RETURN(params.type_for_name, ctx.get_list("type_for_name"));
  MQ_ASSIGN_OR_RETURN(params.shape_for_name, ctx.get_list("shape_for_name"));

  std::set<std::string> input_nodes;
  for (const std::string& input : ctx.input_names()) input_nodes.insert(node_name_from_input(input));
  std::set<std::string> required(input_nodes.begin(), input_nodes.end());
  required.insert(ctx.output_names().begin(), ctx.output_names().end());

  std::unordered_map<std::string, const tensorflow::NodeDef*> by_name;
  for (const tensorflow::NodeDef& node : in.node()) by_name[node.name()] = &node;

  // Breadth-first from the outputs, not walking past the inputs.
  std::vector<std::string> current;
  for (const std::string& output : ctx.output_names()) current.push_back(node_name_from_input(output));
  while (!current.empty()) {
    std::set<std::string> next;
    for (const std::string& name : current) {
      required.insert(name);
      if (input_nodes.count(name)) continue;
      auto found = by_name.find(name);
      if (found == by_name.end()) return Status::error("Input node " + name + " not found in graph");
      for (const std::string& input : found->second->input()) {
        std::string producer = node_name_from_input(input);
        if (!required.count(producer)) next.insert(producer);
      }
    }
    current.assign(next.begin(), next.end());
  }

  // The Placeholders that replace inputs, made before any node moves.
  std::unordered_map<std::string, tensorflow::NodeDef> placeholders;
  for (const tensorflow::NodeDef& node : in.node()) {
    if (!required.count(node.name()) || !input_nodes.count(node.name()) || node.op() == "Placeholder") continue;
    tensorflow::DataType type;
    MQ_RETURN_IF_ERROR(type_for_placeholder(params, node.name(), &type));
    std::vector<int64_t> dims;
    MQ_RETURN_IF_ERROR(shape_for_placeholder(params, node.name(), &dims));
    tensorflow::NodeDef& placeholder = placeholders[node.name()];
    placeholder.set_name(node.name());
    placeholder.set_op("Placeholder");
    (*placeholder.mutable_attr())["dtype"].set_type(type);
    tensorflow::TensorShapeProto* shape = (*placeholder.mutable_attr())["shape"].mutable_shape();
    for (int64_t dim : dims) shape->add_dim()->set_size(dim);
  }

  tensorflow::GraphDef result;
  for (int index = 0; index < in.node_size(); ++index) {
    const tensorflow::NodeDef& node = in.node(index);
    if (!required.count(node.name())) {
      ctx.add_count("nodes removed");
      continue;
    }
    if (!input_nodes.count(node.name()) || node.op() == "Placeholder") {
      if (taken) {
        *result.add_node() = std::move(*taken->mutable_node(index));
      } else {
        *result.add_node() = node;
      }
      continue;
    }
    *result.add_node() = placeholders.at(node.name());
    ctx.add_count("inputs turned into Placeholders");
  }
  *out = std::move(result);
  return Status::ok();
}

}  // namespace

Status strip_unused_nodes(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  return strip(in, nullptr, ctx, out);
}

Status strip_unused_nodes(GraphDef&& in, TransformContext& ctx, GraphDef* out) { return strip(in, &in, ctx, out); }

}  // namespace mq::transforms
