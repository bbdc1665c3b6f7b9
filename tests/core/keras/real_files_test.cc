// The real Keras files in ../shared/keras: each convertible one becomes a
// graph with TensorFlow 1's names whose outputs match TensorFlow.js running
// the same config with the weights our reader exported (references in
// tests/data/keras/real, made by scripts/make_keras_references.mjs); the
// others fail with a message that names the reason.
#include <catch2/catch.hpp>
#include <iostream>

#include "tests/core/keras/keras_test_support.h"

namespace {

using namespace mq::keras;
using namespace mq::keras::test;

std::string placeholder_shape(const tensorflow::NodeDef& node) {
  mq::Shape dims;
  for (const auto& dim : node.attr().at("shape").shape().dim()) dims.push_back(dim.size());
  return mq::shape_string(dims);
}

// Converts a real file and compares it with its reference folder.
KerasGraph convert_and_compare(const std::string& dir, const std::string& file, const std::string& reference,
                               const std::string& config = "") {
  ModelFiles files = model_file(dir + "/" + file, config.empty() ? "" : dir + "/" + config);
  KerasGraph converted = value_of(keras_to_graph(files.source(), {"output_node"}));
  std::string folder = keras_data("real/" + reference);
  nlohmann::json entry;
  nlohmann::json refs = references();
  for (const nlohmann::json& item : refs["real"])
    if (item["name"] == reference) entry = item;
  REQUIRE(entry.is_object());
  std::vector<mq::Tensor> inputs = read_npy_files(folder, "input", entry["inputs"].get<int>());
  std::vector<mq::Tensor> expected = read_npy_files(folder, "output", entry["outputs"].get<int>());
  double worst = check_against_references(converted, inputs, expected);
  std::cout << "keras " << file << ": " << converted.description << "; max relative error " << worst << "\n";
  return converted;
}

}  // namespace

TEST_CASE("Keras import: the Keras 2.0.5 face model and its HDF5 re-encodings", "[keras]") {
  std::string dir = shared_keras_dir("Keras import of the face model");
  if (dir.empty()) return;
  for (const char* file : {"face_fer2013_mini_XCEPTION.102-0.66.hdf5", "face_fer2013.latest.h5",
                           "face_fer2013.shuf_gzip.h5"}) {
    DYNAMIC_SECTION(file) {
      KerasGraph converted = convert_and_compare(dir, file, "face_fer2013_mini_XCEPTION");
      const tensorflow::GraphDef& graph = converted.graph;
      REQUIRE(converted.inputs == std::vector<std::string>{"input_1"});
      REQUIRE(converted.outputs == std::vector<std::string>{"output_node0"});
      CHECK(placeholder_shape(*find_node(graph, "input_1")) == "[-1,64,64,1]");
      const tensorflow::NodeDef* identity = find_node(graph, "output_node0");
      REQUIRE(identity);
      CHECK(identity->op() == "Identity");
      CHECK(identity->input(0) == "predictions/Softmax");
      // TensorFlow 1's names and ops.
      CHECK(find_node(graph, "conv2d_1/kernel")->op() == "Const");
      CHECK(find_node(graph, "conv2d_1/Conv2D")->op() == "Conv2D");
      CHECK(find_node(graph, "batch_normalization_1/FusedBatchNormV3")->attr().at("is_training").b() == false);
      CHECK(find_node(graph, "separable_conv2d_1/separable_conv2d/depthwise")->op() == "DepthwiseConv2dNative");
      CHECK(find_node(graph, "separable_conv2d_1/separable_conv2d")->op() == "Conv2D");
      CHECK(find_node(graph, "add_1/add")->op() == "AddV2");
      CHECK(find_node(graph, "max_pooling2d_1/MaxPool")->op() == "MaxPool");
      CHECK(find_node(graph, "global_average_pooling2d_1/Mean")->op() == "Mean");
      CHECK(find_node(graph, "conv2d_7/BiasAdd")->op() == "BiasAdd");
      std::map<std::string, int> ops = op_counts(graph);
      CHECK(ops["Placeholder"] == 1);
      CHECK(ops["FusedBatchNormV3"] == 14);
      CHECK(ops["SeparableConv2D"] == 0);
      CHECK(ops["DepthwiseConv2dNative"] == 8);
      CHECK(ops["Conv2D"] == 7 + 8);
      CHECK(ops["AddV2"] == 4);
      CHECK(ops["Relu"] == 6);
      CHECK(ops["Softmax"] == 1);
      CHECK(ops["Identity"] == 1);
    }
  }
}

