// Image and spatial-rearrangement kernels: ResizeBilinear and
// ResizeNearestNeighbor (align_corners, half_pixel_centers),
// SpaceToBatchND / BatchToSpaceND (and the 4-D SpaceToBatch / BatchToSpace
// with a block_size attribute), DepthToSpace and SpaceToDepth.
// The rearrangements move bytes, so they take any fixed-size dtype.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/eval/kernel.h"
#include "core/eval/kernels/spatial_geometry.h"

namespace mq {

namespace {

// ---- Resizing --------------------------------------------------------------

struct ResizeGeometry {
  int64_t batch = 0, input_height = 0, input_width = 0, channels = 0;
  int64_t output_height = 0, output_width = 0;
  float height_scale = 0, width_scale = 0;
  bool align_corners = false, half_pixel_centers = false;
};

// The input-to-output ratio: (in − 1) / (out − 1) with align_corners (and
// more than one output cell), in / out otherwise; computed in float.
float resize_scale(int64_t input_size, int64_t output_size, bool align_corners) {
  if (align_corners && output_size > 1) {
    return static_cast<float>(input_size - 1) / static_cast<float>(output_size - 1);
  }
  return static_cast<float>(input_size) / static_cast<float>(output_size);
}

StatusOr<ResizeGeometry> read_resize(const KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(2));
  const Tensor& images = context.inputs[0];
  if (images.rank() != 4) return context.error("images must be 4-D [batch, height, width, channels], got " +
                                               shape_string(images.shape()));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> size, context.inputs[1].as_int64_vector());
  if (size.size() != 2 || size[0] <= 0 || size[1] <= 0) {
    return context.error("size must hold 2 positive values (height, width), got " + list_string(size));
  }
  ResizeGeometry g;
  g.batch = images.dim(0);
  g.input_height = images.dim(1);
  g.input_width = images.dim(2);
  g.channels = images.dim(3);
  g.output_height = size[0];
  g.output_width = size[1];
  g.align_corners = context.attr_bool_or("align_corners", false);
  g.half_pixel_centers = context.attr_bool_or("half_pixel_centers", false);
  if (g.align_corners && g.half_pixel_centers) {
    return context.error("half_pixel_centers needs align_corners to be false");
  }
  if (g.input_height <= 0 || g.input_width <= 0) {
    return context.error("images " + shape_string(images.shape()) + " have no pixels to resize from");
  }
  g.height_scale = resize_scale(g.input_height, g.output_height, g.align_corners);
  g.width_scale = resize_scale(g.input_width, g.output_width, g.align_corners);
  return g;
}

// Bilinear source cells of one output coordinate: the two neighbours and the
// weight of the second.
struct Interpolation {
  int64_t lower = 0, upper = 0;
  float weight = 0;
};

std::vector<Interpolation> interpolation_weights(int64_t output_size, int64_t input_size, float scale,
                                                 bool half_pixel_centers) {
  std::vector<Interpolation> weights(static_cast<size_t>(output_size));
  for (int64_t i = 0; i < output_size; ++i) {
    const float source = half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale - 0.5f
                                            : static_cast<float>(i) * scale;
    const float source_floor = std::floor(source);
    Interpolation& w = weights[static_cast<size_t>(i)];
    w.lower = std::max<int64_t>(static_cast<int64_t>(source_floor), 0);
    w.upper = std::min<int64_t>(static_cast<int64_t>(std::ceil(source)), input_size - 1);
    w.weight = source - source_floor;
  }
  return weights;
}

template <typename T>
void resize_bilinear_values(const ResizeGeometry& g, const T* input, float* output) {
  const std::vector<Interpolation> rows =
      interpolation_weights(g.output_height, g.input_height, g.height_scale, g.half_pixel_centers);
  const std::vector<Interpolation> columns =
      interpolation_weights(g.output_width, g.input_width, g.width_scale, g.half_pixel_centers);
  const int64_t channels = g.channels;
  for (int64_t n = 0; n < g.batch; ++n) {
    const T* image = input + n * g.input_height * g.input_width * channels;
    for (int64_t y = 0; y < g.output_height; ++y) {
      const Interpolation& row = rows[static_cast<size_t>(y)];
      const T* top_row = image + row.lower * g.input_width * channels;
      const T* bottom_row = image + row.upper * g.input_width * channels;
      for (int64_t x = 0; x < g.output_width; ++x) {
        const Interpolation& column = columns[static_cast<size_t>(x)];
        float* out = output + ((n * g.output_height + y) * g.output_width + x) * channels;
        for (int64_t c = 0; c < channels; ++c) {
          const float top_left = static_cast<float>(top_row[column.lower * channels + c]);
          const float top_right = static_cast<float>(top_row[column.upper * channels + c]);
          const float bottom_left = static_cast<float>(bottom_row[column.lower * channels + c]);
          const float bottom_right = static_cast<float>(bottom_row[column.upper * channels + c]);
          const float top = top_left + (top_right - top_left) * column.weight;
          const float bottom = bottom_left + (bottom_right - bottom_left) * column.weight;
          out[c] = top + (bottom - top) * row.weight;
        }
      }
    }
  }
}

