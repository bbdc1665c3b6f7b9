// Reductions over axes: Sum, Mean, Max, Min, Prod, All, Any (with
// keep_dims), and ArgMax / ArgMin. The input is viewed as [outer, reduced,
// inner] (transposed first when the reduced axes are not adjacent) and each
// slice is combined with Eigen array ops.
#include <algorithm>
#include <limits>
#include <type_traits>

#include "core/eval/kernel.h"
#include "core/eval/kernels/element_copy.h"
#include "core/eval/kernels/elementwise.h"

namespace mq {
namespace {

using namespace elementwise;

enum class Reduction { kSum, kMean, kMax, kMin, kProd, kAll, kAny };

// The value a reduction over nothing yields.
template <typename T>
T identity_of(Reduction reduction) {
  switch (reduction) {
    case Reduction::kProd:
    case Reduction::kAll:
      return T(1);
    case Reduction::kMax:
      if constexpr (std::numeric_limits<T>::has_infinity) return -std::numeric_limits<T>::infinity();
      return std::numeric_limits<T>::lowest();
    case Reduction::kMin:
      if constexpr (std::numeric_limits<T>::has_infinity) return std::numeric_limits<T>::infinity();
      return std::numeric_limits<T>::max();
    default:
      return T(0);
  }
}

// Reduces a dense [outer, reduced, inner] array of bool into [outer, inner].
void reduce_logical(const bool* in, bool* out, int64_t outer, int64_t reduced, int64_t inner, bool all) {
  const Eigen::Index n = static_cast<Eigen::Index>(inner);
  for (int64_t o = 0; o < outer; ++o) {
    ArrayMap<bool> acc(out + o * inner, n);
    acc.setConstant(all);
    const bool* slab = in + o * reduced * inner;
    for (int64_t r = 0; r < reduced; ++r) {
      ConstArrayMap<bool> row(slab + r * inner, n);
      if (all) acc = acc && row;
      else acc = acc || row;
    }
  }
}

// Reduces a dense [outer, reduced, inner] array of numbers into [outer, inner].
template <typename T>
void reduce_slices(const T* in, T* out, int64_t outer, int64_t reduced, int64_t inner, Reduction reduction) {
  if constexpr (std::is_same_v<T, bool>) {
    reduce_logical(in, out, outer, reduced, inner, reduction == Reduction::kAll);
  } else {
    const Eigen::Index n = static_cast<Eigen::Index>(inner);
    for (int64_t o = 0; o < outer; ++o) {
      ArrayMap<T> acc(out + o * inner, n);
      acc.setConstant(identity_of<T>(reduction));
      if (reduced == 0) continue;
      const T* slab = in + o * reduced * inner;
      if (inner == 1) {
        ConstArrayMap<T> values(slab, static_cast<Eigen::Index>(reduced));
        switch (reduction) {
          case Reduction::kProd: acc(0) = values.prod(); break;
          case Reduction::kMax: acc(0) = values.template maxCoeff<Eigen::PropagateNaN>(); break;
          case Reduction::kMin: acc(0) = values.template minCoeff<Eigen::PropagateNaN>(); break;
          default: acc(0) = values.sum(); break;
        }
        continue;
      }
      acc = ConstArrayMap<T>(slab, n);
      for (int64_t r = 1; r < reduced; ++r) {
        ConstArrayMap<T> row(slab + r * inner, n);
        switch (reduction) {
          case Reduction::kProd: acc *= row; break;
          case Reduction::kMax:
            acc = acc.binaryExpr(row, Eigen::internal::scalar_max_op<T, T, Eigen::PropagateNaN>());
            break;
          case Reduction::kMin:
            acc = acc.binaryExpr(row, Eigen::internal::scalar_min_op<T, T, Eigen::PropagateNaN>());
            break;
          default: acc += row; break;
        }
      }
    }
    if (reduction == Reduction::kMean) {
      ArrayMap<T> all(out, static_cast<Eigen::Index>(outer * inner));
      if (reduced > 0) {
        all = all / static_cast<T>(reduced);
      } else if constexpr (std::numeric_limits<T>::has_quiet_NaN) {
        all.setConstant(std::numeric_limits<T>::quiet_NaN());
      }
    }
  }
}

// The reduced axes as flags, from the second input (scalar or vector).
StatusOr<std::vector<bool>> reduced_axes(const KernelContext& ctx, int rank) {
  const Tensor& axes = ctx.inputs[1];
  if (axes.dtype() != tensorflow::DT_INT32 && axes.dtype() != tensorflow::DT_INT64)
    return ctx.error("reduction indices must be int32 or int64, got " + dtype_name(axes.dtype()));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> values, axes.as_int64_vector());
  std::vector<bool> flags(static_cast<size_t>(rank), false);
  for (int64_t axis : values) {
    if (axis < -rank || axis >= rank)
      return ctx.error("Invalid reduction dimension (" + std::to_string(axis) + " for input with " +
                       std::to_string(rank) + " dimension(s)");
    flags[axis < 0 ? axis + rank : axis] = true;
  }
  return flags;
}

Status reduce(KernelContext& ctx, Reduction reduction) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  int rank = input.rank();
  MQ_ASSIGN_OR_RETURN(std::vector<bool> reduce_axis, reduced_axes(ctx, rank));
  bool keep_dims = ctx.attr_bool_or("keep_dims", false);
  bool logical = reduction == Reduction::kAll || reduction == Reduction::kAny;
  if (logical != (input.dtype() == tensorflow::DT_BOOL))
    return ctx.error(std::string(logical ? "All and Any need" : "this reduction does not accept") + " a bool input, got " +
                     dtype_name(input.dtype()));

