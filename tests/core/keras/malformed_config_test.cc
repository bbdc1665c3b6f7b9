// Malformed configs never crash or throw: every value of every fixture's
// topology is replaced, one at a time, by values of other types (and
// removed), and the conversion must return a graph or a Status. Weights stay
// those of the fixture, so conversion gets past the weight checks.
#include <catch2/catch.hpp>

#include "tests/core/keras/keras_test_support.h"

namespace {

using namespace mq::keras;
using namespace mq::keras::test;
using nlohmann::json;

// JSON pointers of every value in `value`.
void collect_pointers(const json& value, const json::json_pointer& at, std::vector<json::json_pointer>* out) {
  out->push_back(at);
  if (value.is_object()) {
    for (const auto& item : value.items()) collect_pointers(item.value(), at / item.key(), out);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) collect_pointers(value[i], at / i, out);
  }
}

}  // namespace

TEST_CASE("Keras import: every value of a config replaced by a wrong one gives a Status, never a crash", "[keras]") {
  const std::vector<json> replacements = {nullptr, json(-1), json(0), json(3.5), json("x"), json::array(),
                                          json::array({nullptr}), json::array({1, 2, 3, 4, 5}), json::object(),
                                          json(1e12), json(true)};
  size_t conversions = 0, converted = 0;
  for (const char* name : {"merge", "reshaping", "shared_layers", "conv2d_transpose", "batch_normalization",
                           "embedding", "activation_layers", "conv1d_pooling1d", "pooling", "dense_rank3"}) {
    KerasModel model = value_of(read_keras_model(tensorflowjs_folder(keras_data(std::string("tfjs/") + name)).source()));
    const json original = model.model_config;
    std::vector<json::json_pointer> pointers;
    collect_pointers(original, json::json_pointer(), &pointers);
    for (const json::json_pointer& pointer : pointers) {
      if (pointer.empty()) continue;
      std::vector<json> variants = replacements;
      variants.push_back(json("__removed__"));
      for (const json& replacement : variants) {
        model.model_config = original;
        if (replacement == json("__removed__")) {
          json& parent = model.model_config[pointer.parent_pointer()];
          if (parent.is_object()) parent.erase(pointer.back());
          else continue;
        } else {
          model.model_config[pointer] = replacement;
        }
        auto graph = keras_model_to_graph(model, {"out"});
        ++conversions;
        if (graph.is_ok()) {
          ++converted;
        } else {
          INFO(name << " " << pointer.to_string() << " = " << replacement.dump());
          CHECK_FALSE(graph.status().message().empty());
        }
      }
    }
  }
  INFO(conversions << " conversions, " << converted << " still converted");
  CHECK(conversions > 5000);
  CHECK(converted < conversions);
}
