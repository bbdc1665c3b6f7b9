// modelquant run and modelquant compare: every shared model run on its
// reference inputs reproduces the reference outputs (shared/models/README.md
// tolerances), generated inputs are deterministic, and compare's verdicts
// and exit codes.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/io/graph_io.h"
#include "core/io/npy.h"
#include "core/transforms/apply_transforms.h"
#include "core/transforms/transform_string.h"
#include "tests/cli/cli_runner.h"

using mq::test::check_one_line_error;
using mq::test::run_modelquant;
using mq::test::shell_quote;

namespace {

// Deep recurrent models accumulate more float error (shared/models/README.md).
bool is_deep_lstm(const std::string& model) {
  return model == "har_lstm" || model == "tf2onnx_lstm" || model == "char_rnn_receipts";
}

mq::Tensor read_npy(const std::string& path) {
  mq::StatusOr<mq::Tensor> tensor = mq::read_npy_file(path);
  INFO(path << ": " << tensor.status().message());
  REQUIRE(tensor.is_ok());
  return *tensor;
}

}  // namespace

TEST_CASE("run reproduces the reference outputs of every shared model", "[cli][run]") {
  const std::string shared = mq::test::shared_dir();
  if (shared.empty()) {
    mq::test::announce_skip("modelquant run on the shared models", "../shared not found");
    return;
  }
  int models = 0;
  for (const auto& entry : std::filesystem::directory_iterator(shared + "/models/reference")) {
    const std::string folder = entry.path().string();
    const std::string model = entry.path().filename().string();
    INFO(model);
    nlohmann::json reference = nlohmann::json::parse(mq::test::read_bytes(folder + "/reference.json"));
    std::string arguments = shell_quote(shared + "/models/" + reference["model"].get<std::string>());
    for (const auto& [name, input] : reference["inputs"].items())
      arguments += " --input " + shell_quote(name + "=" + folder + "/" + input["file"].get<std::string>());
    std::string outputs;
    for (const auto& [name, output] : reference["outputs"].items()) outputs += (outputs.empty() ? "" : ",") + name;
    const std::string out_dir = mq::test::scratch_dir();
    auto run = run_modelquant("run " + arguments + " --outputs " + shell_quote(outputs) + " --out-dir " +
                              shell_quote(out_dir));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.err.empty());
    const double rtol = is_deep_lstm(model) ? 1e-3 : 1e-4;
    const double atol = is_deep_lstm(model) ? 1e-4 : 1e-5;
    for (const auto& [name, output] : reference["outputs"].items()) {
      const std::string file = output["file"].get<std::string>();  // output.<name with '/' → '_'>.npy
      const mq::Tensor expected = read_npy(folder + "/" + file);
      const mq::Tensor actual = read_npy(out_dir + "/" + file.substr(std::string("output.").size()));
      CHECK_THAT(run.out, Catch::Contains("output " + name + ": float"));
      REQUIRE(actual.shape() == expected.shape());
      REQUIRE(actual.dtype() == expected.dtype());
      int64_t outside = 0;
      double worst = 0;
      for (int64_t i = 0; i < expected.num_elements(); ++i) {
        const double a = actual.data<float>()[i], e = expected.data<float>()[i];
        worst = std::max(worst, std::fabs(a - e));
        outside += !(std::fabs(a - e) <= atol + rtol * std::fabs(e));
      }
      INFO(name << ": largest difference " << worst);
      CHECK(outside == 0);
    }
    ++models;
  }
  CHECK(models >= 12);
}

TEST_CASE("run generates the same inputs for the same seed", "[cli][run]") {
  const std::string model = mq::test::example_model_path();
  const std::string first = mq::test::scratch_dir(), second = mq::test::scratch_dir(), third = mq::test::scratch_dir();
  const std::string run = "run " + shell_quote(model) + " --outputs predictions";
  auto a = run_modelquant(run + " --save-inputs --out-dir " + shell_quote(first));
  auto b = run_modelquant(run + " --out-dir " + shell_quote(second));
  auto c = run_modelquant(run + " --seed 7 --out-dir " + shell_quote(third));
  auto all_outputs = run_modelquant("run " + shell_quote(model) + " --out-dir " + shell_quote(third));
  CHECK(all_outputs.exit_code == 2);
  CHECK_THAT(all_outputs.err, Catch::Contains("no kernel for op SparseSoftmaxCrossEntropyWithLogits"));
  CHECK_THAT(all_outputs.err, Catch::Contains("computing the graph's outputs predictions, loss/Mean"));
  INFO(a.err << b.err << c.err);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  REQUIRE(c.exit_code == 0);
  CHECK_THAT(a.out, Catch::Contains("input input: float [1,64,64,3] (generated, seed 1)"));
  CHECK_THAT(a.out, Catch::Contains("output predictions: float [1,1000]"));
  const std::string predictions = "/predictions.npy";
  CHECK(mq::test::read_bytes(first + predictions) == mq::test::read_bytes(second + predictions));
  CHECK(mq::test::read_bytes(first + predictions) != mq::test::read_bytes(third + predictions));
  const mq::Tensor input = read_npy(first + "/input.input.npy");
  CHECK(input.shape() == mq::Shape{1, 64, 64, 3});
  float low = 1, high = -1;
  for (int64_t i = 0; i < input.num_elements(); ++i) {
    low = std::min(low, input.data<float>()[i]);
    high = std::max(high, input.data<float>()[i]);
  }
  CHECK(low >= -1.0f);
  CHECK(low < -0.99f);
  CHECK(high < 1.0f);
  CHECK(high > 0.99f);
  CHECK_FALSE(std::filesystem::exists(second + "/input.input.npy"));
}

