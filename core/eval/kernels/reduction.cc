#include "core/eval/kernel.h"
namespace mq {
void register_reduction_kernels(KernelTable& table) {}
}  // namespace mq
