// Shape and data-movement kernels: Reshape, Shape, Transpose, Concat, Pack,
// Slice, StridedSlice, Split, Tile, Pad, Fill, Range, Gather, OneHot,
// SparseToDense and their relatives. Values are moved without looking at
// them (element_copy.h), so every dtype, strings included, works.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/eval/kernel.h"
#include "core/eval/kernels/broadcast.h"
#include "core/eval/kernels/element_copy.h"
#include "core/eval/kernels/elementwise.h"

namespace mq {
namespace {

// ------------------------------------------------------------------- helpers

StatusOr<std::vector<int64_t>> int_values(const KernelContext& ctx, const Tensor& tensor, const std::string& what) {
  if (tensor.dtype() != tensorflow::DT_INT32 && tensor.dtype() != tensorflow::DT_INT64)
    return ctx.error(what + " must be int32 or int64, got " + dtype_name(tensor.dtype()));
  return tensor.as_int64_vector();
}

StatusOr<int64_t> int_scalar(const KernelContext& ctx, const Tensor& tensor, const std::string& what) {
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> values, int_values(ctx, tensor, what));
  if (values.size() != 1) return ctx.error(what + " must be a scalar, got shape " + shape_string(tensor.shape()));
  return values[0];
}

// An axis in [-rank, rank) made non-negative.
StatusOr<int> normalize_axis(const KernelContext& ctx, int64_t axis, int rank, const std::string& what = "axis") {
  if (axis < -rank || axis >= rank)
    return ctx.error(what + " " + std::to_string(axis) + " is out of range for a tensor of rank " +
                     std::to_string(rank) + " (expected [" + std::to_string(-rank) + ", " + std::to_string(rank) +
                     "))");
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

// A 1-D int32/int64 tensor holding `values`.
StatusOr<Tensor> int_vector_output(KernelContext& ctx, DataType dtype, const std::vector<int64_t>& values,
                                   Shape shape) {
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(dtype, std::move(shape)));
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == tensorflow::DT_INT32) {
      if (values[i] > std::numeric_limits<int32_t>::max())
        return ctx.error("value " + std::to_string(values[i]) + " does not fit out_type int32");
      out.data<int32_t>()[i] = static_cast<int32_t>(values[i]);
    } else if (dtype == tensorflow::DT_INT64) {
      out.data<int64_t>()[i] = values[i];
    } else {
      return ctx.error("out_type must be int32 or int64, got " + dtype_name(dtype));
    }
  }
  return out;
}

// Sets every element of `out` to the single element of `value` (same dtype).
void fill_with(Tensor& out, const Tensor& value) {
  if (out.dtype() == tensorflow::DT_STRING) {
    std::fill(out.strings().begin(), out.strings().end(), value.strings()[0]);
    return;
  }
  size_t size = dtype_size(out.dtype());
  if (size == 0 || out.num_elements() == 0) return;
  copy_elements(value, 0, out, 0, 1);
  // Double the filled prefix until the tensor is full.
  int64_t filled = 1;
  while (filled < out.num_elements()) {
    int64_t count = std::min(filled, out.num_elements() - filled);
    copy_elements(out, 0, out, filled, count);
    filled += count;
  }
}

// Loop counts over a span of a tensor's dimensions. A product past int64 can
// only come from a tensor with no elements (a 0 elsewhere in its shape, as in
// [0, 2^40, 2^40]; larger shapes are refused as tensors), so it is 0: the
// loops have nothing to do.
int64_t product(const Shape& shape, size_t begin, size_t end) {
  int64_t result = 1;
  for (size_t i = begin; i < end && i < shape.size(); ++i) {
    if (__builtin_mul_overflow(result, shape[i], &result)) return 0;
  }
  return result;
}

// --------------------------------------------------------------- shape ops

Status reshape_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> requested, int_values(ctx, ctx.inputs[1], "shape"));
  if (ctx.inputs[1].rank() > 1) return ctx.error("shape must be a vector, got " + shape_string(ctx.inputs[1].shape()));
  Shape shape(requested.begin(), requested.end());
  int unknown = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (unknown >= 0) return ctx.error("only one input size may be -1, not both " + std::to_string(unknown) +
                                         " and " + std::to_string(i));
      unknown = static_cast<int>(i);
    } else if (shape[i] < 0) {
      return ctx.error("size " + std::to_string(i) + " must be non-negative, not " + std::to_string(shape[i]));
    } else {
      known *= shape[i];
    }
  }
  if (unknown >= 0) {
    if (known == 0) {
      if (input.num_elements() != 0)
        return ctx.error("cannot infer the missing size of " + shape_string(shape) + " from " +
                         std::to_string(input.num_elements()) + " values");
      shape[unknown] = 0;
    } else {
      if (input.num_elements() % known != 0)
        return ctx.error("Input to reshape is a tensor with " + std::to_string(input.num_elements()) +
                         " values, but the requested shape requires a multiple of " + std::to_string(known));
      shape[unknown] = input.num_elements() / known;
    }
  }
  if (num_elements(shape) != input.num_elements())
    return ctx.error("Input to reshape is a tensor with " + std::to_string(input.num_elements()) +
                     " values, but the requested shape " + shape_string(shape) + " has " +
                     std::to_string(num_elements(shape)));
  ctx.outputs[0] = input.reshaped(shape);
  return Status::ok();
}