  Shape out_shape;
  for (int i = 0; i < rank; ++i) {
    if (!reduce_axis[i]) out_shape.push_back(input.dim(i));
    else if (keep_dims) out_shape.push_back(1);
  }
  // Group neighbouring dimensions (ignoring size 1) into kept/reduced runs.
  struct Run {
    bool reduced;
    int64_t size;
  };
  std::vector<Run> runs;
  for (int i = 0; i < rank; ++i) {
    if (input.dim(i) == 1) continue;
    if (!runs.empty() && runs.back().reduced == reduce_axis[i]) runs.back().size *= input.dim(i);
    else runs.push_back({static_cast<bool>(reduce_axis[i]), input.dim(i)});
  }
  const Tensor* source = &input;
  Tensor transposed;
  int64_t outer = 1, reduced = 1, inner = 1;
  bool direct = runs.size() <= 2 || (runs.size() == 3 && runs[1].reduced);
  if (direct) {
    size_t k = 0;
    if (k < runs.size() && !runs[k].reduced) outer = runs[k++].size;
    if (k < runs.size() && runs[k].reduced) reduced = runs[k++].size;
    if (k < runs.size()) inner = runs[k].size;
  } else {
    // Move the kept dimensions first, then reduce the trailing block.
    std::vector<int> perm;
    for (int i = 0; i < rank; ++i)
      if (!reduce_axis[i]) perm.push_back(i);
    for (int i = 0; i < rank; ++i)
      if (reduce_axis[i]) perm.push_back(i);
    std::vector<int64_t> in_strides = dense_strides(input.shape());
    Shape shape;
    std::vector<int64_t> strides;
    for (int axis : perm) {
      shape.push_back(input.dim(axis));
      strides.push_back(in_strides[axis]);
      (reduce_axis[axis] ? reduced : outer) *= input.dim(axis);
    }
    MQ_RETURN_IF_ERROR(ctx.reserve_temporary(input.byte_size(), "a transposed copy of the input"));
    transposed = Tensor(input.dtype(), shape);
    copy_strided(input, 0, strides, transposed, 0, dense_strides(shape), shape);
    source = &transposed;
  }
  if (input.num_elements() == 0) {
    // Some dimension is 0: recompute the view sizes from the shape directly.
    outer = 1;
    reduced = 1;
    for (int i = 0; i < rank; ++i) (reduce_axis[i] ? reduced : outer) *= input.dim(i);
    inner = 1;
  }