// ResizeBilinear(images, size) → float images.
Status resize_bilinear(KernelContext& context) {
  MQ_ASSIGN_OR_RETURN(ResizeGeometry g, read_resize(context));
  const Tensor& images = context.inputs[0];
  MQ_ASSIGN_OR_RETURN(Tensor output,
                      context.allocate(tensorflow::DT_FLOAT, {g.batch, g.output_height, g.output_width, g.channels}));
  bool supported = dispatch_numeric(images.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) resize_bilinear_values<T>(g, images.data<T>(), output.data<float>());
  });
  if (!supported || images.dtype() == tensorflow::DT_BOOL) {
    return Status::unsupported(
        context.error("ResizeBilinear does not support dtype '" + dtype_name(images.dtype()) + "'").message());
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

// The source cell of output coordinate i: floor (round with align_corners)
// of i × scale, or of (i + 0.5) × scale with half_pixel_centers, clamped.
std::vector<int64_t> nearest_sources(int64_t output_size, int64_t input_size, float scale, bool align_corners,
                                     bool half_pixel_centers) {
  std::vector<int64_t> sources(static_cast<size_t>(output_size));
  for (int64_t i = 0; i < output_size; ++i) {
    const float source = half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale : static_cast<float>(i) * scale;
    int64_t index = static_cast<int64_t>(align_corners ? std::round(source) : std::floor(source));
    index = std::min(index, input_size - 1);
    if (half_pixel_centers) index = std::max<int64_t>(index, 0);
    sources[static_cast<size_t>(i)] = index;
  }
  return sources;
}

// ResizeNearestNeighbor(images, size) → images of the same dtype.
Status resize_nearest_neighbor(KernelContext& context) {
  MQ_ASSIGN_OR_RETURN(ResizeGeometry g, read_resize(context));
  const Tensor& images = context.inputs[0];
  const size_t element = dtype_size(images.dtype());
  if (element == 0) {
    return Status::unsupported(
        context.error("ResizeNearestNeighbor does not support dtype '" + dtype_name(images.dtype()) + "'").message());
  }
  MQ_ASSIGN_OR_RETURN(Tensor output,
                      context.allocate(images.dtype(), {g.batch, g.output_height, g.output_width, g.channels}));
  const std::vector<int64_t> rows =
      nearest_sources(g.output_height, g.input_height, g.height_scale, g.align_corners, g.half_pixel_centers);
  const std::vector<int64_t> columns =
      nearest_sources(g.output_width, g.input_width, g.width_scale, g.align_corners, g.half_pixel_centers);
  const size_t pixel_bytes = element * static_cast<size_t>(g.channels);
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t y = 0; y < g.output_height; ++y) {
      for (int64_t x = 0; x < g.output_width; ++x) {
        const int64_t source =
            (n * g.input_height + rows[static_cast<size_t>(y)]) * g.input_width + columns[static_cast<size_t>(x)];
        const int64_t target = (n * g.output_height + y) * g.output_width + x;
        std::memcpy(output.raw() + static_cast<size_t>(target) * pixel_bytes,
                    images.raw() + static_cast<size_t>(source) * pixel_bytes, pixel_bytes);
      }
    }
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

// ---- SpaceToBatchND / BatchToSpaceND --------------------------------------

// The shared walk: `batched` is [batch × Πblock, blocked spatial..., rest],
// `spatial` is [batch, spatial..., rest]. Visits every cell of the batched
// tensor and pairs it with its spatial cell (−1 when it falls in the padding
// or the cropped part).
struct BlockLayout {
  int64_t batch = 0;                 // batch of the spatial side
  std::vector<int64_t> block;        // block_shape
  std::vector<int64_t> before;       // paddings / crops at the start
  std::vector<int64_t> spatial;      // spatial sizes on the spatial side
  std::vector<int64_t> blocked;      // spatial sizes on the batched side
  int64_t rest_elements = 1;         // product of the remaining dimensions
};

template <typename Visit>
void walk_blocks(const BlockLayout& layout, Visit&& visit) {
  const size_t dims = layout.block.size();
  int64_t block_count = 1;
  for (int64_t b : layout.block) block_count *= b;
  int64_t blocked_cells = 1;
  for (int64_t s : layout.blocked) blocked_cells *= s;
  std::vector<int64_t> offset(dims), position(dims);
  for (int64_t batched_index = 0; batched_index < layout.batch * block_count; ++batched_index) {
    const int64_t batch = batched_index % layout.batch;
    int64_t remaining = batched_index / layout.batch;
    for (size_t i = dims; i-- > 0;) {
      offset[i] = remaining % layout.block[i];
      remaining /= layout.block[i];
    }
    std::fill(position.begin(), position.end(), 0);
    for (int64_t cell = 0; cell < blocked_cells; ++cell) {
      int64_t spatial_index = batch;
      for (size_t i = 0; i < dims && spatial_index >= 0; ++i) {
        const int64_t coordinate = position[i] * layout.block[i] + offset[i] - layout.before[i];
        if (coordinate < 0 || coordinate >= layout.spatial[i]) spatial_index = -1;
        else spatial_index = spatial_index * layout.spatial[i] + coordinate;
      }
      visit(batched_index * blocked_cells + cell, spatial_index);
      for (size_t i = dims; i-- > 0;) {
        if (++position[i] < layout.blocked[i]) break;
        position[i] = 0;
      }
    }
  }
}

StatusOr<std::vector<int64_t>> read_pairs(const KernelContext& context, const Tensor& tensor, size_t dims,
                                          const char* name) {
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> values, tensor.as_int64_vector());
  if (values.size() != 2 * dims || (tensor.rank() != 2 && !(tensor.rank() == 1 && dims == 0))) {
    return context.error(std::string(name) + " must have shape [" + std::to_string(dims) + ", 2], got " +
                         shape_string(tensor.shape()));
  }
  for (int64_t value : values) {
    if (value < 0) return context.error(std::string(name) + " " + list_string(values) + " must not be negative");
  }
  return values;
}

