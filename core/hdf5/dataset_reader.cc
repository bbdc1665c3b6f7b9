#include "core/hdf5/dataset_reader.h"

#include <algorithm>
#include <cstring>

#include "core/hdf5/byte_cursor.h"

#include "core/hdf5/chunk_index.h"
#include "core/hdf5/inflate.h"

namespace mq::hdf5 {
namespace {

constexpr uint16_t kDeflateFilter = 1;
constexpr uint16_t kShuffleFilter = 2;
constexpr uint16_t kFletcher32Filter = 3;

std::string dims_string(const std::vector<uint64_t>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? "," : "") + std::to_string(dims[i]);
  return out + "]";
}

// Copies the part of a chunk that lies inside the dataset into `out`
// (row-major over `dims`). Offsets are below `dims` in every dimension.
void scatter_chunk(const char* chunk, const std::vector<uint64_t>& chunk_dims, const std::vector<uint64_t>& offset,
                   const std::vector<uint64_t>& dims, size_t element_size, char* out) {
  size_t rank = dims.size();
  std::vector<uint64_t> extent(rank), chunk_stride(rank), out_stride(rank);
  for (size_t d = 0; d < rank; ++d) extent[d] = std::min(chunk_dims[d], dims[d] - offset[d]);
  uint64_t chunk_step = 1, out_step = 1;
  for (size_t d = rank; d-- > 0;) {
    chunk_stride[d] = chunk_step;
    out_stride[d] = out_step;
    chunk_step *= chunk_dims[d];
    out_step *= dims[d];
  }
  size_t row_bytes = static_cast<size_t>(extent[rank - 1]) * element_size;
  std::vector<uint64_t> index(rank, 0);  // position inside the chunk, last dimension fixed at 0
  for (;;) {
    uint64_t source = 0, target = 0;
    for (size_t d = 0; d < rank; ++d) {
      source += index[d] * chunk_stride[d];
      target += (offset[d] + index[d]) * out_stride[d];
    }
    std::memcpy(out + target * element_size, chunk + source * element_size, row_bytes);
    // Advance the odometer over every dimension but the last.
    size_t d = rank - 1;
    while (d-- > 0) {
      if (++index[d] < extent[d]) break;
      index[d] = 0;
    }
    if (d == static_cast<size_t>(-1)) return;
  }
}

// Undoes the filter pipeline of one stored chunk: filters run in reverse
// order, skipping those the chunk's mask says were not applied.
StatusOr<std::string> unfilter_chunk(const DatasetStorage& storage, std::string_view stored, uint32_t filter_mask,
                                     uint64_t chunk_bytes, const std::string& chunk_what) {
  std::string data;
  std::string_view current = stored;  // the bytes the next filter undoes (no copy until one runs)
  for (size_t i = storage.filters.size(); i-- > 0;) {
    const FilterInfo& filter = storage.filters[i];
    if (i < 32 && (filter_mask >> i) & 1) continue;
    if (filter.id == kDeflateFilter) {
      auto inflated = inflate_zlib(current, static_cast<size_t>(chunk_bytes) + 64);
      if (!inflated.is_ok()) return inflated.status().with_context(chunk_what);
      data = std::move(inflated).value();
    } else if (filter.id == kShuffleFilter) {
      size_t element_size = filter.client_data.empty() ? storage.datatype.size : filter.client_data[0];
      data = unshuffle(current, element_size);
    } else if (filter.id == kFletcher32Filter) {
      if (current.size() < 4) return damaged_file(chunk_what + " is too short for its checksum");
      data = std::string(current.substr(0, current.size() - 4));  // the checksum is not verified
    } else {
      return Status::unsupported("dataset '" + storage.path + "' uses filter '" + filter_name(filter) +
                                 "', which is not supported");
    }
    current = data;
  }
  if (data.data() != current.data()) data = std::string(current);  // every filter was skipped
  if (data.size() < chunk_bytes)
    return damaged_file(chunk_what + " decodes to " + std::to_string(data.size()) + " bytes, expected " +
                        std::to_string(chunk_bytes));
  return data;
}

}  // namespace

std::string filter_name(const FilterInfo& filter) {
  switch (filter.id) {
    case 1: return "deflate";
    case 2: return "shuffle";
    case 3: return "fletcher32";
    case 4: return "szip";
    case 5: return "nbit";
    case 6: return "scaleoffset";
    case 307: return "bzip2";
    case 32000: return "lzf";
    case 32001: return "blosc";
    case 32004: return "lz4";
    case 32008: return "bitshuffle";
    case 32015: return "zstd";
    default:
      if (!filter.name.empty()) return filter.name + " (filter " + std::to_string(filter.id) + ")";
      return "filter " + std::to_string(filter.id);
  }
}