Status shape_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Shape& shape = ctx.inputs[0].shape();
  MQ_ASSIGN_OR_RETURN(ctx.outputs[0], int_vector_output(ctx, ctx.attr_type_or("out_type", tensorflow::DT_INT32),
                                                        std::vector<int64_t>(shape.begin(), shape.end()),
                                                        {static_cast<int64_t>(shape.size())}));
  return Status::ok();
}

Status shape_n_kernel(KernelContext& ctx) {
  DataType dtype = ctx.attr_type_or("out_type", tensorflow::DT_INT32);
  std::vector<Tensor> outputs;
  for (const Tensor& input : ctx.inputs) {
    const Shape& shape = input.shape();
    MQ_ASSIGN_OR_RETURN(Tensor out, int_vector_output(ctx, dtype, std::vector<int64_t>(shape.begin(), shape.end()),
                                                      {static_cast<int64_t>(shape.size())}));
    outputs.push_back(std::move(out));
  }
  ctx.outputs = std::move(outputs);
  return Status::ok();
}

Status size_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  MQ_ASSIGN_OR_RETURN(ctx.outputs[0], int_vector_output(ctx, ctx.attr_type_or("out_type", tensorflow::DT_INT32),
                                                        {ctx.inputs[0].num_elements()}, {}));
  return Status::ok();
}

Status rank_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  MQ_ASSIGN_OR_RETURN(ctx.outputs[0], int_vector_output(ctx, tensorflow::DT_INT32, {ctx.inputs[0].rank()}, {}));
  return Status::ok();
}

Status expand_dims_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(int64_t dim, int_scalar(ctx, ctx.inputs[1], "dim"));
  MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, dim, input.rank() + 1, "dim"));
  Shape shape = input.shape();
  shape.insert(shape.begin() + axis, 1);
  ctx.outputs[0] = input.reshaped(shape);
  return Status::ok();
}

Status squeeze_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& input = ctx.inputs[0];
  std::vector<int64_t> dims;
  if (ctx.node.attr().count("squeeze_dims")) {
    MQ_ASSIGN_OR_RETURN(dims, ctx.attr_int_list("squeeze_dims"));
  } else if (ctx.node.attr().count("axis")) {
    MQ_ASSIGN_OR_RETURN(dims, ctx.attr_int_list("axis"));
  }
  std::vector<bool> squeeze(static_cast<size_t>(input.rank()), false);
  for (int64_t dim : dims) {
    MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, dim, input.rank(), "squeeze dimension"));
    if (input.dim(axis) != 1)
      return ctx.error("Can not squeeze dim[" + std::to_string(axis) + "], expected a dimension of 1, got " +
                       std::to_string(input.dim(axis)));
    squeeze[axis] = true;
  }
  Shape shape;
  for (int i = 0; i < input.rank(); ++i) {
    bool drop = dims.empty() ? input.dim(i) == 1 : squeeze[i];
    if (!drop) shape.push_back(input.dim(i));
  }
  ctx.outputs[0] = input.reshaped(shape);
  return Status::ok();
}

// ------------------------------------------------------------ data movement

Status transpose_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> perm, int_values(ctx, ctx.inputs[1], "perm"));
  int rank = input.rank();
  if (static_cast<int>(perm.size()) != rank)
    return ctx.error("transpose expects a vector of size " + std::to_string(rank) + ", got perm of size " +
                     std::to_string(perm.size()));
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t& p : perm) {
    MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, p, rank, "perm entry"));
    if (seen[axis]) return ctx.error("perm has dimension " + std::to_string(axis) + " more than once");
    seen[axis] = true;
    p = axis;
  }
  std::vector<int64_t> in_strides = dense_strides(input.shape());
  Shape shape(static_cast<size_t>(rank));
  std::vector<int64_t> src_strides(static_cast<size_t>(rank));
  bool identity = true;
  for (int i = 0; i < rank; ++i) {
    shape[i] = input.dim(static_cast<int>(perm[i]));
    src_strides[i] = in_strides[perm[i]];
    identity = identity && perm[i] == i;
  }
  if (identity) {
    ctx.outputs[0] = input;
    return Status::ok();
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
  copy_strided(input, 0, src_strides, out, 0, dense_strides(shape), shape);
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

// Concatenates `values` along `axis64` (may be negative).
Status concat_values(KernelContext& ctx, const std::vector<const Tensor*>& values, int64_t axis64) {
  if (values.empty()) return ctx.error("needs at least one value to concatenate");
  const Tensor& first = *values[0];
  if (first.rank() == 0) return ctx.error("can't concatenate scalars (use Pack instead)");
  MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, axis64, first.rank()));
  Shape shape = first.shape();
  shape[axis] = 0;
  for (const Tensor* value : values) {
    if (value->dtype() != first.dtype())
      return ctx.error("values have different dtypes (" + dtype_name(first.dtype()) + " and " +
                       dtype_name(value->dtype()) + ")");
    bool compatible = value->rank() == first.rank();
    for (int i = 0; compatible && i < first.rank(); ++i)
      compatible = i == axis || value->dim(i) == first.dim(i);
    if (!compatible)
      return ctx.error("values of shapes " + shape_string(first.shape()) + " and " + shape_string(value->shape()) +
                       " cannot be concatenated along axis " + std::to_string(axis));
    shape[axis] += value->dim(axis);
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(first.dtype(), shape));
  int64_t outer = product(shape, 0, axis);
  int64_t inner = product(shape, axis + 1, shape.size());
  int64_t out_row = shape[axis] * inner;
  int64_t offset = 0;
  for (const Tensor* value : values) {
    int64_t row = value->dim(axis) * inner;
    for (int64_t o = 0; o < outer; ++o) copy_elements(*value, o * row, out, o * out_row + offset, row);
    offset += row;
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status concat_v2_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  MQ_ASSIGN_OR_RETURN(int64_t axis, int_scalar(ctx, ctx.inputs.back(), "axis"));
  std::vector<const Tensor*> values;
  for (size_t i = 0; i + 1 < ctx.inputs.size(); ++i) values.push_back(&ctx.inputs[i]);
  return concat_values(ctx, values, axis);
}

