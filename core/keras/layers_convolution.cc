// Convolutions: Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D and
// Conv2DTranspose, channels_last (NHWC) as TensorFlow runs them on CPUs.
#include <algorithm>

#include "core/keras/layer_converters.h"

namespace mq::keras {
namespace {

struct ConvolutionOptions {
  std::vector<int64_t> kernel_size;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilation_rate;
  std::string padding;  // "valid", "same" or "causal"
  bool use_bias = true;
};

StatusOr<ConvolutionOptions> read_convolution_options(const LayerContext& context, size_t rank) {
  ConvolutionOptions options;
  MQ_ASSIGN_OR_RETURN(options.kernel_size, context.int_tuple_field("kernel_size", rank, {}));
  if (options.kernel_size.size() != rank) return context.error("config field 'kernel_size' is missing");
  MQ_ASSIGN_OR_RETURN(options.strides, context.int_tuple_field("strides", rank, std::vector<int64_t>(rank, 1)));
  MQ_ASSIGN_OR_RETURN(options.dilation_rate,
                      context.int_tuple_field("dilation_rate", rank, std::vector<int64_t>(rank, 1)));
  MQ_ASSIGN_OR_RETURN(options.padding, context.string_field("padding", "valid"));
  std::transform(options.padding.begin(), options.padding.end(), options.padding.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (options.padding != "valid" && options.padding != "same" && !(rank == 1 && options.padding == "causal"))
    return context.unsupported("padding '" + options.padding + "' is not supported");
  MQ_ASSIGN_OR_RETURN(std::string data_format, context.string_field("data_format", "channels_last"));
  if (data_format != "channels_last")
    return context.unsupported("data_format '" + data_format +
                               "' is not supported (TensorFlow runs convolutions channels_last on CPUs)");
  MQ_ASSIGN_OR_RETURN(options.use_bias, context.bool_field("use_bias", true));
  for (size_t i = 0; i < rank; ++i)
    if (options.kernel_size[i] <= 0 || options.strides[i] <= 0 || options.dilation_rate[i] <= 0)
      return context.error("kernel_size, strides and dilation_rate must be positive");
  return options;
}

Status expect_rank(const LayerContext& context, const SymbolicTensor& x, int rank) {
  if (x.rank() == rank) return Status::ok();
  return context.error("needs an input of rank " + std::to_string(rank) + ", got shape " + shape_string(x.shape));
}

void set_window_attrs(tensorflow::NodeDef* node, const std::vector<int64_t>& strides,
                      const std::vector<int64_t>& dilations, const std::string& padding) {
  set_string_attr(node, "data_format", "NHWC");
  set_int_list_attr(node, "strides", {1, strides[0], strides[1], 1});
  set_int_list_attr(node, "dilations", {1, dilations[0], dilations[1], 1});
  set_string_attr(node, "padding", padding == "same" ? "SAME" : "VALID");
  (*node->mutable_attr())["explicit_paddings"].mutable_list();
}

tensorflow::NodeDef* add_conv2d(LayerContext& context, const std::string& suffix, const std::string& input,
                                const std::string& filter, const std::vector<int64_t>& strides,
                                const std::vector<int64_t>& dilations, const std::string& padding) {
  tensorflow::NodeDef* node = context.add_op(suffix, "Conv2D", {input, filter});
  set_window_attrs(node, strides, dilations, padding);
  set_bool_attr(node, "use_cudnn_on_gpu", true);
  return node;
}

// BiasAdd (when the layer has a bias) and the activation.
Status finish_convolution(LayerContext& context, SymbolicTensor out, const Tensor* bias) {
  if (bias) {
    MQ_RETURN_IF_ERROR(context.check_weight_shape("bias", *bias, {out.shape.back()}));
    tensorflow::NodeDef* add = context.add_op("BiasAdd", "BiasAdd", {out.name, context.weight_const("bias", *bias)});
    set_string_attr(add, "data_format", "NHWC");
    out.name = add->name();
  }
  const nlohmann::json* activation = context.field("activation");
  MQ_ASSIGN_OR_RETURN(SymbolicTensor activated,
                      apply_activation(context, out, activation ? *activation : nlohmann::json()));
  context.set_output(std::move(activated));
  return Status::ok();
}

Shape spatial_output(const SymbolicTensor& x, const ConvolutionOptions& options, int64_t channels) {
  Shape shape = {x.shape[0]};
  for (size_t i = 0; i < options.kernel_size.size(); ++i)
    shape.push_back(window_output_size(x.shape[i + 1], options.kernel_size[i], options.strides[i],
                                       options.dilation_rate[i], options.padding == "same"));
  shape.push_back(channels);
  return shape;
}

Status convert_conv2d(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_RETURN_IF_ERROR(expect_rank(context, x, 4));
  MQ_ASSIGN_OR_RETURN(ConvolutionOptions options, read_convolution_options(context, 2));
  MQ_ASSIGN_OR_RETURN(int64_t filters, context.int_field("filters", -1));
  MQ_ASSIGN_OR_RETURN(int64_t groups, context.int_field("groups", 1));
  if (groups <= 0) return context.error("config field 'groups' must be positive");
  std::vector<std::string> names = {"kernel"};
  if (options.use_bias) names.push_back("bias");
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights(names));
  int64_t in_channels = x.shape[3] < 0 ? -1 : x.shape[3] / groups;
  MQ_RETURN_IF_ERROR(context.check_weight_shape(
      "kernel", weights[0], {options.kernel_size[0], options.kernel_size[1], in_channels, filters}));
  tensorflow::NodeDef* conv = add_conv2d(context, "Conv2D", x.name, context.weight_const("kernel", weights[0]),
                                         options.strides, options.dilation_rate, options.padding);
  SymbolicTensor out{conv->name(), spatial_output(x, options, weights[0].dim(3)), x.dtype};
  return finish_convolution(context, std::move(out), options.use_bias ? &weights[1] : nullptr);
}

// As TensorFlow's conv1d: ExpandDims to [batch, 1, steps, channels], a 1×k Conv2D, Squeeze.
Status convert_conv1d(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_RETURN_IF_ERROR(expect_rank(context, x, 3));
  MQ_ASSIGN_OR_RETURN(ConvolutionOptions options, read_convolution_options(context, 1));
  MQ_ASSIGN_OR_RETURN(int64_t filters, context.int_field("filters", -1));
  MQ_ASSIGN_OR_RETURN(int64_t groups, context.int_field("groups", 1));
  if (groups != 1) return context.unsupported("grouped 1-D convolutions are not supported");
  std::vector<std::string> names = {"kernel"};
  if (options.use_bias) names.push_back("bias");
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights(names));
  MQ_RETURN_IF_ERROR(context.check_weight_shape("kernel", weights[0], {options.kernel_size[0], x.shape[2], filters}));

