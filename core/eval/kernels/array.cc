#include "core/eval/kernel.h"
namespace mq {
void register_array_kernels(KernelTable& table) {}
}  // namespace mq
