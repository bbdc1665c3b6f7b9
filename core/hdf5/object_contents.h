// What an object header says about the object: whether it is a group or a
// dataset, the links of a group (symbol table, link messages or dense
// storage) and the attributes of any object (in the header or dense).
#pragma once

#include <vector>

#include "core/hdf5/file_context.h"
#include "core/hdf5/messages.h"
#include "core/hdf5/object_header.h"
#include "core/util/status.h"

namespace mq::hdf5 {

bool is_group_header(const ObjectHeader& header);
bool is_dataset_header(const ObjectHeader& header);
bool is_committed_datatype_header(const ObjectHeader& header);

// Every link of a group, in storage order.
StatusOr<std::vector<Link>> read_group_links(const FileContext& file, const ObjectHeader& header);

// Every attribute of an object, in storage order.
StatusOr<std::vector<AttributeMessage>> read_attributes(const FileContext& file, const ObjectHeader& header);

}  // namespace mq::hdf5