Status space_to_batch_with(KernelContext& context, const Tensor& input, const std::vector<int64_t>& block,
                           const Tensor& paddings_tensor) {
  const size_t dims = block.size();
  if (input.rank() < static_cast<int>(dims) + 1) {
    return context.error("input " + shape_string(input.shape()) + " needs 1 + " + std::to_string(dims) +
                         " dimensions for block_shape " + list_string(block));
  }
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> paddings, read_pairs(context, paddings_tensor, dims, "paddings"));
  const size_t element = dtype_size(input.dtype());
  if (element == 0) return context.error("dtype '" + dtype_name(input.dtype()) + "' is not supported");
  BlockLayout layout;
  layout.batch = input.dim(0);
  layout.block = block;
  Shape output_shape{input.dim(0)};
  for (size_t i = 0; i < dims; ++i) {
    if (block[i] < 1) return context.error("block_shape " + list_string(block) + " must be positive");
    const int64_t padded = input.dim(static_cast<int>(i) + 1) + paddings[2 * i] + paddings[2 * i + 1];
    if (padded % block[i] != 0) {
      return context.error("padded spatial dimension " + std::to_string(i) + " (" + std::to_string(padded) +
                           ") is not a multiple of block_shape " + list_string(block));
    }
    layout.before.push_back(paddings[2 * i]);
    layout.spatial.push_back(input.dim(static_cast<int>(i) + 1));
    layout.blocked.push_back(padded / block[i]);
    output_shape[0] *= block[i];
    output_shape.push_back(padded / block[i]);
  }
  for (int i = static_cast<int>(dims) + 1; i < input.rank(); ++i) {
    output_shape.push_back(input.dim(i));
    layout.rest_elements *= input.dim(i);
  }
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(input.dtype(), output_shape));
  const size_t chunk = element * static_cast<size_t>(layout.rest_elements);
  if (num_elements(output_shape) > 0) {
    walk_blocks(layout, [&](int64_t batched_cell, int64_t spatial_cell) {
      if (spatial_cell >= 0) {
        std::memcpy(output.raw() + static_cast<size_t>(batched_cell) * chunk,
                    input.raw() + static_cast<size_t>(spatial_cell) * chunk, chunk);
      }
    });
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

Status batch_to_space_with(KernelContext& context, const Tensor& input, const std::vector<int64_t>& block,
                           const Tensor& crops_tensor) {
  const size_t dims = block.size();
  if (input.rank() < static_cast<int>(dims) + 1) {
    return context.error("input " + shape_string(input.shape()) + " needs 1 + " + std::to_string(dims) +
                         " dimensions for block_shape " + list_string(block));
  }
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> crops, read_pairs(context, crops_tensor, dims, "crops"));
  const size_t element = dtype_size(input.dtype());
  if (element == 0) return context.error("dtype '" + dtype_name(input.dtype()) + "' is not supported");
  int64_t block_count = 1;
  for (int64_t b : block) {
    if (b < 1) return context.error("block_shape " + list_string(block) + " must be positive");
    block_count *= b;
  }
  if (input.dim(0) % block_count != 0) {
    return context.error("input batch " + std::to_string(input.dim(0)) + " is not a multiple of the block size " +
                         std::to_string(block_count));
  }
  BlockLayout layout;
  layout.batch = input.dim(0) / block_count;
  layout.block = block;
  Shape output_shape{layout.batch};
  for (size_t i = 0; i < dims; ++i) {
    const int64_t blocked = input.dim(static_cast<int>(i) + 1);
    const int64_t size = blocked * block[i] - crops[2 * i] - crops[2 * i + 1];
    if (size < 0) {
      return context.error("crops " + list_string(crops) + " are larger than spatial dimension " + std::to_string(i));
    }
    layout.before.push_back(crops[2 * i]);
    layout.spatial.push_back(size);
    layout.blocked.push_back(blocked);
    output_shape.push_back(size);
  }
  for (int i = static_cast<int>(dims) + 1; i < input.rank(); ++i) {
    output_shape.push_back(input.dim(i));
    layout.rest_elements *= input.dim(i);
  }
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(input.dtype(), output_shape));
  const size_t chunk = element * static_cast<size_t>(layout.rest_elements);
  if (input.num_elements() > 0) {
    walk_blocks(layout, [&](int64_t batched_cell, int64_t spatial_cell) {
      if (spatial_cell >= 0) {
        std::memcpy(output.raw() + static_cast<size_t>(spatial_cell) * chunk,
                    input.raw() + static_cast<size_t>(batched_cell) * chunk, chunk);
      }
    });
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

Status space_to_batch_nd(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(3));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> block, context.inputs[1].as_int64_vector());
  return space_to_batch_with(context, context.inputs[0], block, context.inputs[2]);
}

