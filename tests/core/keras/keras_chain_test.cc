// The whole chain: a Keras model → frozen graph → serialized .pb → parsed
// again → the folding recipe (fold_constants, fold_batch_norms,
// fold_old_batch_norms with FusedBatchNormV3) → outputs still match the
// TensorFlow.js reference.
#include <catch2/catch.hpp>

#include "core/io/graph_io.h"
#include "core/transforms/apply_transforms.h"
#include "core/transforms/transform_string.h"
#include "tests/core/keras/keras_test_support.h"

namespace {

using namespace mq::keras;
using namespace mq::keras::test;

constexpr const char* kFoldingRecipe =
    "fold_constants(ignore_errors=true) fold_batch_norms fold_old_batch_norms(fused_batch_norm_v3=true) "
    "sort_by_execution_order";

// Converts, round-trips through .pb bytes, folds, and checks both graphs against the reference.
// Returns the op counts before and after the recipe.
std::pair<std::map<std::string, int>, std::map<std::string, int>> check_chain(const ModelFiles& files,
                                                                              const std::string& reference_folder,
                                                                              int inputs, int outputs) {
  KerasGraph converted = value_of(keras_to_graph(files.source(), {"output_node"}));
  std::string bytes = value_of(mq::serialize_graph(converted.graph, mq::GraphFormat::kBinary));
  KerasGraph reloaded = converted;
  REQUIRE(mq::parse_graph(bytes, "model.pb", &reloaded.graph).is_ok());

  mq::TransformList recipe = value_of(mq::parse_transform_string(kFoldingRecipe));
  mq::TransformOptions options;
  options.validate = true;
  mq::TransformResult folded = value_of(mq::apply_transforms(reloaded.graph, recipe, reloaded.inputs, reloaded.outputs, options));
  std::map<std::string, int> before = op_counts(reloaded.graph);
  std::map<std::string, int> after = op_counts(folded.graph);
  CHECK(after["Rsqrt"] == 0);  // the arithmetic batch norms' statistics became constants
  CHECK(folded.graph.node_size() < reloaded.graph.node_size());

  std::vector<mq::Tensor> input_values = read_npy_files(reference_folder, "input", inputs);
  std::vector<mq::Tensor> expected = read_npy_files(reference_folder, "output", outputs);
  check_against_references(reloaded, input_values, expected);
  KerasGraph after_recipe = reloaded;
  after_recipe.graph = folded.graph;
  double worst = check_against_references(after_recipe, input_values, expected);
  INFO("largest relative error after folding: " << worst);
  return {before, after};
}

}  // namespace

TEST_CASE("Keras import: keras → pb → folding recipe keeps the TensorFlow.js numbers", "[keras]") {
  SECTION("batch norms after layers with a bias (Keras 3 archive)") {
    // TensorFlow's folds look for a batch norm right after Conv2D / MatMul; a
    // BiasAdd in between keeps them, but the arithmetic ones lose their Rsqrt.
    auto [before, after] = check_chain(model_file(keras_data("files/batch_normalization.keras")),
                                       keras_data("tfjs/batch_normalization"), 1, 1);
    CHECK(before["FusedBatchNormV3"] == 2);
    CHECK(before["Rsqrt"] == 2);
  }
  SECTION("the face model: 14 batch norms after convolutions") {
    std::string dir = shared_keras_dir("the keras → pb → fold chain on the face model");
    if (dir.empty()) return;
    auto [before, after] = check_chain(model_file(dir + "/face_fer2013_mini_XCEPTION.102-0.66.hdf5"),
                                       keras_data("real/face_fer2013_mini_XCEPTION"), 1, 1);
    CHECK(before["FusedBatchNormV3"] == 14);
    CHECK(after["FusedBatchNormV3"] == 0);  // every one follows a bias-free convolution
    CHECK(after["Conv2D"] == before["Conv2D"]);
  }
}
