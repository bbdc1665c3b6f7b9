// Arithmetic kernels: binary ops with broadcasting, unary math, activations,
// AddN and Cast. Floating-point work is done with Eigen array expressions;
// half and bfloat16 are computed in float.
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/eval/kernel.h"
#include "core/eval/kernels/elementwise.h"

namespace mq {
namespace {

using namespace elementwise;

// The scalar type of an Eigen expression.
template <typename Expression>
using ScalarOf = typename std::decay_t<Expression>::Scalar;

// ----------------------------------------------------------------- binary ops

// Integer Div, FloorDiv and FloorMod fail on a zero divisor, as TensorFlow does.
Status check_integer_divisor(KernelContext& ctx) {
  const Tensor& y = ctx.inputs[1];
  bool has_zero = false;
  dispatch<kIntegers>(y.dtype(), [&](auto type) {
    using T = decltype(type);
    has_zero = (y.flat<T>() == T(0)).any();
  });
  return has_zero ? ctx.error("Integer division by zero") : Status::ok();
}

// Add and AddV2 also concatenate strings.
Status add_strings(KernelContext& ctx) {
  MQ_ASSIGN_OR_RETURN(Shape shape, binary_output_shape(ctx));
  const Tensor& x = ctx.inputs[0];
  const Tensor& y = ctx.inputs[1];
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(tensorflow::DT_STRING, shape));
  BinaryBroadcast plan(x.shape(), y.shape(), shape);
  plan.for_each_row([&](int64_t o, int64_t xo, int64_t yo) {
    for (int64_t i = 0; i < plan.inner(); ++i)
      out.strings()[o + i] = x.strings()[xo + (plan.x_repeats() ? 0 : i)] + y.strings()[yo + (plan.y_repeats() ? 0 : i)];
  });
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status add_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  if (ctx.inputs[0].dtype() == tensorflow::DT_STRING) return add_strings(ctx);
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) { return x + y; });
}

Status sub_kernel(KernelContext& ctx) {
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) { return x - y; });
}

Status mul_kernel(KernelContext& ctx) {
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) { return x * y; });
}

// Signed integer division of the lowest value by -1 overflows (and traps on
// x86); like the other integer overflows it wraps around instead.
template <typename T>
T truncating_quotient(T a, T b) {
  if constexpr (std::is_signed_v<T>)
    if (b == T(-1)) return static_cast<T>(std::make_unsigned_t<T>(0) - static_cast<std::make_unsigned_t<T>>(a));
  return static_cast<T>(a / b);
}

template <typename T>
T truncating_remainder(T a, T b) {
  if constexpr (std::is_signed_v<T>)
    if (b == T(-1)) return T(0);
  return static_cast<T>(a % b);
}

// RealDiv and Div: true division for floats, truncating division for integers.
Status div_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  MQ_RETURN_IF_ERROR(check_integer_divisor(ctx));
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) {
    using T = ScalarOf<decltype(x)>;
    if constexpr (std::is_integral_v<T>) return x.binaryExpr(y, [](T a, T b) { return truncating_quotient(a, b); });
    else return x / y;
  });
}

Status floor_div_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  MQ_RETURN_IF_ERROR(check_integer_divisor(ctx));
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) {
    using T = ScalarOf<decltype(x)>;
    return x.binaryExpr(y, [](T a, T b) -> T {
      if constexpr (std::is_floating_point_v<T>) {
        return std::floor(a / b);
      } else if constexpr (std::is_signed_v<T>) {
        T quotient = truncating_quotient(a, b);
        return (truncating_remainder(a, b) != 0 && ((a < 0) != (b < 0))) ? T(quotient - 1) : quotient;
      } else {
        return a / b;
      }
    });
  });
}