Status concat_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  MQ_ASSIGN_OR_RETURN(int64_t axis, int_scalar(ctx, ctx.inputs[0], "concat_dim"));
  std::vector<const Tensor*> values;
  for (size_t i = 1; i < ctx.inputs.size(); ++i) values.push_back(&ctx.inputs[i]);
  return concat_values(ctx, values, axis);
}

Status pack_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& first = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, ctx.attr_int_or("axis", 0), first.rank() + 1));
  Shape expanded = first.shape();
  expanded.insert(expanded.begin() + axis, 1);
  std::vector<Tensor> reshaped;
  for (const Tensor& value : ctx.inputs) {
    if (value.shape() != first.shape())
      return ctx.error("shapes of all inputs must match: " + shape_string(first.shape()) + " != " +
                       shape_string(value.shape()));
    reshaped.push_back(value.reshaped(expanded));
  }
  std::vector<const Tensor*> values;
  for (const Tensor& value : reshaped) values.push_back(&value);
  return concat_values(ctx, values, axis);
}

Status unpack_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& input = ctx.inputs[0];
  if (input.rank() == 0) return ctx.error("cannot unpack a scalar");
  MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, ctx.attr_int_or("axis", 0), input.rank()));
  int64_t count = input.dim(axis);
  int64_t num = ctx.attr_int_or("num", count);
  if (num != count)
    return ctx.error("input has " + std::to_string(count) + " entries along axis " + std::to_string(axis) +
                     " but num is " + std::to_string(num));
  Shape shape = input.shape();
  shape.erase(shape.begin() + axis);
  int64_t outer = product(input.shape(), 0, axis);
  int64_t inner = product(input.shape(), axis + 1, input.shape().size());
  // An empty input can still have millions of entries along the axis, each
  // an output tensor: their count is charged to the budget too.
  if (static_cast<unsigned long long>(count) > (1ULL << 40))
    return ctx.error("cannot unpack " + std::to_string(count) + " outputs");
  MQ_RETURN_IF_ERROR(ctx.budget.reserve(static_cast<unsigned long long>(count) * sizeof(Tensor),
                                        "node '" + ctx.node.name() + "' outputs"));
  std::vector<Tensor> outputs;
  for (int64_t k = 0; k < count; ++k) {
    MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
    for (int64_t o = 0; o < outer; ++o) copy_elements(input, (o * count + k) * inner, out, o * inner, inner);
    outputs.push_back(std::move(out));
  }
  ctx.outputs = std::move(outputs);
  return Status::ok();
}

