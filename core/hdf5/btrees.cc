#include "core/hdf5/btrees.h"

#include <set>
#include <vector>

#include "core/hdf5/byte_cursor.h"

namespace mq::hdf5 {
namespace {

constexpr int kMaxTreeDepth = 64;

// Bytes needed to store numbers up to `value` (HDF5's "limit encode size").
size_t encoded_size(uint64_t value) {
  int log2 = 0;
  while (log2 < 63 && (value >> (log2 + 1))) ++log2;
  return static_cast<size_t>(log2 / 8 + 1);
}

class BtreeV1Walker {
 public:
  BtreeV1Walker(const FileContext& file, int node_type, size_t key_size,
                const std::function<Status(std::string_view, uint64_t)>& visit)
      : file_(file), node_type_(node_type), key_size_(key_size), visit_(visit) {}

  Status walk(uint64_t address, int expected_level) {
    std::string what = "B-tree node " + address_string(address);
    if (!visited_.insert(address).second) return damaged_file(what + " is reached twice (the tree has a loop)");
    MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file_.cursor_from(address, what));
    if (!cursor.signature("TREE")) return damaged_file(what + " lacks its TREE signature");
    int type = cursor.u8();
    int level = cursor.u8();
    uint16_t entries = cursor.u16();
    cursor.address();  // left sibling
    cursor.address();  // right sibling
    if (cursor.failed()) return damaged_file(what + " is cut off");
    if (type != node_type_)
      return damaged_file(what + " has node type " + std::to_string(type) + ", expected " + std::to_string(node_type_));
    if (level > kMaxTreeDepth || (expected_level >= 0 && level != expected_level))
      return damaged_file(what + " has level " + std::to_string(level) + " where " +
                          (expected_level >= 0 ? std::to_string(expected_level) : std::string("at most 64")) +
                          " was expected");
    std::vector<std::pair<std::string_view, uint64_t>> children;
    children.reserve(entries);
    for (uint16_t i = 0; i < entries; ++i) {
      std::string_view key = cursor.take(key_size_);
      uint64_t child = cursor.address();
      children.emplace_back(key, child);
    }
    cursor.take(key_size_);  // the final key
    if (cursor.failed()) return damaged_file(what + " is cut off");
    for (const auto& [key, child] : children) {
      if (level == 0) {
        MQ_RETURN_IF_ERROR(visit_(key, child));
      } else {
        MQ_RETURN_IF_ERROR(walk(child, level - 1));
      }
    }
    return Status::ok();
  }

 private:
  const FileContext& file_;
  int node_type_;
  size_t key_size_;
  const std::function<Status(std::string_view, uint64_t)>& visit_;
  std::set<uint64_t> visited_;
};

struct BtreeV2Layout {
  uint32_t node_size = 0;
  uint16_t record_size = 0;
  size_t record_count_size = 0;                // bytes of "records in child"
  std::vector<uint64_t> max_records;           // per depth
  std::vector<size_t> total_record_count_size;  // per depth: bytes of "records in subtree"
};

class BtreeV2Walker {
 public:
  BtreeV2Walker(const FileContext& file, const BtreeV2Layout& layout, int record_type,
                const std::function<Status(std::string_view)>& visit)
      : file_(file), layout_(layout), record_type_(record_type), visit_(visit) {}

