#include "core/hdf5/object_contents.h"

#include <set>

#include "core/hdf5/btrees.h"
#include "core/hdf5/byte_cursor.h"
#include "core/hdf5/heaps.h"

namespace mq::hdf5 {
namespace {

constexpr int kGroupNodeType = 0;
constexpr int kLinkNameRecordType = 5;
constexpr int kAttributeNameRecordType = 8;

// Links of an old-style group: a version-1 B-tree of symbol table nodes whose
// names live in a local heap.
Status read_symbol_table_links(const FileContext& file, const SymbolTableInfo& table, std::vector<Link>* links) {
  MQ_ASSIGN_OR_RETURN(LocalHeap heap, LocalHeap::read(file, table.local_heap_address));
  std::set<uint64_t> visited_nodes;
  return for_each_btree_v1_entry(
      file, table.btree_address, kGroupNodeType, file.length_size, [&](std::string_view, uint64_t node_address) {
        std::string what = "symbol table node " + address_string(node_address);
        if (!visited_nodes.insert(node_address).second) return damaged_file(what + " is listed twice");
        MQ_ASSIGN_OR_RETURN(ByteCursor node, file.cursor_from(node_address, what));
        if (!node.signature("SNOD")) return damaged_file(what + " lacks its SNOD signature");
        node.skip(2);  // version, reserved
        uint16_t symbols = node.u16();
        if (node.failed()) return damaged_file(what + " is cut off");
        for (uint16_t i = 0; i < symbols; ++i) {
          uint64_t name_offset = node.length();
          uint64_t object_address = node.address();
          uint32_t cache_type = node.u32();
          node.skip(4);
          std::string_view scratch = node.take(16);
          if (node.failed()) return damaged_file(what + " is cut off");
          Link link;
          MQ_ASSIGN_OR_RETURN(link.name, heap.string_at(name_offset));
          if (link.name.empty()) return damaged_file(what + " holds an entry with an empty name");
          if (cache_type == 2) {  // soft link: the scratch pad holds the heap offset of its target
            ByteCursor pad = file.cursor_over(scratch);
            link.kind = Link::Kind::kSoft;
            MQ_ASSIGN_OR_RETURN(link.target, heap.string_at(pad.u32()));
          } else {
            link.kind = Link::Kind::kHard;
            link.address = object_address;
          }
          links->push_back(std::move(link));
        }
        return Status::ok();
      });
}

// Links of a new-style group kept in a fractal heap, indexed by name hash.
Status read_dense_links(const FileContext& file, const DenseStorageInfo& info, std::vector<Link>* links) {
  if (info.heap_address == kUndefinedAddress) return Status::ok();
  MQ_ASSIGN_OR_RETURN(FractalHeap heap, FractalHeap::open(file, info.heap_address));
  return for_each_btree_v2_record(file, info.name_index_address, kLinkNameRecordType, [&](std::string_view record) {
    if (record.size() <= 4) return damaged_file("a link name index record is too short");
    MQ_ASSIGN_OR_RETURN(std::string_view message, heap.object(record.substr(4)));  // after the name hash
    MQ_ASSIGN_OR_RETURN(Link link, parse_link(file, message));
    links->push_back(std::move(link));
    return Status::ok();
  });
}

Status read_dense_attributes(const FileContext& file, const DenseStorageInfo& info,
                             std::vector<AttributeMessage>* attributes) {
  if (info.heap_address == kUndefinedAddress) return Status::ok();
  MQ_ASSIGN_OR_RETURN(FractalHeap heap, FractalHeap::open(file, info.heap_address));
  return for_each_btree_v2_record(
      file, info.name_index_address, kAttributeNameRecordType, [&](std::string_view record) {
        ByteCursor fields = file.cursor_over(record);
        std::string_view heap_id = fields.take(8);
        uint8_t message_flags = fields.u8();
        if (fields.failed()) return damaged_file("an attribute name index record is too short");
        if (message_flags & kMessageIsShared)
          return Status::unsupported("attributes kept in the shared object header message heap are not supported");
        MQ_ASSIGN_OR_RETURN(std::string_view message, heap.object(heap_id));
        MQ_ASSIGN_OR_RETURN(AttributeMessage attribute, parse_attribute(file, message));
        attributes->push_back(std::move(attribute));
        return Status::ok();
      });
}

}  // namespace

bool is_group_header(const ObjectHeader& header) {
  return header.find(kSymbolTableMessage) || header.find(kLinkInfoMessage) || header.find(kLinkMessage) ||
         header.find(kGroupInfoMessage);
}

bool is_dataset_header(const ObjectHeader& header) { return header.find(kDataLayoutMessage) != nullptr; }

bool is_committed_datatype_header(const ObjectHeader& header) {
  return !is_dataset_header(header) && !is_group_header(header) && header.find(kDatatypeMessage);
}

StatusOr<std::vector<Link>> read_group_links(const FileContext& file, const ObjectHeader& header) {
  std::vector<Link> links;
  if (const HeaderMessage* table = header.find(kSymbolTableMessage)) {
    MQ_ASSIGN_OR_RETURN(SymbolTableInfo info, parse_symbol_table(file, table->data));
    MQ_RETURN_IF_ERROR(read_symbol_table_links(file, info, &links));
  }
  for (const HeaderMessage* message : header.find_all(kLinkMessage)) {
    MQ_ASSIGN_OR_RETURN(Link link, parse_link(file, message->data));
    links.push_back(std::move(link));
  }
  if (const HeaderMessage* info_message = header.find(kLinkInfoMessage)) {
    MQ_ASSIGN_OR_RETURN(DenseStorageInfo info, parse_link_info(file, info_message->data));
    MQ_RETURN_IF_ERROR(read_dense_links(file, info, &links));
  }
  return links;
}

StatusOr<std::vector<AttributeMessage>> read_attributes(const FileContext& file, const ObjectHeader& header) {
  std::vector<AttributeMessage> attributes;
  for (const HeaderMessage* message : header.find_all(kAttributeMessage)) {
    MQ_ASSIGN_OR_RETURN(std::string_view data, message_data(file, *message));
    MQ_ASSIGN_OR_RETURN(AttributeMessage attribute, parse_attribute(file, data));
    attributes.push_back(std::move(attribute));
  }
  if (const HeaderMessage* info_message = header.find(kAttributeInfoMessage)) {
    MQ_ASSIGN_OR_RETURN(DenseStorageInfo info, parse_attribute_info(file, info_message->data));
    MQ_RETURN_IF_ERROR(read_dense_attributes(file, info, &attributes));
  }
  return attributes;
}

}  // namespace mq::hdf5