Status slice_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(3));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> begin, int_values(ctx, ctx.inputs[1], "begin"));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> size, int_values(ctx, ctx.inputs[2], "size"));
  int rank = input.rank();
  if (static_cast<int>(begin.size()) != rank || static_cast<int>(size.size()) != rank)
    return ctx.error("begin and size must have one entry per input dimension (" + std::to_string(rank) + ")");
  Shape shape(static_cast<size_t>(rank));
  std::vector<int64_t> strides = dense_strides(input.shape());
  int64_t offset = 0;
  for (int i = 0; i < rank; ++i) {
    int64_t length = size[i] == -1 ? input.dim(i) - begin[i] : size[i];
    if (begin[i] < 0 || length < 0 || begin[i] + length > input.dim(i))
      return ctx.error("expected begin[" + std::to_string(i) + "] (" + std::to_string(begin[i]) + ") and size[" +
                       std::to_string(i) + "] (" + std::to_string(size[i]) + ") to fit in dimension " +
                       std::to_string(input.dim(i)));
    shape[i] = length;
    offset += begin[i] * strides[i];
  }
  if (shape == input.shape()) {
    ctx.outputs[0] = input;
    return Status::ok();
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
  copy_strided(input, offset, strides, out, 0, dense_strides(shape), shape);
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

// StridedSlice: the sparse spec (begin/end/strides with the five masks) is
// expanded to one (begin, stride, size) per input dimension, then the final
// shape drops shrunk axes and adds new ones.
Status strided_slice_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(4));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> begin, int_values(ctx, ctx.inputs[1], "begin"));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> end, int_values(ctx, ctx.inputs[2], "end"));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> strides, int_values(ctx, ctx.inputs[3], "strides"));
  if (begin.size() != end.size() || begin.size() != strides.size())
    return ctx.error("begin, end and strides must have the same length");
  // Each entry has a bit in the 64-bit masks (an implicit ellipsis one more).
  if (begin.size() > 63) return ctx.error("the slice has " + std::to_string(begin.size()) + " entries; at most 63 are supported");
  int64_t begin_mask = ctx.attr_int_or("begin_mask", 0);
  int64_t end_mask = ctx.attr_int_or("end_mask", 0);
  int64_t ellipsis_mask = ctx.attr_int_or("ellipsis_mask", 0);
  int64_t new_axis_mask = ctx.attr_int_or("new_axis_mask", 0);
  int64_t shrink_axis_mask = ctx.attr_int_or("shrink_axis_mask", 0);
  if (ellipsis_mask & (ellipsis_mask - 1)) return ctx.error("multiple ellipses in the slice spec are not allowed");

  int sparse_dims = static_cast<int>(begin.size());
  // Without an ellipsis there is an implicit one at the end.
  bool implicit_ellipsis = ellipsis_mask == 0;
  if (implicit_ellipsis) {
    ellipsis_mask = int64_t{1} << sparse_dims;
    ++sparse_dims;
  }
  int new_axes_after_ellipsis = 0;
  bool after_ellipsis = false;
  for (int i = 0; i < sparse_dims; ++i) {
    if (after_ellipsis && ((new_axis_mask >> i) & 1)) ++new_axes_after_ellipsis;
    if ((ellipsis_mask >> i) & 1) after_ellipsis = true;
  }

  const int rank = input.rank();
  struct DenseDim {
    int64_t begin = 0, end = 0, stride = 1;
    bool begin_masked = false, end_masked = false, shrink = false;
  };
  std::vector<DenseDim> dense(static_cast<size_t>(rank));
  constexpr int kNewAxis = -1, kShrinkAxis = -2;
  std::vector<int> final_dims;  // dense index, kNewAxis or kShrinkAxis
  int full = 0;
  for (int i = 0; i < sparse_dims; ++i) {
    if ((ellipsis_mask >> i) & 1) {
      int next = std::min(rank - (sparse_dims - i) + 1 + new_axes_after_ellipsis, rank);
      for (; full < next; ++full) {
        dense[full].begin_masked = dense[full].end_masked = true;
        final_dims.push_back(full);
      }
    } else if ((new_axis_mask >> i) & 1) {
      final_dims.push_back(kNewAxis);
    } else {
      if (full >= rank)
        return ctx.error("index " + std::to_string(full) + " of the slice spec is out of range for a tensor of rank " +
                         std::to_string(rank));
      DenseDim& d = dense[full];
      d.begin = begin[i];
      d.end = end[i];
      d.stride = strides[i];
      d.begin_masked = (begin_mask >> i) & 1;
      d.end_masked = (end_mask >> i) & 1;
      d.shrink = (shrink_axis_mask >> i) & 1;
      final_dims.push_back(d.shrink ? kShrinkAxis : full);
      ++full;
    }
  }

  Shape processing(static_cast<size_t>(rank));
  std::vector<int64_t> in_strides = dense_strides(input.shape());
  std::vector<int64_t> src_strides(static_cast<size_t>(rank));
  int64_t offset = 0;
  bool identity = true;
  for (int i = 0; i < rank; ++i) {
    DenseDim& d = dense[i];
    int64_t size = input.dim(i);
    if (d.stride == 0) return ctx.error("strides[" + std::to_string(i) + "] must be non-zero");
    int64_t length;
    if (d.shrink) {
      int64_t index = d.begin < 0 ? d.begin + size : d.begin;
      if (index < 0 || index >= size)
        return ctx.error("slice index " + std::to_string(d.begin) + " of dimension " + std::to_string(i) +
                         " out of bounds.");
      d.begin = index;
      d.stride = 1;
      length = 1;
    } else {
      // Clamp to the valid range for the direction of the stride.
      int64_t low = d.stride > 0 ? 0 : -1;
      int64_t high = d.stride > 0 ? size : size - 1;
      auto canonical = [&](int64_t value, bool masked, bool is_begin) {
        if (masked) return (d.stride > 0) == is_begin ? low : high;
        int64_t forward = value < 0 ? value + size : value;
        return std::clamp(forward, low, high);
      };
      d.begin = canonical(d.begin, d.begin_masked, true);
      d.end = canonical(d.end, d.end_masked, false);
      if ((d.stride > 0 && d.end <= d.begin) || (d.stride < 0 && d.end >= d.begin)) {
        length = 0;
      } else {
        int64_t span = d.end - d.begin;
        length = span / d.stride + (span % d.stride != 0 ? 1 : 0);
      }
    }
    processing[i] = length;
    if (length > 0) offset += d.begin * in_strides[i];
    src_strides[i] = in_strides[i] * d.stride;
    identity = identity && d.begin == 0 && d.stride == 1 && length == size;
  }
  Shape final_shape;
  for (int index : final_dims) {
    if (index == kNewAxis) final_shape.push_back(1);
    else if (index >= 0) final_shape.push_back(processing[index]);
  }
  if (identity) {
    ctx.outputs[0] = input.reshaped(final_shape);
    return Status::ok();
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), processing));
  copy_strided(input, offset, src_strides, out, 0, dense_strides(processing), processing);
  ctx.outputs[0] = out.reshaped(final_shape);
  return Status::ok();
}

