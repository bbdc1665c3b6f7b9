// round_weights(num_steps=256): every float Const of at least 16 elements
// keeps its shape and dtype but its values are snapped to the centres of
// `num_steps` equal buckets between its smallest and largest value, so the
// file compresses well (transforms.md round_weights; the largest value lands
// in bucket num_steps and so comes out above the old maximum, as in
// TensorFlow). The new Const has only `dtype` and `value`; device and control
// inputs are dropped.
#include <cstring>

#include "core/graph/matcher.h"
#include "core/graph/surgery.h"
#include "core/quantize/const_weights.h"
#include "core/quantize/quantize_math.h"
#include "core/transforms/transforms.h"

namespace mq::transforms {

Status round_weights(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(int64_t num_steps, ctx.get_int("num_steps", 256));
  // TensorFlow divides by num_steps unchecked; zero or fewer buckets would
  // turn every weight into NaN or nonsense.
  if (num_steps < 1) return Status::error("num_steps must be at least 1, found " + std::to_string(num_steps));
  constexpr int64_t kMinimumSize = 16;  // fixed in TensorFlow

  ReplaceReport report;
  MQ_RETURN_IF_ERROR(replace_matching_op_types(
      in, {"Const", {}},
      [&](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
          std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
        const tensorflow::NodeDef& node = *match.node;
        MQ_ASSIGN_OR_RETURN(std::optional<FloatValues> weights, float_weights_to_rewrite(node, kMinimumSize));
        if (!weights) {
          copy_original_match(match, new_nodes);
          return Status::ok();
        }
        const FloatValues& values = *weights;
        const size_t count = static_cast<size_t>(values.size());
        std::string bytes(count * sizeof(float), '\0');
        float* rounded = reinterpret_cast<float*>(bytes.data());
        std::memcpy(rounded, values.data(), bytes.size());
        round_to_buckets(rounded, count, static_cast<int>(num_steps));
        QuantizationErrorAccumulator error;
        for (size_t i = 0; i < count; ++i) error.add(values.data()[i], rounded[i]);

        TensorReport tensor;
        tensor.node = node.name();
        tensor.encoding = "rounded(" + std::to_string(num_steps) + ")";
        tensor.elements = values.size();
        tensor.bytes_before = tensor.bytes_after = bytes.size();
        QuantizationError measured = error.result();
        tensor.max_abs_error = measured.max_abs;
        tensor.rmse = measured.rmse;
        tensor.sqnr_db = measured.sqnr_db;
        ctx.report_tensor(std::move(tensor));
        ctx.add_count("tensors rounded");
        new_nodes->push_back(make_const_node(node.name(), tensorflow::DT_FLOAT, values.shape(), std::move(bytes)));
        return Status::ok();
      },
      ReplaceOptions{false}, out, &report));
  for (const std::string& warning : report.warnings) ctx.warn(warning);
  return Status::ok();
}

}  // namespace mq::transforms
