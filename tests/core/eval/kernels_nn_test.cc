// Neural-network, image and quantization kernels against hand-computed values
// and naive reference loops written here.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/tensor.h"

namespace mq {
void register_nn_conv_kernels(KernelTable& table);
void register_nn_matmul_kernels(KernelTable& table);
void register_nn_pool_kernels(KernelTable& table);
void register_nn_norm_kernels(KernelTable& table);
void register_image_kernels(KernelTable& table);
void register_quantization_kernels(KernelTable& table);
}  // namespace mq

namespace {

using mq::Shape;
using mq::Tensor;
using tensorflow::DataType;

const mq::KernelTable& nn_table() {
  static const mq::KernelTable table = [] {
    mq::KernelTable t;
    mq::register_nn_conv_kernels(t);
    mq::register_nn_matmul_kernels(t);
    mq::register_nn_pool_kernels(t);
    mq::register_nn_norm_kernels(t);
    mq::register_image_kernels(t);
    mq::register_quantization_kernels(t);
    return t;
  }();
  return table;
}

Tensor floats(Shape shape, const std::vector<float>& values) {
  Tensor t(tensorflow::DT_FLOAT, std::move(shape));
  REQUIRE(static_cast<size_t>(t.num_elements()) == values.size());
  if (!values.empty()) std::memcpy(t.raw(), values.data(), values.size() * sizeof(float));
  return t;
}

Tensor ints(Shape shape, const std::vector<int32_t>& values) {
  Tensor t(tensorflow::DT_INT32, std::move(shape));
  REQUIRE(static_cast<size_t>(t.num_elements()) == values.size());
  if (!values.empty()) std::memcpy(t.raw(), values.data(), values.size() * sizeof(int32_t));
  return t;
}

Tensor random_floats(Shape shape, unsigned seed) {
  Tensor t(tensorflow::DT_FLOAT, std::move(shape));
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = distribution(generator);
  return t;
}

std::vector<float> values_of(const Tensor& t) {
  REQUIRE(t.dtype() == tensorflow::DT_FLOAT);
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

// Builds a node, runs its kernel from the table and returns the outputs.
class OpRunner {
 public:
  explicit OpRunner(const std::string& op) {
    node_.set_name("test/" + op);
    node_.set_op(op);
  }
  OpRunner& input(Tensor t) { inputs_.push_back(std::move(t)); return *this; }
  OpRunner& attr(const std::string& name, const std::string& value) { (*node_.mutable_attr())[name].set_s(value); return *this; }
  OpRunner& attr(const std::string& name, const char* value) { return attr(name, std::string(value)); }
  OpRunner& attr(const std::string& name, int64_t value) { (*node_.mutable_attr())[name].set_i(value); return *this; }
  OpRunner& attr(const std::string& name, int value) { return attr(name, static_cast<int64_t>(value)); }
  OpRunner& attr(const std::string& name, float value) { (*node_.mutable_attr())[name].set_f(value); return *this; }
  OpRunner& attr(const std::string& name, bool value) { (*node_.mutable_attr())[name].set_b(value); return *this; }
  OpRunner& attr(const std::string& name, DataType value) { (*node_.mutable_attr())[name].set_type(value); return *this; }
  OpRunner& attr(const std::string& name, std::vector<int64_t> values) {
    auto* list = (*node_.mutable_attr())[name].mutable_list();
    for (int64_t v : values) list->add_i(v);
    return *this;
  }
  OpRunner& strings(const std::string& name, std::vector<std::string> values) {
    auto* list = (*node_.mutable_attr())[name].mutable_list();
    for (const std::string& v : values) list->add_s(v);
    return *this;
  }

  mq::Status try_run(std::vector<Tensor>& outputs) {
    mq::KernelFn kernel = nn_table().find(node_.op());
    REQUIRE(kernel != nullptr);
    mq::MemoryBudget budget;
    mq::KernelContext context{node_, inputs_, outputs, budget};
    return kernel(context);
  }
  std::vector<Tensor> run() {
    std::vector<Tensor> outputs;
    mq::Status status = try_run(outputs);
    INFO(status.message());
    REQUIRE(status.is_ok());
    return outputs;
  }
  Tensor run_one() {
    std::vector<Tensor> outputs = run();
    REQUIRE(outputs.size() >= 1);
    return outputs[0];
  }
  std::string error() {
    std::vector<Tensor> outputs;
    mq::Status status = try_run(outputs);
    REQUIRE_FALSE(status.is_ok());
    return status.message();
  }

 private:
  tensorflow::NodeDef node_;
  std::vector<Tensor> inputs_;
};

void require_close(const Tensor& actual, const Shape& shape, const std::vector<float>& expected,
                   double tolerance = 1e-5) {
  REQUIRE(actual.shape() == shape);
  std::vector<float> values = values_of(actual);
  REQUIRE(values.size() == expected.size());
  for (size_t i = 0; i < values.size(); ++i) {
    INFO("element " << i << ": got " << values[i] << ", expected " << expected[i]);
    REQUIRE(std::fabs(values[i] - expected[i]) <= tolerance * std::max(1.0, std::fabs(double(expected[i]))));
  }
}

void require_close(const Tensor& actual, const Tensor& expected, double tolerance = 1e-5) {
  require_close(actual, expected.shape(), values_of(expected), tolerance);
}

// Float bits must match exactly.
void require_bits(float actual, float expected) {
  uint32_t a, e;
  std::memcpy(&a, &actual, 4);
  std::memcpy(&e, &expected, 4);
  INFO("got " << actual << " (0x" << std::hex << a << "), expected " << expected << " (0x" << e << ")");
  REQUIRE(a == e);
}

// ---- Naive references -------------------------------------------------------

struct ConvCase {
  bool channels_first = false;
  std::string padding = "VALID";
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;  // EXPLICIT
};

int64_t at4(const Shape& s, bool channels_first, int64_t n, int64_t h, int64_t w, int64_t c) {
  return channels_first ? ((n * s[1] + c) * s[2] + h) * s[3] + w : ((n * s[1] + h) * s[2] + w) * s[3] + c;
}

struct Dims { int64_t out, before; };

Dims naive_dims(int64_t in, int64_t k, int64_t stride, int64_t dilation, const std::string& padding, int64_t pb, int64_t pa) {
  const int64_t eff = (k - 1) * dilation + 1;
  if (padding == "VALID") return {(in - eff) / stride + 1, 0};
  if (padding == "EXPLICIT") return {(in + pb + pa - eff) / stride + 1, pb};
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>(0, (out - 1) * stride + eff - in);
  return {out, total / 2};
}

// Conv2D (groups when the input has a multiple of the filter's in-channels)
// or depthwise, straight from the definition.
Tensor naive_conv(const Tensor& input, const Tensor& filter, const ConvCase& c, bool depthwise) {
  const Shape& s = input.shape();
  const int64_t N = s[0], H = c.channels_first ? s[2] : s[1], W = c.channels_first ? s[3] : s[2];
  const int64_t C = c.channels_first ? s[1] : s[3];
  const int64_t KH = filter.dim(0), KW = filter.dim(1), FI = filter.dim(2), FO = filter.dim(3);
  const int64_t O = depthwise ? C * FO : FO;
  const int64_t groups = depthwise ? C : C / FI;
  Dims rows = naive_dims(H, KH, c.stride_h, c.dilation_h, c.padding, c.pad_top, c.pad_bottom);
  Dims cols = naive_dims(W, KW, c.stride_w, c.dilation_w, c.padding, c.pad_left, c.pad_right);
  Shape out_shape = c.channels_first ? Shape{N, O, rows.out, cols.out} : Shape{N, rows.out, cols.out, O};
  Tensor out(tensorflow::DT_FLOAT, out_shape);
  const float* x = input.data<float>();
  const float* f = filter.data<float>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oh = 0; oh < rows.out; ++oh)
      for (int64_t ow = 0; ow < cols.out; ++ow)
        for (int64_t o = 0; o < O; ++o) {
          double sum = 0;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              const int64_t ih = oh * c.stride_h - rows.before + kh * c.dilation_h;
              const int64_t iw = ow * c.stride_w - cols.before + kw * c.dilation_w;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              if (depthwise) {
                const int64_t ci = o / FO, m = o % FO;
                sum += double(x[at4(s, c.channels_first, n, ih, iw, ci)]) * f[((kh * KW + kw) * FI + ci) * FO + m];
              } else {
                const int64_t group = o / (FO / groups);
                for (int64_t ci = 0; ci < FI; ++ci) {
                  sum += double(x[at4(s, c.channels_first, n, ih, iw, group * FI + ci)]) *
                         f[((kh * KW + kw) * FI + ci) * FO + o];
                }
              }
            }
          out.data<float>()[at4(out_shape, c.channels_first, n, oh, ow, o)] = static_cast<float>(sum);
        }
  return out;
}

