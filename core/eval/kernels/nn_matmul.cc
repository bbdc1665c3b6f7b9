// Matrix products on Eigen's GEMM: MatMul (transpose_a / transpose_b),
// BatchMatMul, BatchMatMulV2 and BatchMatMulV3 (adj_x / adj_y, batch
// dimensions broadcast like NumPy), and _FusedMatMul (MatMul + BiasAdd +
// activation). float, double, int32 and int64 are computed as themselves;
// half and bfloat16 are computed in float and rounded back.
#include <Eigen/Core>
#include <algorithm>
#include <type_traits>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/kernels/fused_operations.h"
#include "core/eval/kernels/floating_dtypes.h"

namespace mq {

namespace {

template <typename T>
using RowMajorMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using MatrixMap = Eigen::Map<RowMajorMatrix<T>>;
template <typename T>
using ConstMatrixMap = Eigen::Map<const RowMajorMatrix<T>>;

// result [rows, columns] = op(a) × op(b), op = transpose when asked.
template <typename T>
void multiply(const T* a, int64_t a_rows, int64_t a_columns, bool transpose_a, const T* b, int64_t b_rows,
              int64_t b_columns, bool transpose_b, T* result) {
  ConstMatrixMap<T> left(a, a_rows, a_columns);
  ConstMatrixMap<T> right(b, b_rows, b_columns);
  const int64_t rows = transpose_a ? a_columns : a_rows;
  const int64_t columns = transpose_b ? b_rows : b_columns;
  MatrixMap<T> product(result, rows, columns);
  if (!transpose_a && !transpose_b) product.noalias() = left * right;
  else if (transpose_a && !transpose_b) product.noalias() = left.transpose() * right;
  else if (!transpose_a && transpose_b) product.noalias() = left * right.transpose();
  else product.noalias() = left.transpose() * right.transpose();
}

// Calls f(T{}) with the type the product is computed in: the dtype's own
// type for float/double/int32/int64, float for half and bfloat16.
template <typename F>
bool dispatch_matmul(DataType dtype, F&& f) {
  switch (dtype) {
    case tensorflow::DT_FLOAT:
    case tensorflow::DT_HALF:
    case tensorflow::DT_BFLOAT16: f(float{}); return true;
    case tensorflow::DT_DOUBLE: f(double{}); return true;
    case tensorflow::DT_INT32: f(int32_t{}); return true;
    case tensorflow::DT_INT64: f(int64_t{}); return true;
    default: return false;
  }
}

Status unsupported_matmul_dtype(const KernelContext& context, DataType dtype) {
  return Status::unsupported(context
                                 .error(context.node.op() +
                                        " supports float, double, half, bfloat16, int32 and int64, not '" +
                                        dtype_name(dtype) + "'")
                                 .message());
}

Status run_matmul(KernelContext& context, bool fused) {
  MQ_RETURN_IF_ERROR(context.check_input_count(2));
  const Tensor& a = context.inputs[0];
  const Tensor& b = context.inputs[1];
  if (a.dtype() != b.dtype()) {
    return context.error("inputs have dtypes " + dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()));
  }
  if (a.rank() != 2 || b.rank() != 2) {
    return context.error("inputs must be matrices, got shapes " + shape_string(a.shape()) + " and " +
                         shape_string(b.shape()));
  }
  const bool transpose_a = context.attr_bool_or("transpose_a", false);
  const bool transpose_b = context.attr_bool_or("transpose_b", false);
  const int64_t rows = transpose_a ? a.dim(1) : a.dim(0);
  const int64_t inner_a = transpose_a ? a.dim(0) : a.dim(1);
  const int64_t inner_b = transpose_b ? b.dim(1) : b.dim(0);
  const int64_t columns = transpose_b ? b.dim(0) : b.dim(1);
  if (inner_a != inner_b) {
    return context.error("matrix shapes do not fit: " + shape_string(a.shape()) +
                         (transpose_a ? " (transposed)" : "") + " × " + shape_string(b.shape()) +
                         (transpose_b ? " (transposed)" : "") + ", inner sizes " + std::to_string(inner_a) +
                         " and " + std::to_string(inner_b));
  }
  FusedOperations fused_operations;
  if (fused) {
    if (a.dtype() != tensorflow::DT_FLOAT && a.dtype() != tensorflow::DT_DOUBLE) {
      return Status::unsupported(
          context.error("_FusedMatMul supports float and double, not '" + dtype_name(a.dtype()) + "'").message());
    }
    MQ_ASSIGN_OR_RETURN(fused_operations, FusedOperations::read(context, 2, columns));
    MQ_RETURN_IF_ERROR(fused_operations.check_output(context, {rows, columns}));
  }
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(a.dtype(), {rows, columns}));
  if (widened_to_float_copies(a.dtype()))
    MQ_RETURN_IF_ERROR(context.reserve_temporary(
        2 * (a.byte_size() + b.byte_size() + output.byte_size()), "float copies of half-precision operands"));
  const Tensor left = widened_to_float(a);
  const Tensor right = widened_to_float(b);
  Tensor computed = left.dtype() == a.dtype() ? output : Tensor(left.dtype(), {rows, columns});
  bool supported = dispatch_matmul(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if (rows * columns == 0) return;
    if (inner_a == 0) {
      std::fill(computed.data<T>(), computed.data<T>() + rows * columns, T(0));
      return;
    }
    multiply<T>(left.data<T>(), a.dim(0), a.dim(1), transpose_a, right.data<T>(), b.dim(0), b.dim(1), transpose_b,
                computed.data<T>());
    if constexpr (std::is_floating_point_v<T>) {
      if (fused) fused_operations.apply<T>(computed.data<T>(), rows);
    }
  });
  if (!supported) return unsupported_matmul_dtype(context, a.dtype());
  if (left.dtype() != a.dtype()) narrow_from_float(computed, output);
  context.outputs.assign(1, output);
  return Status::ok();
}