std::string unshuffle(std::string_view data, size_t element_size) {
  std::string out(data);
  size_t count = element_size <= 1 ? 0 : data.size() / element_size;
  // No whole element (the filter's element size comes from the file and may
  // be anything): nothing moves, and the loop below must not run over it.
  if (count == 0) return out;
  for (size_t byte = 0; byte < element_size; ++byte) {
    const char* source = data.data() + byte * count;
    for (size_t i = 0; i < count; ++i) out[i * element_size + byte] = source[i];
  }
  return out;  // trailing bytes beyond whole elements stay where they were
}

StatusOr<DatasetStorage> load_dataset_storage(const FileContext& file, const ObjectHeader& header,
                                              const std::string& path) {
  DatasetStorage storage;
  storage.path = path;
  std::string what = "dataset '" + path + "'";
  const HeaderMessage* datatype = header.find(kDatatypeMessage);
  const HeaderMessage* dataspace = header.find(kDataspaceMessage);
  const HeaderMessage* layout = header.find(kDataLayoutMessage);
  if (!datatype || !dataspace || !layout)
    return damaged_file(what + " lacks its datatype, dataspace or layout message");
  {
    MQ_ASSIGN_OR_RETURN(std::string_view data, message_data(file, *datatype));
    ByteCursor cursor = file.cursor_over(data);
    auto parsed = parse_datatype(cursor);
    if (!parsed.is_ok()) return parsed.status().with_context(what);
    storage.datatype = std::move(parsed).value();
  }
  {
    MQ_ASSIGN_OR_RETURN(std::string_view data, message_data(file, *dataspace));
    auto parsed = parse_dataspace(file, data);
    if (!parsed.is_ok()) return parsed.status().with_context(what);
    storage.dataspace = std::move(parsed).value();
  }
  {
    auto parsed = parse_data_layout(file, layout->data);
    if (!parsed.is_ok()) return parsed.status().with_context(what);
    storage.layout = std::move(parsed).value();
  }
  if (const HeaderMessage* pipeline = header.find(kFilterPipelineMessage)) {
    MQ_ASSIGN_OR_RETURN(std::string_view data, message_data(file, *pipeline));
    auto parsed = parse_filter_pipeline(file, data);
    if (!parsed.is_ok()) return parsed.status().with_context(what);
    storage.filters = std::move(parsed).value();
  }
  const HeaderMessage* fill = header.find(kFillValueMessage);
  bool old_fill = false;
  if (!fill) {
    fill = header.find(kOldFillValueMessage);
    old_fill = true;
  }
  if (fill) {
    MQ_ASSIGN_OR_RETURN(std::string_view data, message_data(file, *fill));
    auto parsed = parse_fill_value(file, data, old_fill);
    if (!parsed.is_ok()) return parsed.status().with_context(what);
    if (parsed->has_value() && (*parsed)->size() == storage.datatype.size) storage.fill_value = std::string(**parsed);
  }
  storage.external_storage = header.find(kExternalFilesMessage) != nullptr;
  return storage;
}

StatusOr<std::optional<std::string_view>> dataset_bytes_in_place(const FileContext& file,
                                                                  const DatasetStorage& storage) {
  std::string what = "dataset '" + storage.path + "'";
  if (storage.external_storage)
    return Status::unsupported(what + " keeps its data in external files, which is not supported");
  uint64_t element_size = storage.datatype.size;
  uint64_t count = storage.dataspace.element_count;
  if (element_size == 0) return damaged_file(what + " has elements of 0 bytes");
  if (count > file.options.max_read_bytes / element_size)
    return Status::resource_exhausted(what + " holds " + std::to_string(count) + " elements of " +
                                      std::to_string(element_size) + " bytes, more than the " +
                                      std::to_string(file.options.max_read_bytes) + "-byte reading limit");
  uint64_t total = count * element_size;
  const DataLayout& layout = storage.layout;
  if (total == 0) return std::optional<std::string_view>(std::string_view());
  if (layout.layout_class == LayoutClass::kCompact) {
    if (layout.compact_data.size() < total)
      return damaged_file(what + " stores " + std::to_string(layout.compact_data.size()) +
                          " bytes of compact data but needs " + std::to_string(total));
    return std::optional<std::string_view>(layout.compact_data.substr(0, static_cast<size_t>(total)));
  }
  if (layout.layout_class == LayoutClass::kContiguous && layout.address != kUndefinedAddress) {
    if (layout.contiguous_size_known && layout.contiguous_size < total)
      return damaged_file(what + " stores " + std::to_string(layout.contiguous_size) + " bytes but needs " +
                          std::to_string(total));
    MQ_ASSIGN_OR_RETURN(std::string_view data, file.span(layout.address, total, "the data of " + what));
    return std::optional<std::string_view>(data);
  }
  if (layout.layout_class == LayoutClass::kVirtual)
    return Status::unsupported(what + " is a virtual dataset, which is not supported");
  return std::optional<std::string_view>();
}

