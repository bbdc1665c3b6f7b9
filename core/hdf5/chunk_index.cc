#include "core/hdf5/chunk_index.h"

#include <set>

#include "core/hdf5/btrees.h"
#include "core/hdf5/byte_cursor.h"

namespace mq::hdf5 {
namespace {

bool is_power_of_two(uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

unsigned log2_floor(uint64_t value) {
  unsigned log2 = 0;
  while (value > 1) {
    value >>= 1;
    ++log2;
  }
  return log2;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

// Turns linear chunk numbers (row-major over a grid of chunks) into element
// offsets. Extensible arrays order their unlimited dimension first
// ("swizzled"); `first_dimension` names that dimension.
class ChunkGrid {
 public:
  static StatusOr<ChunkGrid> make(const DataLayout& layout, const Dataspace& space, int first_dimension) {
    ChunkGrid grid;
    size_t rank = layout.chunk_dims.size();
    grid.chunk_dims_ = layout.chunk_dims;
    grid.order_.clear();
    if (first_dimension >= 0) grid.order_.push_back(static_cast<size_t>(first_dimension));
    for (size_t d = 0; d < rank; ++d)
      if (static_cast<int>(d) != first_dimension) grid.order_.push_back(d);
    // Chunks per dimension: from the maximum extent when it is fixed, so that
    // chunk numbers stay valid as a dataset grows; the current extent otherwise.
    std::vector<uint64_t> counts(rank);
    for (size_t d = 0; d < rank; ++d) {
      uint64_t extent = space.max_dims[d] == kUndefinedAddress ? space.dims[d] : space.max_dims[d];
      if (extent < space.dims[d]) extent = space.dims[d];
      counts[d] = ceil_div(extent, layout.chunk_dims[d]);
    }
    grid.strides_.assign(rank, 1);
    uint64_t stride = 1;
    for (size_t i = rank; i-- > 0;) {
      size_t d = grid.order_[i];
      grid.strides_[d] = stride;
      if (i > 0) {
        if (counts[d] != 0 && stride > ~uint64_t{0} / counts[d])
          return damaged_file("a chunked dataset has more chunks than can be counted");
        stride *= counts[d];
      }
    }
    // Chunk numbers at or past this one start beyond the current extent of the
    // slowest dimension, so they hold nothing we read.
    size_t slowest = grid.order_.empty() ? 0 : grid.order_[0];
    uint64_t current = rank ? ceil_div(space.dims[slowest], layout.chunk_dims[slowest]) : 0;
    uint64_t slowest_stride = rank ? grid.strides_[slowest] : 0;
    grid.index_limit_ = current != 0 && slowest_stride > ~uint64_t{0} / current ? ~uint64_t{0} : current * slowest_stride;
    return grid;
  }

  // Element offset of chunk number `index` (in the grid's own order).
  std::vector<uint64_t> offset_of(uint64_t index) const {
    std::vector<uint64_t> offset(chunk_dims_.size());
    for (size_t d : order_) {
      uint64_t scaled = index / strides_[d];
      index %= strides_[d];
      offset[d] = scaled * chunk_dims_[d];
    }
    return offset;
  }

  // One past the largest chunk number that can lie inside the current extent
  // (numbers below it may still fall outside in faster dimensions).
  uint64_t index_limit() const { return index_limit_; }

 private:
  std::vector<uint64_t> chunk_dims_;
  std::vector<size_t> order_;
  std::vector<uint64_t> strides_;
  uint64_t index_limit_ = 0;
};

// A chunk address entry of a fixed or extensible array.
Status decode_array_entry(ByteCursor& cursor, bool filtered, size_t entry_size, uint64_t chunk_bytes,
                          ChunkLocation* chunk) {
  chunk->address = cursor.address();
  if (filtered) {
    size_t size_bytes = entry_size - cursor.offset_size() - 4;
    chunk->stored_size = cursor.uint(size_bytes);
    chunk->filter_mask = cursor.u32();
  } else {
    chunk->stored_size = chunk_bytes;
    chunk->filter_mask = 0;
  }
  return Status::ok();
}

Status check_entry_size(bool filtered, size_t entry_size, const FileContext& file, const std::string& what) {
  if (!filtered && entry_size != file.offset_size)
    return damaged_file(what + " has entries of " + std::to_string(entry_size) + " bytes for unfiltered chunks");
  if (filtered && (entry_size <= file.offset_size + 4u || entry_size > file.offset_size + 4u + 8u))
    return damaged_file(what + " has entries of " + std::to_string(entry_size) + " bytes for filtered chunks");
  return Status::ok();
}

Status visit_btree_v1_chunks(const FileContext& file, const DataLayout& layout,
                             const std::function<Status(const ChunkLocation&)>& visit) {
  size_t rank = layout.chunk_dims.size();
  size_t key_size = 8 + 8 * (rank + 1);
  return for_each_btree_v1_entry(file, layout.address, 1, key_size, [&](std::string_view key, uint64_t child) {
    ByteCursor fields = file.cursor_over(key);
    ChunkLocation chunk;
    chunk.stored_size = fields.u32();
    chunk.filter_mask = fields.u32();
    for (size_t d = 0; d < rank; ++d) chunk.offset.push_back(fields.u64());
    chunk.address = child;
    return visit(chunk);
  });
}

Status visit_btree_v2_chunks(const FileContext& file, const DataLayout& layout, uint64_t chunk_bytes, bool filtered,
                             const std::function<Status(const ChunkLocation&)>& visit) {
  size_t rank = layout.chunk_dims.size();
  int record_type = filtered ? 11 : 10;
  return for_each_btree_v2_record(file, layout.address, record_type, [&](std::string_view record) {
    ByteCursor fields = file.cursor_over(record);
    ChunkLocation chunk;
    chunk.address = fields.address();
    if (filtered) {
      size_t fixed = file.offset_size + 4 + 8 * rank;
      if (record.size() <= fixed || record.size() > fixed + 8)
        return damaged_file("chunk B-tree records of " + std::to_string(record.size()) + " bytes do not match rank " +
                            std::to_string(rank));
      chunk.stored_size = fields.uint(record.size() - fixed);
      chunk.filter_mask = fields.u32();
    } else {
      if (record.size() != file.offset_size + 8 * rank)
        return damaged_file("chunk B-tree records of " + std::to_string(record.size()) + " bytes do not match rank " +
                            std::to_string(rank));
      chunk.stored_size = chunk_bytes;
    }
    for (size_t d = 0; d < rank; ++d) {
      uint64_t scaled = fields.u64();
      if (scaled > ~uint64_t{0} / layout.chunk_dims[d]) return damaged_file("a chunk offset is out of range");
      chunk.offset.push_back(scaled * layout.chunk_dims[d]);
    }
    if (fields.failed()) return damaged_file("a chunk B-tree record is cut off");
    return visit(chunk);
  });
}

Status visit_fixed_array_chunks(const FileContext& file, const DataLayout& layout, const ChunkGrid& grid,
                                uint64_t chunk_bytes, bool filtered,
                                const std::function<Status(const ChunkLocation&)>& visit) {
  std::string what = "fixed array " + address_string(layout.address);
  MQ_ASSIGN_OR_RETURN(ByteCursor header, file.cursor_from(layout.address, what));
  if (!header.signature("FAHD")) return damaged_file(what + " lacks its FAHD signature");
  header.skip(2);  // version, client
  size_t entry_size = header.u8();
  unsigned page_bits = header.u8();
  uint64_t entries = header.length();
  uint64_t data_block = header.address();
  if (header.failed()) return damaged_file(what + " is cut off");
  MQ_RETURN_IF_ERROR(check_entry_size(filtered, entry_size, file, what));
  if (page_bits > 32) return damaged_file(what + " has pages of 2^" + std::to_string(page_bits) + " entries");
  if (data_block == kUndefinedAddress) return Status::ok();  // nothing written yet

  std::string block_what = "fixed array data block " + address_string(data_block);
  MQ_ASSIGN_OR_RETURN(ByteCursor block, file.cursor_from(data_block, block_what));
  if (!block.signature("FADB")) return damaged_file(block_what + " lacks its FADB signature");
  block.skip(2 + file.offset_size);  // version, client, header address
  uint64_t page_entries = uint64_t{1} << page_bits;
  uint64_t usable = std::min(entries, grid.index_limit());
  if (entries <= page_entries) {
    for (uint64_t i = 0; i < entries; ++i) {
      ChunkLocation chunk;
      MQ_RETURN_IF_ERROR(decode_array_entry(block, filtered, entry_size, chunk_bytes, &chunk));
      if (block.failed()) return damaged_file(block_what + " is cut off");
      if (i >= usable || chunk.address == kUndefinedAddress) continue;
      chunk.offset = grid.offset_of(i);
      MQ_RETURN_IF_ERROR(visit(chunk));
    }
    return Status::ok();
  }
  // Paged: a bitmap of initialised pages, the block checksum, then the pages
  // (each followed by its own checksum).
  uint64_t pages = ceil_div(entries, page_entries);
  std::string_view bitmap = block.take(ceil_div(pages, 8));
  block.skip(4);
  if (block.failed()) return damaged_file(block_what + " is cut off");
  uint64_t page_bytes = page_entries * entry_size + 4;
  size_t pages_start = block.position();
  for (uint64_t page = 0; page < pages && page * page_entries < usable; ++page) {
    bool initialised = static_cast<uint8_t>(bitmap[page / 8]) & (0x80 >> (page % 8));
    if (!initialised) continue;
    if (page > (block.size() - pages_start) / page_bytes) return damaged_file(block_what + " is cut off");
    block.seek(pages_start + page * page_bytes);
    uint64_t first = page * page_entries;
    uint64_t count = std::min(page_entries, entries - first);
    for (uint64_t i = 0; i < count; ++i) {
      ChunkLocation chunk;
      MQ_RETURN_IF_ERROR(decode_array_entry(block, filtered, entry_size, chunk_bytes, &chunk));
      if (block.failed()) return damaged_file(block_what + " is cut off");
      if (first + i >= usable || chunk.address == kUndefinedAddress) continue;
      chunk.offset = grid.offset_of(first + i);
      MQ_RETURN_IF_ERROR(visit(chunk));
    }
  }
  return Status::ok();
}

class ExtensibleArrayReader {
 public:
  ExtensibleArrayReader(const FileContext& file, const ChunkGrid& grid, uint64_t chunk_bytes, bool filtered,
                        const std::function<Status(const ChunkLocation&)>& visit)
      : file_(file), grid_(grid), chunk_bytes_(chunk_bytes), filtered_(filtered), visit_(visit) {}

  Status read(uint64_t header_address) {
    what_ = "extensible array " + address_string(header_address);
    MQ_ASSIGN_OR_RETURN(ByteCursor header, file_.cursor_from(header_address, what_));
    if (!header.signature("EAHD")) return damaged_file(what_ + " lacks its EAHD signature");
    header.skip(2);  // version, client
    entry_size_ = header.u8();
    unsigned max_elements_bits = header.u8();
    index_block_elements_ = header.u8();
    data_block_min_elements_ = header.u8();
    uint64_t super_block_min_pointers = header.u8();
    unsigned page_bits = header.u8();
    for (int i = 0; i < 6; ++i) header.length();  // statistics
    uint64_t index_block = header.address();
    if (header.failed()) return damaged_file(what_ + " is cut off");
    MQ_RETURN_IF_ERROR(check_entry_size(filtered_, entry_size_, file_, what_));
    if (!is_power_of_two(data_block_min_elements_) || !is_power_of_two(super_block_min_pointers) ||
        max_elements_bits > 64 || max_elements_bits < log2_floor(data_block_min_elements_) || page_bits > 32)
      return damaged_file(what_ + " has impossible parameters");
    block_offset_size_ = (max_elements_bits + 7) / 8;
    page_elements_ = uint64_t{1} << page_bits;
    super_blocks_ = 1 + max_elements_bits - log2_floor(data_block_min_elements_);
    unsigned index_super_blocks = 2 * log2_floor(super_block_min_pointers);
    uint64_t index_data_blocks = 2 * (super_block_min_pointers - 1);
    if (index_super_blocks > super_blocks_) index_super_blocks = super_blocks_;
    if (index_block == kUndefinedAddress) return Status::ok();

    std::string block_what = "extensible array index block " + address_string(index_block);
    MQ_ASSIGN_OR_RETURN(ByteCursor block, file_.cursor_from(index_block, block_what));
    if (!block.signature("EAIB")) return damaged_file(block_what + " lacks its EAIB signature");
    block.skip(2 + file_.offset_size);  // version, client, header address
    for (uint64_t i = 0; i < index_block_elements_; ++i) MQ_RETURN_IF_ERROR(element(block, i, block_what));
    std::vector<uint64_t> data_blocks, super_blocks;
    for (uint64_t i = 0; i < index_data_blocks; ++i) data_blocks.push_back(block.address());
    for (unsigned i = index_super_blocks; i < super_blocks_; ++i) super_blocks.push_back(block.address());
    if (block.failed()) return damaged_file(block_what + " is cut off");

    // Super blocks 0 .. index_super_blocks-1 keep their data blocks in the index block.
    uint64_t next_element = index_block_elements_;
    size_t data_block_number = 0;
    for (unsigned s = 0; s < super_blocks_; ++s) {
      uint64_t blocks = uint64_t{1} << (s / 2);
      uint64_t elements = data_block_min_elements_ << ((s + 1) / 2);
      if (next_element >= grid_.index_limit()) break;
      if (s < index_super_blocks) {
        for (uint64_t b = 0; b < blocks; ++b, ++data_block_number) {
          if (data_block_number >= data_blocks.size()) return damaged_file(what_ + " has too few data blocks");
          MQ_RETURN_IF_ERROR(data_block(data_blocks[data_block_number], next_element, elements));
          next_element += elements;
        }
      } else {
        uint64_t address = super_blocks[s - index_super_blocks];
        MQ_RETURN_IF_ERROR(super_block(address, next_element, blocks, elements));
        next_element += blocks * elements;
      }
    }
    return Status::ok();
  }

 private:
  Status element(ByteCursor& cursor, uint64_t index, const std::string& where) {
    ChunkLocation chunk;
    MQ_RETURN_IF_ERROR(decode_array_entry(cursor, filtered_, entry_size_, chunk_bytes_, &chunk));
    if (cursor.failed()) return damaged_file(where + " is cut off");
    if (index >= grid_.index_limit() || chunk.address == kUndefinedAddress) return Status::ok();
    chunk.offset = grid_.offset_of(index);
    return visit_(chunk);
  }

  Status data_block(uint64_t address, uint64_t first_element, uint64_t elements) {
    if (address == kUndefinedAddress) return Status::ok();
    std::string what = "extensible array data block " + address_string(address);
    if (!visited_.insert(address).second) return damaged_file(what + " is used twice");
    if (elements > page_elements_)
      return Status::unsupported(what_ + " has paged data blocks (over " + std::to_string(page_elements_) +
                                 " chunks in one block), which are not supported");
    MQ_ASSIGN_OR_RETURN(ByteCursor block, file_.cursor_from(address, what));
    if (!block.signature("EADB")) return damaged_file(what + " lacks its EADB signature");
    block.skip(2 + file_.offset_size + block_offset_size_);
    for (uint64_t i = 0; i < elements; ++i) {
      if (first_element + i >= grid_.index_limit()) break;
      MQ_RETURN_IF_ERROR(element(block, first_element + i, what));
    }
    return Status::ok();
  }

  Status super_block(uint64_t address, uint64_t first_element, uint64_t blocks, uint64_t elements) {
    if (address == kUndefinedAddress) return Status::ok();
    std::string what = "extensible array super block " + address_string(address);
    if (!visited_.insert(address).second) return damaged_file(what + " is used twice");
    MQ_ASSIGN_OR_RETURN(ByteCursor block, file_.cursor_from(address, what));
    if (!block.signature("EASB")) return damaged_file(what + " lacks its EASB signature");
    block.skip(2 + file_.offset_size + block_offset_size_);
    if (elements > page_elements_)
      return Status::unsupported(what_ + " has paged data blocks (over " + std::to_string(page_elements_) +
                                 " chunks in one block), which are not supported");
    std::vector<uint64_t> addresses;
    for (uint64_t b = 0; b < blocks; ++b) {
      addresses.push_back(block.address());
      if (block.failed()) return damaged_file(what + " is cut off");
    }
    for (uint64_t b = 0; b < blocks; ++b) {
      uint64_t first = first_element + b * elements;
      if (first >= grid_.index_limit()) break;
      MQ_RETURN_IF_ERROR(data_block(addresses[b], first, elements));
    }
    return Status::ok();
  }

  const FileContext& file_;
  const ChunkGrid& grid_;
  uint64_t chunk_bytes_;
  bool filtered_;
  const std::function<Status(const ChunkLocation&)>& visit_;
  std::string what_;
  size_t entry_size_ = 0;
  uint64_t index_block_elements_ = 0;
  uint64_t data_block_min_elements_ = 0;
  size_t block_offset_size_ = 0;
  uint64_t page_elements_ = 0;
  unsigned super_blocks_ = 0;
  std::set<uint64_t> visited_;
};

}  // namespace

Status for_each_chunk(const FileContext& file, const DataLayout& layout, const Dataspace& space,
                      uint64_t chunk_bytes, bool filtered, const std::function<Status(const ChunkLocation&)>& visit) {
  size_t rank = layout.chunk_dims.size();
  if (rank != space.dims.size())
    return damaged_file("chunks have " + std::to_string(rank) + " dimensions but the dataset has " +
                        std::to_string(space.dims.size()));
  if (layout.address == kUndefinedAddress) return Status::ok();  // no chunk written yet
  switch (layout.index_type) {
    case ChunkIndexType::kBtreeV1:
      return visit_btree_v1_chunks(file, layout, visit);
    case ChunkIndexType::kBtreeV2:
      return visit_btree_v2_chunks(file, layout, chunk_bytes, filtered, visit);
    case ChunkIndexType::kSingleChunk: {
      ChunkLocation chunk;
      chunk.offset.assign(rank, 0);
      chunk.address = layout.address;
      chunk.stored_size = filtered ? layout.single_chunk_filtered_size : chunk_bytes;
      chunk.filter_mask = filtered ? layout.single_chunk_filter_mask : 0;
      return visit(chunk);
    }
    case ChunkIndexType::kImplicit: {
      MQ_ASSIGN_OR_RETURN(ChunkGrid grid, ChunkGrid::make(layout, space, -1));
      // Chunks lie one after another; only those inside the file can exist.
      uint64_t in_file = file.bytes.size() / chunk_bytes + 1;
      for (uint64_t i = 0; i < grid.index_limit() && i < in_file; ++i) {
        ChunkLocation chunk;
        chunk.offset = grid.offset_of(i);
        chunk.address = layout.address + i * chunk_bytes;
        chunk.stored_size = chunk_bytes;
        MQ_RETURN_IF_ERROR(visit(chunk));
      }
      return Status::ok();
    }
    case ChunkIndexType::kFixedArray: {
      MQ_ASSIGN_OR_RETURN(ChunkGrid grid, ChunkGrid::make(layout, space, -1));
      return visit_fixed_array_chunks(file, layout, grid, chunk_bytes, filtered, visit);
    }
    case ChunkIndexType::kExtensibleArray: {
      int unlimited = -1;
      for (size_t d = 0; d < rank; ++d)
        if (space.max_dims[d] == kUndefinedAddress) unlimited = static_cast<int>(d);
      if (unlimited < 0) unlimited = 0;
      MQ_ASSIGN_OR_RETURN(ChunkGrid grid, ChunkGrid::make(layout, space, unlimited));
      ExtensibleArrayReader reader(file, grid, chunk_bytes, filtered, visit);
      return reader.read(layout.address);
    }
  }
  return damaged_file("unknown chunk index type");
}

}  // namespace mq::hdf5
