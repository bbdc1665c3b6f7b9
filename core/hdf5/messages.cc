#include "core/hdf5/messages.h"

#include "core/hdf5/byte_cursor.h"
#include "core/hdf5/object_header.h"

namespace mq::hdf5 {
namespace {

uint64_t round_up_to_8(uint64_t n) { return (n + 7) / 8 * 8; }

// Product of `dims`; false on overflow past 2^62.
bool checked_product(const std::vector<uint64_t>& dims, uint64_t* product) {
  uint64_t result = 1;
  for (uint64_t d : dims) {
    if (d != 0 && result > (uint64_t{1} << 62) / d) return false;
    result *= d;
  }
  *product = result;
  return true;
}

// Text up to the first NUL.
std::string until_nul(std::string_view bytes) {
  size_t end = bytes.find('\0');
  return std::string(bytes.substr(0, end));
}

}  // namespace

StatusOr<Dataspace> parse_dataspace(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  Dataspace space;
  int version = cursor.u8();
  size_t rank = cursor.u8();
  uint8_t flags = cursor.u8();
  if (version == 1) {
    cursor.skip(5);
    space.kind = rank == 0 ? Dataspace::Kind::kScalar : Dataspace::Kind::kSimple;
  } else if (version == 2) {
    int kind = cursor.u8();
    if (kind > 2) return damaged_file("dataspace type " + std::to_string(kind) + " is unknown");
    space.kind = static_cast<Dataspace::Kind>(kind);
  } else {
    return Status::unsupported("dataspace message version " + std::to_string(version) + " is not supported");
  }
  if (rank > kMaxRank) return damaged_file("a dataspace has rank " + std::to_string(rank) + " (at most 32 allowed)");
  for (size_t d = 0; d < rank; ++d) space.dims.push_back(cursor.length());
  if (flags & 0x01)
    for (size_t d = 0; d < rank; ++d) {
      uint64_t max = cursor.length();
      if (file.length_size < 8 && max == (uint64_t{1} << (8 * file.length_size)) - 1) max = kUndefinedAddress;
      space.max_dims.push_back(max);
    }
  if (cursor.failed()) return damaged_file("a dataspace message is cut off");
  if (space.max_dims.empty()) space.max_dims = space.dims;
  if (space.kind == Dataspace::Kind::kNull) {
    space.dims.clear();
    space.max_dims.clear();
    space.element_count = 0;
  } else if (space.kind == Dataspace::Kind::kScalar) {
    space.dims.clear();
    space.max_dims.clear();
    space.element_count = 1;
  } else if (!checked_product(space.dims, &space.element_count)) {
    return damaged_file("a dataspace has more elements than can be counted");
  }
  return space;
}

StatusOr<DataLayout> parse_data_layout(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  DataLayout layout;
  layout.version = cursor.u8();
  if (layout.version == 1 || layout.version == 2) {
    size_t dimensionality = cursor.u8();
    int layout_class = cursor.u8();
    cursor.skip(5);
    if (layout_class > 2) return damaged_file("data layout class " + std::to_string(layout_class) + " is unknown");
    layout.layout_class = static_cast<LayoutClass>(layout_class);
    if (dimensionality == 0 || dimensionality > kMaxRank + 1)
      return damaged_file("a data layout message has dimensionality " + std::to_string(dimensionality));
    if (layout.layout_class != LayoutClass::kCompact) layout.address = cursor.address();
    std::vector<uint64_t> dims;
    for (size_t d = 0; d < dimensionality; ++d) dims.push_back(cursor.u32());
    if (layout.layout_class == LayoutClass::kCompact) {
      uint32_t size = cursor.u32();
      layout.compact_data = cursor.take(size);
    } else if (layout.layout_class == LayoutClass::kChunked) {
      layout.chunk_element_size = dims.back();
      dims.pop_back();
      layout.chunk_dims = dims;
    }
  } else if (layout.version == 3 || layout.version == 4) {
    int layout_class = cursor.u8();
    if (layout_class > 3) return damaged_file("data layout class " + std::to_string(layout_class) + " is unknown");
    layout.layout_class = static_cast<LayoutClass>(layout_class);
    if (layout.layout_class == LayoutClass::kCompact) {
      uint16_t size = cursor.u16();
      layout.compact_data = cursor.take(size);
    } else if (layout.layout_class == LayoutClass::kContiguous) {
      layout.address = cursor.address();
      layout.contiguous_size = cursor.length();
      layout.contiguous_size_known = true;
    } else if (layout.layout_class == LayoutClass::kVirtual) {
      return Status::unsupported("virtual datasets (made of other datasets) are not supported");
    } else if (layout.version == 3) {
      size_t dimensionality = cursor.u8();
      layout.address = cursor.address();
      if (dimensionality < 2 || dimensionality > kMaxRank + 1)
        return damaged_file("a chunked layout has dimensionality " + std::to_string(dimensionality));
      for (size_t d = 0; d + 1 < dimensionality; ++d) layout.chunk_dims.push_back(cursor.u32());
      layout.chunk_element_size = cursor.u32();
      layout.index_type = ChunkIndexType::kBtreeV1;
    } else {
      layout.chunk_flags = cursor.u8();
      size_t dimensionality = cursor.u8();
      size_t encoded_length = cursor.u8();
      if (dimensionality < 2 || dimensionality > kMaxRank + 1)
        return damaged_file("a chunked layout has dimensionality " + std::to_string(dimensionality));
      if (encoded_length < 1 || encoded_length > 8)
        return damaged_file("a chunked layout stores dimensions in " + std::to_string(encoded_length) + " bytes");
      for (size_t d = 0; d + 1 < dimensionality; ++d) layout.chunk_dims.push_back(cursor.uint(encoded_length));
      layout.chunk_element_size = cursor.uint(encoded_length);
      int index_type = cursor.u8();
      switch (index_type) {
        case 1:
          layout.index_type = ChunkIndexType::kSingleChunk;
          if (layout.chunk_flags & 0x02) {
            layout.single_chunk_filtered_size = cursor.length();
            layout.single_chunk_filter_mask = cursor.u32();
          }
          break;
        case 2:
          layout.index_type = ChunkIndexType::kImplicit;
          break;
        case 3:
          layout.index_type = ChunkIndexType::kFixedArray;
          cursor.skip(1);  // page bits (the array header repeats them)
          break;
        case 4:
          layout.index_type = ChunkIndexType::kExtensibleArray;
          cursor.skip(5);  // array parameters (the array header repeats them)
          break;
        case 5:
          layout.index_type = ChunkIndexType::kBtreeV2;
          cursor.skip(6);  // node size, split and merge percentages
          break;
        default:
          return damaged_file("chunk index type " + std::to_string(index_type) + " is unknown");
      }
      layout.address = cursor.address();
    }
  } else {
    return Status::unsupported("data layout message version " + std::to_string(layout.version) +
                               " is not supported");
  }
  if (cursor.failed()) return damaged_file("a data layout message is cut off");
  if (layout.layout_class == LayoutClass::kChunked) {
    for (uint64_t d : layout.chunk_dims)
      if (d == 0) return damaged_file("a chunk dimension is 0");
    if (layout.chunk_element_size == 0) return damaged_file("a chunked layout has element size 0");
  }
  return layout;
}

StatusOr<std::vector<FilterInfo>> parse_filter_pipeline(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  int version = cursor.u8();
  int count = cursor.u8();
  if (version == 1) {
    cursor.skip(6);
  } else if (version != 2) {
    return Status::unsupported("filter pipeline message version " + std::to_string(version) + " is not supported");
  }
  if (count > 32) return damaged_file("a filter pipeline lists " + std::to_string(count) + " filters (at most 32)");
  std::vector<FilterInfo> filters;
  for (int i = 0; i < count; ++i) {
    FilterInfo filter;
    filter.id = cursor.u16();
    uint16_t name_length = (version == 1 || filter.id >= 256) ? cursor.u16() : 0;
    filter.flags = cursor.u16();
    uint16_t values = cursor.u16();
    if (name_length) filter.name = until_nul(cursor.take(version == 1 ? round_up_to_8(name_length) : name_length));
    for (uint16_t v = 0; v < values; ++v) filter.client_data.push_back(cursor.u32());
    if (version == 1 && values % 2) cursor.skip(4);
    if (cursor.failed()) return damaged_file("a filter pipeline message is cut off");
    filters.push_back(std::move(filter));
  }
  return filters;
}

StatusOr<std::optional<std::string_view>> parse_fill_value(const FileContext& file, std::string_view data,
                                                           bool old_format) {
  ByteCursor cursor = file.cursor_over(data);
  std::optional<std::string_view> value;
  if (old_format) {
    uint32_t size = cursor.u32();
    if (size) value = cursor.take(size);
  } else {
    int version = cursor.u8();
    if (version == 1 || version == 2) {
      cursor.skip(2);  // allocation and write times
      bool defined = cursor.u8() != 0;
      if (version == 1 || defined) {
        uint32_t size = cursor.u32();
        std::string_view bytes = cursor.take(size);
        if (defined && size) value = bytes;
      }
    } else if (version == 3) {
      uint8_t flags = cursor.u8();
      if (flags & 0x20) {
        uint32_t size = cursor.u32();
        std::string_view bytes = cursor.take(size);
        if (size) value = bytes;
      }
    } else {
      return Status::unsupported("fill value message version " + std::to_string(version) + " is not supported");
    }
  }
  if (cursor.failed()) return damaged_file("a fill value message is cut off");
  return value;
}

StatusOr<Link> parse_link(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  Link link;
  int version = cursor.u8();
  if (version != 1) return Status::unsupported("link message version " + std::to_string(version) + " is not supported");
  uint8_t flags = cursor.u8();
  int link_type = (flags & 0x08) ? cursor.u8() : 0;
  if (flags & 0x04) link.creation_order = cursor.u64();
  if (flags & 0x10) cursor.skip(1);  // character set of the name
  uint64_t name_length = cursor.uint(size_t{1} << (flags & 0x03));
  link.name = std::string(cursor.take(name_length));
  if (cursor.failed()) return damaged_file("a link message is cut off");
  if (link.name.empty()) return damaged_file("a link has an empty name");
  if (link_type == 0) {
    link.kind = Link::Kind::kHard;
    link.address = cursor.address();
  } else if (link_type == 1) {
    link.kind = Link::Kind::kSoft;
    uint16_t length = cursor.u16();
    link.target = std::string(cursor.take(length));
  } else if (link_type == 64) {
    link.kind = Link::Kind::kExternal;
    uint16_t length = cursor.u16();
    std::string_view value = cursor.take(length);
    if (!value.empty()) value.remove_prefix(1);  // version and flags
    std::string file_name = until_nul(value);
    std::string object_path = file_name.size() < value.size() ? until_nul(value.substr(file_name.size() + 1)) : "";
    link.target = file_name + ":" + object_path;
  } else {
    link.kind = Link::Kind::kUserDefined;
  }
  if (cursor.failed()) return damaged_file("link '" + link.name + "' is cut off");
  return link;
}

StatusOr<DenseStorageInfo> parse_link_info(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  DenseStorageInfo info;
  int version = cursor.u8();
  if (version != 0) return Status::unsupported("link info message version " + std::to_string(version) +
                                               " is not supported");
  uint8_t flags = cursor.u8();
  info.creation_order_tracked = flags & 0x01;
  if (flags & 0x01) cursor.skip(8);  // largest creation index
  info.heap_address = cursor.address();
  info.name_index_address = cursor.address();
  if (flags & 0x02) info.creation_order_index_address = cursor.address();
  if (cursor.failed()) return damaged_file("a link info message is cut off");
  return info;
}

StatusOr<DenseStorageInfo> parse_attribute_info(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  DenseStorageInfo info;
  int version = cursor.u8();
  if (version != 0) return Status::unsupported("attribute info message version " + std::to_string(version) +
                                               " is not supported");
  uint8_t flags = cursor.u8();
  info.creation_order_tracked = flags & 0x01;
  if (flags & 0x01) cursor.skip(2);  // largest creation index
  info.heap_address = cursor.address();
  info.name_index_address = cursor.address();
  if (flags & 0x02) info.creation_order_index_address = cursor.address();
  if (cursor.failed()) return damaged_file("an attribute info message is cut off");
  return info;
}

StatusOr<SymbolTableInfo> parse_symbol_table(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  SymbolTableInfo info;
  info.btree_address = cursor.address();
  info.local_heap_address = cursor.address();
  if (cursor.failed()) return damaged_file("a symbol table message is cut off");
  return info;
}

StatusOr<AttributeMessage> parse_attribute(const FileContext& file, std::string_view data) {
  ByteCursor cursor = file.cursor_over(data);
  AttributeMessage attribute;
  int version = cursor.u8();
  if (version < 1 || version > 3)
    return Status::unsupported("attribute message version " + std::to_string(version) + " is not supported");
  uint8_t flags = cursor.u8();
  if (version == 1) flags = 0;
  uint16_t name_size = cursor.u16();
  uint16_t datatype_size = cursor.u16();
  uint16_t dataspace_size = cursor.u16();
  if (version == 3) cursor.skip(1);  // character set of the name
  bool padded = version == 1;
  attribute.name = until_nul(cursor.take(padded ? round_up_to_8(name_size) : name_size));
  std::string_view datatype_bytes = cursor.take(padded ? round_up_to_8(datatype_size) : datatype_size);
  std::string_view dataspace_bytes = cursor.take(padded ? round_up_to_8(dataspace_size) : dataspace_size);
  if (cursor.failed()) return damaged_file("an attribute message is cut off");
  std::string what = "attribute '" + attribute.name + "'";

  HeaderMessage datatype_message{kDatatypeMessage, static_cast<uint8_t>((flags & 0x01) ? kMessageIsShared : 0),
                                 datatype_bytes};
  MQ_ASSIGN_OR_RETURN(std::string_view datatype_data, message_data(file, datatype_message));
  ByteCursor datatype_cursor = file.cursor_over(datatype_data);
  auto datatype = parse_datatype(datatype_cursor);
  if (!datatype.is_ok()) return datatype.status().with_context(what);
  attribute.datatype = std::move(datatype).value();

  HeaderMessage dataspace_message{kDataspaceMessage, static_cast<uint8_t>((flags & 0x02) ? kMessageIsShared : 0),
                                  dataspace_bytes};
  MQ_ASSIGN_OR_RETURN(std::string_view dataspace_data, message_data(file, dataspace_message));
  auto dataspace = parse_dataspace(file, dataspace_data);
  if (!dataspace.is_ok()) return dataspace.status().with_context(what);
  attribute.dataspace = std::move(dataspace).value();

  uint64_t count = attribute.dataspace.element_count;
  uint64_t size = attribute.datatype.size;
  if (size == 0 && count != 0) return damaged_file(what + " has elements of 0 bytes");
  if (size != 0 && count > cursor.remaining() / size)
    return damaged_file(what + " needs " + std::to_string(count) + " elements of " + std::to_string(size) +
                        " bytes but its message holds only " + std::to_string(cursor.remaining()));
  attribute.data = cursor.take(count * size);
  return attribute;
}

}  // namespace mq::hdf5