Status floor_mod_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  MQ_RETURN_IF_ERROR(check_integer_divisor(ctx));
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) {
    using T = ScalarOf<decltype(x)>;
    return x.binaryExpr(y, [](T a, T b) -> T {
      if constexpr (std::is_floating_point_v<T>) {
        T remainder = std::fmod(a, b);
        return (remainder != 0 && ((remainder < 0) != (b < 0))) ? remainder + b : remainder;
      } else if constexpr (std::is_signed_v<T>) {
        T remainder = truncating_remainder(a, b);
        return (remainder != 0 && ((remainder < 0) != (b < 0))) ? T(remainder + b) : remainder;
      } else {
        return static_cast<T>(a % b);
      }
    });
  });
}

// NaN in either operand gives NaN, as in TensorFlow.
Status maximum_kernel(KernelContext& ctx) {
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) {
    using T = ScalarOf<decltype(x)>;
    return x.binaryExpr(y, Eigen::internal::scalar_max_op<T, T, Eigen::PropagateNaN>());
  });
}

Status minimum_kernel(KernelContext& ctx) {
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) {
    using T = ScalarOf<decltype(x)>;
    return x.binaryExpr(y, Eigen::internal::scalar_min_op<T, T, Eigen::PropagateNaN>());
  });
}

Status pow_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& y = ctx.inputs[1];
  bool negative_exponent = false;
  dispatch<kIntegers>(y.dtype(), [&](auto type) {
    using T = decltype(type);
    if constexpr (std::is_signed_v<T>) negative_exponent = (y.flat<T>() < T(0)).any();
  });
  if (negative_exponent) return ctx.error("Integers to negative integer powers are not allowed");
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) {
    using T = ScalarOf<decltype(x)>;
    return x.binaryExpr(y, [](T base, T exponent) -> T {
      if constexpr (std::is_floating_point_v<T>) {
        return std::pow(base, exponent);
      } else {
        T result = 1;
        while (exponent != 0) {
          if (exponent & 1) result = static_cast<T>(result * base);
          exponent = static_cast<T>(exponent >> 1);
          base = static_cast<T>(base * base);
        }
        return result;
      }
    });
  });
}

Status squared_difference_kernel(KernelContext& ctx) {
  return binary_kernel<kReals>(ctx, [](const auto& x, const auto& y) { return (x - y).square(); });
}

// ------------------------------------------------------------------ unary ops

Status neg_kernel(KernelContext& ctx) {
  return unary_kernel<kReals>(ctx, [](const auto& x) { return -x; });
}

Status abs_kernel(KernelContext& ctx) {
  return unary_kernel<kReals>(ctx, [](const auto& x) { return x.abs(); });
}

// Sqrt and Rsqrt element by element with std::sqrt (and a division), both
// correctly rounded, so the result is the same on every platform: Eigen's
// vectorized x86 sqrt and rsqrt (EIGEN_FAST_MATH) are an approximation refined
// by a Newton step, which made the CLI fold different constants (e.g. batch
// norm factors) than the WebAssembly build.
Status sqrt_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.unaryExpr([](T v) -> T { return std::sqrt(v); });
  });
}

Status rsqrt_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.unaryExpr([](T v) -> T { return T(1) / std::sqrt(v); });
  });
}

Status square_kernel(KernelContext& ctx) {
  return unary_kernel<kReals>(ctx, [](const auto& x) { return x.square(); });
}

Status exp_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.exp(); });
}

Status log_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.log(); });
}

Status log1p_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.log1p(); });
}

Status reciprocal_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.inverse(); });
}

Status sign_kernel(KernelContext& ctx) {
  return unary_kernel<kReals>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.unaryExpr([](T v) -> T {
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v)) return v;
      }
      return v > T(0) ? T(1) : (v < T(0) ? static_cast<T>(-1) : T(0));
    });
  });
}

Status floor_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.floor(); });
}

Status ceil_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.ceil(); });
}

// Round half to even; integers are returned unchanged.
Status round_kernel(KernelContext& ctx) {
  return unary_kernel<kReals>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.unaryExpr([](T v) -> T {
      if constexpr (std::is_floating_point_v<T>) {
        return std::nearbyint(v);
      } else {
        return v;
      }
    });
  });
}