// Splits `input` along `axis` into pieces of the given sizes.
Status split_into(KernelContext& ctx, const Tensor& input, int axis, const std::vector<int64_t>& sizes) {
  int64_t outer = product(input.shape(), 0, axis);
  int64_t inner = product(input.shape(), axis + 1, input.shape().size());
  int64_t row = input.dim(axis) * inner;
  std::vector<Tensor> outputs;
  int64_t start = 0;
  for (int64_t size : sizes) {
    Shape shape = input.shape();
    shape[axis] = size;
    MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
    for (int64_t o = 0; o < outer; ++o) copy_elements(input, o * row + start * inner, out, o * size * inner, size * inner);
    start += size;
    outputs.push_back(std::move(out));
  }
  ctx.outputs = std::move(outputs);
  return Status::ok();
}

Status split_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[1];
  MQ_ASSIGN_OR_RETURN(int64_t axis64, int_scalar(ctx, ctx.inputs[0], "split_dim"));
  MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, axis64, input.rank(), "split_dim"));
  MQ_ASSIGN_OR_RETURN(int64_t count, ctx.attr_int("num_split"));
  if (count <= 0) return ctx.error("num_split must be positive, got " + std::to_string(count));
  if (input.dim(axis) % count != 0)
    return ctx.error("Number of ways to split should evenly divide the split dimension, but got split_dim " +
                     std::to_string(axis) + " (size = " + std::to_string(input.dim(axis)) + ") and num_split " +
                     std::to_string(count));
  return split_into(ctx, input, axis, std::vector<int64_t>(static_cast<size_t>(count), input.dim(axis) / count));
}

Status split_v_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(3));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, int_values(ctx, ctx.inputs[1], "size_splits"));
  MQ_ASSIGN_OR_RETURN(int64_t axis64, int_scalar(ctx, ctx.inputs[2], "split_dim"));
  MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, axis64, input.rank(), "split_dim"));
  int unknown = -1;
  int64_t total = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (unknown >= 0) return ctx.error("only one size_splits entry may be -1");
      unknown = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      return ctx.error("size_splits has a negative entry " + std::to_string(sizes[i]));
    } else {
      total += sizes[i];
    }
  }
  if (unknown >= 0) {
    if (total > input.dim(axis)) return ctx.error("size_splits add up to more than the split dimension");
    sizes[unknown] = input.dim(axis) - total;
    total = input.dim(axis);
  }
  if (total != input.dim(axis))
    return ctx.error("size_splits add up to " + std::to_string(total) + " but the split dimension has size " +
                     std::to_string(input.dim(axis)));
  return split_into(ctx, input, axis, sizes);
}

Status tile_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> multiples, int_values(ctx, ctx.inputs[1], "multiples"));
  int rank = input.rank();
  if (static_cast<int>(multiples.size()) != rank)
    return ctx.error("multiples must have " + std::to_string(rank) + " entries, got " +
                     std::to_string(multiples.size()));
  Shape shape(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    if (multiples[i] < 0) return ctx.error("multiples[" + std::to_string(i) + "] is negative");
    shape[i] = input.dim(i) * multiples[i];
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
  // View the output as [m0, d0, m1, d1, ...] and read the input with stride 0 along each m.
  std::vector<int64_t> in_strides = dense_strides(input.shape());
  std::vector<int64_t> out_strides = dense_strides(shape);
  Shape view;
  std::vector<int64_t> src, dst;
  for (int i = 0; i < rank; ++i) {
    view.push_back(multiples[i]);
    src.push_back(0);
    dst.push_back(input.dim(i) * out_strides[i]);
    view.push_back(input.dim(i));
    src.push_back(in_strides[i]);
    dst.push_back(out_strides[i]);
  }
  copy_strided(input, 0, src, out, 0, dst, view);
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

StatusOr<std::vector<std::pair<int64_t, int64_t>>> read_paddings(const KernelContext& ctx, const Tensor& input,
                                                                 const Tensor& paddings) {
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> values, int_values(ctx, paddings, "paddings"));
  if (paddings.rank() != 2 || paddings.dim(0) != input.rank() || paddings.dim(1) != 2)
    return ctx.error("paddings must be a matrix of shape [" + std::to_string(input.rank()) + ",2], got " +
                     shape_string(paddings.shape()));
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int i = 0; i < input.rank(); ++i) {
    int64_t before = values[2 * i], after = values[2 * i + 1];
    if (before < 0 || after < 0)
      return ctx.error("paddings must be non-negative, got " + std::to_string(before) + " and " +
                       std::to_string(after) + " for dimension " + std::to_string(i));
    out.emplace_back(before, after);
  }
  return out;
}

