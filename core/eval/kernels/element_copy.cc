#include "core/eval/kernels/element_copy.h"

#include <cstring>

namespace mq {

void copy_elements(const Tensor& src, int64_t src_index, Tensor& dst, int64_t dst_index, int64_t count) {
  if (count <= 0) return;
  if (src.dtype() == tensorflow::DT_STRING) {
    const std::string* from = src.strings().data() + src_index;
    std::copy(from, from + count, dst.strings().begin() + dst_index);
    return;
  }
  size_t size = dtype_size(src.dtype());
  std::memcpy(dst.raw() + dst_index * size, src.raw() + src_index * size, static_cast<size_t>(count) * size);
}

std::vector<int64_t> dense_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) {
    // Past int64 only in a tensor with no elements ([0, 2^40, 2^40]), whose
    // strides are never used to reach one: 0 then.
    if (__builtin_mul_overflow(strides[i], shape[i], &strides[i - 1])) strides[i - 1] = 0;
  }
  return strides;
}

namespace {

// The innermost loop for elements of one fixed size (or strings).
template <typename Element>
void copy_run(const Element* src, int64_t src_stride, Element* dst, int64_t dst_stride, int64_t count) {
  for (int64_t i = 0; i < count; ++i) dst[i * dst_stride] = src[i * src_stride];
}

struct Bytes16 {
  char bytes[16];
};

void copy_run_of_dtype(const Tensor& src, int64_t src_index, int64_t src_stride, Tensor& dst, int64_t dst_index,
                       int64_t dst_stride, int64_t count) {
  if (src_stride == 1 && dst_stride == 1) {
    copy_elements(src, src_index, dst, dst_index, count);
    return;
  }
  if (src.dtype() == tensorflow::DT_STRING) {
    copy_run(src.strings().data() + src_index, src_stride, dst.strings().data() + dst_index, dst_stride, count);
    return;
  }
  switch (dtype_size(src.dtype())) {
    case 1:
      copy_run(src.data<uint8_t>() + src_index, src_stride, dst.data<uint8_t>() + dst_index, dst_stride, count);
      break;
    case 2:
      copy_run(src.data<uint16_t>() + src_index, src_stride, dst.data<uint16_t>() + dst_index, dst_stride, count);
      break;
    case 4:
      copy_run(src.data<uint32_t>() + src_index, src_stride, dst.data<uint32_t>() + dst_index, dst_stride, count);
      break;
    case 8:
      copy_run(src.data<uint64_t>() + src_index, src_stride, dst.data<uint64_t>() + dst_index, dst_stride, count);
      break;
    case 16:
      copy_run(src.data<Bytes16>() + src_index, src_stride, dst.data<Bytes16>() + dst_index, dst_stride, count);
      break;
    default:
      break;
  }
}

}  // namespace

void copy_strided(const Tensor& src, int64_t src_offset, std::vector<int64_t> src_strides, Tensor& dst,
                  int64_t dst_offset, std::vector<int64_t> dst_strides, Shape shape) {
  for (int64_t dim : shape)
    if (dim == 0) return;
  // Drop size-1 dimensions and merge a dimension into its inner neighbour
  // when both operands step through them contiguously.
  Shape sizes;
  std::vector<int64_t> s_strides, d_strides;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;
    sizes.push_back(shape[i]);
    s_strides.push_back(src_strides[i]);
    d_strides.push_back(dst_strides[i]);
  }
  for (size_t i = sizes.size(); i-- > 1;) {
    size_t outer = i - 1;
    if (s_strides[outer] == s_strides[i] * sizes[i] && d_strides[outer] == d_strides[i] * sizes[i]) {
      sizes[i] *= sizes[outer];
      sizes.erase(sizes.begin() + static_cast<long>(outer));
      s_strides.erase(s_strides.begin() + static_cast<long>(outer));
      d_strides.erase(d_strides.begin() + static_cast<long>(outer));
    }
  }
  if (sizes.empty()) {
    copy_run_of_dtype(src, src_offset, 1, dst, dst_offset, 1, 1);
    return;
  }
  size_t rank = sizes.size();
  int64_t inner = sizes[rank - 1];
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < rank; ++i) rows *= sizes[i];
  std::vector<int64_t> index(rank - 1, 0);
  int64_t s = src_offset, d = dst_offset;
  for (int64_t row = 0; row < rows; ++row) {
    copy_run_of_dtype(src, s, s_strides[rank - 1], dst, d, d_strides[rank - 1], inner);
    for (size_t k = rank - 1; k-- > 0;) {
      s += s_strides[k];
      d += d_strides[k];
      if (++index[k] < sizes[k]) break;
      s -= s_strides[k] * sizes[k];
      d -= d_strides[k] * sizes[k];
      index[k] = 0;
    }
  }
}

}  // namespace mq
