#include "core/eval/kernels/fused_operations.h"

#include <algorithm>
#include <cmath>

namespace mq {

namespace {

std::vector<std::string> string_list_attribute(const KernelContext& context, const std::string& name) {
  std::vector<std::string> values;
  auto it = context.node.attr().find(name);
  if (it == context.node.attr().end()) return values;
  for (const std::string& value : it->second.list().s()) values.push_back(value);
  return values;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text = "[";
  for (size_t i = 0; i < names.size(); ++i) text += (i ? "," : "") + names[i];
  return text + "]";
}

StatusOr<std::vector<double>> channel_values(const KernelContext& context, size_t input, int64_t channels,
                                             const char* what) {
  if (input >= context.inputs.size()) {
    return context.error(std::string("fused operation needs its ") + what + " as input " + std::to_string(input));
  }
  const Tensor& tensor = context.inputs[input];
  if (tensor.num_elements() != channels) {
    return context.error(std::string("fused ") + what + " has " + std::to_string(tensor.num_elements()) +
                         " values, the output has " + std::to_string(channels) + " channels");
  }
  std::vector<double> values(static_cast<size_t>(channels));
  bool numeric = dispatch_numeric(tensor.dtype(), [&](auto zero) {
    using T = decltype(zero);
    for (int64_t i = 0; i < channels; ++i) values[static_cast<size_t>(i)] = static_cast<double>(tensor.data<T>()[i]);
  });
  if (!numeric) return context.error(std::string("fused ") + what + " has dtype " + dtype_name(tensor.dtype()));
  return values;
}

}  // namespace

StatusOr<FusedOperations> FusedOperations::read(const KernelContext& context, size_t first_argument,
                                                int64_t channels) {
  FusedOperations fused;
  fused.channels_ = channels;
  std::vector<std::string> names = string_list_attribute(context, "fused_ops");
  const std::string listed = joined(names);
  size_t position = 0;
  size_t argument = first_argument;

  if (position < names.size() && names[position] == "BiasAdd") {
    if (argument >= context.inputs.size()) return context.error("fused BiasAdd has no bias input");
    fused.bias_ = context.inputs[argument++];
    if (fused.bias_.num_elements() != channels) {
      return context.error("fused BiasAdd bias has " + std::to_string(fused.bias_.num_elements()) +
                           " values, the output has " + std::to_string(channels) + " channels");
    }
    fused.kind_ = Kind::kBiasAdd;
    ++position;
    if (position < names.size() && (names[position] == "Add" || names[position] == "AddV2")) {
      if (argument >= context.inputs.size()) return context.error("fused Add has no addend input");
      fused.addend_ = context.inputs[argument++];
      fused.kind_ = Kind::kBiasAddAndAdd;
      ++position;
    }
  } else if (position < names.size() && names[position].rfind("FusedBatchNorm", 0) == 0) {
    MQ_ASSIGN_OR_RETURN(std::vector<double> scale, channel_values(context, argument, channels, "batch-norm scale"));
    MQ_ASSIGN_OR_RETURN(std::vector<double> offset, channel_values(context, argument + 1, channels, "batch-norm offset"));
    MQ_ASSIGN_OR_RETURN(std::vector<double> mean, channel_values(context, argument + 2, channels, "batch-norm mean"));
    MQ_ASSIGN_OR_RETURN(std::vector<double> variance,
                        channel_values(context, argument + 3, channels, "batch-norm variance"));
    argument += 4;
    const double epsilon = context.attr_float_or("epsilon", 0.0001f);
    fused.scale_.resize(static_cast<size_t>(channels));
    fused.shift_.resize(static_cast<size_t>(channels));
    for (size_t c = 0; c < scale.size(); ++c) {
      const double factor = scale[c] / std::sqrt(variance[c] + epsilon);
      fused.scale_[c] = factor;
      fused.shift_[c] = offset[c] - mean[c] * factor;
    }
    fused.kind_ = Kind::kBatchNorm;
    ++position;
  }

  if (position < names.size()) {
    const std::string& name = names[position];
    if (name == "Relu") fused.activation_ = Activation::kRelu;
    else if (name == "Relu6") fused.activation_ = Activation::kRelu6;
    else if (name == "Elu") fused.activation_ = Activation::kElu;
    else if (name == "LeakyRelu") fused.activation_ = Activation::kLeakyRelu;
    else if (name == "Sigmoid") fused.activation_ = Activation::kSigmoid;
    else if (name == "Tanh") fused.activation_ = Activation::kTanh;
    else if (name == "GeluExact") fused.activation_ = Activation::kGeluExact;
    else if (name == "GeluApproximate") fused.activation_ = Activation::kGeluApproximate;
    else if (name == "Prelu") fused.activation_ = Activation::kPrelu;
    else return context.error("fused_ops " + listed + " contains '" + name + "', which is not supported");
    ++position;
  }
  if (position != names.size() || names.empty()) {
    return context.error("fused_ops " + listed +
                         " is not supported (expected BiasAdd, BiasAdd+Add or FusedBatchNorm, then at most one activation)");
  }
  if (fused.activation_ == Activation::kLeakyRelu) fused.leaky_relu_alpha_ = context.attr_float_or("leakyrelu_alpha", 0.2f);
  if (fused.activation_ == Activation::kPrelu) {
    if (argument >= context.inputs.size()) return context.error("fused Prelu has no slopes input");
    fused.prelu_slopes_ = context.inputs[argument++];
    if (fused.prelu_slopes_.num_elements() != channels && fused.prelu_slopes_.num_elements() != 1) {
      return context.error("fused Prelu slopes have " + std::to_string(fused.prelu_slopes_.num_elements()) +
                           " values, the output has " + std::to_string(channels) + " channels");
    }
  }
  const DataType dtype = context.inputs[0].dtype();
  for (const Tensor* argument_tensor : {&fused.bias_, &fused.addend_, &fused.prelu_slopes_}) {
    if (argument_tensor->is_valid() && argument_tensor->dtype() != dtype) {
      return context.error("fused operation argument has dtype " + dtype_name(argument_tensor->dtype()) +
                           ", the input has " + dtype_name(dtype));
    }
  }
  return fused;
}

Status FusedOperations::check_output(const KernelContext& context, const Shape& output_shape) const {
  if (addend_.is_valid() && addend_.shape() != output_shape) {
    return context.error("fused Add addend has shape " + shape_string(addend_.shape()) + ", the output has " +
                         shape_string(output_shape));
  }
  return Status::ok();
}

template <typename T>
void FusedOperations::apply(T* values, int64_t rows) const {
  using Matrix = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<Matrix> output(values, static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(channels_));
  using RowVector = Eigen::Array<T, 1, Eigen::Dynamic>;
  switch (kind_) {
    case Kind::kNone:
      break;
    case Kind::kBiasAdd:
    case Kind::kBiasAddAndAdd: {
      Eigen::Map<const RowVector> bias(bias_.data<T>(), static_cast<Eigen::Index>(channels_));
      output.rowwise() += bias;
      if (kind_ == Kind::kBiasAddAndAdd) {
        Eigen::Map<const Matrix> addend(addend_.data<T>(), output.rows(), output.cols());
        output += addend;
      }
      break;
    }
    case Kind::kBatchNorm: {
      RowVector scale(channels_), shift(channels_);
      for (int64_t c = 0; c < channels_; ++c) {
        scale(c) = static_cast<T>(scale_[static_cast<size_t>(c)]);
        shift(c) = static_cast<T>(shift_[static_cast<size_t>(c)]);
      }
      output.rowwise() *= scale;
      output.rowwise() += shift;
      break;
    }
  }
  auto flat = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>(values, static_cast<Eigen::Index>(rows * channels_));
  switch (activation_) {
    case Activation::kNone: break;
    case Activation::kRelu: flat = flat.max(T(0)); break;
    case Activation::kRelu6: flat = flat.max(T(0)).min(T(6)); break;
    case Activation::kElu: flat = (flat < T(0)).select(flat.exp() - T(1), flat); break;
    case Activation::kLeakyRelu: flat = (flat < T(0)).select(flat * static_cast<T>(leaky_relu_alpha_), flat); break;
    case Activation::kSigmoid: flat = T(1) / (T(1) + (-flat).exp()); break;
    case Activation::kTanh: flat = flat.tanh(); break;
    case Activation::kGeluExact:
      for (Eigen::Index i = 0; i < flat.size(); ++i) {
        const T x = flat(i);
        flat(i) = T(0.5) * x * (T(1) + std::erf(x / std::sqrt(T(2))));
      }
      break;
    case Activation::kGeluApproximate: {
      const T sqrt_two_over_pi = static_cast<T>(0.7978845608028654);
      flat = T(0.5) * flat * (T(1) + (sqrt_two_over_pi * (flat + T(0.044715) * flat.cube())).tanh());
      break;
    }
    case Activation::kPrelu: {
      const bool single = prelu_slopes_.num_elements() == 1;
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < channels_; ++c) {
          T& x = output(r, c);
          if (x < T(0)) x *= prelu_slopes_.data<T>()[single ? 0 : c];
        }
      }
      break;
    }
  }
}

template void FusedOperations::apply<float>(float* values, int64_t rows) const;
template void FusedOperations::apply<double>(double* values, int64_t rows) const;

}  // namespace mq
