// Keras model → frozen TensorFlow GraphDef, without TensorFlow: what the
// classic TF1 recipe (load the model, freeze the session's graph with the
// variables turned into Consts, write the .pb) produces.
//
//   mq::keras::KerasSource source;
//   source.model = bytes_of_model_h5;   // or a .keras archive, or a TF.js model.json (+ weight_files)
//   source.name = "model.h5";
//   MQ_ASSIGN_OR_RETURN(mq::keras::KerasGraph converted, mq::keras::keras_to_graph(source, {"output_node"}));
//   // converted.graph: Placeholders, weight Consts "<layer>/kernel", ops "<layer>/<Op>",
//   // and Identity nodes output_node0, output_node1, … on the model's outputs.
//
// Supported layers: see LayerTable::global().class_names() and the README's
// "Keras import" section. Layers the table lacks (LSTM, Lambda, custom
// classes, nested models) and subclassed models fail with a message naming
// the layer and its class.
#pragma once

#include <string>
#include <vector>

#include "core/keras/keras_model.h"
#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq::keras {

struct KerasConversionOptions {
  // When set, output i of the model also gets an Identity node named
  // `output_prefix` + i (output_node0, output_node1, …), as the seed's
  // save_keras_model_to_pb(…, output_node_prefix) did.
  std::string output_prefix;
};

struct KerasGraph {
  tensorflow::GraphDef graph;
  std::vector<std::string> inputs;   // Placeholder names, in the model's input order
  std::vector<std::string> outputs;  // output tensor names, in the model's output order
  // "Keras 2.0.5 Functional model 'model_1' from a Keras HDF5 model: 46 layers"
  std::string description;
};

// Reads the model (any format read_keras_model knows) and builds its graph.
StatusOr<KerasGraph> keras_to_graph(const KerasSource& source, const KerasConversionOptions& options = {});

// Builds the graph of a model already read.
StatusOr<KerasGraph> keras_model_to_graph(const KerasModel& model, const KerasConversionOptions& options = {});

}  // namespace mq::keras