  std::string input = x.name;
  int64_t steps = x.shape[1];
  if (options.padding == "causal") {  // left-pad by the dilated window, then a valid convolution
    int32_t left = static_cast<int32_t>((options.kernel_size[0] - 1) * options.dilation_rate[0]);
    Tensor table(tensorflow::DT_INT32, {3, 2});
    const int32_t amounts[] = {0, 0, left, 0, 0, 0};
    std::copy(amounts, amounts + 6, table.data<int32_t>());
    std::string paddings = context.graph.add_const(context.node_name("Pad/paddings"), table);
    tensorflow::NodeDef* pad = context.add_op("Pad", "Pad", {input, paddings}, x.dtype);
    set_type_attr(pad, "Tpaddings", tensorflow::DT_INT32);
    input = pad->name();
    if (steps >= 0) steps += left;
    options.padding = "valid";
  }
  std::string dim = context.graph.add_int32_scalar(context.node_name("Conv1D/ExpandDims/dim"), 1);
  tensorflow::NodeDef* expanded = context.add_op("Conv1D/ExpandDims", "ExpandDims", {input, dim}, x.dtype);
  set_type_attr(expanded, "Tdim", tensorflow::DT_INT32);
  std::string kernel = context.weight_const("kernel", weights[0]);
  std::string kernel_dim = context.graph.add_int32_scalar(context.node_name("Conv1D/ExpandDims_1/dim"), 0);
  tensorflow::NodeDef* kernel_2d = context.add_op("Conv1D/ExpandDims_1", "ExpandDims", {kernel, kernel_dim});
  set_type_attr(kernel_2d, "Tdim", tensorflow::DT_INT32);
  tensorflow::NodeDef* conv = add_conv2d(context, "Conv1D", expanded->name(), kernel_2d->name(),
                                         {1, options.strides[0]}, {1, options.dilation_rate[0]}, options.padding);
  tensorflow::NodeDef* squeezed = context.add_op("Conv1D/Squeeze", "Squeeze", {conv->name()});
  set_int_list_attr(squeezed, "squeeze_dims", {1});
  SymbolicTensor padded{input, {x.shape[0], steps, x.shape[2]}, x.dtype};
  SymbolicTensor out{squeezed->name(), spatial_output(padded, options, filters), x.dtype};
  return finish_convolution(context, std::move(out), options.use_bias ? &weights[1] : nullptr);
}

Status convert_depthwise_conv2d(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_RETURN_IF_ERROR(expect_rank(context, x, 4));
  MQ_ASSIGN_OR_RETURN(ConvolutionOptions options, read_convolution_options(context, 2));
  MQ_ASSIGN_OR_RETURN(int64_t multiplier, context.int_field("depth_multiplier", 1));
  std::vector<std::string> names = {"depthwise_kernel"};
  if (options.use_bias) names.push_back("bias");
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights(names));
  MQ_RETURN_IF_ERROR(context.check_weight_shape(
      "depthwise_kernel", weights[0], {options.kernel_size[0], options.kernel_size[1], x.shape[3], multiplier}));
  tensorflow::NodeDef* conv = context.add_op("depthwise", "DepthwiseConv2dNative",
                                             {x.name, context.weight_const("depthwise_kernel", weights[0])});
  set_window_attrs(conv, options.strides, options.dilation_rate, options.padding);
  SymbolicTensor out{conv->name(), spatial_output(x, options, weights[0].dim(2) * weights[0].dim(3)), x.dtype};
  return finish_convolution(context, std::move(out), options.use_bias ? &weights[1] : nullptr);
}