StatusOr<std::string> read_dataset_bytes(const FileContext& file, const DatasetStorage& storage) {
  MQ_ASSIGN_OR_RETURN(std::optional<std::string_view> in_place, dataset_bytes_in_place(file, storage));
  if (in_place) return std::string(*in_place);

  // Chunked, or contiguous but never written: start from the fill value.
  std::string what = "dataset '" + storage.path + "'";
  size_t element_size = storage.datatype.size;
  size_t total = static_cast<size_t>(storage.dataspace.element_count) * element_size;
  std::string out(total, '\0');
  if (storage.fill_value && storage.fill_value->find_first_not_of('\0') != std::string::npos)
    for (size_t i = 0; i < total; i += element_size) std::memcpy(&out[i], storage.fill_value->data(), element_size);
  const DataLayout& layout = storage.layout;
  if (layout.layout_class != LayoutClass::kChunked) return out;

  const std::vector<uint64_t>& dims = storage.dataspace.dims;
  size_t rank = dims.size();
  if (rank == 0 || layout.chunk_dims.size() != rank)
    return damaged_file(what + " has chunks of rank " + std::to_string(layout.chunk_dims.size()) +
                        " but its dataspace has rank " + std::to_string(rank));
  if (layout.chunk_element_size != element_size)
    return damaged_file(what + " has chunks of " + std::to_string(layout.chunk_element_size) +
                        "-byte elements but its datatype has " + std::to_string(element_size));
  uint64_t chunk_elements = 1;
  for (uint64_t d : layout.chunk_dims) {
    if (chunk_elements > (file.options.max_read_bytes / element_size) / d)
      return Status::resource_exhausted(what + " has chunks " + dims_string(layout.chunk_dims) +
                                        " larger than the reading limit");
    chunk_elements *= d;
  }
  uint64_t chunk_bytes = chunk_elements * element_size;

  // One flag per chunk position inside the dataset: a chunk listed twice is read once.
  std::vector<uint64_t> grid_stride(rank);
  uint64_t grid_count = 1;
  for (size_t d = rank; d-- > 0;) {
    grid_stride[d] = grid_count;
    grid_count *= dims[d] / layout.chunk_dims[d] + (dims[d] % layout.chunk_dims[d] != 0);  // <= element count
  }
  std::vector<bool> seen(static_cast<size_t>(grid_count), false);

  // Every chunk is decoded whole, even one that overhangs the dataset by
  // nearly all of its size; a file can list many such chunks, in many
  // datasets, so decoding has a budget of its own for the whole file.
  const uint64_t decode_budget = 4 * file.options.max_read_bytes;

  auto place_chunk = [&](const ChunkLocation& chunk) -> Status {
    if (chunk.offset.size() != rank) return damaged_file(what + " lists a chunk of the wrong rank");
    uint64_t position = 0;
    for (size_t d = 0; d < rank; ++d) {
      if (chunk.offset[d] % layout.chunk_dims[d] != 0)
        return damaged_file(what + " lists a chunk at " + dims_string(chunk.offset) + ", not on a chunk boundary");
      if (chunk.offset[d] >= dims[d]) return Status::ok();  // beyond the current extent
      position += chunk.offset[d] / layout.chunk_dims[d] * grid_stride[d];
    }
    if (seen[static_cast<size_t>(position)]) return Status::ok();
    seen[static_cast<size_t>(position)] = true;
    // Each filter of the pipeline runs over the whole chunk.
    file.decoded_chunk_bytes += std::max<uint64_t>(chunk_bytes, chunk.stored_size) *
                                std::max<uint64_t>(1, storage.filters.size());
    if (file.decoded_chunk_bytes > decode_budget)
      return Status::resource_exhausted(what + ": decoding the file's chunks would take more than " + std::to_string(decode_budget) +
                                        " bytes (4 times the reading limit)");
    std::string chunk_what = "chunk " + dims_string(chunk.offset) + " of " + what;
    if (storage.filters.empty()) {
      MQ_ASSIGN_OR_RETURN(std::string_view data, file.span(chunk.address, chunk_bytes, chunk_what));
      scatter_chunk(data.data(), layout.chunk_dims, chunk.offset, dims, static_cast<size_t>(element_size), &out[0]);
      return Status::ok();
    }
    MQ_ASSIGN_OR_RETURN(std::string_view stored, file.span(chunk.address, chunk.stored_size, chunk_what));
    MQ_ASSIGN_OR_RETURN(std::string data, unfilter_chunk(storage, stored, chunk.filter_mask, chunk_bytes, chunk_what));
    scatter_chunk(data.data(), layout.chunk_dims, chunk.offset, dims, static_cast<size_t>(element_size), &out[0]);
    return Status::ok();
  };
  MQ_RETURN_IF_ERROR(
      for_each_chunk(file, layout, storage.dataspace, chunk_bytes, !storage.filters.empty(), place_chunk));
  return out;
}

}  // namespace mq::hdf5
