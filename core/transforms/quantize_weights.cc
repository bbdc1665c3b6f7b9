// quantize_weights(minimum_size=1024, scheme=quint8, include=…, exclude=…):
// replaces every float Const of at least `minimum_size` elements, in place,
// by a smaller encoding and the op that turns it back into float, named like
// the Const so its consumers are unchanged.
//
//   scheme=quint8 (default): TensorFlow's quantize_weights, bit for bit — a
//     quint8 Const with the tensor's [min(min,0), max(max,0)] range and a
//     Dequantize MIN_FIRST (transforms.md quantize_weights).
//   scheme=per_channel_int8: symmetric qint8 with one scale per output
//     channel and Dequantize SCALED, narrow_range=true, axis = the output
//     channel dimension of the op that reads the weights (looking through
//     Identity nodes); per tensor (no axis) for other Consts.
//   scheme=float16: an IEEE half Const and a Cast to float; loads in
//     runtimes that have no Dequantize kernel.
//   include=/exclude= (repeatable) take node-name patterns ('*', '?', [..]):
//     with include only matching Consts are considered; exclude wins.
//
// Every Const is checked as TensorFlow does (its dtype and value attrs must
// be there, its value must decode) even when it is not quantized. Each
// quantized tensor is reported with its size before and after and its error.
#include <memory>
#include <set>
#include <unordered_map>

#include "core/eval/tensor.h"
#include "core/graph/input_names.h"
#include "core/graph/matcher.h"
#include "core/quantize/const_weights.h"
#include "core/quantize/weight_encodings.h"
#include "core/transforms/transforms.h"
#include "core/util/glob_match.h"

namespace mq::transforms {
namespace {

enum class Scheme { kQuint8, kPerChannelInt8, kFloat16 };

StatusOr<Scheme> parse_scheme(const std::string& text) {
  if (text == "quint8") return Scheme::kQuint8;
  if (text == "per_channel_int8") return Scheme::kPerChannelInt8;
  if (text == "float16") return Scheme::kFloat16;
  return Status::error("unknown scheme '" + text + "'; use quint8 (the default, TensorFlow's), per_channel_int8 or float16");
}

struct NameFilter {
  std::vector<std::string> include;
  std::vector<std::string> exclude;

  bool selects(const std::string& name) const {
    for (const std::string& pattern : exclude)
      if (glob_match(pattern, name)) return false;
    if (include.empty()) return true;
    for (const std::string& pattern : include)
      if (glob_match(pattern, name)) return true;
    return false;
  }
};

// The dimension of a weight tensor that indexes the output channels of the
// op reading it at input `index`, or -1 when the op is not one whose channel
// layout is known.
int output_channel_axis(const tensorflow::NodeDef& consumer, int index, size_t rank) {
  const std::string& op = consumer.op();
  // Filters [height, width, in, out] (NHWC and NCHW alike).
  if ((op == "Conv2D" || op == "_FusedConv2D") && index == 1 && rank == 4) return 3;
  if (op == "FusedPadConv2D" && index == 2 && rank == 4) return 3;
  if (op == "FusedResizeAndPadConv2D" && index == 3 && rank == 4) return 3;
  if (op == "Conv3D" && index == 1 && rank == 5) return 4;
  // Filters [height, width, out, in]: the transposed convolution's outputs
  // are dimension 2.
  if (op == "Conv2DBackpropInput" && index == 1 && rank == 4) return 2;
  // Depthwise filters [height, width, in, multiplier]: output channel
  // c·multiplier + m comes from input channel c. Dequantize takes a single
  // axis, so the scale goes along `in` (axis 2): one scale per output channel
  // for the usual multiplier of 1, one per group of `multiplier` outputs
  // otherwise. Axis 3 would give a multiplier-1 filter a single scale.
  if ((op == "DepthwiseConv2dNative" || op == "_FusedDepthwiseConv2dNative") && index == 1 && rank == 4) return 2;
  // Matrices [in, out], or [out, in] with transpose_b.
  if ((op == "MatMul" || op == "_FusedMatMul") && index == 1 && rank == 2) {
    auto transpose = consumer.attr().find("transpose_b");
    return transpose != consumer.attr().end() && transpose->second.b() ? 0 : 1;
  }
  return -1;
}

// Finds, for each Const, the output-channel axis its readers agree on
// (through chains of Identity nodes); -1 when they disagree or none is known.
class ChannelAxes {
 public:
  explicit ChannelAxes(const GraphDef& graph) : graph_(graph) {
    for (int i = 0; i < graph.node_size(); ++i) {
      const tensorflow::NodeDef& node = graph.node(i);
      for (int j = 0; j < node.input_size(); ++j) {
        const std::string& input = node.input(j);
        if (!input.empty() && input[0] == '^') continue;
        InputNameParts parts = node_name_parts_from_input(input);
        if (!parts.suffix.empty() && parts.suffix != ":0") continue;
        readers_[parts.name].push_back({i, j});
      }
    }
  }