  Status walk(uint64_t address, uint64_t record_count, unsigned depth) {
    std::string what = "B-tree node " + address_string(address);
    if (!visited_.insert(address).second) return damaged_file(what + " is reached twice (the tree has a loop)");
    if (record_count > layout_.max_records[depth])
      return damaged_file(what + " claims " + std::to_string(record_count) + " records, more than fit in a node");
    MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file_.cursor_at(address, layout_.node_size, what));
    if (!cursor.signature(depth == 0 ? "BTLF" : "BTIN"))
      return damaged_file(what + " lacks its " + (depth == 0 ? "BTLF" : "BTIN") + " signature");
    cursor.skip(1);  // version
    if (cursor.u8() != record_type_) return damaged_file(what + " holds records of another type");
    std::vector<std::string_view> records;
    for (uint64_t i = 0; i < record_count; ++i) records.push_back(cursor.take(layout_.record_size));
    if (cursor.failed()) return damaged_file(what + " is cut off");
    if (depth == 0) {
      for (std::string_view record : records) MQ_RETURN_IF_ERROR(visit_(record));
      return Status::ok();
    }
    struct Child {
      uint64_t address;
      uint64_t records;
    };
    std::vector<Child> children;
    for (uint64_t i = 0; i <= record_count; ++i) {
      Child child;
      child.address = cursor.address();
      child.records = cursor.uint(layout_.record_count_size);
      if (depth > 1) cursor.skip(layout_.total_record_count_size[depth - 1]);
      children.push_back(child);
    }
    if (cursor.failed()) return damaged_file(what + " is cut off");
    for (uint64_t i = 0; i <= record_count; ++i) {
      MQ_RETURN_IF_ERROR(walk(children[i].address, children[i].records, depth - 1));
      if (i < record_count) MQ_RETURN_IF_ERROR(visit_(records[i]));
    }
    return Status::ok();
  }

 private:
  const FileContext& file_;
  const BtreeV2Layout& layout_;
  int record_type_;
  const std::function<Status(std::string_view)>& visit_;
  std::set<uint64_t> visited_;
};

}  // namespace

Status for_each_btree_v1_entry(const FileContext& file, uint64_t address, int node_type, size_t key_size,
                               const std::function<Status(std::string_view key, uint64_t child)>& visit) {
  if (address == kUndefinedAddress) return Status::ok();  // nothing stored yet
  BtreeV1Walker walker(file, node_type, key_size, visit);
  return walker.walk(address, -1);
}

Status for_each_btree_v2_record(const FileContext& file, uint64_t address, int record_type,
                                const std::function<Status(std::string_view record)>& visit) {
  if (address == kUndefinedAddress) return Status::ok();
  std::string what = "B-tree header " + address_string(address);
  MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file.cursor_from(address, what));
  if (!cursor.signature("BTHD")) return damaged_file(what + " lacks its BTHD signature");
  int version = cursor.u8();
  int type = cursor.u8();
  BtreeV2Layout layout;
  layout.node_size = cursor.u32();
  layout.record_size = cursor.u16();
  uint16_t depth = cursor.u16();
  cursor.skip(2);  // split and merge percentages
  uint64_t root = cursor.address();
  uint16_t root_records = cursor.u16();
  cursor.length();  // total records
  if (cursor.failed()) return damaged_file(what + " is cut off");
  if (version != 0) return Status::unsupported(what + " has version " + std::to_string(version));
  if (type != record_type)
    return damaged_file(what + " holds records of type " + std::to_string(type) + ", expected " +
                        std::to_string(record_type));
  if (depth > kMaxTreeDepth) return damaged_file(what + " claims depth " + std::to_string(depth));
  if (layout.record_size == 0 || layout.node_size < 10 + static_cast<uint32_t>(layout.record_size))
    return damaged_file(what + " has a node size too small for its records");

  // How many records fit in a node at each depth, and the field widths that follow from it.
  layout.max_records.push_back((layout.node_size - 10) / layout.record_size);
  layout.total_record_count_size.push_back(0);
  layout.record_count_size = encoded_size(layout.max_records[0]);
  std::vector<uint64_t> cumulative{layout.max_records[0]};
  for (unsigned d = 1; d <= depth; ++d) {
    size_t pointer_size = file.offset_size + layout.record_count_size + layout.total_record_count_size[d - 1];
    uint64_t fits = layout.node_size >= 10 + pointer_size
                        ? (layout.node_size - 10 - pointer_size) / (layout.record_size + pointer_size)
                        : 0;
    layout.max_records.push_back(fits);
    uint64_t below = cumulative[d - 1];
    uint64_t total = (fits + 1) > ~uint64_t{0} / (below + 1) ? ~uint64_t{0} : (fits + 1) * below + fits;
    cumulative.push_back(total);
    layout.total_record_count_size.push_back(encoded_size(total));
  }
  if (root == kUndefinedAddress || root_records == 0) return Status::ok();
  BtreeV2Walker walker(file, layout, record_type, visit);
  return walker.walk(root, root_records, depth);
}

}  // namespace mq::hdf5