// Pad and PadV2: the input in the middle of a tensor filled with a constant.
Status pad_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(auto paddings, read_paddings(ctx, input, ctx.inputs[1]));
  Shape shape = input.shape();
  for (size_t i = 0; i < shape.size(); ++i) shape[i] += paddings[i].first + paddings[i].second;
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
  if (ctx.inputs.size() >= 3) {
    const Tensor& value = ctx.inputs[2];
    if (value.dtype() != input.dtype() || value.num_elements() != 1)
      return ctx.error("constant_values must be a scalar of the input's dtype");
    fill_with(out, value);
  }
  std::vector<int64_t> out_strides = dense_strides(shape);
  int64_t offset = 0;
  for (size_t i = 0; i < shape.size(); ++i) offset += paddings[i].first * out_strides[i];
  copy_strided(input, 0, dense_strides(input.shape()), out, offset, out_strides, input.shape());
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status mirror_pad_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(auto paddings, read_paddings(ctx, input, ctx.inputs[1]));
  MQ_ASSIGN_OR_RETURN(std::string mode, ctx.attr_string("mode"));
  bool reflect = mode == "REFLECT";
  if (!reflect && mode != "SYMMETRIC") return ctx.error("mode must be REFLECT or SYMMETRIC, got '" + mode + "'");
  int rank = input.rank();
  Shape shape = input.shape();
  // For each dimension, the input index every output index reads.
  std::vector<std::vector<int64_t>> source(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    int64_t size = input.dim(i);
    int64_t limit = reflect ? size - 1 : size;
    if (paddings[i].first > limit || paddings[i].second > limit)
      return ctx.error("paddings must be no greater than the dimension size minus " + std::string(reflect ? "1" : "0") +
                       " in " + mode + " mode: " + std::to_string(paddings[i].first) + ", " +
                       std::to_string(paddings[i].second) + " for dimension " + std::to_string(i) + " of size " +
                       std::to_string(size));
    shape[i] = size + paddings[i].first + paddings[i].second;
    for (int64_t o = 0; o < shape[i]; ++o) {
      int64_t k = o - paddings[i].first;
      if (k < 0) k = reflect ? -k : -k - 1;
      else if (k >= size) k = reflect ? 2 * size - 2 - k : 2 * size - 1 - k;
      source[i].push_back(k);
    }
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
  std::vector<int64_t> in_strides = dense_strides(input.shape());
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  for (int64_t o = 0; o < out.num_elements(); ++o) {
    int64_t s = 0;
    for (int i = 0; i < rank; ++i) s += source[i][index[i]] * in_strides[i];
    copy_elements(input, s, out, o, 1);
    for (int k = rank; k-- > 0;) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status broadcast_to_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> target, int_values(ctx, ctx.inputs[1], "shape"));
  Shape shape(target.begin(), target.end());
  StatusOr<Shape> result = broadcast_shapes(input.shape(), shape);
  if (!result.is_ok() || *result != shape || input.rank() > static_cast<int>(shape.size()))
    return ctx.error("cannot broadcast a tensor of shape " + shape_string(input.shape()) + " to " +
                     shape_string(shape));
  if (shape == input.shape()) {
    ctx.outputs[0] = input;
    return Status::ok();
  }
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), shape));
  copy_strided(input, 0, broadcast_strides(input.shape(), shape), out, 0, dense_strides(shape), shape);
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

// ------------------------------------------------------------- value makers

Status fill_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> dims, int_values(ctx, ctx.inputs[0], "dims"));
  const Tensor& value = ctx.inputs[1];
  if (value.num_elements() != 1 || value.rank() != 0)
    return ctx.error("value must be a scalar, got shape " + shape_string(value.shape()));
  Shape shape(dims.begin(), dims.end());
  for (int64_t dim : shape)
    if (dim < 0) return ctx.error("dims must be non-negative, got " + shape_string(shape));
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(value.dtype(), shape));
  fill_with(out, value);
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status range_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(3));
  DataType dtype = ctx.inputs[0].dtype();
  for (const Tensor& input : ctx.inputs)
    if (input.num_elements() != 1) return ctx.error("start, limit and delta must be scalars");
  // Integers are read, checked and counted as integers: through a double,
  // int64 bounds round and the count's arithmetic overflows.
  bool integral = dtype != tensorflow::DT_FLOAT && dtype != tensorflow::DT_DOUBLE && dtype != tensorflow::DT_HALF &&
                  dtype != tensorflow::DT_BFLOAT16;
  double start = 0, limit = 0, delta = 0;
  int64_t istart = 0, ilimit = 0, idelta = 0;
  if (integral) {
    int64_t* targets[] = {&istart, &ilimit, &idelta};
    for (int i = 0; i < 3; ++i) {
      MQ_ASSIGN_OR_RETURN(std::vector<int64_t> value, ctx.inputs[i].as_int64_vector());
      *targets[i] = value[0];
    }
    start = static_cast<double>(istart), limit = static_cast<double>(ilimit), delta = static_cast<double>(idelta);
  } else {
    MQ_ASSIGN_OR_RETURN(start, ctx.inputs[0].scalar_as_double());
    MQ_ASSIGN_OR_RETURN(limit, ctx.inputs[1].scalar_as_double());
    MQ_ASSIGN_OR_RETURN(delta, ctx.inputs[2].scalar_as_double());
  }
  bool up = integral ? idelta > 0 : delta > 0;
  bool down = integral ? idelta < 0 : delta < 0;
  if (!up && !down) return ctx.error("Requires delta != 0: " + std::to_string(delta));
  if (up && (integral ? istart > ilimit : start > limit))
    return ctx.error("Requires start <= limit when delta > 0: " + std::to_string(start) + "/" + std::to_string(limit));
  if (down && (integral ? istart < ilimit : start < limit))
    return ctx.error("Requires start >= limit when delta < 0: " + std::to_string(start) + "/" + std::to_string(limit));
  constexpr int64_t kMaxCount = int64_t{1} << 53;
  int64_t count = 0;
  if (integral) {
    // Unsigned arithmetic: |limit - start| and |delta| may not fit an int64.
    uint64_t span = up ? static_cast<uint64_t>(ilimit) - static_cast<uint64_t>(istart)
                       : static_cast<uint64_t>(istart) - static_cast<uint64_t>(ilimit);
    uint64_t step = up ? static_cast<uint64_t>(idelta) : uint64_t{0} - static_cast<uint64_t>(idelta);
    uint64_t steps = span / step + (span % step != 0 ? 1 : 0);
    if (steps > static_cast<uint64_t>(kMaxCount)) return ctx.error("Range has too many elements: " + std::to_string(steps));
    count = static_cast<int64_t>(steps);
  } else {
    double steps = std::ceil(std::abs((limit - start) / delta));
    if (!(steps <= static_cast<double>(kMaxCount)))
      return ctx.error("Range has too many elements: " + std::to_string(steps));
    count = static_cast<int64_t>(steps);
  }
  Status status;
  bool handled = elementwise::dispatch<elementwise::kReals>(dtype, [&](auto type) {
    using T = decltype(type);
    StatusOr<Tensor> out = ctx.allocate(dtype, {count});
    if (!out.is_ok()) {
      status = out.status();
      return;
    }
    T* data = out->template data<T>();
    if constexpr (std::is_integral_v<T>) {
      // Every element lies between start and limit, so it fits T; the
      // products are taken modulo 2^64, which the final value undoes.
      for (int64_t i = 0; i < count; ++i)
        data[i] = static_cast<T>(static_cast<int64_t>(static_cast<uint64_t>(istart) +
                                                      static_cast<uint64_t>(i) * static_cast<uint64_t>(idelta)));
    } else {
      T value = ctx.inputs[0].data<T>()[0];
      T step = ctx.inputs[2].data<T>()[0];
      for (int64_t i = 0; i < count; ++i) {
        data[i] = value;
        value = static_cast<T>(value + step);
      }
    }
    ctx.outputs[0] = std::move(*out);
  });
  if (!handled) return elementwise::unsupported_dtype(ctx, dtype);
  return status;
}

