// Walking the two kinds of HDF5 B-trees. Every node is visited at most once
// (a node seen twice means a damaged or hostile file) and depths are bounded.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/hdf5/file_context.h"
#include "core/util/status.h"

namespace mq::hdf5 {

// Version 1 B-trees ("TREE"): node type 0 indexes group symbol nodes, type 1
// dataset chunks. Calls `visit` with the key before each child of every leaf
// node and the child's address. `key_size` is the size of one key.
Status for_each_btree_v1_entry(const FileContext& file, uint64_t address, int node_type, size_t key_size,
                               const std::function<Status(std::string_view key, uint64_t child)>& visit);

// Version 2 B-trees ("BTHD"): calls `visit` with every record of the tree at
// `address`, after checking the tree holds records of `record_type`.
Status for_each_btree_v2_record(const FileContext& file, uint64_t address, int record_type,
                                const std::function<Status(std::string_view record)>& visit);

}  // namespace mq::hdf5
