// The HDF5 reader against the real Keras files in ../shared/keras. Expected
// values (names, shapes, first elements, sums) were read with h5py 3.7 /
// HDF5 1.10.8 and are written out here; the tests do not need h5py.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/hdf5/hdf5_file.h"
#include "core/keras/zip.h"
#include "tests/core/keras/keras_test_support.h"
#include "tests/test_support.h"

namespace {

using namespace mq::hdf5;
using mq::keras::ZipArchive;
using mq::keras::test::value_of;

struct OpenedFile {
  std::string bytes;  // the archive or the .h5 file; must outlive `file`
  std::string_view hdf5_bytes;
  Hdf5File file;
  Group root;
};

std::unique_ptr<OpenedFile> open_h5(const std::string& path) {
  auto opened = std::make_unique<OpenedFile>();
  opened->bytes = mq::test::read_bytes(path);
  opened->hdf5_bytes = opened->bytes;
  opened->file = value_of(Hdf5File::open(opened->hdf5_bytes));
  opened->root = value_of(opened->file.root());
  return opened;
}

// model.weights.h5 inside a .keras archive, read in place (the entry is stored).
std::unique_ptr<OpenedFile> open_keras_weights(const std::string& path) {
  auto opened = std::make_unique<OpenedFile>();
  opened->bytes = mq::test::read_bytes(path);
  ZipArchive archive = value_of(ZipArchive::open(opened->bytes));
  opened->hdf5_bytes = value_of(archive.stored_bytes("model.weights.h5"));
  opened->file = value_of(Hdf5File::open(opened->hdf5_bytes));
  opened->root = value_of(opened->file.root());
  return opened;
}

struct Totals {
  size_t groups = 0;
  size_t datasets = 0;
  double sum = 0;  // of every element of every dataset
};

Totals totals(const OpenedFile& opened) {
  Totals out;
  for (const ObjectEntry& entry : value_of(opened.file.list_objects())) {
    if (entry.kind == ObjectKind::kGroup) ++out.groups;
    if (entry.kind != ObjectKind::kDataset) continue;
    ++out.datasets;
    for (double v : value_of(value_of(opened.root.open_dataset(entry.path)).read_float64())) out.sum += v;
  }
  return out;
}

struct ExpectedDataset {
  const char* path;
  std::vector<uint64_t> shape;
  std::vector<float> first;  // the first three elements
  double sum;
};

void check_dataset(const Group& root, const ExpectedDataset& expected) {
  INFO("dataset " << expected.path);
  Dataset dataset = value_of(root.open_dataset(expected.path));
  CHECK(dataset.shape() == expected.shape);
  CHECK(dataset.datatype().name() == "float32");
  std::vector<float> values = value_of(dataset.read_float32());
  REQUIRE(values.size() >= expected.first.size());
  for (size_t i = 0; i < expected.first.size(); ++i) CHECK(values[i] == expected.first[i]);
  double sum = 0;
  for (float v : values) sum += v;
  CHECK(sum == Approx(expected.sum).epsilon(1e-6).margin(1e-9));
}

const std::vector<ExpectedDataset> kFaceDatasets = {
    {"model_weights/conv2d_1/conv2d_1_1/kernel:0", {3, 3, 1, 8}, {-4.005720275476979e-35f, 0.03510195389389992f,
     0.06412231177091599f}, 0.03201494832},
    {"model_weights/batch_normalization_1/batch_normalization_1_1/gamma:0", {8},
     {0.640903890132904f, 0.9910445809364319f, 0.6302605867385864f}, 6.103512734},
    {"model_weights/separable_conv2d_1/separable_conv2d_1_1/depthwise_kernel:0", {3, 3, 8, 1},
     {-0.47350332140922546f, 0.33159443736076355f, 0.061590056866407394f}, -1.637609692},
    {"model_weights/conv2d_7/conv2d_7_1/kernel:0", {3, 3, 128, 7},
     {-0.1350954920053482f, -0.24328096210956573f, -0.3114861249923706f}, -37.67994335},
    {"model_weights/conv2d_7/conv2d_7_1/bias:0", {7},
     {0.0657321959733963f, -0.5846930742263794f, 0.14654770493507385f}, -0.4721394668},
};

void check_face_model(const OpenedFile& opened) {
  const Group& root = opened.root;
  CHECK(value_of(root.attribute_names()) ==
        std::vector<std::string>{"backend", "keras_version", "model_config", "training_config"});
  CHECK(value_of(root.read_string_attribute("keras_version")) == "2.0.5");
  CHECK(value_of(root.read_string_attribute("backend")) == "tensorflow");
  std::string config_text = value_of(root.read_string_attribute("model_config"));
  CHECK(config_text.size() == 24498);
  nlohmann::json config = nlohmann::json::parse(config_text);
  CHECK(config["class_name"] == "Model");
  CHECK(config["config"]["output_layers"][0][0] == "predictions");
  CHECK(value_of(root.read_string_attribute("training_config")).find("\"Adam\"") != std::string::npos);

  Group weights = value_of(root.open_group("model_weights"));
  std::vector<std::string> layer_names = value_of(weights.read_string_list_attribute("layer_names"));
  REQUIRE(layer_names.size() == 46);
  CHECK(layer_names[0] == "input_1");
  CHECK(layer_names[1] == "conv2d_1");
  CHECK(layer_names[2] == "batch_normalization_1");
  CHECK(layer_names.back() == "predictions");
  CHECK(value_of(weights.attribute("layer_names")).datatype().name() == "string[26]");
  CHECK(weights.child_names().size() == 46);
  CHECK(weights.child_names().front() == "activation_1");
  CHECK(value_of(value_of(weights.open_group("separable_conv2d_1")).read_string_list_attribute("weight_names")) ==
        std::vector<std::string>{"separable_conv2d_1_1/depthwise_kernel:0", "separable_conv2d_1_1/pointwise_kernel:0"});
  CHECK(value_of(value_of(weights.open_group("conv2d_7")).read_string_list_attribute("weight_names")) ==
        std::vector<std::string>{"conv2d_7_1/kernel:0", "conv2d_7_1/bias:0"});
  // Layers without weights store an empty float64 array.
  Group activation = value_of(weights.open_group("activation_1"));
  CHECK(value_of(activation.read_string_list_attribute("weight_names")).empty());
  for (const ExpectedDataset& expected : kFaceDatasets) check_dataset(root, expected);
  // Weight names are paths relative to the layer group.
  Group conv = value_of(weights.open_group("conv2d_7"));
  CHECK(value_of(conv.open_dataset("conv2d_7_1/bias:0")).path() == "/model_weights/conv2d_7/conv2d_7_1/bias:0");

  Totals all = totals(opened);
  CHECK(all.groups == 77);
  CHECK(all.datasets == 185);
  CHECK(all.sum == Approx(108496.3034).epsilon(1e-8));
}

}  // namespace

