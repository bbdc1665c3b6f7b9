// Feeds arbitrary bytes to the Keras import as a model file (HDF5, .keras
// archive or TensorFlow.js model.json, detected from the content) and, when
// it reads, converts it to a graph. A config that parses but is malformed in
// any way must give a Status, never a crash or an exception.
// Seeds: tests/data/keras/files/*, tests/data/keras/tfjs/*/model.json, ../shared/keras/*.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/keras/keras_model.h"
#include "core/keras/keras_to_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  mq::keras::KerasSource source;
  source.model = bytes;
  source.name = "fuzz";
  auto model = mq::keras::read_keras_model(source);
  if (!model.is_ok()) return 0;
  (void)mq::keras::keras_model_to_graph(*model, {"out"});
  return 0;
}
