// RandomUniform: uniform values in [0, 1). TensorFlow's own bits (Philox)
// are not reproduced; the values are deterministic for a given node name and
// seed attributes, which is what `run` needs for dropout graphs evaluated
// with keep_prob = 1 (where any uniform value gives the same result).
// fold_constants never folds it: the op is stateful.
#include <type_traits>

#include "core/eval/kernel.h"

namespace mq {
namespace {

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Status random_uniform_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ctx.inputs[0].as_int64_vector());
  if (ctx.inputs[0].rank() != 1) return ctx.error("the shape input must be a vector");
  for (int64_t dim : shape)
    if (dim < 0) return ctx.error("the shape " + shape_string(shape) + " has a negative size");
  MQ_ASSIGN_OR_RETURN(DataType dtype, ctx.attr_type("dtype"));
  if (dtype != tensorflow::DT_FLOAT && dtype != tensorflow::DT_DOUBLE && dtype != tensorflow::DT_HALF &&
      dtype != tensorflow::DT_BFLOAT16)
    return Status::unsupported(ctx.error("RandomUniform of dtype " + dtype_name(dtype) + " is not supported").message());
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(dtype, shape));
  uint64_t state = mix(static_cast<uint64_t>(ctx.attr_int_or("seed", 0)) * 0x9e3779b97f4a7c15ULL ^
                       static_cast<uint64_t>(ctx.attr_int_or("seed2", 0)));
  for (unsigned char c : ctx.node.name()) state = mix(state ^ c);
  dispatch_numeric(dtype, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_integral_v<T>) {
      T* data = out.data<T>();
      for (int64_t i = 0; i < out.num_elements(); ++i) {
        state += 0x9e3779b97f4a7c15ULL;
        // 24 random bits: exactly representable in every supported dtype's range below 1.
        T value = static_cast<T>(static_cast<float>(mix(state) >> 40) * (1.0f / 16777216.0f));
        data[i] = value < T(1) ? value : T(0);  // half and bfloat16 can round up to 1
      }
    }
  });
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

}  // namespace

void register_random_kernels(KernelTable& table) { table.add("RandomUniform", random_uniform_kernel); }

}  // namespace mq