  int axis_for(const std::string& const_name, size_t rank) const {
    std::set<int> axes;
    std::set<std::string> visited;
    std::vector<std::string> pending = {const_name};
    while (!pending.empty()) {
      std::string name = std::move(pending.back());
      pending.pop_back();
      if (!visited.insert(name).second) continue;
      auto found = readers_.find(name);
      if (found == readers_.end()) continue;
      for (const Reader& reader : found->second) {
        const tensorflow::NodeDef& consumer = graph_.node(reader.node);
        if (consumer.op() == "Identity") {
          pending.push_back(consumer.name());
          continue;
        }
        axes.insert(output_channel_axis(consumer, reader.input, rank));
      }
    }
    return axes.size() == 1 ? *axes.begin() : -1;
  }

 private:
  struct Reader {
    int node;
    int input;
  };
  const GraphDef& graph_;
  std::unordered_map<std::string, std::vector<Reader>> readers_;
};

// `taken`, when given, is `in` itself, a graph the caller no longer needs:
// each float Const's bytes are freed as soon as they are encoded (the Const is
// replaced anyway), so the float weights and their 8-bit encodings are not
// all in memory at once, and the nodes that are not Consts move to `out`.
Status quantize(const GraphDef& in, GraphDef* taken, TransformContext& ctx, GraphDef* out) {
  MQ_ASSIGN_OR_RETURN(int64_t minimum_size, ctx.get_int("minimum_size", 1024));
  MQ_ASSIGN_OR_RETURN(std::string scheme_text, ctx.get_string("scheme", "quint8"));
  MQ_ASSIGN_OR_RETURN(Scheme scheme, parse_scheme(scheme_text));
  NameFilter filter;
  MQ_ASSIGN_OR_RETURN(filter.include, ctx.get_list("include"));
  MQ_ASSIGN_OR_RETURN(filter.exclude, ctx.get_list("exclude"));
  const ChannelAxes* axes = nullptr;
  std::unique_ptr<ChannelAxes> axes_storage;
  if (scheme == Scheme::kPerChannelInt8) {
    axes_storage = std::make_unique<ChannelAxes>(in);
    axes = axes_storage.get();
  }

  ReplaceReport report;
  MatchReplacer replacer = [&](const NodeMatch& match, const std::set<std::string>&, const std::set<std::string>&,
                               std::vector<tensorflow::NodeDef>* new_nodes) -> Status {
    const tensorflow::NodeDef& node = *match.node;
    MQ_ASSIGN_OR_RETURN(std::optional<FloatValues> weights, float_weights_to_rewrite(node, minimum_size));
    if (!weights || !filter.selects(node.name())) {
      copy_original_match(match, new_nodes);
      return Status::ok();
    }
    const FloatValues& values = *weights;

    StatusOr<EncodedWeights> encoded = Status::ok();
    switch (scheme) {
      case Scheme::kQuint8:
        encoded = encode_quint8_min_first(node.name(), values.data(), values.size(), values.shape());
        break;
      case Scheme::kPerChannelInt8:
        encoded = encode_symmetric_int8(node.name(), values.data(), values.size(), values.shape(),
                                        axes->axis_for(node.name(), values.shape().size()));
        break;
      case Scheme::kFloat16:
        encoded = encode_float16(node.name(), values.data(), values.size(), values.shape());
        break;
    }
    if (!encoded.is_ok()) {
      ctx.warn("kept " + node.name() + " as float: " + encoded.status().message());
      ctx.add_count("tensors kept as float");
      copy_original_match(match, new_nodes);
      return Status::ok();
    }
    TensorReport tensor;
    tensor.node = node.name();
    tensor.encoding = encoded->encoding;
    tensor.elements = values.size();
    tensor.bytes_before = static_cast<uint64_t>(values.size()) * sizeof(float);
    tensor.bytes_after = encoded->bytes_after;
    tensor.max_abs_error = encoded->error.max_abs;
    tensor.rmse = encoded->error.rmse;
    tensor.sqnr_db = encoded->error.sqnr_db;
    ctx.report_tensor(std::move(tensor));
    ctx.add_count("tensors quantized");
    for (tensorflow::NodeDef& created : encoded->nodes) new_nodes->push_back(std::move(created));
    // The match points into `taken`: the Const is replaced, its floats
    // are no longer needed.
    if (taken) const_cast<tensorflow::NodeDef&>(node).mutable_attr()->erase("value");
    return Status::ok();
  };
  if (taken) {
    MQ_RETURN_IF_ERROR(replace_matching_op_types(std::move(*taken), {"Const", {}}, replacer, ReplaceOptions{false}, out,
                                                 &report));
  } else {
    MQ_RETURN_IF_ERROR(replace_matching_op_types(in, {"Const", {}}, replacer, ReplaceOptions{false}, out, &report));
  }
  for (const std::string& warning : report.warnings) ctx.warn(warning);
  return Status::ok();
}

}  // namespace

Status quantize_weights(const GraphDef& in, TransformContext& ctx, GraphDef* out) {
  return quantize(in, nullptr, ctx, out);
}

Status quantize_weights(GraphDef&& in, TransformContext& ctx, GraphDef* out) { return quantize(in, &in, ctx, out); }

}  // namespace mq::transforms