TEST_CASE("Keras 2.0.5 face model (classic HDF5)", "[hdf5][keras]") {
  std::string dir = mq::keras::test::shared_keras_dir("Keras 2.0.5 face model");
  if (dir.empty()) return;
  auto opened = open_h5(dir + "/face_fer2013_mini_XCEPTION.102-0.66.hdf5");
  CHECK(opened->file.superblock_version() == 0);
  check_face_model(*opened);
}

TEST_CASE("re-encodings of the face model hold identical attributes and weights", "[hdf5][keras]") {
  std::string dir = mq::keras::test::shared_keras_dir("face model re-encodings");
  if (dir.empty()) return;
  auto classic = open_h5(dir + "/face_fer2013_mini_XCEPTION.102-0.66.hdf5");
  std::vector<ObjectEntry> classic_objects = value_of(classic->file.list_objects());
  for (const char* name : {"face_fer2013.latest.h5", "face_fer2013.shuf_gzip.h5"}) {
    INFO("file " << name);
    auto other = open_h5(dir + "/" + name);
    CHECK(other->file.superblock_version() == (std::string(name) == "face_fer2013.latest.h5" ? 3 : 0));
    check_face_model(*other);
    std::vector<ObjectEntry> objects = value_of(other->file.list_objects());
    REQUIRE(objects.size() == classic_objects.size());
    for (size_t i = 0; i < objects.size(); ++i) {
      INFO("object " << classic_objects[i].path);
      REQUIRE(objects[i].path == classic_objects[i].path);
      REQUIRE(objects[i].kind == classic_objects[i].kind);
      if (objects[i].kind == ObjectKind::kDataset) {
        Dataset a = value_of(classic->root.open_dataset(objects[i].path));
        Dataset b = value_of(other->root.open_dataset(objects[i].path));
        CHECK(a.shape() == b.shape());
        CHECK(value_of(a.read_raw()) == value_of(b.read_raw()));
      } else {
        Group a = value_of(classic->root.open_group(objects[i].path));
        Group b = value_of(other->root.open_group(objects[i].path));
        CHECK(value_of(a.attribute_names()) == value_of(b.attribute_names()));
        if (value_of(a.has_attribute("weight_names")))
          CHECK(value_of(a.read_string_list_attribute("weight_names")) ==
                value_of(b.read_string_list_attribute("weight_names")));
      }
    }
  }
}

