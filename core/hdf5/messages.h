// Decoders for the object header messages the reader uses: dataspace, data
// layout, filter pipeline, fill value, links, link and attribute info,
// symbol table, attributes. Each takes the message data and checks every size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hdf5/datatype.h"
#include "core/hdf5/file_context.h"
#include "core/util/status.h"

namespace mq::hdf5 {

// Largest rank HDF5 allows.
constexpr size_t kMaxRank = 32;

struct Dataspace {
  enum class Kind { kScalar, kSimple, kNull };
  Kind kind = Kind::kScalar;
  std::vector<uint64_t> dims;
  std::vector<uint64_t> max_dims;  // kUndefinedAddress (all ones) = unlimited
  uint64_t element_count = 1;      // 0 for null dataspaces
};
StatusOr<Dataspace> parse_dataspace(const FileContext& file, std::string_view data);

enum class LayoutClass { kCompact, kContiguous, kChunked, kVirtual };
enum class ChunkIndexType { kBtreeV1 = 0, kSingleChunk = 1, kImplicit = 2, kFixedArray = 3, kExtensibleArray = 4,
                            kBtreeV2 = 5 };

struct DataLayout {
  int version = 0;
  LayoutClass layout_class = LayoutClass::kContiguous;
  std::string_view compact_data;
  uint64_t address = kUndefinedAddress;  // contiguous data or chunk index
  uint64_t contiguous_size = 0;
  bool contiguous_size_known = false;    // versions 1 and 2 do not store it
  std::vector<uint64_t> chunk_dims;      // without the trailing element-size dimension
  uint64_t chunk_element_size = 0;
  ChunkIndexType index_type = ChunkIndexType::kBtreeV1;
  uint8_t chunk_flags = 0;               // version 4: bit 1 = single chunk is filtered
  uint64_t single_chunk_filtered_size = 0;
  uint32_t single_chunk_filter_mask = 0;
};
StatusOr<DataLayout> parse_data_layout(const FileContext& file, std::string_view data);

struct FilterInfo {
  uint16_t id = 0;
  std::string name;  // as stored (may be empty)
  uint16_t flags = 0;
  std::vector<uint32_t> client_data;
};
StatusOr<std::vector<FilterInfo>> parse_filter_pipeline(const FileContext& file, std::string_view data);

// The fill value bytes when the message defines one.
StatusOr<std::optional<std::string_view>> parse_fill_value(const FileContext& file, std::string_view data,
                                                           bool old_format);

struct Link {
  enum class Kind { kHard, kSoft, kExternal, kUserDefined };
  std::string name;
  Kind kind = Kind::kHard;
  uint64_t address = kUndefinedAddress;  // hard links
  std::string target;                    // soft: the path; external: "file:path"
  std::optional<uint64_t> creation_order;
};
StatusOr<Link> parse_link(const FileContext& file, std::string_view data);

// Link info and attribute info messages: where dense storage lives.
struct DenseStorageInfo {
  uint64_t heap_address = kUndefinedAddress;
  uint64_t name_index_address = kUndefinedAddress;
  uint64_t creation_order_index_address = kUndefinedAddress;
  bool creation_order_tracked = false;
};
StatusOr<DenseStorageInfo> parse_link_info(const FileContext& file, std::string_view data);
StatusOr<DenseStorageInfo> parse_attribute_info(const FileContext& file, std::string_view data);

struct SymbolTableInfo {
  uint64_t btree_address = kUndefinedAddress;
  uint64_t local_heap_address = kUndefinedAddress;
};
StatusOr<SymbolTableInfo> parse_symbol_table(const FileContext& file, std::string_view data);

struct AttributeMessage {
  std::string name;
  Datatype datatype;
  Dataspace dataspace;
  std::string_view data;  // element bytes, exactly element_count * datatype.size
};
StatusOr<AttributeMessage> parse_attribute(const FileContext& file, std::string_view data);

}  // namespace mq::hdf5
