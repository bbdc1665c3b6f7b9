// The global layer table, built from one register function per group of
// converters (core/keras/layers_<group>.cc). A new group adds one
// declaration and one call here.
#include "core/keras/layer_converters.h"

namespace mq::keras {

void register_core_layers(LayerTable& table);
void register_activation_layers(LayerTable& table);
void register_convolution_layers(LayerTable& table);
void register_pooling_layers(LayerTable& table);
void register_normalization_layers(LayerTable& table);
void register_merge_layers(LayerTable& table);
void register_reshaping_layers(LayerTable& table);

namespace {

LayerTable build_global_table() {
  LayerTable table;
  register_core_layers(table);
  register_activation_layers(table);
  register_convolution_layers(table);
  register_pooling_layers(table);
  register_normalization_layers(table);
  register_merge_layers(table);
  register_reshaping_layers(table);
  return table;
}

}  // namespace

const LayerTable& LayerTable::global() {
  static const LayerTable table = build_global_table();
  return table;
}

}  // namespace mq::keras