  DataType dtype = input.dtype();
  if (is_half_like(dtype)) {
    Tensor values = converted_to_float(*source);
    Tensor result(tensorflow::DT_FLOAT, out_shape);
    reduce_slices(values.data<float>(), result.data<float>(), outer, reduced, inner, reduction);
    MQ_RETURN_IF_ERROR(ctx.budget.reserve(result.byte_size() / 2, "node '" + ctx.node.name() + "' output"));
    ctx.outputs[0] = converted_from_float(result, dtype);
    return Status::ok();
  }
  Status status;
  bool handled = dispatch<kReals | kBools>(dtype, [&](auto type) {
    using T = decltype(type);
    StatusOr<Tensor> out = ctx.allocate(dtype, out_shape);
    if (!out.is_ok()) {
      status = out.status();
      return;
    }
    reduce_slices(source->data<T>(), out->template data<T>(), outer, reduced, inner, reduction);
    ctx.outputs[0] = std::move(*out);
  });
  if (!handled) return unsupported_dtype(ctx, dtype);
  return status;
}

Status sum_kernel(KernelContext& ctx) { return reduce(ctx, Reduction::kSum); }
Status mean_kernel(KernelContext& ctx) { return reduce(ctx, Reduction::kMean); }
Status max_kernel(KernelContext& ctx) { return reduce(ctx, Reduction::kMax); }
Status min_kernel(KernelContext& ctx) { return reduce(ctx, Reduction::kMin); }
Status prod_kernel(KernelContext& ctx) { return reduce(ctx, Reduction::kProd); }
Status all_kernel(KernelContext& ctx) { return reduce(ctx, Reduction::kAll); }
Status any_kernel(KernelContext& ctx) { return reduce(ctx, Reduction::kAny); }

// ArgMax / ArgMin: the first index of the extreme value along one axis.
Status arg_extreme(KernelContext& ctx, bool maximum) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  const Tensor& dimension = ctx.inputs[1];
  if (dimension.num_elements() != 1) return ctx.error("dimension must be a scalar");
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> axis_values, dimension.as_int64_vector());
  int rank = input.rank();
  int64_t axis = axis_values[0];
  if (axis < -rank || axis >= rank)
    return ctx.error("Expected dimension in the range [" + std::to_string(-rank) + ", " + std::to_string(rank) +
                     "), but got " + std::to_string(axis));
  if (axis < 0) axis += rank;
  int64_t reduced = input.dim(static_cast<int>(axis));
  if (reduced == 0) return ctx.error("Reduction axis " + std::to_string(axis) + " is empty in shape " +
                                     shape_string(input.shape()));
  DataType out_type = ctx.attr_type_or("output_type", tensorflow::DT_INT64);
  if (out_type != tensorflow::DT_INT32 && out_type != tensorflow::DT_INT64)
    return ctx.error("output_type must be int32 or int64, got " + dtype_name(out_type));
  Shape out_shape = input.shape();
  out_shape.erase(out_shape.begin() + axis);
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= input.dim(i);
  for (int i = static_cast<int>(axis) + 1; i < rank; ++i) inner *= input.dim(i);
  const Tensor* source = &input;
  Tensor as_float;
  if (is_half_like(input.dtype())) {
    as_float = converted_to_float(input);
    source = &as_float;
  }
  std::vector<int64_t> result(static_cast<size_t>(outer * inner));
  bool handled = dispatch<kReals | kBools>(source->dtype(), [&](auto type) {
    using T = decltype(type);
    const T* data = source->data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const T* values = data + o * reduced * inner + i;
        int64_t best = 0;
        for (int64_t r = 1; r < reduced; ++r) {
          T candidate = values[r * inner], current = values[best * inner];
          if (maximum ? candidate > current : candidate < current) best = r;
        }
        result[o * inner + i] = best;
      }
    }
  });
  if (!handled) return unsupported_dtype(ctx, input.dtype());
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(out_type, out_shape));
  for (size_t i = 0; i < result.size(); ++i) {
    if (out_type == tensorflow::DT_INT32) out.data<int32_t>()[i] = static_cast<int32_t>(result[i]);
    else out.data<int64_t>()[i] = result[i];
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status arg_max_kernel(KernelContext& ctx) { return arg_extreme(ctx, true); }
Status arg_min_kernel(KernelContext& ctx) { return arg_extreme(ctx, false); }

}  // namespace

void register_reduction_kernels(KernelTable& table) {
  table.add("Sum", sum_kernel);
  table.add("Mean", mean_kernel);
  table.add("Max", max_kernel);
  table.add("Min", min_kernel);
  table.add("Prod", prod_kernel);
  table.add("All", all_kernel);
  table.add("Any", any_kernel);
  table.add("ArgMax", arg_max_kernel);
  table.add("ArgMin", arg_min_kernel);
}

}  // namespace mq
