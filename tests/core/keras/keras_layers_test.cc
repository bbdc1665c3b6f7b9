// Layer conversions that TensorFlow.js cannot check (it lacks Subtract,
// ELU's alpha, causal padding, Keras 3's hard_sigmoid, …), written as small
// Keras configs with hand-made weights and checked against the formulas
// Keras documents; and the errors for what cannot be converted.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "core/keras/keras_graph_builder.h"
#include "tests/core/keras/keras_test_support.h"

namespace {

using namespace mq::keras;
using namespace mq::keras::test;
using mq::Tensor;
using nlohmann::json;

Tensor values(const mq::Shape& shape, const std::vector<float>& data) { return float_tensor(shape, data); }

// A model read from JSON text with the given weights.
KerasModel model_of(const std::string& config, std::map<std::string, std::vector<LayerWeight>> weights = {},
                    const std::string& version = "2.13.1") {
  KerasModel model;
  model.source = "test.h5";
  model.keras_version = version;
  model.model_config = json::parse(config);
  model.weights = std::move(weights);
  return model;
}

// A Sequential model: an input of shape [null, dims…] and the given layers.
std::string sequential(const std::string& input_shape, const std::vector<std::string>& layers) {
  std::string text = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [)"
                     R"({"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [null, )" +
                     input_shape + "]}}";
  for (const std::string& layer : layers) text += ", " + layer;
  return text + "]}}";
}

std::vector<float> flat(const Tensor& tensor) {
  auto view = tensor.flat<float>();
  return std::vector<float>(view.data(), view.data() + view.size());
}

// Converts, runs on `input` and checks every output value against `expected(x)`.
void check_elementwise(const KerasModel& model, const std::vector<float>& input,
                       const std::function<float(float)>& expected, float tolerance = 1e-6f) {
  KerasGraph converted = value_of(keras_model_to_graph(model));
  Tensor x = values({1, static_cast<int64_t>(input.size())}, input);
  std::vector<float> out = flat(run_graph(converted, {x})[0]);
  REQUIRE(out.size() == input.size());
  for (size_t i = 0; i < input.size(); ++i) {
    INFO("x = " << input[i]);
    CHECK(out[i] == Approx(expected(input[i])).margin(tolerance));
  }
}

const std::vector<float> kSamples = {-3.0f, -1.5f, -0.25f, 0.0f, 0.2f, 0.5f, 0.75f, 1.0f, 2.5f, 7.0f};

}  // namespace

TEST_CASE("Keras layers: ReLU with negative_slope, threshold and max_value", "[keras]") {
  KerasModel model = model_of(sequential("10", {R"({"class_name": "ReLU", "config": {"name": "re_lu",
      "negative_slope": 0.1, "threshold": 0.5, "max_value": 2.0}})"}));
  check_elementwise(model, kSamples, [](float x) { return x > 0.5f ? std::min(x, 2.0f) : 0.1f * (x - 0.5f); });

  KerasModel relu6 = model_of(sequential("10", {R"({"class_name": "ReLU", "config": {"name": "re_lu", "max_value": 6}})"}));
  KerasGraph converted = value_of(keras_model_to_graph(relu6));
  CHECK(op_counts(converted.graph)["Relu6"] == 1);
  check_elementwise(relu6, kSamples, [](float x) { return std::min(std::max(x, 0.0f), 6.0f); });
}

TEST_CASE("Keras layers: ELU with alpha, LeakyReLU in both dialects, ThresholdedReLU", "[keras]") {
  check_elementwise(model_of(sequential("10", {R"({"class_name": "ELU", "config": {"name": "elu", "alpha": 0.5}})"})),
                    kSamples, [](float x) { return x > 0 ? x : 0.5f * (std::exp(x) - 1); });
  check_elementwise(model_of(sequential("10", {R"({"class_name": "LeakyReLU", "config": {"name": "l", "alpha": 0.05}})"})),
                    kSamples, [](float x) { return x > 0 ? x : 0.05f * x; });
  check_elementwise(
      model_of(sequential("10", {R"({"class_name": "LeakyReLU", "config": {"name": "l", "negative_slope": 0.2}})"}), {},
               "3.9.2"),
      kSamples, [](float x) { return x > 0 ? x : 0.2f * x; });
  check_elementwise(model_of(sequential("10", {R"({"class_name": "LeakyReLU", "config": {"name": "l"}})"})), kSamples,
                    [](float x) { return x > 0 ? x : 0.3f * x; });
  check_elementwise(
      model_of(sequential("10", {R"({"class_name": "ThresholdedReLU", "config": {"name": "t", "theta": 0.6}})"})),
      kSamples, [](float x) { return x > 0.6f ? x : 0.0f; });
}

