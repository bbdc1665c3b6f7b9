// Normalisation kernels: BiasAdd / BiasAddV1, Softmax, LogSoftmax,
// FusedBatchNorm / V2 / V3, BatchNormWithGlobalNormalization and LRN.
// half and bfloat16 inputs are computed in float and rounded back.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/kernels/floating_dtypes.h"

namespace mq {

namespace {

// The channel axis of a data_format: 1 for channels-first formats
// (NCHW, NCDHW), the last axis otherwise.
StatusOr<bool> read_channels_first(const KernelContext& context) {
  const std::string format = context.attr_string_or("data_format", "NHWC");
  if (format == "NCHW" || format == "NCDHW") return true;
  if (format == "NHWC" || format == "NDHWC") return false;
  return context.error("data_format '" + format + "' is not supported");
}

// A tensor seen as [outer, channels, inner]: channels-last has inner == 1.
struct ChannelLayout {
  int64_t outer = 1, channels = 1, inner = 1;
};

ChannelLayout channel_layout(const Tensor& tensor, int channel_axis) {
  ChannelLayout layout;
  for (int i = 0; i < tensor.rank(); ++i) {
    if (i < channel_axis) layout.outer *= tensor.dim(i);
    else if (i == channel_axis) layout.channels = tensor.dim(i);
    else layout.inner *= tensor.dim(i);
  }
  return layout;
}

// Runs f(T{}, input_in_T, output_in_T) with T = float or double, widening
// half/bfloat16 to float; `output` receives the rounded result. False for
// other dtypes.
template <typename F>
bool compute_floating(const Tensor& input, Tensor& output, F&& f) {
  if (is_narrow_float(input.dtype())) {
    Tensor widened = widened_to_float(input);
    Tensor computed(tensorflow::DT_FLOAT, output.shape());
    f(float{}, widened, computed);
    narrow_from_float(computed, output);
    return true;
  }
  return dispatch_floating(input.dtype(), [&](auto zero) { f(zero, input, output); });
}

Status unsupported_dtype(const KernelContext& context, DataType dtype) {
  return Status::unsupported(
      context.error(context.node.op() + " supports float, double, half and bfloat16, not '" + dtype_name(dtype) + "'")
          .message());
}

// ---- BiasAdd ---------------------------------------------------------------

Status bias_add(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(2));
  const Tensor& value = context.inputs[0];
  const Tensor& bias = context.inputs[1];
  if (value.dtype() != bias.dtype()) {
    return context.error("value has dtype " + dtype_name(value.dtype()) + " but bias has " + dtype_name(bias.dtype()));
  }
  bool channels_first = false;
  if (context.node.op() == "BiasAdd") {
    MQ_ASSIGN_OR_RETURN(channels_first, read_channels_first(context));
  }
  if (value.rank() < 2) return context.error("value must have rank 2 or more, got " + shape_string(value.shape()));
  if (bias.rank() != 1) return context.error("bias must be 1-D, got " + shape_string(bias.shape()));
  const int channel_axis = channels_first && value.rank() >= 3 ? 1 : value.rank() - 1;
  const ChannelLayout layout = channel_layout(value, channel_axis);
  if (bias.dim(0) != layout.channels) {
    return context.error("bias has " + std::to_string(bias.dim(0)) + " values but value " +
                         shape_string(value.shape()) + " has " + std::to_string(layout.channels) + " channels");
  }
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(value.dtype(), value.shape()));
  bool supported = dispatch_numeric(value.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_same_v<T, bool>) {
      return;
    } else {
      const T* in = value.data<T>();
      const T* b = bias.data<T>();
      T* out = output.data<T>();
      if (layout.inner == 1) {
        // Channels last: one pass over the channels per row, which vectorizes.
        for (int64_t o = 0; o < layout.outer; ++o) {
          const int64_t base = o * layout.channels;
          for (int64_t c = 0; c < layout.channels; ++c) out[base + c] = static_cast<T>(in[base + c] + b[c]);
        }
        return;
      }
      for (int64_t o = 0; o < layout.outer; ++o) {
        for (int64_t c = 0; c < layout.channels; ++c) {
          const int64_t base = (o * layout.channels + c) * layout.inner;
          const T add = b[c];
          for (int64_t i = 0; i < layout.inner; ++i) out[base + i] = static_cast<T>(in[base + i] + add);
        }
      }
    }
  });
  if (!supported || value.dtype() == tensorflow::DT_BOOL) {
    return Status::unsupported(context.error("BiasAdd does not support dtype '" + dtype_name(value.dtype()) + "'").message());
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

// ---- Softmax / LogSoftmax -------------------------------------------------

template <typename T>
void softmax_rows(const T* input, T* output, int64_t rows, int64_t depth, bool logarithmic) {
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  for (int64_t r = 0; r < rows; ++r) {
    Eigen::Map<const Vector> logits(input + r * depth, depth);
    Eigen::Map<Vector> result(output + r * depth, depth);
    const T largest = logits.maxCoeff();
    result = logits - largest;
    if (logarithmic) {
      const T log_sum = std::log(result.exp().sum());
      result -= log_sum;
    } else {
      result = result.exp();
      result /= result.sum();
    }
  }
}

Status run_softmax(KernelContext& context, bool logarithmic) {
  MQ_RETURN_IF_ERROR(context.check_input_count(1));
  const Tensor& logits = context.inputs[0];
  if (logits.rank() < 1) return context.error("logits must have rank 1 or more, got a scalar");
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(logits.dtype(), logits.shape()));
  const int64_t depth = logits.dim(logits.rank() - 1);
  if (depth > 0) {
    const int64_t rows = logits.num_elements() / depth;
    bool supported = compute_floating(logits, output, [&](auto zero, const Tensor& in, Tensor& out) {
      using T = decltype(zero);
      softmax_rows<T>(in.data<T>(), out.data<T>(), rows, depth, logarithmic);
    });
    if (!supported) return unsupported_dtype(context, logits.dtype());
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

Status softmax(KernelContext& context) { return run_softmax(context, false); }
Status log_softmax(KernelContext& context) { return run_softmax(context, true); }

// ---- Batch normalisation --------------------------------------------------

// y = (x − mean[c]) × (scale[c] / sqrt(variance[c] + epsilon)) + offset[c],
// computed in T with the per-channel factor formed first.
template <typename T>
void normalize_channels(const T* x, T* y, const ChannelLayout& layout, const std::vector<T>& mean,
                        const std::vector<T>& factor, const std::vector<T>& offset) {
  for (int64_t o = 0; o < layout.outer; ++o) {
    if (layout.inner == 1) {
      const T* in = x + o * layout.channels;
      T* out = y + o * layout.channels;
      for (int64_t c = 0; c < layout.channels; ++c) {
        const size_t k = static_cast<size_t>(c);
        out[c] = (in[c] - mean[k]) * factor[k] + offset[k];
      }
      continue;
    }
    for (int64_t c = 0; c < layout.channels; ++c) {
      const size_t k = static_cast<size_t>(c);
      const int64_t base = (o * layout.channels + c) * layout.inner;
      for (int64_t i = 0; i < layout.inner; ++i) y[base + i] = (x[base + i] - mean[k]) * factor[k] + offset[k];
    }
  }
}

template <typename T>
std::vector<T> channel_vector(const Tensor& tensor) {
  const T* values = tensor.data<T>();
  return std::vector<T>(values, values + tensor.num_elements());
}

Status fused_batch_norm(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(5));
  const Tensor& x = context.inputs[0];
  const Tensor& scale = context.inputs[1];
  const Tensor& offset = context.inputs[2];
  const Tensor& mean = context.inputs[3];
  const Tensor& variance = context.inputs[4];
  MQ_ASSIGN_OR_RETURN(bool channels_first, read_channels_first(context));
  if (x.rank() != 4 && x.rank() != 5) return context.error("x must be 4-D or 5-D, got " + shape_string(x.shape()));
  const float epsilon = context.attr_float_or("epsilon", 0.0001f);
  const bool is_training = context.attr_bool_or("is_training", true);
  const float average_factor = context.attr_float_or("exponential_avg_factor", 1.0f);
  const ChannelLayout layout = channel_layout(x, channels_first ? 1 : x.rank() - 1);
  const DataType parameter_type = scale.dtype();
  const DataType compute_type = is_narrow_float(x.dtype()) ? tensorflow::DT_FLOAT : x.dtype();
  if (parameter_type != compute_type) {
    return context.error("scale has dtype " + dtype_name(parameter_type) + ", expected " + dtype_name(compute_type) +
                         " for x of dtype " + dtype_name(x.dtype()));
  }
  for (const Tensor* parameter : {&scale, &offset, &mean, &variance}) {
    if (parameter->dtype() != parameter_type) {
      return context.error("scale, offset, mean and variance must share one dtype");
    }
  }
  const bool has_running_statistics = mean.num_elements() > 0 || !is_training;
  for (const Tensor* parameter : {&scale, &offset}) {
    if (parameter->num_elements() != layout.channels) {
      return context.error("scale and offset need " + std::to_string(layout.channels) + " values (the channels of x " +
                           shape_string(x.shape()) + "), got " + std::to_string(parameter->num_elements()));
    }
  }
  if (has_running_statistics &&
      (mean.num_elements() != layout.channels || variance.num_elements() != layout.channels)) {
    return context.error("mean and variance need " + std::to_string(layout.channels) + " values, got " +
                         std::to_string(mean.num_elements()) + " and " + std::to_string(variance.num_elements()));
  }

  MQ_ASSIGN_OR_RETURN(Tensor y, context.allocate(x.dtype(), x.shape()));
  const Shape channel_shape{layout.channels};
  MQ_ASSIGN_OR_RETURN(Tensor batch_mean, context.allocate(parameter_type, channel_shape));
  MQ_ASSIGN_OR_RETURN(Tensor batch_variance, context.allocate(parameter_type, channel_shape));
  MQ_ASSIGN_OR_RETURN(Tensor saved_mean, context.allocate(parameter_type, channel_shape));
  MQ_ASSIGN_OR_RETURN(Tensor saved_variance, context.allocate(parameter_type, channel_shape));

  bool supported = compute_floating(x, y, [&](auto zero, const Tensor& in, Tensor& out) {
    using T = decltype(zero);
    const size_t channels = static_cast<size_t>(layout.channels);
    std::vector<T> used_mean(channels), used_variance(channels);
    if (!is_training) {
      used_mean = channel_vector<T>(mean);
      used_variance = channel_vector<T>(variance);
    } else {
      // Statistics of this batch over every axis but the channel.
      std::vector<double> sum(channels, 0.0), square_sum(channels, 0.0);
      const T* values = in.template data<T>();
      for (int64_t o = 0; o < layout.outer; ++o)
        for (int64_t c = 0; c < layout.channels; ++c)
          for (int64_t i = 0; i < layout.inner; ++i) sum[static_cast<size_t>(c)] += values[(o * layout.channels + c) * layout.inner + i];
      const double count = static_cast<double>(layout.outer * layout.inner);
      for (size_t c = 0; c < channels; ++c) used_mean[c] = static_cast<T>(count > 0 ? sum[c] / count : 0.0);
      for (int64_t o = 0; o < layout.outer; ++o)
        for (int64_t c = 0; c < layout.channels; ++c)
          for (int64_t i = 0; i < layout.inner; ++i) {
            const double d = values[(o * layout.channels + c) * layout.inner + i] - static_cast<double>(used_mean[static_cast<size_t>(c)]);
            square_sum[static_cast<size_t>(c)] += d * d;
          }
      for (size_t c = 0; c < channels; ++c) used_variance[c] = static_cast<T>(count > 0 ? square_sum[c] / count : 0.0);
    }
    std::vector<T> factor(channels), shift = channel_vector<T>(offset);
    const std::vector<T> scale_values = channel_vector<T>(scale);
    for (size_t c = 0; c < channels; ++c) {
      factor[c] = scale_values[c] * (T(1) / std::sqrt(used_variance[c] + static_cast<T>(epsilon)));
    }
    normalize_channels<T>(in.template data<T>(), out.template data<T>(), layout, used_mean, factor, shift);

    // Outputs 1..4: in inference the given mean and variance; in training the
    // batch mean, the Bessel-corrected batch variance (blended with the running
    // values when exponential_avg_factor != 1), then the batch mean and
    // biased variance as the reserve spaces.
    for (size_t c = 0; c < channels; ++c) {
      T reported_mean = used_mean[c], reported_variance = used_variance[c];
      if (is_training) {
        const double count = static_cast<double>(layout.outer * layout.inner);
        const double correction = count > 1 ? count / (count - 1) : 1.0;
        reported_variance = static_cast<T>(used_variance[c] * correction);
        if (average_factor != 1.0f && mean.num_elements() > 0) {
          const T f = static_cast<T>(average_factor);
          reported_mean = (T(1) - f) * mean.data<T>()[c] + f * reported_mean;
          reported_variance = (T(1) - f) * variance.data<T>()[c] + f * reported_variance;
        }
      }
      batch_mean.data<T>()[c] = reported_mean;
      batch_variance.data<T>()[c] = reported_variance;
      saved_mean.data<T>()[c] = used_mean[c];
      saved_variance.data<T>()[c] = used_variance[c];
    }
  });
  if (!supported) return unsupported_dtype(context, x.dtype());
  context.outputs = {y, batch_mean, batch_variance, saved_mean, saved_variance};
  if (context.node.op() == "FusedBatchNormV3") {
    // reserve_space_3: a placeholder scalar on CPU.
    MQ_ASSIGN_OR_RETURN(Tensor reserve_space, context.allocate(parameter_type, {}));
    context.outputs.push_back(reserve_space);
  }
  return Status::ok();
}

// BatchNormWithGlobalNormalization(t, m, v, beta, gamma):
// (t − m) × rsqrt(v + ε) × (gamma if scale_after_normalization) + beta, per
// channel (the last dimension of a 4-D t).
Status batch_norm_with_global_normalization(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(5));
  const Tensor& t = context.inputs[0];
  if (t.rank() != 4) return context.error("t must be 4-D, got " + shape_string(t.shape()));
  const int64_t channels = t.dim(3);
  for (size_t i = 1; i < 5; ++i) {
    const Tensor& parameter = context.inputs[i];
    if (parameter.dtype() != t.dtype()) return context.error("m, v, beta and gamma must have the dtype of t");
    if (parameter.rank() != 1 || parameter.dim(0) != channels) {
      return context.error("m, v, beta and gamma must be 1-D with " + std::to_string(channels) + " values, got " +
                           shape_string(parameter.shape()));
    }
  }
  MQ_ASSIGN_OR_RETURN(float epsilon, context.attr_float("variance_epsilon"));
  MQ_ASSIGN_OR_RETURN(bool scale_after_normalization, context.attr_bool("scale_after_normalization"));
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(t.dtype(), t.shape()));
  bool supported = dispatch_floating(t.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const std::vector<T> mean = channel_vector<T>(context.inputs[1]);
    const std::vector<T> variance = channel_vector<T>(context.inputs[2]);
    const std::vector<T> beta = channel_vector<T>(context.inputs[3]);
    const std::vector<T> gamma = channel_vector<T>(context.inputs[4]);
    std::vector<T> factor(static_cast<size_t>(channels));
    for (size_t c = 0; c < factor.size(); ++c) {
      factor[c] = T(1) / std::sqrt(variance[c] + static_cast<T>(epsilon));
      if (scale_after_normalization) factor[c] *= gamma[c];
    }
    normalize_channels<T>(t.data<T>(), output.data<T>(), channel_layout(t, 3), mean, factor, beta);
  });
  if (!supported) return unsupported_floating_dtype(context, t.dtype());
  context.outputs.assign(1, output);
  return Status::ok();
}

