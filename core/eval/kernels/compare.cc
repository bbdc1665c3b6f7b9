#include "core/eval/kernel.h"
namespace mq {
void register_compare_kernels(KernelTable& table) {}
}  // namespace mq