TEST_CASE("tf.keras 2.2.4 weights-only file (kotlindl batchnorm)", "[hdf5][keras]") {
  std::string dir = mq::keras::test::shared_keras_dir("tf.keras weights-only file");
  if (dir.empty()) return;
  auto opened = open_h5(dir + "/kotlindl_batchnorm_weights.h5");
  const Group& root = opened->root;
  CHECK(value_of(root.read_string_attribute("keras_version")) == "2.2.4-tf");
  CHECK(value_of(root.read_string_attribute("backend")) == "tensorflow");
  std::vector<std::string> layer_names = value_of(root.read_string_list_attribute("layer_names"));
  CHECK(layer_names == std::vector<std::string>{
                           "conv2d_20", "batch_normalization_12", "activation_16", "max_pooling2d_20", "conv2d_21",
                           "batch_normalization_13", "activation_17", "max_pooling2d_21", "flatten_10", "dense_28",
                           "batch_normalization_14", "activation_18", "dense_29", "batch_normalization_15",
                           "activation_19", "dense_30"});
  CHECK(root.child_names().size() == 16);
  CHECK(value_of(value_of(root.open_group("batch_normalization_12")).read_string_list_attribute("weight_names")) ==
        std::vector<std::string>{"batch_normalization_12/gamma:0", "batch_normalization_12/beta:0",
                                 "batch_normalization_12/moving_mean:0", "batch_normalization_12/moving_variance:0"});
  CHECK(value_of(value_of(root.open_group("activation_16")).read_string_list_attribute("weight_names")).empty());
  check_dataset(root, {"batch_normalization_12/batch_normalization_12/beta:0", {32},
                       {-0.017363430932164192f, -0.05644796043634415f, 0.018056584522128105f}, -1.125083082});
  check_dataset(root, {"batch_normalization_12/batch_normalization_12/gamma:0", {32},
                       {0.8991551399230957f, 1.0210810899734497f, 1.023727297782898f}, 31.82324725});
  check_dataset(root, {"dense_30/dense_30/kernel:0", {84, 10},
                       {-0.219005286693573f, 0.2460072934627533f, 0.0778234675526619f}, -27.09717908});
  check_dataset(root, {"dense_30/dense_30/bias:0", {10},
                       {0.030940096825361252f, -0.06095505133271217f, 0.03756433725357056f}, 0.02093238395});
  Totals all = totals(*opened);
  CHECK(all.groups == 25);
  CHECK(all.datasets == 26);
  CHECK(all.sum == Approx(1120.509778).epsilon(1e-8));
}

TEST_CASE("Keras 2.2.5 LSTM model in the newest HDF5 layout (frugally-deep)", "[hdf5][keras]") {
  std::string dir = mq::keras::test::shared_keras_dir("LSTM model, newest HDF5 layout");
  if (dir.empty()) return;
  auto opened = open_h5(dir + "/fdeep_lstm.latest.h5");
  const Group& root = opened->root;
  CHECK(opened->file.superblock_version() == 3);
  CHECK(value_of(root.read_string_attribute("keras_version")) == "2.2.5");
  std::string config_text = value_of(root.read_string_attribute("model_config"));
  CHECK(config_text.size() == 16403);
  CHECK(nlohmann::json::parse(config_text)["config"]["name"] == "test_model_lstm");
  Group weights = value_of(root.open_group("model_weights"));
  std::vector<std::string> layer_names = value_of(weights.read_string_list_attribute("layer_names"));
  REQUIRE(layer_names.size() == 20);
  CHECK(layer_names[2] == "lstm_1");
  CHECK(layer_names.back() == "lstm_15");
  CHECK(value_of(value_of(weights.open_group("bidirectional_1")).read_string_list_attribute("weight_names")) ==
        std::vector<std::string>{"bidirectional_1/forward_lstm_4/kernel:0",
                                 "bidirectional_1/forward_lstm_4/recurrent_kernel:0",
                                 "bidirectional_1/forward_lstm_4/bias:0", "bidirectional_1/backward_lstm_4/kernel:0",
                                 "bidirectional_1/backward_lstm_4/recurrent_kernel:0",
                                 "bidirectional_1/backward_lstm_4/bias:0"});
  check_dataset(root, {"model_weights/bidirectional_1/bidirectional_1/backward_lstm_4/bias:0", {16},
                       {-0.01573505811393261f, 0.01950698532164097f, 0.017937297001481056f}, 4.066159037});
  check_dataset(root, {"model_weights/lstm_9/lstm_9/kernel:0", {8, 12},
                       {-0.12383079528808594f, -0.5188417434692383f, -0.050673454999923706f}, 4.673004106});
  check_dataset(root, {"model_weights/lstm_9/lstm_9/recurrent_kernel:0", {3, 12},
                       {0.290853351354599f, -0.7784311771392822f, 0.012268354184925556f}, -1.643626231});
  Totals all = totals(*opened);
  CHECK(all.groups == 48);
  CHECK(all.datasets == 63);
  CHECK(all.sum == Approx(128.8132098).epsilon(1e-8));
}