Status erf_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.unaryExpr([](T v) -> T { return std::erf(v); });
  });
}

Status sigmoid_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.logistic(); });
}

Status tanh_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) { return x.tanh(); });
}

Status relu_kernel(KernelContext& ctx) {
  return unary_kernel<kReals>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.max(T(0));
  });
}

Status relu6_kernel(KernelContext& ctx) {
  return unary_kernel<kReals>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.max(T(0)).min(T(6));
  });
}

Status elu_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.unaryExpr([](T v) -> T { return v < T(0) ? std::expm1(v) : v; });
  });
}

Status selu_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    return x.unaryExpr([](T v) -> T {
      const T scale = T(1.0507009873554804934193349852946);
      const T scale_alpha = T(1.7580993408473768599402175208123);
      return v < T(0) ? scale_alpha * std::expm1(v) : scale * v;
    });
  });
}

Status leaky_relu_kernel(KernelContext& ctx) {
  float alpha = ctx.attr_float_or("alpha", 0.2f);
  return unary_kernel<kFloats>(ctx, [alpha](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    T a = static_cast<T>(alpha);
    return x.unaryExpr([a](T v) -> T { return v < T(0) ? v * a : v; });
  });
}

// log(1 + exp(x)), switching to x or exp(x) where that is exact.
Status softplus_kernel(KernelContext& ctx) {
  return unary_kernel<kFloats>(ctx, [](const auto& x) {
    using T = ScalarOf<decltype(x)>;
    const T threshold = std::log(std::numeric_limits<T>::epsilon()) + T(2);
    return x.unaryExpr([threshold](T v) -> T {
      if (v > -threshold) return v;
      if (v < threshold) return std::exp(v);
      return std::log1p(std::exp(v));
    });
  });
}

// ---------------------------------------------------------------------- AddN

Status add_n_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& first = ctx.inputs[0];
  for (const Tensor& input : ctx.inputs) {
    if (input.dtype() != first.dtype() || input.shape() != first.shape())
      return ctx.error("inputs must all have the same dtype and shape; got " + dtype_name(first.dtype()) +
                       shape_string(first.shape()) + " and " + dtype_name(input.dtype()) +
                       shape_string(input.shape()));
  }
  DataType dtype = first.dtype();
  if (is_half_like(dtype)) {
    Tensor sum = converted_to_float(first);
    for (size_t i = 1; i < ctx.inputs.size(); ++i) sum.flat<float>() += converted_to_float(ctx.inputs[i]).flat<float>();
    MQ_RETURN_IF_ERROR(ctx.budget.reserve(first.byte_size(), "node '" + ctx.node.name() + "' output"));
    ctx.outputs[0] = converted_from_float(sum, dtype);
    return Status::ok();
  }
  Status status;
  bool handled = dispatch<kReals>(dtype, [&](auto type) {
    using T = decltype(type);
    StatusOr<Tensor> out = ctx.allocate(dtype, first.shape());
    if (!out.is_ok()) {
      status = out.status();
      return;
    }
    auto sum = out->template flat<T>();
    sum = first.flat<T>();
    for (size_t i = 1; i < ctx.inputs.size(); ++i) sum += ctx.inputs[i].flat<T>();
    ctx.outputs[0] = std::move(*out);
  });
  if (!handled) return unsupported_dtype(ctx, dtype);
  return status;
}

// ---------------------------------------------------------------------- Cast