OpRunner conv_runner(const std::string& op, const ConvCase& c) {
  OpRunner runner(op);
  runner.attr("T", tensorflow::DT_FLOAT).attr("padding", c.padding).attr("data_format", c.channels_first ? "NCHW" : "NHWC");
  if (c.channels_first) {
    runner.attr("strides", std::vector<int64_t>{1, 1, c.stride_h, c.stride_w});
    runner.attr("dilations", std::vector<int64_t>{1, 1, c.dilation_h, c.dilation_w});
    if (c.padding == "EXPLICIT") runner.attr("explicit_paddings", std::vector<int64_t>{0, 0, 0, 0, c.pad_top, c.pad_bottom, c.pad_left, c.pad_right});
  } else {
    runner.attr("strides", std::vector<int64_t>{1, c.stride_h, c.stride_w, 1});
    runner.attr("dilations", std::vector<int64_t>{1, c.dilation_h, c.dilation_w, 1});
    if (c.padding == "EXPLICIT") runner.attr("explicit_paddings", std::vector<int64_t>{0, 0, c.pad_top, c.pad_bottom, c.pad_left, c.pad_right, 0, 0});
  }
  return runner;
}

std::vector<ConvCase> conv_cases() {
  std::vector<ConvCase> cases;
  for (bool channels_first : {false, true})
    for (std::string padding : {"VALID", "SAME", "EXPLICIT"})
      for (int64_t stride : {1, 2})
        for (int64_t dilation : {1, 2}) {
          ConvCase c;
          c.channels_first = channels_first;
          c.padding = padding;
          c.stride_h = stride;
          c.stride_w = stride == 2 ? 1 : 2;  // mixed strides too
          c.dilation_h = dilation;
          c.dilation_w = 1;
          if (padding == "EXPLICIT") c.pad_top = 1, c.pad_bottom = 2, c.pad_left = 0, c.pad_right = 1;
          cases.push_back(c);
        }
  return cases;
}

std::string describe(const ConvCase& c) {
  return std::string(c.channels_first ? "NCHW " : "NHWC ") + c.padding + " stride " + std::to_string(c.stride_h) + "x" +
         std::to_string(c.stride_w) + " dilation " + std::to_string(c.dilation_h) + "x" + std::to_string(c.dilation_w);
}

}  // namespace

// ---- Convolutions -------------------------------------------------------------