TEST_CASE("Keras import: the kotlindl weights-only file with its JSON topology", "[keras]") {
  std::string dir = shared_keras_dir("Keras import of the kotlindl model");
  if (dir.empty()) return;
  KerasGraph converted = convert_and_compare(dir, "kotlindl_batchnorm_weights.h5", "kotlindl_batchnorm",
                                             "kotlindl_batchnorm_modelConfig.json");
  const tensorflow::GraphDef& graph = converted.graph;
  // A Sequential model without an InputLayer: the input is named after its first layer.
  REQUIRE(converted.inputs == std::vector<std::string>{"conv2d_20_input"});
  CHECK(placeholder_shape(*find_node(graph, "conv2d_20_input")) == "[-1,28,28,1]");
  CHECK(find_node(graph, "output_node0")->input(0) == "dense_30/BiasAdd");
  // BatchNormalization on 4-D tensors is fused, on 2-D tensors it is arithmetic.
  CHECK(find_node(graph, "batch_normalization_12/FusedBatchNormV3"));
  CHECK(find_node(graph, "batch_normalization_14/batchnorm/Rsqrt"));
  CHECK(find_node(graph, "batch_normalization_14/batchnorm/add_1")->op() == "AddV2");
  // Flatten reads the batch size at run time: Shape, StridedSlice, Pack, Reshape.
  CHECK(find_node(graph, "flatten_10/Shape")->op() == "Shape");
  CHECK(find_node(graph, "flatten_10/strided_slice")->op() == "StridedSlice");
  CHECK(find_node(graph, "flatten_10/Reshape/shape")->op() == "Pack");
  CHECK(find_node(graph, "flatten_10/Reshape")->op() == "Reshape");
  CHECK(find_node(graph, "dense_28/MatMul")->op() == "MatMul");

  // Without the topology the weights alone cannot be converted.
  ModelFiles weights_only = model_file(dir + "/kotlindl_batchnorm_weights.h5");
  auto failed = keras_to_graph(weights_only.source());
  REQUIRE_FALSE(failed.is_ok());
  CHECK_THAT(failed.status().message(), Catch::Contains("holds only weights") && Catch::Contains("--config"));
}

TEST_CASE("Keras import: the Keras 3 FlowNet archive", "[keras]") {
  std::string dir = shared_keras_dir("Keras import of the FlowNet archive");
  if (dir.empty()) return;
  KerasGraph converted = convert_and_compare(dir, "flownet_final_model.keras", "flownet_final_model");
  const tensorflow::GraphDef& graph = converted.graph;
  REQUIRE(converted.inputs == std::vector<std::string>{"input_layer"});
  CHECK(placeholder_shape(*find_node(graph, "input_layer")) == "[-1,2]");
  CHECK(find_node(graph, "output_node0")->input(0) == "dense_3/BiasAdd");
  CHECK(find_node(graph, "dense/Relu"));
  CHECK(find_node(graph, "leaky_re_lu/LeakyRelu")->attr().at("alpha").f() == Approx(0.2));
  CHECK(find_node(graph, "dense_1/MatMul")->input(0) == "dense/Relu");  // the Dropout leaves nothing behind
  CHECK(converted.description.find("Keras 3.9.2 Sequential model 'sequential'") != std::string::npos);
}

TEST_CASE("Keras import: a subclassed Keras 3 model is refused with the reason", "[keras]") {
  std::string dir = shared_keras_dir("Keras import of the subclassed model");
  if (dir.empty()) return;
  ModelFiles files = model_file(dir + "/kerasteam_pre_pr22362_nested_container.keras");
  auto converted = keras_to_graph(files.source());
  REQUIRE_FALSE(converted.is_ok());
  const std::string& message = converted.status().message();
  CHECK(converted.status().code() == mq::StatusCode::kUnsupported);
  CHECK_THAT(message, Catch::StartsWith("kerasteam_pre_pr22362_nested_container.keras: "));
  CHECK_THAT(message, Catch::Contains("subclassed Keras model (class 'NestedDenseModel', registered as "
                                      "'legacy_nested_container>NestedDenseModel')"));
  CHECK_THAT(message, Catch::Contains("exist only in its Python code"));
  CHECK_THAT(message, Catch::Contains("Sequential or Functional"));
}

TEST_CASE("Keras import: recurrent layers are refused by name", "[keras]") {
  std::string dir = shared_keras_dir("Keras import of the LSTM model");
  if (dir.empty()) return;
  ModelFiles files = model_file(dir + "/fdeep_lstm.latest.h5");
  auto converted = keras_to_graph(files.source());
  REQUIRE_FALSE(converted.is_ok());
  CHECK(converted.status().code() == mq::StatusCode::kUnsupported);
  CHECK(converted.status().message() ==
        "fdeep_lstm.latest.h5: layer 'lstm_1' (class LSTM) cannot be converted: recurrent layers are not supported. "
        "Not supported either: 'bidirectional_1' (Bidirectional), 'lstm_8' (LSTM), 'bidirectional_4' "
        "(Bidirectional), 'lstm_2' (LSTM), 'lstm_3' (LSTM) and 9 more");
}