Status zeros_like_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  MQ_ASSIGN_OR_RETURN(ctx.outputs[0], ctx.allocate(ctx.inputs[0].dtype(), ctx.inputs[0].shape()));
  return Status::ok();
}

Status ones_like_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(1));
  const Tensor& input = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(input.dtype(), input.shape()));
  bool handled = dispatch_numeric(input.dtype(), [&](auto type) {
    using T = decltype(type);
    out.flat<T>().setConstant(T(1));
  });
  if (!handled) return elementwise::unsupported_dtype(ctx, input.dtype());
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

// ----------------------------------------------------------------- gathers

Status gather_along(KernelContext& ctx, const Tensor& params, const Tensor& indices, int64_t axis64,
                    int64_t batch_dims) {
  if (params.rank() == 0) return ctx.error("params must be at least 1-D");
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> index_values, int_values(ctx, indices, "indices"));
  if (batch_dims < 0) batch_dims += indices.rank();
  MQ_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx, axis64, params.rank()));
  if (batch_dims < 0 || batch_dims > indices.rank() || batch_dims > axis)
    return ctx.error("batch_dims " + std::to_string(batch_dims) + " must be in [0, min(rank(indices), axis)]");
  for (int i = 0; i < batch_dims; ++i)
    if (params.dim(i) != indices.dim(i))
      return ctx.error("params and indices differ in batch dimension " + std::to_string(i));
  Shape shape(params.shape().begin(), params.shape().begin() + axis);
  shape.insert(shape.end(), indices.shape().begin() + batch_dims, indices.shape().end());
  shape.insert(shape.end(), params.shape().begin() + axis + 1, params.shape().end());
  int64_t batches = product(params.shape(), 0, static_cast<size_t>(batch_dims));
  int64_t outer = product(params.shape(), static_cast<size_t>(batch_dims), axis);
  int64_t limit = params.dim(axis);
  int64_t inner = product(params.shape(), axis + 1, params.shape().size());
  int64_t per_batch = product(indices.shape(), static_cast<size_t>(batch_dims), indices.shape().size());
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(params.dtype(), shape));
  int64_t o = 0;
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t r = 0; r < outer; ++r) {
      for (int64_t k = 0; k < per_batch; ++k) {
        int64_t index = index_values[b * per_batch + k];
        if (index < 0 || index >= limit)
          return ctx.error("indices[" + std::to_string(b * per_batch + k) + "] = " + std::to_string(index) +
                           " is not in [0, " + std::to_string(limit) + ")");
        copy_elements(params, ((b * outer + r) * limit + index) * inner, out, o, inner);
        o += inner;
      }
    }
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status gather_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(2));
  return gather_along(ctx, ctx.inputs[0], ctx.inputs[1], 0, 0);
}

Status gather_v2_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(3));
  MQ_ASSIGN_OR_RETURN(int64_t axis, int_scalar(ctx, ctx.inputs[2], "axis"));
  return gather_along(ctx, ctx.inputs[0], ctx.inputs[1], axis, ctx.attr_int_or("batch_dims", 0));
}