TEST_CASE("Keras layers: activations whose formula depends on the Keras version", "[keras]") {
  std::string config = sequential("10", {R"({"class_name": "Activation", "config": {"name": "a", "activation": "hard_sigmoid"}})"});
  // Keras 2 (and TensorFlow.js): 0.2 x + 0.5; Keras 3: x / 6 + 0.5; both clipped to [0, 1].
  check_elementwise(model_of(config, {}, "2.13.1"), kSamples,
                    [](float x) { return std::min(1.0f, std::max(0.0f, 0.2f * x + 0.5f)); });
  check_elementwise(model_of(config, {}, "3.3.3"), kSamples,
                    [](float x) { return std::min(1.0f, std::max(0.0f, x / 6.0f + 0.5f)); });
  check_elementwise(
      model_of(sequential("10", {R"({"class_name": "Activation", "config": {"name": "a",
          "activation": {"module": "keras.activations", "class_name": "function", "config": "gelu", "registered_name": "function"}}})"}),
               {}, "3.9.2"),
      kSamples, [](float x) { return 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f))); }, 1e-5f);
  check_elementwise(model_of(sequential("10", {R"({"class_name": "Activation", "config": {"name": "a", "activation": "leaky_relu"}})"}),
                             {}, "3.9.2"),
                    kSamples, [](float x) { return x > 0 ? x : 0.2f * x; });
  check_elementwise(model_of(sequential("10", {R"({"class_name": "Activation", "config": {"name": "a", "activation": "exponential"}})"})),
                    kSamples, [](float x) { return std::exp(x); }, 1e-4f);
}

TEST_CASE("Keras layers: Rescaling", "[keras]") {
  check_elementwise(
      model_of(sequential("10", {R"({"class_name": "Rescaling", "config": {"name": "r", "scale": 0.00392156862745098, "offset": -0.5}})"})),
      kSamples, [](float x) { return x * 0.00392156862745098f - 0.5f; });
}