TEST_CASE("Conv2D on a hand-computed 3x3 image, VALID and SAME", "[nn]") {
  Tensor input = floats({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor filter = floats({2, 2, 1, 1}, {1, 2, 3, 4});
  ConvCase valid;
  require_close(conv_runner("Conv2D", valid).input(input).input(filter).run_one(), {1, 2, 2, 1}, {37, 47, 67, 77});
  ConvCase same;
  same.padding = "SAME";  // one padded row and column after the image
  require_close(conv_runner("Conv2D", same).input(input).input(filter).run_one(), {1, 3, 3, 1},
                {37, 47, 21, 67, 77, 33, 23, 26, 9});
  ConvCase strided = same;
  strided.stride_h = strided.stride_w = 2;
  require_close(conv_runner("Conv2D", strided).input(input).input(filter).run_one(), {1, 2, 2, 1}, {37, 21, 23, 9});
}

TEST_CASE("Conv2D matches a naive loop for every format, padding, stride and dilation", "[nn]") {
  unsigned seed = 1;
  for (const ConvCase& c : conv_cases()) {
    for (Shape filter_shape : {Shape{3, 3, 4, 5}, Shape{2, 3, 4, 3}, Shape{1, 1, 4, 6}}) {
      INFO(describe(c) << " filter " << mq::shape_string(filter_shape));
      Shape input_shape = c.channels_first ? Shape{2, 4, 7, 6} : Shape{2, 7, 6, 4};
      Tensor input = random_floats(input_shape, seed++);
      Tensor filter = random_floats(filter_shape, seed++);
      Tensor expected = naive_conv(input, filter, c, false);
      require_close(conv_runner("Conv2D", c).input(input).input(filter).run_one(), expected, 1e-5);
    }
  }
}

TEST_CASE("Conv2D with a filter of fewer input channels runs grouped", "[nn]") {
  ConvCase c;
  c.padding = "SAME";
  Tensor input = random_floats({1, 5, 5, 6}, 7);
  Tensor filter = random_floats({3, 3, 2, 9}, 8);  // 3 groups of 2 input / 3 output channels
  require_close(conv_runner("Conv2D", c).input(input).input(filter).run_one(), naive_conv(input, filter, c, false));
  Tensor pointwise = random_floats({1, 1, 3, 6}, 9);  // 1x1 grouped
  require_close(conv_runner("Conv2D", c).input(input).input(pointwise).run_one(), naive_conv(input, pointwise, c, false));
}

TEST_CASE("Conv2D reports shapes that do not fit", "[nn]") {
  ConvCase c;
  std::string message = conv_runner("Conv2D", c).input(random_floats({1, 5, 5, 3}, 1)).input(random_floats({3, 3, 2, 4}, 2)).error();
  CHECK(message.find("test/Conv2D") != std::string::npos);
  CHECK(message.find("multiple of the filter's input depth") != std::string::npos);
  // (2 − 5 + 1) / 1 < 0: no output size; TensorFlow allows exactly 0.
  message = conv_runner("Conv2D", c).input(random_floats({1, 2, 2, 1}, 1)).input(random_floats({5, 5, 1, 1}, 2)).error();
  CHECK(message.find("negative") != std::string::npos);
  Tensor empty = conv_runner("Conv2D", c).input(random_floats({1, 2, 2, 1}, 1)).input(random_floats({3, 3, 1, 1}, 2)).run_one();
  CHECK(empty.shape() == Shape{1, 0, 0, 1});
}

TEST_CASE("DepthwiseConv2dNative with channel multipliers matches a naive loop", "[nn]") {
  unsigned seed = 100;
  for (const ConvCase& c : conv_cases()) {
    for (int64_t multiplier : {1, 3}) {
      INFO(describe(c) << " multiplier " << multiplier);
      Shape input_shape = c.channels_first ? Shape{2, 5, 7, 6} : Shape{2, 7, 6, 5};
      Tensor input = random_floats(input_shape, seed++);
      Tensor filter = random_floats({3, 2, 5, multiplier}, seed++);
      require_close(conv_runner("DepthwiseConv2dNative", c).input(input).input(filter).run_one(),
                    naive_conv(input, filter, c, true));
    }
  }
}

TEST_CASE("DepthwiseConv2dNative by hand: multiplier 2 on one pixel", "[nn]") {
  ConvCase c;
  // channel 0 = 2, channel 1 = 3; filter [1,1,2,2]: outputs 2*1, 2*10, 3*100, 3*1000
  Tensor out = conv_runner("DepthwiseConv2dNative", c).input(floats({1, 1, 1, 2}, {2, 3})).input(floats({1, 1, 2, 2}, {1, 10, 100, 1000})).run_one();
  require_close(out, {1, 1, 1, 4}, {2, 20, 300, 3000});
}

TEST_CASE("Conv2DBackpropInput is the transpose of Conv2D", "[nn]") {
  // The defining property: <conv(x), y> == <x, conv_transpose(y)> for all x, y.
  unsigned seed = 200;
  for (const ConvCase& c : conv_cases()) {
    INFO(describe(c));
    Shape input_shape = c.channels_first ? Shape{2, 3, 7, 6} : Shape{2, 7, 6, 3};
    Tensor x = random_floats(input_shape, seed++);
    Tensor filter = random_floats({3, 2, 3, 4}, seed++);
    Tensor forward = naive_conv(x, filter, c, false);
    Tensor y = random_floats(forward.shape(), seed++);
    Tensor sizes = ints({4}, {int32_t(input_shape[0]), int32_t(input_shape[1]), int32_t(input_shape[2]), int32_t(input_shape[3])});
    Tensor transposed = conv_runner("Conv2DBackpropInput", c).input(sizes).input(filter).input(y).run_one();
    REQUIRE(transposed.shape() == input_shape);
    double left = 0, right = 0;
    for (int64_t i = 0; i < forward.num_elements(); ++i) left += double(forward.data<float>()[i]) * y.data<float>()[i];
    for (int64_t i = 0; i < x.num_elements(); ++i) right += double(x.data<float>()[i]) * transposed.data<float>()[i];
    REQUIRE(left == Approx(right).epsilon(1e-5));
  }
}

TEST_CASE("Conv2DBackpropInput by hand: stride 2 spreads each value over the filter", "[nn]") {
  ConvCase c;
  c.stride_h = c.stride_w = 2;
  // out_backprop 2x2 of {1,2,3,4}, filter 2x2 {1,10,100,1000}, VALID stride 2 → input 4x4:
  // every output cell (i,j) writes value × filter into the 2x2 block at (2i, 2j).
  Tensor out = conv_runner("Conv2DBackpropInput", c)
                   .input(ints({4}, {1, 4, 4, 1}))
                   .input(floats({2, 2, 1, 1}, {1, 10, 100, 1000}))
                   .input(floats({1, 2, 2, 1}, {1, 2, 3, 4}))
                   .run_one();
  require_close(out, {1, 4, 4, 1},
                {1, 10, 2, 20, 100, 1000, 200, 2000, 3, 30, 4, 40, 300, 3000, 400, 4000});
}

TEST_CASE("_FusedConv2D and FusedDepthwiseConv2dNative apply bias, batch norm and activations", "[nn]") {
  for (bool channels_first : {false, true}) {
    ConvCase c;
    c.padding = "SAME";
    c.channels_first = channels_first;
    INFO(describe(c));
    Shape input_shape = channels_first ? Shape{1, 3, 5, 5} : Shape{1, 5, 5, 3};
    Tensor input = random_floats(input_shape, 31);
    Tensor filter = random_floats({3, 3, 3, 4}, 32);
    Tensor bias = floats({4}, {0.5f, -0.5f, 0.25f, 2.0f});
    Tensor plain = naive_conv(input, filter, c, false);
    auto channel_of = [&](int64_t i) { return channels_first ? (i / 25) % 4 : i % 4; };

    Tensor relu6 = conv_runner("_FusedConv2D", c).strings("fused_ops", {"BiasAdd", "Relu6"}).attr("num_args", 1)
                       .input(input).input(filter).input(bias).run_one();
    std::vector<float> expected(plain.num_elements());
    for (int64_t i = 0; i < plain.num_elements(); ++i)
      expected[i] = std::min(6.0f, std::max(0.0f, plain.data<float>()[i] + bias.data<float>()[channel_of(i)]));
    require_close(relu6, plain.shape(), expected);

    Tensor addend = random_floats(plain.shape(), 33);
    Tensor added = conv_runner("_FusedConv2D", c).strings("fused_ops", {"BiasAdd", "Add", "Relu"}).attr("num_args", 2)
                       .input(input).input(filter).input(bias).input(addend).run_one();
    for (int64_t i = 0; i < plain.num_elements(); ++i)
      expected[i] = std::max(0.0f, plain.data<float>()[i] + bias.data<float>()[channel_of(i)] + addend.data<float>()[i]);
    require_close(added, plain.shape(), expected);

    Tensor scale = floats({4}, {1, 2, 3, 4}), offset = floats({4}, {0, 1, 0, -1});
    Tensor mean = floats({4}, {0.1f, 0.2f, 0.3f, 0.4f}), variance = floats({4}, {1, 4, 0.25f, 2});
    Tensor normalized = conv_runner("_FusedConv2D", c).strings("fused_ops", {"FusedBatchNorm", "LeakyRelu"})
                            .attr("num_args", 4).attr("epsilon", 0.001f).attr("leakyrelu_alpha", 0.1f)
                            .input(input).input(filter).input(scale).input(offset).input(mean).input(variance).run_one();
    for (int64_t i = 0; i < plain.num_elements(); ++i) {
      const int64_t k = channel_of(i);
      float v = (plain.data<float>()[i] - mean.data<float>()[k]) * scale.data<float>()[k] /
                    std::sqrt(variance.data<float>()[k] + 0.001f) + offset.data<float>()[k];
      expected[i] = v < 0 ? 0.1f * v : v;
    }
    require_close(normalized, plain.shape(), expected);

    Tensor depthwise_filter = random_floats({3, 3, 3, 1}, 34);
    Tensor depthwise_plain = naive_conv(input, depthwise_filter, c, true);
    Tensor depthwise_bias = floats({3}, {1, -1, 0.5f});
    Tensor fused_depthwise = conv_runner("FusedDepthwiseConv2dNative", c).strings("fused_ops", {"BiasAdd", "Elu"})
                                 .attr("num_args", 1).input(input).input(depthwise_filter).input(depthwise_bias).run_one();
    std::vector<float> depthwise_expected(depthwise_plain.num_elements());
    for (int64_t i = 0; i < depthwise_plain.num_elements(); ++i) {
      const int64_t k = channels_first ? (i / 25) % 3 : i % 3;
      const float v = depthwise_plain.data<float>()[i] + depthwise_bias.data<float>()[k];
      depthwise_expected[i] = v < 0 ? std::expm1(v) : v;
    }
    require_close(fused_depthwise, depthwise_plain.shape(), depthwise_expected);
  }
  ConvCase c;
  std::string message = conv_runner("_FusedConv2D", c).strings("fused_ops", {"BiasAdd", "Softplus"}).attr("num_args", 1)
                            .input(random_floats({1, 3, 3, 1}, 1)).input(random_floats({1, 1, 1, 1}, 2)).input(floats({1}, {0})).error();
  CHECK(message.find("Softplus") != std::string::npos);
}

// ---- Matrix products ------------------------------------------------------------

TEST_CASE("MatMul with every transpose combination", "[nn]") {
  Tensor a = floats({2, 2}, {1, 2, 3, 4});
  Tensor b = floats({2, 2}, {5, 6, 7, 8});
  require_close(OpRunner("MatMul").input(a).input(b).run_one(), {2, 2}, {19, 22, 43, 50});
  require_close(OpRunner("MatMul").attr("transpose_a", true).input(a).input(b).run_one(), {2, 2}, {26, 30, 38, 44});
  require_close(OpRunner("MatMul").attr("transpose_b", true).input(a).input(b).run_one(), {2, 2}, {17, 23, 39, 53});
  require_close(OpRunner("MatMul").attr("transpose_a", true).attr("transpose_b", true).input(a).input(b).run_one(),
                {2, 2}, {23, 31, 34, 46});
  // Non-square: [2,3] × [3,1].
  require_close(OpRunner("MatMul").input(floats({2, 3}, {1, 2, 3, 4, 5, 6})).input(floats({3, 1}, {1, 0, -1})).run_one(),
                {2, 1}, {-2, -2});
  CHECK(OpRunner("MatMul").input(floats({2, 3}, {1, 2, 3, 4, 5, 6})).input(a).error().find("inner sizes 3 and 2") !=
        std::string::npos);
}

TEST_CASE("MatMul on int32 and double", "[nn]") {
  Tensor out = OpRunner("MatMul").input(ints({1, 2}, {3, 4})).input(ints({2, 1}, {5, 6})).run_one();
  REQUIRE(out.dtype() == tensorflow::DT_INT32);
  CHECK(out.data<int32_t>()[0] == 39);
  Tensor a(tensorflow::DT_DOUBLE, {1, 1}), b(tensorflow::DT_DOUBLE, {1, 1});
  a.data<double>()[0] = 1.5;
  b.data<double>()[0] = 0.25;
  CHECK(OpRunner("MatMul").input(a).input(b).run_one().data<double>()[0] == 0.375);
}

TEST_CASE("BatchMatMulV2 broadcasts batch dimensions and applies adj_x / adj_y", "[nn]") {
  Tensor x = random_floats({2, 1, 3, 4}, 50);
  Tensor y = random_floats({3, 5, 4}, 51);  // adj_y: [.., 5, 4] → [.., 4, 5]
  Tensor out = OpRunner("BatchMatMulV2").attr("adj_y", true).input(x).input(y).run_one();
  REQUIRE(out.shape() == Shape{2, 3, 3, 5});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t r = 0; r < 3; ++r)
        for (int64_t col = 0; col < 5; ++col) {
          double sum = 0;
          for (int64_t k = 0; k < 4; ++k) sum += double(x.data<float>()[(i * 3 + r) * 4 + k]) * y.data<float>()[(j * 5 + col) * 4 + k];
          REQUIRE(out.data<float>()[((i * 3 + j) * 3 + r) * 5 + col] == Approx(sum).margin(1e-6));
        }
  Tensor x2 = floats({1, 2, 2}, {1, 2, 3, 4});
  require_close(OpRunner("BatchMatMul").attr("adj_x", true).input(x2).input(floats({1, 2, 1}, {1, 1})).run_one(), {1, 2, 1}, {4, 6});
  CHECK(OpRunner("BatchMatMulV2").input(random_floats({2, 2, 2}, 1)).input(random_floats({3, 2, 2}, 2)).error().find("broadcast") != std::string::npos);
}

TEST_CASE("_FusedMatMul adds the bias and applies the activation", "[nn]") {
  Tensor out = OpRunner("_FusedMatMul").strings("fused_ops", {"BiasAdd", "Relu"}).attr("num_args", 1)
                   .input(floats({1, 2}, {1, 2})).input(floats({2, 3}, {1, -1, 0, 1, -1, 1})).input(floats({3}, {0, 0, -3}))
                   .run_one();
  require_close(out, {1, 3}, {3, 0, 0});
  Tensor gelu = OpRunner("_FusedMatMul").strings("fused_ops", {"BiasAdd", "GeluExact"}).attr("num_args", 1)
                    .input(floats({1, 1}, {1})).input(floats({1, 2}, {1, -1})).input(floats({2}, {0, 0})).run_one();
  require_close(gelu, {1, 2}, {0.841344746f, -0.158655254f});
}

// ---- Bias, softmax, normalisation -------------------------------------------------

TEST_CASE("BiasAdd on the last dimension (NHWC) and on dimension 1 (NCHW)", "[nn]") {
  Tensor value = floats({1, 2, 1, 2}, {1, 2, 3, 4});
  Tensor bias = floats({2}, {10, 20});
  require_close(OpRunner("BiasAdd").input(value).input(bias).run_one(), {1, 2, 1, 2}, {11, 22, 13, 24});
  require_close(OpRunner("BiasAdd").attr("data_format", "NCHW").input(value).input(bias).run_one(), {1, 2, 1, 2},
                {11, 12, 23, 24});
  CHECK(OpRunner("BiasAdd").input(value).input(floats({3}, {1, 2, 3})).error().find("3 values") != std::string::npos);
}

TEST_CASE("Softmax and LogSoftmax over the last dimension", "[nn]") {
  Tensor logits = floats({2, 3}, {1, 2, 3, 1000, 1000, 1000});
  require_close(OpRunner("Softmax").input(logits).run_one(), {2, 3},
                {0.0900305732f, 0.244728471f, 0.665240956f, 1 / 3.0f, 1 / 3.0f, 1 / 3.0f});
  require_close(OpRunner("LogSoftmax").input(logits).run_one(), {2, 3},
                {-2.40760596f, -1.40760596f, -0.407605964f, -1.09861229f, -1.09861229f, -1.09861229f});
}

TEST_CASE("FusedBatchNorm in inference: outputs and epsilon", "[nn]") {
  // Two channels, NHWC [1,1,2,2]; y = (x − mean) × scale / sqrt(var + eps) + offset.
  Tensor x = floats({1, 1, 2, 2}, {1, 2, 3, 4});
  Tensor scale = floats({2}, {2, 3}), offset = floats({2}, {0.5f, -1}), mean = floats({2}, {1, 1}), variance = floats({2}, {4, 0});
  for (std::string op : {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"}) {
    INFO(op);
    std::vector<Tensor> outputs = OpRunner(op).attr("epsilon", 0.01f).attr("is_training", false)
                                      .input(x).input(scale).input(offset).input(mean).input(variance).run();
    REQUIRE(outputs.size() == (op == "FusedBatchNormV3" ? 6u : 5u));
    const float a = 2 / std::sqrt(4.01f), b = 3 / std::sqrt(0.01f);
    require_close(outputs[0], {1, 1, 2, 2}, {0.5f, -1 + b * 1, 2 * a + 0.5f, -1 + b * 3});
    require_close(outputs[1], {2}, {1, 1});  // batch_mean = the given mean
    require_close(outputs[2], {2}, {4, 0});  // batch_variance = the given variance
    require_close(outputs[3], {2}, {1, 1});
    require_close(outputs[4], {2}, {4, 0});
    if (op == "FusedBatchNormV3") CHECK(outputs[5].num_elements() == 1);
  }
  // NCHW: the channel is dimension 1.
  Tensor nchw = OpRunner("FusedBatchNormV3").attr("epsilon", 0.0f).attr("is_training", false).attr("data_format", "NCHW")
                    .input(floats({1, 2, 1, 2}, {1, 3, 2, 4})).input(floats({2}, {1, 1})).input(floats({2}, {0, 0}))
                    .input(floats({2}, {1, 2})).input(floats({2}, {1, 4})).run_one();
  require_close(nchw, {1, 2, 1, 2}, {0, 2, 0, 1});
}

TEST_CASE("FusedBatchNorm in training uses the batch statistics", "[nn]") {
  std::vector<Tensor> outputs = OpRunner("FusedBatchNorm").attr("epsilon", 0.0f).attr("is_training", true)
                                    .input(floats({1, 1, 4, 1}, {1, 2, 3, 4})).input(floats({1}, {1})).input(floats({1}, {0}))
                                    .input(floats({0}, {})).input(floats({0}, {})).run();
  const float deviation = std::sqrt(1.25f);
  require_close(outputs[0], {1, 1, 4, 1}, {-1.5f / deviation, -0.5f / deviation, 0.5f / deviation, 1.5f / deviation});
  require_close(outputs[1], {1}, {2.5f});
  require_close(outputs[2], {1}, {1.25f * 4 / 3});  // Bessel-corrected
}

TEST_CASE("BatchNormWithGlobalNormalization with and without scaling", "[nn]") {
  Tensor t = floats({1, 1, 1, 2}, {3, 5});
  Tensor m = floats({2}, {1, 1}), v = floats({2}, {3, 15}), beta = floats({2}, {1, 2}), gamma = floats({2}, {10, 100});
  require_close(OpRunner("BatchNormWithGlobalNormalization").attr("variance_epsilon", 1.0f).attr("scale_after_normalization", true)
                    .input(t).input(m).input(v).input(beta).input(gamma).run_one(),
                {1, 1, 1, 2}, {2 * 10 / 2.0f + 1, 4 * 100 / 4.0f + 2});
  require_close(OpRunner("BatchNormWithGlobalNormalization").attr("variance_epsilon", 1.0f).attr("scale_after_normalization", false)
                    .input(t).input(m).input(v).input(beta).input(gamma).run_one(),
                {1, 1, 1, 2}, {2 / 2.0f + 1, 4 / 4.0f + 2});
}

TEST_CASE("LRN sums squares over neighbouring channels", "[nn]") {
  Tensor out = OpRunner("LRN").attr("depth_radius", 1).attr("bias", 1.0f).attr("alpha", 1.0f).attr("beta", 0.5f)
                   .input(floats({1, 1, 1, 3}, {1, 2, 3})).run_one();
  require_close(out, {1, 1, 1, 3}, {1 / std::sqrt(6.0f), 2 / std::sqrt(15.0f), 3 / std::sqrt(14.0f)});
}

// ---- Pooling -----------------------------------------------------------------------

TEST_CASE("MaxPool and AvgPool: SAME edge cells average only real cells", "[nn]") {
  Tensor image = floats({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto pool = [](const std::string& op, const std::string& padding, int64_t stride, bool channels_first) {
    OpRunner runner(op);
    runner.attr("padding", padding).attr("data_format", channels_first ? "NCHW" : "NHWC");
    runner.attr("ksize", channels_first ? std::vector<int64_t>{1, 1, 2, 2} : std::vector<int64_t>{1, 2, 2, 1});
    runner.attr("strides", channels_first ? std::vector<int64_t>{1, 1, stride, stride} : std::vector<int64_t>{1, stride, stride, 1});
    return runner;
  };
  for (bool channels_first : {false, true}) {
    Tensor input = channels_first ? image.reshaped({1, 1, 3, 3}) : image;
    Shape two = channels_first ? Shape{1, 1, 2, 2} : Shape{1, 2, 2, 1};
    require_close(pool("MaxPool", "SAME", 2, channels_first).input(input).run_one(), two, {5, 6, 8, 9});
    require_close(pool("AvgPool", "SAME", 2, channels_first).input(input).run_one(), two, {3, 4.5f, 7.5f, 9});
    require_close(pool("MaxPool", "VALID", 1, channels_first).input(input).run_one(), two, {5, 6, 8, 9});
    require_close(pool("AvgPool", "VALID", 1, channels_first).input(input).run_one(), two, {3, 4, 6, 7});
  }
  // Negative values: padded cells must not win a max.
  Tensor negative = floats({1, 1, 3, 1}, {-3, -2, -1});
  OpRunner max_pool("MaxPool");
  max_pool.attr("padding", "SAME").attr("ksize", std::vector<int64_t>{1, 1, 2, 1}).attr("strides", std::vector<int64_t>{1, 1, 2, 1});
  require_close(max_pool.input(negative).run_one(), {1, 1, 2, 1}, {-2, -1});
  // Several channels stay apart.
  OpRunner average("AvgPool");
  average.attr("padding", "VALID").attr("ksize", std::vector<int64_t>{1, 1, 2, 1}).attr("strides", std::vector<int64_t>{1, 1, 1, 1});
  require_close(average.input(floats({1, 1, 2, 2}, {1, 10, 3, 30})).run_one(), {1, 1, 1, 2}, {2, 20});
}

TEST_CASE("MaxPool with EXPLICIT padding and MaxPoolV2", "[nn]") {
  Tensor row = floats({1, 1, 4, 1}, {-1, -2, -3, -4});
  Tensor out = OpRunner("MaxPool").attr("padding", "EXPLICIT").attr("ksize", std::vector<int64_t>{1, 1, 3, 1})
                   .attr("strides", std::vector<int64_t>{1, 1, 2, 1}).attr("explicit_paddings", std::vector<int64_t>{0, 0, 0, 0, 2, 1, 0, 0})
                   .input(row).run_one();
  require_close(out, {1, 1, 3, 1}, {-1, -1, -3});
  Tensor v2 = OpRunner("MaxPoolV2").attr("padding", "VALID").input(row).input(ints({4}, {1, 1, 2, 1})).input(ints({4}, {1, 1, 2, 1})).run_one();
  require_close(v2, {1, 1, 2, 1}, {-1, -3});
}

// ---- Resizing ----------------------------------------------------------------------

TEST_CASE("ResizeBilinear: legacy, align_corners and half_pixel_centers", "[nn]") {
  Tensor row = floats({1, 1, 3, 1}, {0, 10, 20});
  Tensor size = ints({2}, {1, 2});
  // scale 3/2: sources 0 and 1.5.
  require_close(OpRunner("ResizeBilinear").input(row).input(size).run_one(), {1, 1, 2, 1}, {0, 15});
  // scale (3−1)/(2−1) = 2: sources 0 and 2.
  require_close(OpRunner("ResizeBilinear").attr("align_corners", true).input(row).input(size).run_one(), {1, 1, 2, 1}, {0, 20});
  // sources (i + 0.5) × 1.5 − 0.5 = 0.25 and 1.75.
  require_close(OpRunner("ResizeBilinear").attr("half_pixel_centers", true).input(row).input(size).run_one(), {1, 1, 2, 1}, {2.5f, 17.5f});

  Tensor square = floats({1, 2, 2, 1}, {0, 10, 20, 30});
  Tensor four = ints({2}, {4, 4});
  require_close(OpRunner("ResizeBilinear").input(square).input(four).run_one(), {1, 4, 4, 1},
                {0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30});
  std::vector<float> aligned, half;
  const float half_weights[4] = {0, 0.25f, 0.75f, 1};  // sources −0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      aligned.push_back(20.0f * y / 3 + 10.0f * x / 3);
      half.push_back(20 * half_weights[y] + 10 * half_weights[x]);
    }
  require_close(OpRunner("ResizeBilinear").attr("align_corners", true).input(square).input(four).run_one(), {1, 4, 4, 1}, aligned);
  require_close(OpRunner("ResizeBilinear").attr("half_pixel_centers", true).input(square).input(four).run_one(), {1, 4, 4, 1}, half);
  // Integer images give float results.
  Tensor bytes(tensorflow::DT_UINT8, {1, 1, 2, 1});
  bytes.data<uint8_t>()[0] = 0;
  bytes.data<uint8_t>()[1] = 255;
  require_close(OpRunner("ResizeBilinear").attr("align_corners", true).input(bytes).input(ints({2}, {1, 3})).run_one(), {1, 1, 3, 1}, {0, 127.5f, 255});
  CHECK(OpRunner("ResizeBilinear").attr("align_corners", true).attr("half_pixel_centers", true).input(row).input(size).error().find("half_pixel_centers") != std::string::npos);
}

TEST_CASE("ResizeNearestNeighbor: legacy, align_corners and half_pixel_centers", "[nn]") {
  Tensor row = floats({1, 1, 3, 1}, {0, 10, 20});
  Tensor size = ints({2}, {1, 2});
  require_close(OpRunner("ResizeNearestNeighbor").input(row).input(size).run_one(), {1, 1, 2, 1}, {0, 10});
  require_close(OpRunner("ResizeNearestNeighbor").attr("align_corners", true).input(row).input(size).run_one(), {1, 1, 2, 1}, {0, 20});
  require_close(OpRunner("ResizeNearestNeighbor").attr("half_pixel_centers", true).input(row).input(size).run_one(), {1, 1, 2, 1}, {0, 20});
  // Upscaling 3 → 5: legacy floor(i × 0.6) = 0,0,1,1,2; align_corners round(i × 0.5) = 0,1,1,2,2
  // (halves away from zero); half-pixel floor((i + 0.5) × 0.6) = 0,0,1,2,2.
  Tensor five = ints({2}, {1, 5});
  require_close(OpRunner("ResizeNearestNeighbor").input(row).input(five).run_one(), {1, 1, 5, 1}, {0, 0, 10, 10, 20});
  require_close(OpRunner("ResizeNearestNeighbor").attr("align_corners", true).input(row).input(five).run_one(), {1, 1, 5, 1}, {0, 10, 10, 20, 20});
  require_close(OpRunner("ResizeNearestNeighbor").attr("half_pixel_centers", true).input(row).input(five).run_one(), {1, 1, 5, 1}, {0, 0, 10, 20, 20});
  // Keeps the dtype.
  Tensor out = OpRunner("ResizeNearestNeighbor").input(ints({1, 1, 2, 1}, {7, 9})).input(ints({2}, {2, 2})).run_one();
  REQUIRE(out.dtype() == tensorflow::DT_INT32);
  CHECK(std::vector<int32_t>(out.data<int32_t>(), out.data<int32_t>() + 4) == std::vector<int32_t>{7, 9, 7, 9});
}

// ---- Space / batch / depth ------------------------------------------------------------

TEST_CASE("SpaceToBatchND and BatchToSpaceND follow TensorFlow's examples", "[nn]") {
  std::vector<float> sixteen;
  for (int i = 1; i <= 16; ++i) sixteen.push_back(float(i));
  Tensor image = floats({1, 4, 4, 1}, sixteen);
  Tensor block = ints({2}, {2, 2});
  Tensor no_padding = ints({2, 2}, {0, 0, 0, 0});
  Tensor batched = OpRunner("SpaceToBatchND").input(image).input(block).input(no_padding).run_one();
  require_close(batched, {4, 2, 2, 1}, {1, 3, 9, 11, 2, 4, 10, 12, 5, 7, 13, 15, 6, 8, 14, 16});
  require_close(OpRunner("BatchToSpaceND").input(batched).input(block).input(no_padding).run_one(), image);

  // Padding: input [2,2,4,1], paddings [[0,0],[2,0]] → [8,1,3,1].
  Tensor two = floats({2, 2, 4, 1}, sixteen);
  Tensor padded = OpRunner("SpaceToBatchND").input(two).input(block).input(ints({2, 2}, {0, 0, 2, 0})).run_one();
  require_close(padded, {8, 1, 3, 1}, {0, 1, 3, 0, 9, 11, 0, 2, 4, 0, 10, 12, 0, 5, 7, 0, 13, 15, 0, 6, 8, 0, 14, 16});
  require_close(OpRunner("BatchToSpaceND").input(padded).input(block).input(ints({2, 2}, {0, 0, 2, 0})).run_one(), two);

  // The 4-D forms with a block_size attribute.
  require_close(OpRunner("SpaceToBatch").attr("block_size", 2).input(image).input(no_padding).run_one(), batched);
  require_close(OpRunner("BatchToSpace").attr("block_size", 2).input(batched).input(no_padding).run_one(), image);
  CHECK(OpRunner("SpaceToBatchND").input(floats({1, 3, 1}, {1, 2, 3})).input(ints({1}, {2})).input(ints({1, 2}, {0, 0})).error().find("not a multiple") != std::string::npos);
}

TEST_CASE("DepthToSpace and SpaceToDepth follow TensorFlow's examples", "[nn]") {
  std::vector<float> sixteen;
  for (int i = 1; i <= 16; ++i) sixteen.push_back(float(i));
  Tensor depth = floats({1, 2, 2, 4}, sixteen);
  Tensor space = OpRunner("DepthToSpace").attr("block_size", 2).input(depth).run_one();
  require_close(space, {1, 4, 4, 1}, {1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16});
  require_close(OpRunner("SpaceToDepth").attr("block_size", 2).input(space).run_one(), depth);
  require_close(OpRunner("DepthToSpace").attr("block_size", 2).input(floats({1, 1, 1, 4}, {1, 2, 3, 4})).run_one(), {1, 2, 2, 1}, {1, 2, 3, 4});
  // Two output channels: depth (i × 2 + j) × 2 + c.
  require_close(OpRunner("DepthToSpace").attr("block_size", 2).input(floats({1, 1, 1, 8}, {1, 2, 3, 4, 5, 6, 7, 8})).run_one(),
                {1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  // NCHW: the same rearrangement with channels first.
  Tensor nchw = OpRunner("DepthToSpace").attr("block_size", 2).attr("data_format", "NCHW").input(floats({1, 4, 1, 1}, {1, 2, 3, 4})).run_one();
  require_close(nchw, {1, 1, 2, 2}, {1, 2, 3, 4});
}

// ---- Quantization ------------------------------------------------------------------

namespace {

Tensor quint8(Shape shape, const std::vector<int>& codes) {
  Tensor t(tensorflow::DT_QUINT8, std::move(shape));
  for (size_t i = 0; i < codes.size(); ++i) t.data<uint8_t>()[i] = static_cast<uint8_t>(codes[i]);
  return t;
}

Tensor qint8(Shape shape, const std::vector<int>& codes) {
  Tensor t(tensorflow::DT_QINT8, std::move(shape));
  for (size_t i = 0; i < codes.size(); ++i) t.data<int8_t>()[i] = static_cast<int8_t>(codes[i]);
  return t;
}

Tensor scalar(float value) { return floats({}, {value}); }

void require_dequantized(const std::string& mode, Tensor codes, float minimum, float maximum,
                         const std::vector<float>& expected, bool narrow_range = false) {
  INFO(mode << " " << mq::dtype_name(codes.dtype()) << " range [" << minimum << ", " << maximum << "]");
  Tensor out = OpRunner("Dequantize").attr("mode", mode).attr("narrow_range", narrow_range).attr("T", codes.dtype())
                   .input(codes).input(scalar(minimum)).input(scalar(maximum)).run_one();
  REQUIRE(out.num_elements() == static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) require_bits(out.data<float>()[i], expected[i]);
}

}  // namespace

TEST_CASE("Dequantize MIN_FIRST is bit-exact on the worked examples", "[nn]") {
  // Example 1: range [0, 4].
  require_dequantized("MIN_FIRST", quint8({8}, {64, 26, 255, 6, 13, 19, 128, 191}), 0, 4,
                      {1.00392163f, 0.407843173f, 4, 0.0941176564f, 0.203921586f, 0.298039228f, 2.00784326f, 2.99607849f});
  // Example 2: range [−5, FLT_MIN].
  require_dequantized("MIN_FIRST", quint8({3}, {204, 51, 0}), -5, 1.17549435e-38f, {-1, -4, -5});
  // Example 3: range [−1, 3].
  require_dequantized("MIN_FIRST", quint8({8}, {0, 32, 64, 80, 96, 128, 192, 255}), -1, 3,
                      {-1.00392163f, -0.501960814f, 0, 0.250980377f, 0.501960874f, 1.00392163f, 2.00784349f, 2.99607849f});
  // Range [−1, 1]: −1 / f32(2/255) = −127.499992 rounds to −127, so the
  // rounded minimum is −0.996078491 (not −1.00392 as quantizing assumed): code
  // 235 gives f32(−127 × scale) + f32(235 × scale).
  require_dequantized("MIN_FIRST", quint8({2}, {235, 0}), -1, 1, {0.847058892f, -0.996078491f});
  // Equal range: every code gives the minimum.
  require_dequantized("MIN_FIRST", quint8({2}, {0, 200}), 2, 2, {2, 2});
}

TEST_CASE("Dequantize MIN_COMBINED and SCALED are bit-exact on the worked examples", "[nn]") {
  require_dequantized("MIN_COMBINED", quint8({4}, {0, 64, 128, 255}), -1, 3, {-1, 0.003921628f, 1.00784326f, 3});
  require_dequantized("MIN_COMBINED", qint8({4}, {-128, -64, 0, 127}), -1, 3, {-1, 0.003921628f, 1.00784326f, 3});
  require_dequantized("SCALED", quint8({3}, {1, 128, 255}), -1, 3, {0.0117647061f, 1.50588238f, 3});
  require_dequantized("SCALED", qint8({3}, {-128, -1, 127}), -1, 3, {-3.02362204f, -0.0236220472f, 3});
  require_dequantized("SCALED", qint8({3}, {-128, -1, 127}), -1, 3, {-3.02362204f, -0.0236220472f, 3}, true);
}

TEST_CASE("Dequantize 16- and 32-bit codes", "[nn]") {
  // quint16 MIN_FIRST on [0, 65535]: scale f32(65535 / 65535.0) = 1, so codes come back unchanged.
  Tensor wide(tensorflow::DT_QUINT16, {2});
  wide.data<uint16_t>()[0] = 12345;
  wide.data<uint16_t>()[1] = 65535;
  require_dequantized("MIN_FIRST", wide, 0, 65535, {12345, 65535});
  // qint32 SCALED on [−1, 1]: scale max(−1 / −2^31, f32(1 / 2147483647)) = 2^−31.
  Tensor codes(tensorflow::DT_QINT32, {3});
  codes.data<int32_t>()[0] = 1 << 30;
  codes.data<int32_t>()[1] = -(1 << 30);
  codes.data<int32_t>()[2] = INT32_MIN;
  require_dequantized("SCALED", codes, -1, 1, {0.5f, -0.5f, -1});
  // qint16 MIN_COMBINED on [−32768, 32767]: scale 1, half 32768 → q + 32768 − 32768.
  Tensor narrow(tensorflow::DT_QINT16, {2});
  narrow.data<int16_t>()[0] = -5;
  narrow.data<int16_t>()[1] = 32767;
  require_dequantized("MIN_COMBINED", narrow, -32768, 32767, {-5, 32767});
}

TEST_CASE("Dequantize per-channel axis, bfloat16 output and errors", "[nn]") {
  // axis 1 of [2,2]: column 0 uses [0,255] (scale 1), column 1 uses [0,510] (scale 2).
  Tensor out = OpRunner("Dequantize").attr("mode", "MIN_COMBINED").attr("axis", 1).attr("T", tensorflow::DT_QUINT8)
                   .input(quint8({2, 2}, {1, 1, 3, 3})).input(floats({2}, {0, 0})).input(floats({2}, {255, 510})).run_one();
  require_close(out, {2, 2}, {1, 2, 3, 6});
  Tensor half = OpRunner("Dequantize").attr("mode", "MIN_COMBINED").attr("dtype", tensorflow::DT_BFLOAT16)
                    .input(quint8({1}, {255})).input(scalar(-1)).input(scalar(3)).run_one();
  REQUIRE(half.dtype() == tensorflow::DT_BFLOAT16);
  CHECK(static_cast<float>(half.data<Eigen::bfloat16>()[0]) == 3.0f);
  CHECK(OpRunner("Dequantize").attr("mode", "MIN_FIRST").attr("axis", 0).input(quint8({2}, {1, 2})).input(floats({2}, {0, 0})).input(floats({2}, {1, 1}))
            .error().find("MIN_FIRST mode is not implemented") != std::string::npos);
  CHECK(OpRunner("Dequantize").attr("axis", 0).input(quint8({2}, {1, 2})).input(scalar(0)).input(scalar(1)).error().find("min_range must have 2 elements") != std::string::npos);
  CHECK(OpRunner("Dequantize").attr("mode", "SCALED").attr("dtype", tensorflow::DT_BFLOAT16).input(quint8({1}, {1})).input(scalar(0)).input(scalar(1))
            .error().find("bfloat16") != std::string::npos);
}

TEST_CASE("QuantizeV2 in each mode", "[nn]") {
  auto quantize = [](const std::string& mode, DataType type, float minimum, float maximum, const std::vector<float>& values,
                     const std::string& round_mode = "HALF_AWAY_FROM_ZERO") {
    return OpRunner("QuantizeV2").attr("mode", mode).attr("T", type).attr("round_mode", round_mode)
        .input(floats({int64_t(values.size())}, values)).input(scalar(minimum)).input(scalar(maximum)).run();
  };
  // MIN_FIRST quint8 on [−1, 3]: scale 63.75, rounded minimum −64.
  std::vector<Tensor> first = quantize("MIN_FIRST", tensorflow::DT_QUINT8, -1, 3, {-1, 0, 1, 3, 5});
  CHECK(std::vector<int>(first[0].data<uint8_t>(), first[0].data<uint8_t>() + 5) == std::vector<int>{0, 64, 128, 255, 255});
  require_bits(first[1].data<float>()[0], -1);
  require_bits(first[2].data<float>()[0], 3);
  // MIN_COMBINED quint8 on [0, 1]: trunc(x × 255 + 0.5).
  std::vector<Tensor> combined = quantize("MIN_COMBINED", tensorflow::DT_QUINT8, 0, 1, {0.5f, 0.2f, -1, 2});
  CHECK(std::vector<int>(combined[0].data<uint8_t>(), combined[0].data<uint8_t>() + 4) == std::vector<int>{128, 51, 0, 255});
  // MIN_COMBINED qint8 on [−1, 1]: round((x + 1) × 127.5 − 128), halves away from zero.
  std::vector<Tensor> signed_combined = quantize("MIN_COMBINED", tensorflow::DT_QINT8, -1, 1, {0, 1, -1});
  CHECK(std::vector<int>(signed_combined[0].data<int8_t>(), signed_combined[0].data<int8_t>() + 3) == std::vector<int>{-1, 127, -128});
  // SCALED quint8 on [0, 255]: scale 1; round modes differ on 2.5.
  std::vector<Tensor> away = quantize("SCALED", tensorflow::DT_QUINT8, 0, 255, {2.5f, -3, 3.5f});
  CHECK(std::vector<int>(away[0].data<uint8_t>(), away[0].data<uint8_t>() + 3) == std::vector<int>{3, 0, 4});
  std::vector<Tensor> even = quantize("SCALED", tensorflow::DT_QUINT8, 0, 255, {2.5f, -3, 3.5f}, "HALF_TO_EVEN");
  CHECK(std::vector<int>(even[0].data<uint8_t>(), even[0].data<uint8_t>() + 3) == std::vector<int>{2, 0, 4});
  // SCALED qint8 on [−1, 2]: scale min(−128/−1, 127/2) = 63.5; the range becomes [−128/63.5, 2].
  std::vector<Tensor> scaled = quantize("SCALED", tensorflow::DT_QINT8, -1, 2, {1, 0.5f, -3});
  CHECK(std::vector<int>(scaled[0].data<int8_t>(), scaled[0].data<int8_t>() + 3) == std::vector<int>{64, 32, -128});
  require_bits(scaled[1].data<float>()[0], -128 / 63.5f);
  require_bits(scaled[2].data<float>()[0], 2);
  // ensure_minimum_range widens an empty range.
  std::vector<Tensor> widened = quantize("MIN_FIRST", tensorflow::DT_QUINT8, 0, 0, {0});
  require_bits(widened[2].data<float>()[0], 0.01f);
  CHECK(OpRunner("QuantizeV2").attr("T", tensorflow::DT_QUINT8).input(floats({1}, {0})).input(scalar(1)).input(scalar(0)).error().find("smaller") != std::string::npos);
}

TEST_CASE("QuantizeV2 then Dequantize round-trips within half a step", "[nn]") {
  // Range [−1, 3], where MIN_FIRST's two roundings of the minimum agree.
  Tensor values = random_floats({200}, 77);
  for (std::string mode : {"MIN_FIRST", "MIN_COMBINED", "SCALED"}) {
    INFO(mode);
    std::vector<Tensor> quantized = OpRunner("QuantizeV2").attr("mode", mode).attr("T", tensorflow::DT_QUINT8)
                                        .input(values).input(scalar(-1)).input(scalar(3)).run();
    Tensor back = OpRunner("Dequantize").attr("mode", mode).attr("T", tensorflow::DT_QUINT8)
                      .input(quantized[0]).input(quantized[1]).input(quantized[2]).run_one();
    const float low = quantized[1].data<float>()[0], high = quantized[2].data<float>()[0];
    const float step = (high - low) / 255;
    for (int64_t i = 0; i < values.num_elements(); ++i) {
      const float v = std::min(std::max(values.data<float>()[i], low), high);
      INFO("value " << values.data<float>()[i] << " range [" << low << ", " << high << "] back " << back.data<float>()[i]);
      REQUIRE(std::fabs(back.data<float>()[i] - v) <= step * 0.5f + 1e-6f);
    }
  }
}