// ---- LRN ------------------------------------------------------------------

// out[c] = in[c] / (bias + alpha × Σ in[c']² over |c' − c| ≤ depth_radius)^beta.
Status local_response_normalization(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(1));
  const Tensor& input = context.inputs[0];
  if (input.rank() != 4) return context.error("input must be 4-D, got " + shape_string(input.shape()));
  const int64_t radius = context.attr_int_or("depth_radius", 5);
  const float bias = context.attr_float_or("bias", 1.0f);
  const float alpha = context.attr_float_or("alpha", 1.0f);
  const float beta = context.attr_float_or("beta", 0.5f);
  if (radius < 0) return context.error("depth_radius must not be negative");
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(input.dtype(), input.shape()));
  const int64_t depth = input.dim(3);
  const int64_t rows = depth > 0 ? input.num_elements() / depth : 0;
  bool supported = compute_floating(input, output, [&](auto zero, const Tensor& in, Tensor& out) {
    using T = decltype(zero);
    const T* values = in.template data<T>();
    T* result = out.template data<T>();
    for (int64_t r = 0; r < rows; ++r) {
      const T* row = values + r * depth;
      for (int64_t c = 0; c < depth; ++c) {
        T square_sum = 0;
        for (int64_t k = std::max<int64_t>(0, c - radius); k <= std::min(depth - 1, c + radius); ++k) {
          square_sum += row[k] * row[k];
        }
        result[r * depth + c] =
            row[c] * std::pow(static_cast<T>(bias) + static_cast<T>(alpha) * square_sum, -static_cast<T>(beta));
      }
    }
  });
  if (!supported) return unsupported_dtype(context, input.dtype());
  context.outputs.assign(1, output);
  return Status::ok();
}

}  // namespace

void register_nn_norm_kernels(KernelTable& table) {
  table.add("BiasAdd", bias_add);
  table.add("BiasAddV1", bias_add);
  table.add("Softmax", softmax);
  table.add("LogSoftmax", log_softmax);
  table.add("FusedBatchNorm", fused_batch_norm);
  table.add("FusedBatchNormV2", fused_batch_norm);
  table.add("FusedBatchNormV3", fused_batch_norm);
  table.add("BatchNormWithGlobalNormalization", batch_norm_with_global_normalization);
  table.add("LRN", local_response_normalization);
}

}  // namespace mq