Status matmul(KernelContext& context) { return run_matmul(context, false); }
Status fused_matmul(KernelContext& context) { return run_matmul(context, true); }

// BatchMatMul*: x [..., r, c] × y [..., r', c'] with the batch dimensions
// broadcast; adj_x / adj_y transpose the last two dimensions (the inputs
// are real, so the adjoint is the transpose).
Status batch_matmul(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(2));
  const Tensor& x = context.inputs[0];
  const Tensor& y = context.inputs[1];
  if (x.dtype() != y.dtype()) {
    return context.error("inputs have dtypes " + dtype_name(x.dtype()) + " and " + dtype_name(y.dtype()));
  }
  if (context.node.op() == "BatchMatMulV3") {
    const DataType output_type = context.attr_type_or("Tout", x.dtype());
    if (output_type != x.dtype()) {
      return Status::unsupported(context
                                     .error("BatchMatMulV3 with Tout " + dtype_name(output_type) +
                                            " different from the input dtype " + dtype_name(x.dtype()) +
                                            " is not supported")
                                     .message());
    }
  }
  if (x.rank() < 2 || y.rank() < 2) {
    return context.error("inputs must have rank 2 or more, got shapes " + shape_string(x.shape()) + " and " +
                         shape_string(y.shape()));
  }
  const bool adjoint_x = context.attr_bool_or("adj_x", false);
  const bool adjoint_y = context.attr_bool_or("adj_y", false);
  const int64_t x_rows = x.dim(x.rank() - 2), x_columns = x.dim(x.rank() - 1);
  const int64_t y_rows = y.dim(y.rank() - 2), y_columns = y.dim(y.rank() - 1);
  const int64_t rows = adjoint_x ? x_columns : x_rows;
  const int64_t inner_x = adjoint_x ? x_rows : x_columns;
  const int64_t inner_y = adjoint_y ? y_columns : y_rows;
  const int64_t columns = adjoint_y ? y_rows : y_columns;
  if (inner_x != inner_y) {
    return context.error("matrix shapes do not fit: " + shape_string(x.shape()) + (adjoint_x ? " (adjoint)" : "") +
                         " × " + shape_string(y.shape()) + (adjoint_y ? " (adjoint)" : "") + ", inner sizes " +
                         std::to_string(inner_x) + " and " + std::to_string(inner_y));
  }

  // Broadcast the batch dimensions, aligned at the right.
  const int x_batch_rank = x.rank() - 2, y_batch_rank = y.rank() - 2;
  const int batch_rank = std::max(x_batch_rank, y_batch_rank);
  Shape batch_shape(static_cast<size_t>(batch_rank));
  std::vector<int64_t> x_stride(static_cast<size_t>(batch_rank), 0), y_stride(static_cast<size_t>(batch_rank), 0);
  int64_t x_step = x_rows * x_columns, y_step = y_rows * y_columns;
  for (int i = batch_rank - 1; i >= 0; --i) {
    const int xi = i - (batch_rank - x_batch_rank), yi = i - (batch_rank - y_batch_rank);
    const int64_t x_size = xi >= 0 ? x.dim(xi) : 1;
    const int64_t y_size = yi >= 0 ? y.dim(yi) : 1;
    if (x_size != y_size && x_size != 1 && y_size != 1) {
      return context.error("batch dimensions of " + shape_string(x.shape()) + " and " + shape_string(y.shape()) +
                           " cannot be broadcast");
    }
    batch_shape[static_cast<size_t>(i)] = std::max(x_size, y_size);
    if (x_size == 0 || y_size == 0) batch_shape[static_cast<size_t>(i)] = 0;
    x_stride[static_cast<size_t>(i)] = x_size == 1 ? 0 : x_step;
    y_stride[static_cast<size_t>(i)] = y_size == 1 ? 0 : y_step;
    x_step *= x_size;
    y_step *= y_size;
  }
  Shape output_shape = batch_shape;
  output_shape.push_back(rows);
  output_shape.push_back(columns);
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(x.dtype(), output_shape));
  if (widened_to_float_copies(x.dtype()))
    MQ_RETURN_IF_ERROR(context.reserve_temporary(
        2 * (x.byte_size() + y.byte_size() + output.byte_size()), "float copies of half-precision operands"));
  const Tensor left = widened_to_float(x);
  const Tensor right = widened_to_float(y);
  Tensor computed = left.dtype() == x.dtype() ? output : Tensor(left.dtype(), output_shape);
  const int64_t batches = num_elements(batch_shape);
  bool supported = dispatch_matmul(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if (rows * columns == 0) return;
    std::vector<int64_t> index(static_cast<size_t>(batch_rank), 0);
    for (int64_t batch = 0; batch < batches; ++batch) {
      int64_t x_offset = 0, y_offset = 0;
      for (int i = 0; i < batch_rank; ++i) {
        x_offset += index[static_cast<size_t>(i)] * x_stride[static_cast<size_t>(i)];
        y_offset += index[static_cast<size_t>(i)] * y_stride[static_cast<size_t>(i)];
      }
      T* result = computed.data<T>() + batch * rows * columns;
      if (inner_x == 0) {
        std::fill(result, result + rows * columns, T(0));
      } else {
        multiply<T>(left.data<T>() + x_offset, x_rows, x_columns, adjoint_x, right.data<T>() + y_offset, y_rows,
                    y_columns, adjoint_y, result);
      }
      for (int i = batch_rank - 1; i >= 0; --i) {
        if (++index[static_cast<size_t>(i)] < batch_shape[static_cast<size_t>(i)]) break;
        index[static_cast<size_t>(i)] = 0;
      }
    }
  });
  if (!supported) return unsupported_matmul_dtype(context, x.dtype());
  if (left.dtype() != x.dtype()) narrow_from_float(computed, output);
  context.outputs.assign(1, output);
  return Status::ok();
}

}  // namespace

void register_nn_matmul_kernels(KernelTable& table) {
  table.add("MatMul", matmul);
  table.add("_FusedMatMul", fused_matmul);
  table.add("BatchMatMul", batch_matmul);
  table.add("BatchMatMulV2", batch_matmul);
  table.add("BatchMatMulV3", batch_matmul);
}

}  // namespace mq