Status convert_separable_conv2d(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_RETURN_IF_ERROR(expect_rank(context, x, 4));
  MQ_ASSIGN_OR_RETURN(ConvolutionOptions options, read_convolution_options(context, 2));
  MQ_ASSIGN_OR_RETURN(int64_t multiplier, context.int_field("depth_multiplier", 1));
  MQ_ASSIGN_OR_RETURN(int64_t filters, context.int_field("filters", -1));
  std::vector<std::string> names = {"depthwise_kernel", "pointwise_kernel"};
  if (options.use_bias) names.push_back("bias");
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights(names));
  MQ_RETURN_IF_ERROR(context.check_weight_shape(
      "depthwise_kernel", weights[0], {options.kernel_size[0], options.kernel_size[1], x.shape[3], multiplier}));
  int64_t depthwise_channels = weights[0].dim(2) * weights[0].dim(3);
  MQ_RETURN_IF_ERROR(context.check_weight_shape("pointwise_kernel", weights[1], {1, 1, depthwise_channels, filters}));
  tensorflow::NodeDef* depthwise =
      context.add_op("separable_conv2d/depthwise", "DepthwiseConv2dNative",
                     {x.name, context.weight_const("depthwise_kernel", weights[0])});
  set_window_attrs(depthwise, options.strides, options.dilation_rate, options.padding);
  tensorflow::NodeDef* pointwise =
      add_conv2d(context, "separable_conv2d", depthwise->name(), context.weight_const("pointwise_kernel", weights[1]),
                 {1, 1}, {1, 1}, "valid");
  SymbolicTensor out{pointwise->name(), spatial_output(x, options, weights[1].dim(3)), x.dtype};
  return finish_convolution(context, std::move(out), options.use_bias ? &weights[2] : nullptr);
}

// The output length of a transposed convolution along one axis (Keras's
// deconv_output_length), or -1 when the input length is unknown.
int64_t transposed_length(int64_t input, int64_t kernel, int64_t stride, int64_t dilation, const std::string& padding,
                          int64_t output_padding) {
  if (input < 0) return -1;
  int64_t window = kernel + (kernel - 1) * (dilation - 1);
  if (output_padding < 0) {
    if (padding == "same") return input * stride;
    return input * stride + std::max<int64_t>(window - stride, 0);
  }
  int64_t pad = padding == "same" ? window / 2 : 0;
  return (input - 1) * stride + window - 2 * pad + output_padding;
}