TEST_CASE("Keras layers: Subtract and Minimum of two inputs (Keras 2 inbound nodes)", "[keras]") {
  KerasModel model = model_of(R"({"class_name": "Model", "config": {"name": "m", "layers": [
      {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
      {"class_name": "InputLayer", "name": "b", "config": {"name": "b", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
      {"class_name": "Subtract", "name": "subtract", "config": {"name": "subtract"},
       "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]]},
      {"class_name": "Minimum", "name": "minimum", "config": {"name": "minimum"},
       "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]]}],
      "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["subtract", 0, 0], ["minimum", 0, 0]]}})");
  KerasGraph converted = value_of(keras_model_to_graph(model));
  CHECK(converted.outputs == std::vector<std::string>{"subtract/sub", "minimum/Minimum"});
  std::vector<Tensor> out = run_graph(converted, {values({1, 3}, {1, 2, 3}), values({1, 3}, {0.5f, 4, -1})});
  CHECK(flat(out[0]) == std::vector<float>{0.5f, -2, 4});
  CHECK(flat(out[1]) == std::vector<float>{0.5f, 2, -1});
}

TEST_CASE("Keras layers: causal Conv1D pads on the left", "[keras]") {
  // kernel_size 2, dilation 2, one channel in and out: y[t] = w0 x[t-2] + w1 x[t] + b.
  KerasModel model = model_of(sequential("5, 1", {R"({"class_name": "Conv1D", "config": {"name": "conv1d",
      "filters": 1, "kernel_size": [2], "padding": "causal", "dilation_rate": [2], "strides": [1]}})"}),
                              {{"conv1d", {{"kernel", values({2, 1, 1}, {0.5f, 2.0f})}, {"bias", values({1}, {0.25f})}}}});
  KerasGraph converted = value_of(keras_model_to_graph(model));
  CHECK(find_node(converted.graph, "conv1d/Pad"));
  CHECK(find_node(converted.graph, "conv1d/Conv1D")->op() == "Conv2D");
  std::vector<float> x = {1, 2, 3, 4, 5};
  std::vector<float> out = flat(run_graph(converted, {values({1, 5, 1}, x)})[0]);
  REQUIRE(out.size() == 5);
  for (int t = 0; t < 5; ++t) {
    float previous = t >= 2 ? x[static_cast<size_t>(t - 2)] : 0.0f;
    CHECK(out[static_cast<size_t>(t)] == Approx(0.5f * previous + 2.0f * x[static_cast<size_t>(t)] + 0.25f));
  }
}

TEST_CASE("Keras layers: BatchNormalization over a middle axis", "[keras]") {
  // axis 1 of [batch, 2, 3]: each of the 2 rows has its own statistics.
  KerasModel model = model_of(sequential("2, 3", {R"({"class_name": "BatchNormalization", "config": {"name": "bn", "axis": 1, "epsilon": 0.01}})"}),
                              {{"bn", {{"gamma", values({2}, {2, 0.5f})},
                                       {"beta", values({2}, {0.1f, -0.2f})},
                                       {"moving_mean", values({2}, {1, -1})},
                                       {"moving_variance", values({2}, {4, 0.25f})}}}});
  KerasGraph converted = value_of(keras_model_to_graph(model));
  CHECK(find_node(converted.graph, "bn/batchnorm/Reshape"));
  std::vector<float> x = {1, 2, 3, 4, 5, 6};
  std::vector<float> out = flat(run_graph(converted, {values({1, 2, 3}, x)})[0]);
  const float gamma[] = {2, 0.5f}, beta[] = {0.1f, -0.2f}, mean[] = {1, -1}, variance[] = {4, 0.25f};
  for (int i = 0; i < 6; ++i) {
    int c = i / 3;
    CHECK(out[static_cast<size_t>(i)] ==
          Approx(gamma[c] * (x[static_cast<size_t>(i)] - mean[c]) / std::sqrt(variance[c] + 0.01f) + beta[c]));
  }
}

TEST_CASE("Keras layers: a Keras 3 Functional model with a shared layer", "[keras]") {
  // Keras 3 writes calls as {"args": [__keras_tensor__ …]} and a single input as a bare reference.
  KerasModel model = model_of(R"({"module": "keras", "class_name": "Functional", "config": {"name": "f",
      "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "name": "x",
         "config": {"batch_shape": [null, 2], "dtype": "float32", "name": "x"}, "inbound_nodes": []},
        {"module": "keras.layers", "class_name": "Dense", "name": "dense",
         "config": {"name": "dense", "units": 2, "use_bias": false,
                    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}},
         "inbound_nodes": [
           {"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 2], "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}},
           {"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 2], "dtype": "float32", "keras_history": ["dense", 0, 0]}}], "kwargs": {}}]},
        {"module": "keras.layers", "class_name": "Add", "name": "add", "config": {"name": "add"},
         "inbound_nodes": [{"args": [[
           {"class_name": "__keras_tensor__", "config": {"keras_history": ["dense", 0, 0]}},
           {"class_name": "__keras_tensor__", "config": {"keras_history": ["dense", 1, 0]}}]], "kwargs": {}}]}],
      "input_layers": ["x", 0, 0], "output_layers": ["add", 0, 0]}})",
                              {{"dense", {{"0", values({2, 2}, {1, 2, 3, 4})}}}}, "3.9.2");
  KerasGraph converted = value_of(keras_model_to_graph(model, {"out"}));
  // One Const for the shared kernel, two MatMuls in the scopes "dense" and "dense_1".
  CHECK(op_counts(converted.graph)["Const"] == 1);
  CHECK(find_node(converted.graph, "dense/MatMul")->input(1) == "dense/kernel");
  CHECK(find_node(converted.graph, "dense_1/MatMul")->input(0) == "dense/MatMul");
  CHECK(find_node(converted.graph, "dense_1/MatMul")->input(1) == "dense/kernel");
  CHECK(converted.outputs == std::vector<std::string>{"out0"});
  // y = x W; z = y W; out = y + z. x = [1, 1]: y = [4, 6], z = [22, 32].
  CHECK(flat(run_graph(converted, {values({1, 2}, {1, 1})})[0]) == std::vector<float>{26, 38});
}

TEST_CASE("Keras layers: UpSampling2D bilinear follows the resizing of its Keras version", "[keras]") {
  std::string config = sequential("2, 2, 1", {R"({"class_name": "UpSampling2D", "config": {"name": "up", "size": [2, 2], "interpolation": "bilinear"}})"});
  auto half_pixel = [&](const std::string& version) {
    KerasGraph converted = value_of(keras_model_to_graph(model_of(config, {}, version)));
    return find_node(converted.graph, "up/ResizeBilinear")->attr().at("half_pixel_centers").b();
  };
  CHECK(half_pixel("2.0.5") == false);
  CHECK(half_pixel("2.2.4-tf") == false);
  CHECK(half_pixel("2.13.1") == true);
  CHECK(half_pixel("3.9.2") == true);
  CHECK(half_pixel("tfjs-layers 4.22.0") == true);  // decided by the format, not the version string
  KerasModel tfjs = model_of(config, {}, "tfjs-layers 4.22.0");
  tfjs.format = KerasFormat::kTensorFlowJs;
  KerasGraph converted = value_of(keras_model_to_graph(tfjs));
  CHECK(find_node(converted.graph, "up/ResizeBilinear")->attr().at("half_pixel_centers").b() == false);
}