TEST_CASE("run names output files after the tensor and explains missing shapes", "[cli][run]") {
  const std::string shared = mq::test::shared_dir();
  if (shared.empty()) {
    mq::test::announce_skip("modelquant run file names", "../shared not found");
    return;
  }
  const std::string dir = mq::test::scratch_dir();
  auto run = run_modelquant("run " + shell_quote(shared + "/models/poets_mobilenet_v1_0.25_128_frozen.pb") +
                            " --outputs MobilenetV1/Predictions/Reshape_1,MobilenetV1/Logits/SpatialSqueeze:0 --out-dir " +
                            shell_quote(dir));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(std::filesystem::exists(dir + "/MobilenetV1_Predictions_Reshape_1.npy"));
  CHECK(std::filesystem::exists(dir + "/MobilenetV1_Logits_SpatialSqueeze_0.npy"));

  auto unknown_rank = run_modelquant("run " + shell_quote(shared + "/models/tf2onnx_regression.pb") + " --out-dir " +
                                     shell_quote(dir));
  CHECK(unknown_rank.exit_code == 2);
  check_one_line_error(unknown_rank);
  CHECK_THAT(unknown_rank.err, Catch::Contains("input 'X' has unknown rank"));
  auto with_shape = run_modelquant("run " + shell_quote(shared + "/models/tf2onnx_regression.pb") +
                                   " --shape X=1x4 --out-dir " + shell_quote(dir));
  INFO(with_shape.err);
  CHECK(with_shape.exit_code == 0);
  CHECK(read_npy(dir + "/pred.npy").shape() == mq::Shape{1, 4});

  auto bad_input = run_modelquant("run " + shell_quote(shared + "/models/tf2onnx_regression.pb") + " --input X");
  CHECK(bad_input.exit_code == 2);
  check_one_line_error(bad_input);
  auto wrong_dtype = run_modelquant("run " + shell_quote(shared + "/models/mnist_onnx_tf.pb") + " --input " +
                                    shell_quote("Input3=" + shared + "/models/reference/char_rnn_receipts/input.input_data.npy"));
  CHECK(wrong_dtype.exit_code == 2);
  CHECK_THAT(wrong_dtype.err, Catch::Contains("input 'Input3' is float but the value given is int32"));
}

TEST_CASE("compare: the same model, a folded copy, and a quantized one", "[cli][compare]") {
  const std::string model = mq::test::example_model_path();
  auto same = run_modelquant("compare " + shell_quote(model) + " " + shell_quote(model) + " --outputs predictions --json");
  INFO(same.err);
  REQUIRE(same.exit_code == 0);
  nlohmann::json json = nlohmann::json::parse(same.out);
  CHECK(json["within_tolerance"] == true);
  REQUIRE(json["outputs"].size() == 1);
  CHECK(json["outputs"][0]["name"] == "predictions");
  CHECK(json["outputs"][0]["max_abs_error"] == 0);
  CHECK(json["outputs"][0]["elements"] == 1000);
  CHECK(json["inputs"][0]["generated"] == true);

  // A folded copy made through the core gives the same numbers.
  tensorflow::GraphDef graph;
  REQUIRE(mq::load_graph_file(model, &graph).is_ok());
  auto transforms = mq::parse_transform_string("fold_constants(ignore_errors=true) fold_batch_norms fold_old_batch_norms");
  REQUIRE(transforms.is_ok());
  auto folded = mq::apply_transforms(graph, *transforms, {"input"}, {"predictions"});
  INFO(folded.status().message());
  REQUIRE(folded.is_ok());
  const std::string dir = mq::test::scratch_dir();
  REQUIRE(mq::save_graph_file(folded->graph, dir + "/folded.pb", mq::GraphFormat::kBinary).is_ok());
  auto against_folded = run_modelquant("compare " + shell_quote(model) + " " + shell_quote(dir + "/folded.pb") +
                                       " --outputs predictions");
  INFO(against_folded.out << against_folded.err);
  CHECK(against_folded.exit_code == 0);
  CHECK_THAT(against_folded.out, Catch::Contains("within tolerance"));

  const std::string shared = mq::test::shared_dir();
  if (shared.empty()) {
    mq::test::announce_skip("compare of the quantized MobileNet", "../shared not found");
    return;
  }
  const std::string frozen = shell_quote(shared + "/models/poets_mobilenet_v1_0.25_128_frozen.pb");
  const std::string quantized = shell_quote(shared + "/models/poets_mobilenet_v1_0.25_128_quantized.pb");
  auto strict = run_modelquant("compare " + frozen + " " + quantized);
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.out, Catch::Contains("MobilenetV1/Predictions/Reshape_1: float [1,1001]"));
  CHECK_THAT(strict.out, Catch::Contains("OUTSIDE tolerance"));
  check_one_line_error(strict);
  auto loose = run_modelquant("compare " + frozen + " " + quantized + " --atol 0.1 --json");
  INFO(loose.err);
  CHECK(loose.exit_code == 0);
  nlohmann::json loose_json = nlohmann::json::parse(loose.out);
  CHECK(loose_json["outputs"][0]["max_abs_error"].get<double>() > 1e-4);
  CHECK(loose_json["outputs"][0]["max_abs_error"].get<double>() < 0.1);

  auto missing = run_modelquant("compare " + frozen + " /nonexistent/model.pb");
  CHECK(missing.exit_code == 2);
  check_one_line_error(missing);
}