Status batch_to_space_nd(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(3));
  MQ_ASSIGN_OR_RETURN(std::vector<int64_t> block, context.inputs[1].as_int64_vector());
  return batch_to_space_with(context, context.inputs[0], block, context.inputs[2]);
}

// SpaceToBatch(input, paddings) / BatchToSpace(input, crops): 4-D, square
// block_size attribute.
Status space_to_batch(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(2));
  MQ_ASSIGN_OR_RETURN(int64_t block_size, context.attr_int("block_size"));
  if (context.inputs[0].rank() != 4) return context.error("input must be 4-D");
  return space_to_batch_with(context, context.inputs[0], {block_size, block_size}, context.inputs[1]);
}

Status batch_to_space(KernelContext& context) {
  MQ_RETURN_IF_ERROR(context.check_input_count(2));
  MQ_ASSIGN_OR_RETURN(int64_t block_size, context.attr_int("block_size"));
  if (context.inputs[0].rank() != 4) return context.error("input must be 4-D");
  return batch_to_space_with(context, context.inputs[0], {block_size, block_size}, context.inputs[1]);
}

// ---- DepthToSpace / SpaceToDepth ------------------------------------------

// In NHWC, depth channel (i × block + j) × out_depth + c of cell (h, w) is
// cell (h × block + i, w × block + j), channel c of the spatial side; the
// `block × out_depth` values for consecutive j are contiguous on both sides.
Status run_depth_space(KernelContext& context, bool to_space) {
  MQ_RETURN_IF_ERROR(context.check_input_count(1));
  const Tensor& original = context.inputs[0];
  MQ_ASSIGN_OR_RETURN(int64_t block, context.attr_int("block_size"));
  if (block < 2) return context.error("block_size must be at least 2, got " + std::to_string(block));
  const std::string format = context.attr_string_or("data_format", "NHWC");
  if (format != "NHWC" && format != "NCHW") {
    return context.error("data_format '" + format + "' is not supported (use NHWC or NCHW)");
  }
  const bool channels_first = format == "NCHW";
  if (original.rank() != 4) return context.error("input must be 4-D, got " + shape_string(original.shape()));
  const size_t element = dtype_size(original.dtype());
  if (element == 0) return context.error("dtype '" + dtype_name(original.dtype()) + "' is not supported");
  if (channels_first)
    MQ_RETURN_IF_ERROR(context.reserve_temporary(original.byte_size(), "a channels-last copy of the input"));
  const Tensor input = channels_first ? channels_first_to_last(original) : original;
  const int64_t batch = input.dim(0), height = input.dim(1), width = input.dim(2), depth = input.dim(3);

  // Sizes of the spatial side (fine grid) and the depth side (coarse grid).
  int64_t fine_height, fine_width, fine_depth, coarse_height, coarse_width, coarse_depth;
  if (to_space) {
    if (depth % (block * block) != 0) {
      return context.error("input depth " + std::to_string(depth) + " is not a multiple of block_size² (" +
                           std::to_string(block * block) + ")");
    }
    coarse_height = height, coarse_width = width, coarse_depth = depth;
    fine_height = height * block, fine_width = width * block, fine_depth = depth / (block * block);
  } else {
    if (height % block != 0 || width % block != 0) {
      return context.error("input height " + std::to_string(height) + " and width " + std::to_string(width) +
                           " must be multiples of block_size " + std::to_string(block));
    }
    fine_height = height, fine_width = width, fine_depth = depth;
    coarse_height = height / block, coarse_width = width / block, coarse_depth = depth * block * block;
  }
  const Shape nhwc_output = to_space ? Shape{batch, fine_height, fine_width, fine_depth}
                                     : Shape{batch, coarse_height, coarse_width, coarse_depth};
  const Shape output_shape =
      channels_first ? Shape{nhwc_output[0], nhwc_output[3], nhwc_output[1], nhwc_output[2]} : nhwc_output;
  MQ_ASSIGN_OR_RETURN(Tensor output, context.allocate(original.dtype(), output_shape));
  if (channels_first)
    MQ_RETURN_IF_ERROR(context.reserve_temporary(2 * output.byte_size(), "channels-last copies of the output"));
  Tensor result = channels_first ? Tensor(original.dtype(), nhwc_output) : output;

  const size_t run = element * static_cast<size_t>(block * fine_depth);
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t h = 0; h < coarse_height; ++h) {
      for (int64_t w = 0; w < coarse_width; ++w) {
        for (int64_t i = 0; i < block; ++i) {
          const int64_t coarse = ((n * coarse_height + h) * coarse_width + w) * coarse_depth + i * block * fine_depth;
          const int64_t fine = ((n * fine_height + h * block + i) * fine_width + w * block) * fine_depth;
          const int64_t from = to_space ? coarse : fine;
          const int64_t to = to_space ? fine : coarse;
          std::memcpy(result.raw() + static_cast<size_t>(to) * element,
                      input.raw() + static_cast<size_t>(from) * element, run);
        }
      }
    }
  }
  if (channels_first) {
    Tensor swapped = channels_last_to_first(result);
    std::memcpy(output.raw(), swapped.raw(), output.byte_size());
  }
  context.outputs.assign(1, output);
  return Status::ok();
}

Status depth_to_space(KernelContext& context) { return run_depth_space(context, true); }
Status space_to_depth(KernelContext& context) { return run_depth_space(context, false); }

}  // namespace

void register_image_kernels(KernelTable& table) {
  table.add("ResizeBilinear", resize_bilinear);
  table.add("ResizeNearestNeighbor", resize_nearest_neighbor);
  table.add("SpaceToBatchND", space_to_batch_nd);
  table.add("BatchToSpaceND", batch_to_space_nd);
  table.add("SpaceToBatch", space_to_batch);
  table.add("BatchToSpace", batch_to_space);
  table.add("DepthToSpace", depth_to_space);
  table.add("SpaceToDepth", space_to_depth);
}

}  // namespace mq
