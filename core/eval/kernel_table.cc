// The global kernel table, built from one register function per kernel
// group (core/eval/kernels/<group>.cc). A new group adds one declaration and
// one call here.
#include "core/eval/kernel.h"

namespace mq {

void register_basic_kernels(KernelTable& table);
void register_math_kernels(KernelTable& table);
void register_compare_kernels(KernelTable& table);
void register_array_kernels(KernelTable& table);
void register_reduction_kernels(KernelTable& table);
void register_nn_conv_kernels(KernelTable& table);
void register_nn_matmul_kernels(KernelTable& table);
void register_nn_pool_kernels(KernelTable& table);
void register_nn_norm_kernels(KernelTable& table);
void register_image_kernels(KernelTable& table);
void register_quantization_kernels(KernelTable& table);
void register_random_kernels(KernelTable& table);

namespace {

KernelTable build_global_table() {
  KernelTable table;
  register_basic_kernels(table);
  register_math_kernels(table);
  register_compare_kernels(table);
  register_array_kernels(table);
  register_reduction_kernels(table);
  register_nn_conv_kernels(table);
  register_nn_matmul_kernels(table);
  register_nn_pool_kernels(table);
  register_nn_norm_kernels(table);
  register_image_kernels(table);
  register_quantization_kernels(table);
  register_random_kernels(table);
  return table;
}

}  // namespace

const KernelTable& KernelTable::global() {
  static const KernelTable table = build_global_table();
  return table;
}

}  // namespace mq
