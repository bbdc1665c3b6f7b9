// backport_concatv2: rewrites each ConcatV2 (axis last) as the older Concat
// (axis first), same name, device and attributes except Tidx.
// Divergence from TensorFlow: TF rotates the raw input list, so a ConcatV2
// with control inputs would get a control input first, which TensorFlow
// itself cannot import; here only the data inputs are rotated and control
// inputs stay at the end.
#include "core/graph/matcher.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status backport_concatv2(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  return replace_matching_op_types(
      in, {"ConcatV2", {}},
      [&ctx](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
             std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        const tensorflow::NodeDef& concat_v2 = *match.node;
        std::vector<std::string> data, control;
        for (const std::string& input : concat_v2.input())
          (!input.empty() && input[0] == '^' ? control : data).push_back(input);
        if (data.empty())
          return Status::error("ConcatV2 node '" + concat_v2.name() + "' has no inputs (it needs an axis)");
        tensorflow::NodeDef concat = concat_v2;
        concat.set_op("Concat");
        concat.mutable_attr()->erase("Tidx");
        concat.clear_input();
        concat.add_input(data.back());
        for (size_t i = 0; i + 1 < data.size(); ++i) concat.add_input(data[i]);
        for (const std::string& input : control) concat.add_input(input);
        new_nodes->push_back(std::move(concat));
        ctx.add_count("ConcatV2 rewritten");
        return Status::ok();
      },
      ReplaceOptions{true}, out);
}

}  // namespace mq::transforms