Status one_hot_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(4));
  const Tensor& indices = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(int64_t depth, int_scalar(ctx, ctx.inputs[1], "depth"));
  const Tensor& on_value = ctx.inputs[2];
  const Tensor& off_value = ctx.inputs[3];
  if (depth < 0) return ctx.error("depth must be non-negative, got " + std::to_string(depth));
  if (on_value.num_elements() != 1 || off_value.num_elements() != 1 || on_value.dtype() != off_value.dtype())
    return ctx.error("on_value and off_value must be scalars of one dtype");
  std::vector<int64_t> index_values;
  if (indices.dtype() == tensorflow::DT_UINT8) {
    for (int64_t i = 0; i < indices.num_elements(); ++i) index_values.push_back(indices.data<uint8_t>()[i]);
  } else {
    MQ_ASSIGN_OR_RETURN(index_values, int_values(ctx, indices, "indices"));
  }
  int64_t axis = ctx.attr_int_or("axis", -1);
  if (axis < -1 || axis > indices.rank())
    return ctx.error("axis " + std::to_string(axis) + " must be -1 or in [0, " + std::to_string(indices.rank()) + "]");
  if (axis == -1) axis = indices.rank();
  Shape shape = indices.shape();
  shape.insert(shape.begin() + axis, depth);
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(on_value.dtype(), shape));
  fill_with(out, off_value);
  int64_t outer = product(indices.shape(), 0, static_cast<size_t>(axis));
  int64_t inner = product(indices.shape(), static_cast<size_t>(axis), indices.shape().size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      int64_t index = index_values[o * inner + i];
      if (index >= 0 && index < depth) copy_elements(on_value, 0, out, (o * depth + index) * inner + i, 1);
    }
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

Status sparse_to_dense_kernel(KernelContext& ctx) {
  MQ_RETURN_IF_ERROR(ctx.check_input_count(4));
  const Tensor& indices = ctx.inputs[0];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> dims, int_values(ctx, ctx.inputs[1], "output_shape"));
  const Tensor& values = ctx.inputs[2];
  const Tensor& default_value = ctx.inputs[3];
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> index_values, int_values(ctx, indices, "sparse_indices"));
  if (indices.rank() > 2) return ctx.error("sparse_indices must be at most 2-D");
  int64_t count = indices.rank() == 0 ? 1 : indices.dim(0);
  int64_t rank = indices.rank() == 2 ? indices.dim(1) : 1;
  if (rank != static_cast<int64_t>(dims.size()))
    return ctx.error("sparse_indices have " + std::to_string(rank) + " coordinates but output_shape has " +
                     std::to_string(dims.size()) + " dimensions");
  if (values.num_elements() != 1 && values.num_elements() != count)
    return ctx.error("sparse_values must be a scalar or have one value per index (" + std::to_string(count) + ")");
  if (default_value.num_elements() != 1 || default_value.dtype() != values.dtype())
    return ctx.error("default_value must be a scalar of the values' dtype");
  Shape shape(dims.begin(), dims.end());
  for (int64_t dim : shape)
    if (dim < 0) return ctx.error("output_shape must be non-negative, got " + shape_string(shape));
  bool validate = ctx.attr_bool_or("validate_indices", true);
  MQ_ASSIGN_OR_RETURN(Tensor out, ctx.allocate(values.dtype(), shape));
  fill_with(out, default_value);
  std::vector<int64_t> strides = dense_strides(shape);
  int64_t previous = -1;
  for (int64_t i = 0; i < count; ++i) {
    int64_t flat = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t coordinate = index_values[i * rank + d];
      if (coordinate < 0 || coordinate >= shape[d])
        return ctx.error("indices[" + std::to_string(i) + "] is out of bounds of output_shape " + shape_string(shape));
      flat += coordinate * strides[d];
    }
    if (validate && flat <= previous)
      return ctx.error("indices[" + std::to_string(i) + "] is " + (flat == previous ? "repeated" : "out of order"));
    previous = flat;
    copy_elements(values, values.num_elements() == 1 ? 0 : i, out, flat, 1);
  }
  ctx.outputs[0] = std::move(out);
  return Status::ok();
}

}  // namespace

void register_array_kernels(KernelTable& table) {
  table.add("Reshape", reshape_kernel);
  table.add("Shape", shape_kernel);
  table.add("ShapeN", shape_n_kernel);
  table.add("Size", size_kernel);
  table.add("Rank", rank_kernel);
  table.add("ExpandDims", expand_dims_kernel);
  table.add("Squeeze", squeeze_kernel);
  table.add("Transpose", transpose_kernel);
  table.add("ConcatV2", concat_v2_kernel);
  table.add("Concat", concat_kernel);
  table.add("Pack", pack_kernel);
  table.add("Unpack", unpack_kernel);
  table.add("Slice", slice_kernel);
  table.add("StridedSlice", strided_slice_kernel);
  table.add("Split", split_kernel);
  table.add("SplitV", split_v_kernel);
  table.add("Tile", tile_kernel);
  table.add("Pad", pad_kernel);
  table.add("PadV2", pad_kernel);
  table.add("MirrorPad", mirror_pad_kernel);
  table.add("Fill", fill_kernel);
  table.add("Range", range_kernel);
  table.add("ZerosLike", zeros_like_kernel);
  table.add("OnesLike", ones_like_kernel);
  table.add("BroadcastTo", broadcast_to_kernel);
  table.add("Gather", gather_kernel);
  table.add("GatherV2", gather_v2_kernel);
  table.add("OneHot", one_hot_kernel);
  table.add("SparseToDense", sparse_to_dense_kernel);
}

}  // namespace mq
