// backport_tensor_array_v3: TensorArrayV3 / TensorArrayGradV3 become their
// V2 forms; their second output (the flow) does not exist in V2, so its
// consumers read a new Const "<name>/replacement_flow_node" (float 1.0)
// instead. The other TensorArray*V3 ops just take their V2 name.
#include "core/graph/matcher.h"
#include "core/graph/surgery.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status backport_tensor_array_v3(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  std::map<std::string, std::string> renames;
  GraphDef replaced;
  MQ_RETURN_IF_ERROR(replace_matching_op_types(
      in, {"TensorArrayV3|TensorArrayGradV3", {}},
      [&](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
          std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        tensorflow::NodeDef array = *match.node;
        array.set_op(array.op() == "TensorArrayV3" ? "TensorArrayV2" : "TensorArrayGradV2");
        const std::string flow_name = array.name() + "/replacement_flow_node";
        renames[array.name() + ":1"] = flow_name;
        new_nodes->push_back(std::move(array));
        new_nodes->push_back(make_float_const_node(flow_name, {}, {1.0f}));
        ctx.add_count("ops renamed");
        return Status::ok();
      },
      ReplaceOptions{true}, &replaced));
  GraphDef renamed;
  MQ_RETURN_IF_ERROR(rename_node_inputs(replaced, renames, {}, &renamed));
  return replace_matching_op_types(
      renamed,
      {"TensorArrayWriteV3|TensorArrayReadV3|TensorArrayGatherV3|TensorArrayScatterV3|TensorArrayConcatV3|"
       "TensorArraySplitV3|TensorArraySizeV3|TensorArrayCloseV3",
       {}},
      [&ctx](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
             std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        tensorflow::NodeDef node = *match.node;
        node.mutable_op()->back() = '2';
        new_nodes->push_back(std::move(node));
        ctx.add_count("ops renamed");
        return Status::ok();
      },
      ReplaceOptions{true}, out);
}

}  // namespace mq::transforms
