#include "core/examples/example_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/io/graph_io.h"

namespace mq {
namespace {

using tensorflow::AttrValue;
using tensorflow::DataType;
using tensorflow::GraphDef;
using tensorflow::NodeDef;

constexpr int kStemChannels = 32;
constexpr int kFeatureChannels = 256;
constexpr float kBatchNormEpsilon = 0.001f;

// splitmix64: small, fast, and the same numbers everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [low, high), computed in float from 24 random bits.
  float uniform(float low, float high) {
    float unit = static_cast<float>(next() >> 40) * (1.0f / 16777216.0f);
    return low + (high - low) * unit;
  }

 private:
  uint64_t state_;
};

// FNV-1a, so each tensor's values depend on its name and the seed only:
// adding blocks does not change the weights of the layers before them.
uint64_t name_hash(const std::string& name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

struct Range {
  float low;
  float high;
};

// Glorot-uniform limits for a kernel with the given fan-in and fan-out.
Range glorot(long long fan_in, long long fan_out) {
  float limit = std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
  return {-limit, limit};
}

class GraphBuilder {
 public:
  GraphBuilder(GraphDef* graph, uint64_t seed) : graph_(graph), seed_(seed) {}

  NodeDef* add(const std::string& name, const std::string& op, std::vector<std::string> inputs) {
    NodeDef* node = graph_->add_node();
    node->set_name(name);
    node->set_op(op);
    for (std::string& input : inputs) node->add_input(std::move(input));
    return node;
  }

  static void set_type(NodeDef* node, const std::string& key, DataType type) { (*node->mutable_attr())[key].set_type(type); }
  static void set_float_type(NodeDef* node) { set_type(node, "T", tensorflow::DT_FLOAT); }
  static void set_string(NodeDef* node, const std::string& key, const std::string& value) {
    (*node->mutable_attr())[key].set_s(value);
  }
  static void set_bool(NodeDef* node, const std::string& key, bool value) { (*node->mutable_attr())[key].set_b(value); }
  static void set_float(NodeDef* node, const std::string& key, float value) { (*node->mutable_attr())[key].set_f(value); }
  static void set_ints(NodeDef* node, const std::string& key, const std::vector<int64_t>& values) {
    AttrValue::ListValue* list = (*node->mutable_attr())[key].mutable_list();
    for (int64_t v : values) list->add_i(v);
  }
  static void set_shape(NodeDef* node, const std::string& key, const std::vector<int64_t>& dims) {
    tensorflow::TensorShapeProto* shape = (*node->mutable_attr())[key].mutable_shape();
    for (int64_t d : dims) shape->add_dim()->set_size(d);
  }

  // A Const the way TensorFlow's Python front end writes one: more than one
  // element goes to tensor_content (little-endian bytes), a single element
  // to the typed field.
  NodeDef* add_float_const(const std::string& name, const std::vector<int64_t>& shape, Range range) {
    long long count = 1;
    for (int64_t d : shape) count *= d;
    Random random(seed_ ^ name_hash(name));
    NodeDef* node = add(name, "Const", {});
    set_type(node, "dtype", tensorflow::DT_FLOAT);
    tensorflow::TensorProto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
    tensor->set_dtype(tensorflow::DT_FLOAT);
    for (int64_t d : shape) tensor->mutable_tensor_shape()->add_dim()->set_size(d);
    if (count == 1) {
      tensor->add_float_val(random.uniform(range.low, range.high));
      return node;
    }
    std::string* content = tensor->mutable_tensor_content();
    content->resize(static_cast<size_t>(count) * 4);
    char* out = content->data();
    for (long long i = 0; i < count; ++i) {
      float value = random.uniform(range.low, range.high);
      uint32_t bits;
      std::memcpy(&bits, &value, 4);
      for (int b = 0; b < 4; ++b) *out++ = static_cast<char>((bits >> (8 * b)) & 0xff);
    }
    return node;
  }

  NodeDef* add_int32_const(const std::string& name, const std::vector<int32_t>& values) {
    NodeDef* node = add(name, "Const", {});
    set_type(node, "dtype", tensorflow::DT_INT32);
    tensorflow::TensorProto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
    tensor->set_dtype(tensorflow::DT_INT32);
    tensor->mutable_tensor_shape()->add_dim()->set_size(static_cast<int64_t>(values.size()));
    if (values.size() == 1) {
      tensor->add_int_val(values[0]);
      return node;
    }
    std::string* content = tensor->mutable_tensor_content();
    for (int32_t value : values) {
      uint32_t bits = static_cast<uint32_t>(value);
      for (int b = 0; b < 4; ++b) content->push_back(static_cast<char>((bits >> (8 * b)) & 0xff));
    }
    return node;
  }

  // A trained variable as freezing leaves it: Const "<name>" and Identity
  // "<name>/read" carrying the colocation attr. Returns the read's name.
  std::string add_weight(const std::string& name, const std::vector<int64_t>& shape, Range range) {
    add_float_const(name, shape, range);
    NodeDef* read = add(name + "/read", "Identity", {name});
    set_float_type(read);
    (*read->mutable_attr())["_class"].mutable_list()->add_s("loc:@" + name);
    return name + "/read";
  }

  NodeDef* add_conv2d(const std::string& name, const std::string& input, const std::string& filter, int stride) {
    NodeDef* node = add(name, "Conv2D", {input, filter});
    set_float_type(node);
    set_string(node, "data_format", "NHWC");
    set_ints(node, "dilations", {1, 1, 1, 1});
    (*node->mutable_attr())["explicit_paddings"].mutable_list();
    set_string(node, "padding", "SAME");
    set_ints(node, "strides", {1, stride, stride, 1});
    set_bool(node, "use_cudnn_on_gpu", true);
    return node;
  }

  NodeDef* add_depthwise(const std::string& name, const std::string& input, const std::string& filter) {
    NodeDef* node = add(name, "DepthwiseConv2dNative", {input, filter});
    set_float_type(node);
    set_string(node, "data_format", "NHWC");
    set_ints(node, "dilations", {1, 1, 1, 1});
    (*node->mutable_attr())["explicit_paddings"].mutable_list();
    set_string(node, "padding", "SAME");
    set_ints(node, "strides", {1, 1, 1, 1});
    return node;
  }

  NodeDef* add_bias_add(const std::string& name, const std::string& input, const std::string& bias) {
    NodeDef* node = add(name, "BiasAdd", {input, bias});
    set_float_type(node);
    set_string(node, "data_format", "NHWC");
    return node;
  }

  NodeDef* add_unary(const std::string& name, const std::string& op, const std::string& input) {
    NodeDef* node = add(name, op, {input});
    set_float_type(node);
    return node;
  }

  // Frozen batch-norm statistics for `channels` channels under `scope`.
  struct BatchNormParams {
    std::string gamma, beta, mean, variance;
  };
  BatchNormParams add_batch_norm_params(const std::string& scope, int64_t channels) {
    BatchNormParams p;
    p.gamma = add_weight(scope + "/gamma", {channels}, {0.8f, 1.2f});
    p.beta = add_weight(scope + "/beta", {channels}, {-0.1f, 0.1f});
    p.mean = add_weight(scope + "/moving_mean", {channels}, {-0.1f, 0.1f});
    p.variance = add_weight(scope + "/moving_variance", {channels}, {0.5f, 1.5f});
    return p;
  }

  std::string add_fused_batch_norm(const std::string& scope, const std::string& input, int64_t channels) {
    BatchNormParams p = add_batch_norm_params(scope, channels);
    NodeDef* node = add(scope + "/FusedBatchNormV3", "FusedBatchNormV3", {input, p.gamma, p.beta, p.mean, p.variance});
    set_float_type(node);
    set_type(node, "U", tensorflow::DT_FLOAT);
    set_string(node, "data_format", "NHWC");
    set_float(node, "epsilon", kBatchNormEpsilon);
    set_float(node, "exponential_avg_factor", 1.0f);
    set_bool(node, "is_training", false);
    return node->name();
  }

  // The pre-2016 op: inputs are t, mean, variance, beta, gamma.
  std::string add_old_batch_norm(const std::string& scope, const std::string& input, int64_t channels) {
    BatchNormParams p = add_batch_norm_params(scope, channels);
    NodeDef* node = add(scope + "/batchnorm", "BatchNormWithGlobalNormalization",
                        {input, p.mean, p.variance, p.beta, p.gamma});
    set_float_type(node);
    set_bool(node, "scale_after_normalization", true);
    set_float(node, "variance_epsilon", kBatchNormEpsilon);
    return node->name();
  }

 private:
  GraphDef* graph_;
  uint64_t seed_;
};

struct Widths {
  long long stem;
  long long features;
};

Widths widths_of(const ExampleOptions& options) {
  return {static_cast<long long>(kStemChannels) * options.width,
          static_cast<long long>(kFeatureChannels) * options.width};
}

unsigned long long block_weight_floats(long long features) {
  return static_cast<unsigned long long>(9 * features + 4 * features + features * features + features);
}

}  // namespace

unsigned long long example_weight_bytes(const ExampleOptions& options) {
  Widths w = widths_of(options);
  unsigned long long floats = 0;
  floats += 27 * w.stem + w.stem + 4 * w.stem;                    // conv1
  floats += 9 * w.stem + 4 * w.stem;                              // conv2_dw
  floats += w.stem * w.features + w.features;                     // conv3
  floats += static_cast<unsigned long long>(std::max(options.repeated_blocks, 0)) * block_weight_floats(w.features);
  floats += w.features * options.classes + options.classes;       // logits
  unsigned long long int32s = 2 + 2 + 1;                          // pool axes, reshape shape, loss axes
  return floats * 4 + int32s * 4;
}

ExampleOptions example_options_for_scale(int scale) {
  ExampleOptions options;
  if (scale <= 1) return options;
  options.width = std::max(1, static_cast<int>(std::lround(std::sqrt(scale / 6.0))));
  unsigned long long target = example_weight_bytes(ExampleOptions{}) * static_cast<unsigned long long>(scale);
  unsigned long long fixed = example_weight_bytes(options);
  unsigned long long block = block_weight_floats(widths_of(options).features) * 4;
  if (target > fixed) options.repeated_blocks = static_cast<int>((target - fixed + block / 2) / block);
  return options;
}

Status check_example_options(const ExampleOptions& options) {
  if (options.width < 1 || options.width > 64)
    return Status::error("the example model's width must be between 1 and 64, not " + std::to_string(options.width));
  if (options.repeated_blocks < 0 || options.repeated_blocks > 10000)
    return Status::error("the example model's repeated blocks must be between 0 and 10000, not " +
                         std::to_string(options.repeated_blocks));
  if (options.image_size < 4 || options.image_size > 4096)
    return Status::error("the example model's image size must be between 4 and 4096, not " +
                         std::to_string(options.image_size));
  if (options.classes < 2 || options.classes > 100000)
    return Status::error("the example model's class count must be between 2 and 100000, not " +
                         std::to_string(options.classes));
  // Leave room for the graph's structure next to the weights.
  unsigned long long bytes = example_weight_bytes(options);
  if (bytes + (16ULL << 20) > kMaxGraphBytes)
    return Status::error("the example model would hold " + std::to_string(bytes) +
                         " bytes of weights; a GraphDef must stay under 2 GiB");
  return Status::ok();
}

GraphDef make_example_cnn(const ExampleOptions& options) {
  GraphDef graph;
  GraphBuilder b(&graph, options.seed);
  Widths w = widths_of(options);
  const int64_t stem = w.stem;
  const int64_t features = w.features;
  const int64_t classes = options.classes;

  NodeDef* input = b.add(kExampleInputName, "Placeholder", {});
  b.set_type(input, "dtype", tensorflow::DT_FLOAT);
  b.set_shape(input, "shape", {1, options.image_size, options.image_size, 3});

  // conv1: 3x3 stride 2, bias, fused batch norm, Relu6, a numerics check.
  std::string weights = b.add_weight("conv1/weights", {3, 3, 3, stem}, glorot(27, 9 * stem));
  b.add_conv2d("conv1/Conv2D", kExampleInputName, weights, 2);
  std::string biases = b.add_weight("conv1/biases", {stem}, {-0.05f, 0.05f});
  b.add_bias_add("conv1/BiasAdd", "conv1/Conv2D", biases);
  std::string x = b.add_fused_batch_norm("conv1/BatchNorm", "conv1/BiasAdd", stem);
  b.add_unary("conv1/Relu6", "Relu6", x);
  NodeDef* check = b.add_unary("conv1/CheckNumerics", "CheckNumerics", "conv1/Relu6");
  b.set_string(check, "message", "conv1 activations are not finite");
  x = check->name();

  // conv2_dw: depthwise 3x3 with the old-style batch norm op.
  weights = b.add_weight("conv2_dw/depthwise_weights", {3, 3, stem, 1}, glorot(9, 9));
  b.add_depthwise("conv2_dw/depthwise", x, weights);
  x = b.add_old_batch_norm("conv2_dw/BatchNorm", "conv2_dw/depthwise", stem);
  x = b.add_unary("conv2_dw/Relu6", "Relu6", x)->name();

  // conv3: pointwise to the feature width.
  weights = b.add_weight("conv3/weights", {1, 1, stem, features}, glorot(stem, features));
  b.add_conv2d("conv3/Conv2D", x, weights, 1);
  biases = b.add_weight("conv3/biases", {features}, {-0.05f, 0.05f});
  b.add_bias_add("conv3/BiasAdd", "conv3/Conv2D", biases);
  x = b.add_unary("conv3/Relu", "Relu", "conv3/BiasAdd")->name();

  for (int k = 1; k <= options.repeated_blocks; ++k) {
    std::string scope = "block" + std::to_string(k);
    weights = b.add_weight(scope + "/depthwise_weights", {3, 3, features, 1}, glorot(9, 9));
    b.add_depthwise(scope + "/depthwise", x, weights);
    x = b.add_fused_batch_norm(scope + "/BatchNorm", scope + "/depthwise", features);
    x = b.add_unary(scope + "/Relu6", "Relu6", x)->name();
    weights = b.add_weight(scope + "/pointwise_weights", {1, 1, features, features}, glorot(features, features));
    b.add_conv2d(scope + "/Conv2D", x, weights, 1);
    biases = b.add_weight(scope + "/biases", {features}, {-0.05f, 0.05f});
    b.add_bias_add(scope + "/BiasAdd", scope + "/Conv2D", biases);
    x = b.add_unary(scope + "/Relu", "Relu", scope + "/BiasAdd")->name();
  }

  // Global average pool: Mean over H and W keeping dims, then a Reshape to [-1, C].
  b.add_int32_const("pool/reduction_indices", {1, 2});
  NodeDef* mean = b.add("pool/Mean", "Mean", {x, "pool/reduction_indices"});
  b.set_float_type(mean);
  b.set_type(mean, "Tidx", tensorflow::DT_INT32);
  b.set_bool(mean, "keep_dims", true);
  b.add_int32_const("pool/shape", {-1, static_cast<int32_t>(features)});
  NodeDef* reshape = b.add("pool/Reshape", "Reshape", {"pool/Mean", "pool/shape"});
  b.set_float_type(reshape);
  b.set_type(reshape, "Tshape", tensorflow::DT_INT32);

  weights = b.add_weight("logits/weights", {features, classes}, glorot(features, classes));
  NodeDef* matmul = b.add("logits/MatMul", "MatMul", {"pool/Reshape", weights});
  b.set_float_type(matmul);
  b.set_bool(matmul, "transpose_a", false);
  b.set_bool(matmul, "transpose_b", false);
  biases = b.add_weight("logits/biases", {classes}, {-0.05f, 0.05f});
  b.add_bias_add("logits/BiasAdd", "logits/MatMul", biases);
  b.add_unary(kExampleOutputName, "Softmax", "logits/BiasAdd");

  // Training only: the loss against integer labels. Nothing on the way to
  // "predictions" needs it.
  NodeDef* labels = b.add("labels", "Placeholder", {});
  b.set_type(labels, "dtype", tensorflow::DT_INT64);
  b.set_shape(labels, "shape", {1});
  NodeDef* xent = b.add("loss/SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
                        {"logits/BiasAdd", "labels"});
  b.set_float_type(xent);
  b.set_type(xent, "Tlabels", tensorflow::DT_INT64);
  b.add_int32_const("loss/Const", {0});
  NodeDef* loss = b.add(kExampleLossName, "Mean", {"loss/SparseSoftmaxCrossEntropyWithLogits", "loss/Const"});
  b.set_float_type(loss);
  b.set_type(loss, "Tidx", tensorflow::DT_INT32);
  b.set_bool(loss, "keep_dims", false);

  // No `versions`: BatchNormWithGlobalNormalization was removed at GraphDef
  // version 9, so a producer version would have to be older than every
  // other op here; TensorFlow treats an absent VersionDef as version 0.
  return graph;
}

}  // namespace mq