// An int32 scalar: the output length as a Const, or computed from the input's
// run-time length (input * stride + extra) when the model leaves it open.
std::string transposed_length_tensor(LayerContext& context, const SymbolicTensor& x, int axis, int64_t kernel,
                                     int64_t stride, int64_t dilation, const std::string& padding,
                                     int64_t output_padding, const std::string& name) {
  int64_t known = transposed_length(x.shape[static_cast<size_t>(axis)], kernel, stride, dilation, padding,
                                    output_padding);
  if (known >= 0) return context.graph.add_int32_scalar(context.node_name(name), static_cast<int32_t>(known));
  // length = input * stride + (length(1) - stride): every formula above is affine in the input.
  int64_t extra = transposed_length(1, kernel, stride, dilation, padding, output_padding) - stride;
  std::string input = dimension_tensor(context, x, axis, context.scope + "/" + name);
  tensorflow::NodeDef* scaled = context.add_op(
      name + "/mul", "Mul", {input, context.graph.add_int32_scalar(context.node_name(name + "/mul/y"), static_cast<int32_t>(stride))},
      tensorflow::DT_INT32);
  tensorflow::NodeDef* sum = context.add_op(
      name, "AddV2", {scaled->name(), context.graph.add_int32_scalar(context.node_name(name + "/y"), static_cast<int32_t>(extra))},
      tensorflow::DT_INT32);
  return sum->name();
}

Status convert_conv2d_transpose(LayerContext& context) {
  MQ_RETURN_IF_ERROR(context.expect_inputs(1));
  const SymbolicTensor& x = context.input();
  MQ_RETURN_IF_ERROR(expect_rank(context, x, 4));
  MQ_ASSIGN_OR_RETURN(ConvolutionOptions options, read_convolution_options(context, 2));
  MQ_ASSIGN_OR_RETURN(int64_t filters, context.int_field("filters", -1));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> output_padding,
                      context.int_tuple_field("output_padding", 2, {-1, -1}));
  std::vector<std::string> names = {"kernel"};
  if (options.use_bias) names.push_back("bias");
  MQ_ASSIGN_OR_RETURN(std::vector<Tensor> weights, context.weights(names));
  MQ_RETURN_IF_ERROR(context.check_weight_shape(
      "kernel", weights[0], {options.kernel_size[0], options.kernel_size[1], filters, x.shape[3]}));
  int64_t out_channels = weights[0].dim(2);

  std::string batch = batch_size_tensor(context, x);
  std::string height = transposed_length_tensor(context, x, 1, options.kernel_size[0], options.strides[0],
                                                options.dilation_rate[0], options.padding, output_padding[0], "mul");
  std::string width = transposed_length_tensor(context, x, 2, options.kernel_size[1], options.strides[1],
                                               options.dilation_rate[1], options.padding, output_padding[1], "mul_1");
  std::string channels =
      context.graph.add_int32_scalar(context.node_name("stack/3"), static_cast<int32_t>(out_channels));
  tensorflow::NodeDef* sizes = context.add_op("stack", "Pack", {batch, height, width, channels}, tensorflow::DT_INT32);
  set_int_attr(sizes, "N", 4);
  set_int_attr(sizes, "axis", 0);
  tensorflow::NodeDef* conv = context.add_op("conv2d_transpose", "Conv2DBackpropInput",
                                             {sizes->name(), context.weight_const("kernel", weights[0]), x.name});
  set_window_attrs(conv, options.strides, options.dilation_rate, options.padding);
  set_bool_attr(conv, "use_cudnn_on_gpu", true);
  Shape shape = {x.shape[0], -1, -1, out_channels};
  for (int axis = 1; axis <= 2; ++axis)
    shape[static_cast<size_t>(axis)] =
        transposed_length(x.shape[static_cast<size_t>(axis)], options.kernel_size[static_cast<size_t>(axis - 1)],
                          options.strides[static_cast<size_t>(axis - 1)],
                          options.dilation_rate[static_cast<size_t>(axis - 1)], options.padding,
                          output_padding[static_cast<size_t>(axis - 1)]);
  SymbolicTensor out{conv->name(), shape, x.dtype};
  return finish_convolution(context, std::move(out), options.use_bias ? &weights[1] : nullptr);
}

}  // namespace

void register_convolution_layers(LayerTable& table) {
  table.add("Conv1D", convert_conv1d);
  table.add("Conv2D", convert_conv2d);
  table.add("DepthwiseConv2D", convert_depthwise_conv2d);
  table.add("SeparableConv2D", convert_separable_conv2d);
  table.add("Conv2DTranspose", convert_conv2d_transpose);
}

}  // namespace mq::keras