// A float that no To can hold converts to the nearest end of To's range and
// NaN to 0 (C++ leaves both undefined; WebAssembly would trap).
template <typename To, typename From>
To saturating_int(From value) {
  if (std::isnan(value)) return To(0);
  if (value <= static_cast<From>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
  if (value >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
  return static_cast<To>(value);
}

// Cast is instantiated for every pair of numeric types (the largest function
// in the wasm module when each is unrolled and vectorized) and rarely hot, so
// the module compiles it for size.
#if defined(__EMSCRIPTEN__)
#define MQ_COMPILED_FOR_SIZE __attribute__((minsize, noinline))
#else
#define MQ_COMPILED_FOR_SIZE
#endif

template <typename From, typename To>
MQ_COMPILED_FOR_SIZE void cast_elements(const Tensor& in, Tensor& out) {
  constexpr bool from_half = std::is_same_v<From, Eigen::half> || std::is_same_v<From, Eigen::bfloat16>;
  if constexpr (std::is_same_v<To, bool>) {
    out.flat<bool>() = in.flat<From>().unaryExpr([](From v) { return static_cast<float>(v) != 0.0f; });
  } else if constexpr (std::is_integral_v<To> && (from_half || std::is_floating_point_v<From>)) {
    out.flat<To>() = in.flat<From>().unaryExpr([](From v) {
      if constexpr (from_half) return saturating_int<To>(static_cast<float>(v));
      else return saturating_int<To>(v);
    });
  } else if constexpr (from_half) {
    out.flat<To>() = in.flat<From>().template cast<float>().template cast<To>();
  } else if constexpr (std::is_same_v<To, Eigen::half> || std::is_same_v<To, Eigen::bfloat16>) {
    out.flat<To>() = in.flat<From>().template cast<float>().template cast<To>();
  } else {
    out.flat<To>() = in.flat<From>().template cast<To>();
  }
}

Status cast_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& in = ctx.inputs[0];
  DataType target = ctx.attr_type_or("DstT", tensorflow::DT_INVALID);
  if (target == tensorflow::DT_INVALID) return ctx.error("attribute 'DstT' is missing");
  if (target == in.dtype()) {
    ctx.outputs[0] = in;
    return Status::ok();
  }
  // The pair of types picks a function; everything else is done once.
  void (*cast)(const Tensor&, Tensor&) = nullptr;
  dispatch_numeric(in.dtype(), [&](auto from_type) {
    dispatch_numeric(target, [&](auto to_type) { cast = &cast_elements<decltype(from_type), decltype(to_type)>; });
  });
  if (cast == nullptr)
    return Status::unsupported("node '" + ctx.node.name() + "' (op Cast): casting " + dtype_name(in.dtype()) +
                               " to " + dtype_name(target) + " is not supported");
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(target, in.shape()));
  cast(in, out);
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

}  // namespace

void register_math_kernels(KernelTable& table) {
  table.add("Add", add_kernel);
  table.add("AddV2", add_kernel);
  table.add("AddN", add_n_kernel);
  table.add("Sub", sub_kernel);
  table.add("Mul", mul_kernel);
  table.add("RealDiv", div_kernel);
  table.add("Div", div_kernel);
  table.add("FloorDiv", floor_div_kernel);
  table.add("FloorMod", floor_mod_kernel);
  table.add("Maximum", maximum_kernel);
  table.add("Minimum", minimum_kernel);
  table.add("Pow", pow_kernel);
  table.add("SquaredDifference", squared_difference_kernel);
  table.add("Neg", neg_kernel);
  table.add("Abs", abs_kernel);
  table.add("Sqrt", sqrt_kernel);
  table.add("Rsqrt", rsqrt_kernel);
  table.add("Square", square_kernel);
  table.add("Exp", exp_kernel);
  table.add("Log", log_kernel);
  table.add("Log1p", log1p_kernel);
  table.add("Reciprocal", reciprocal_kernel);
  table.add("Sign", sign_kernel);
  table.add("Floor", floor_kernel);
  table.add("Ceil", ceil_kernel);
  table.add("Round", round_kernel);
  table.add("Erf", erf_kernel);
  table.add("Sigmoid", sigmoid_kernel);
  table.add("Tanh", tanh_kernel);
  table.add("Relu", relu_kernel);
  table.add("Relu6", relu6_kernel);
  table.add("Elu", elu_kernel);
  table.add("Selu", selu_kernel);
  table.add("LeakyRelu", leaky_relu_kernel);
  table.add("Softplus", softplus_kernel);
  table.add("Cast", cast_kernel);
}

}  // namespace mq