TEST_CASE("Keras layers: output prefix names each output as the seed did", "[keras]") {
  KerasModel model = model_of(R"({"class_name": "Model", "config": {"name": "m", "layers": [
      {"class_name": "InputLayer", "name": "a", "config": {"name": "a", "batch_input_shape": [null, 3]}, "inbound_nodes": []},
      {"class_name": "Activation", "name": "r", "config": {"name": "r", "activation": "relu"}, "inbound_nodes": [[["a", 0, 0, {}]]]},
      {"class_name": "Activation", "name": "s", "config": {"name": "s", "activation": "sigmoid"}, "inbound_nodes": [[["a", 0, 0, {}]]]}],
      "input_layers": [["a", 0, 0]], "output_layers": [["s", 0, 0], ["r", 0, 0]]}})");
  KerasGraph converted = value_of(keras_model_to_graph(model, {"output_node"}));
  CHECK(converted.outputs == std::vector<std::string>{"output_node0", "output_node1"});
  CHECK(find_node(converted.graph, "output_node0")->input(0) == "s/Sigmoid");
  CHECK(find_node(converted.graph, "output_node1")->input(0) == "r/Relu");
  KerasGraph plain = value_of(keras_model_to_graph(model));
  CHECK(plain.outputs == std::vector<std::string>{"s/Sigmoid", "r/Relu"});
  auto clash = keras_model_to_graph(model, {"r/Relu_"});
  REQUIRE(clash.is_ok());  // no node is called r/Relu_0
  KerasModel named = model_of(sequential("3", {R"({"class_name": "Activation", "config": {"name": "relu", "activation": "relu"}})"}));
  named.model_config["config"]["layers"][0]["config"]["name"] = "y0";
  auto taken = keras_model_to_graph(named, {"y"});
  REQUIRE_FALSE(taken.is_ok());
  CHECK(taken.status().message() == "output prefix 'y': the model already has a node named 'y0'; choose another prefix");
}

TEST_CASE("Keras layers: what cannot be converted says which layer and why", "[keras]") {
  auto message_for = [](const KerasModel& model) {
    auto converted = keras_model_to_graph(model);
    REQUIRE_FALSE(converted.is_ok());
    return converted.status().message();
  };
  CHECK(message_for(model_of(sequential("3", {R"({"class_name": "Lambda", "config": {"name": "lambda_1", "function": "…"}})"}))) ==
        "test.h5: layer 'lambda_1' (class Lambda) cannot be converted: its computation is Python code that the file "
        "does not contain");
  CHECK(message_for(model_of(sequential("3", {R"({"module": "my_project.layers", "class_name": "Scale", "config": {"name": "scale"}, "registered_name": "Custom>Scale"})"}))) ==
        "test.h5: layer 'scale' (class Scale) cannot be converted: it is a custom layer class (from module "
        "'my_project.layers') whose code is not in the file");
  CHECK(message_for(model_of(sequential("3", {R"({"class_name": "Sequential", "config": {"name": "inner", "layers": []}})"}))) ==
        "test.h5: layer 'inner' (class Sequential) cannot be converted: nested models are not supported; build the "
        "model from the inner model's layers instead");
  CHECK(message_for(model_of(sequential("3", {R"({"class_name": "Dense", "config": {"name": "dense", "units": 2}})"}),
                             {{"dense", {{"kernel", values({3, 2}, {1, 2, 3, 4, 5, 6})}}}})) ==
        "test.h5: layer 'dense' (Dense): expects 2 weights (kernel, bias) but the file has 1 (kernel)");
  CHECK(message_for(model_of(sequential("3", {R"({"class_name": "Dense", "config": {"name": "dense", "units": 2, "use_bias": false}})"}),
                             {{"dense", {{"kernel", values({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8})}}}})) ==
        "test.h5: layer 'dense' (Dense): weight 'kernel' has shape [4,2], the layer needs [3,2]");
  CHECK(message_for(model_of(sequential("3", {R"({"class_name": "Dense", "config": {"name": "dense", "units": 2, "use_bias": false}})"}),
                             {{"dense", {{"weights", values({3, 2}, {1, 2, 3, 4, 5, 6})}}}})) ==
        "test.h5: layer 'dense' (Dense): expects the weights kernel but the file has weights");
  CHECK(message_for(model_of(sequential("2, 3", {R"({"class_name": "Softmax", "config": {"name": "softmax", "axis": 1}})"}))) ==
        "test.h5: layer 'softmax' (Softmax): softmax over axis 1 (only the last axis is supported)");
  CHECK(message_for(model_of(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"name": "dense", "units": 2}}]}})")) ==
        "test.h5: the Sequential model was never built: neither its first layer 'dense' nor the model says what input "
        "shape it takes");
}