TEST_CASE("Keras 3 .keras archives: model.weights.h5 read in place", "[hdf5][keras]") {
  std::string dir = mq::keras::test::shared_keras_dir("Keras 3 .keras archives");
  if (dir.empty()) return;
  {
    std::string bytes = mq::test::read_bytes(dir + "/flownet_final_model.keras");
    ZipArchive archive = value_of(ZipArchive::open(bytes));
    REQUIRE(archive.entries().size() == 3);
    CHECK(archive.entries()[0].name == "metadata.json");
    CHECK(archive.entries()[1].name == "config.json");
    CHECK(archive.entries()[2].name == "model.weights.h5");
    CHECK(archive.entries()[2].uncompressed_size == 160796);
    CHECK(nlohmann::json::parse(value_of(archive.read("metadata.json")))["keras_version"] == "3.9.2");
    CHECK(nlohmann::json::parse(value_of(archive.read("config.json")))["class_name"] == "Sequential");
  }
  auto flownet = open_keras_weights(dir + "/flownet_final_model.keras");
  const Group& root = flownet->root;
  CHECK(root.child_names() == std::vector<std::string>{"layers", "optimizer", "vars"});
  CHECK(value_of(value_of(root.open_group("layers/dense/vars")).read_string_attribute("name")) == "dense");
  CHECK(value_of(value_of(root.open_group("vars")).read_string_attribute("name")) == "sequential");
  CHECK(value_of(root.open_group("layers/dropout/vars")).child_names().empty());
  check_dataset(root, {"layers/dense/vars/0", {2, 128},
                       {-1.3490440845489502f, 0.3964523375034332f, -1.1934033632278442f}, -42.94877996});
  check_dataset(root, {"layers/dense/vars/1", {128}, {-0.24662606418132782f, -0.21864569187164307f, 0.0f},
                       -20.34185863});
  check_dataset(root, {"optimizer/vars/9", {64}, {2.7789894829766126e-06f, 2.4706080239411676e-06f,
                       3.021425598603855e-08f}, 0.0001485158358});
  Totals all = totals(*flownet);
  CHECK(all.groups == 18);
  CHECK(all.datasets == 26);
  CHECK(all.sum == Approx(21292.50848).epsilon(1e-8));

  auto nested = open_keras_weights(dir + "/kerasteam_pre_pr22362_nested_container.keras");
  check_dataset(nested->root, {"layers/dense/vars/0", {4, 4}, {0.1f, 0.1f, 0.1f}, 1.600000024});
  check_dataset(nested->root, {"layers/dense_3/vars/0", {4, 2}, {0.5f, 0.5f, 0.5f}, 4.0});
  Totals nested_all = totals(*nested);
  CHECK(nested_all.groups == 10);
  CHECK(nested_all.datasets == 5);
  CHECK(nested_all.sum == Approx(13.60000026).epsilon(1e-8));
}

TEST_CASE("every HDF5 file in ../shared/keras reads completely", "[hdf5][keras]") {
  std::string dir = mq::keras::test::shared_keras_dir("every file in ../shared/keras");
  if (dir.empty()) return;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string extension = entry.path().extension().string();
    if (extension == ".h5" || extension == ".hdf5" || extension == ".keras") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  CHECK(paths.size() >= 7);
  for (const std::string& path : paths) {
    INFO("file " << path);
    bool archive = path.size() > 6 && path.substr(path.size() - 6) == ".keras";
    auto opened = archive ? open_keras_weights(path) : open_h5(path);
    size_t values = 0;
    for (const ObjectEntry& entry : value_of(opened->file.list_objects())) {
      INFO("object " << entry.path);
      if (entry.kind == ObjectKind::kGroup) {
        Group group = value_of(opened->root.open_group(entry.path));
        for (const std::string& name : value_of(group.attribute_names())) {
          Attribute attribute = value_of(group.attribute(name));
          if (attribute.datatype().is_string() || attribute.element_count() == 0)
            CHECK(value_of(attribute.read_strings()).size() == attribute.element_count());
          else
            CHECK(value_of(attribute.read_numbers()).size() == attribute.element_count());
        }
      } else {
        REQUIRE(entry.kind == ObjectKind::kDataset);
        Dataset dataset = value_of(opened->root.open_dataset(entry.path));
        std::vector<float> data = value_of(dataset.read_float32());
        CHECK(data.size() == dataset.element_count());
        values += data.size();
      }
    }
    CHECK(values > 0);
  }
}
