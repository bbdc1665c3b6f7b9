// Object headers (version 1 and version 2 "OHDR"), with their continuation
// blocks, read into a flat list of messages whose data points into the file.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/hdf5/file_context.h"
#include "core/util/status.h"

namespace mq::hdf5 {

enum MessageType : uint16_t {
  kNilMessage = 0x00,
  kDataspaceMessage = 0x01,
  kLinkInfoMessage = 0x02,
  kDatatypeMessage = 0x03,
  kOldFillValueMessage = 0x04,
  kFillValueMessage = 0x05,
  kLinkMessage = 0x06,
  kExternalFilesMessage = 0x07,
  kDataLayoutMessage = 0x08,
  kGroupInfoMessage = 0x0a,
  kFilterPipelineMessage = 0x0b,
  kAttributeMessage = 0x0c,
  kContinuationMessage = 0x10,
  kSymbolTableMessage = 0x11,
  kAttributeInfoMessage = 0x15,
};

// Message flag bit: the data is a reference to a message stored elsewhere.
constexpr uint8_t kMessageIsShared = 0x02;

struct HeaderMessage {
  uint16_t type = 0;
  uint8_t flags = 0;
  std::string_view data;
};

struct ObjectHeader {
  uint64_t address = kUndefinedAddress;
  int version = 0;
  std::vector<HeaderMessage> messages;

  // The first message of a type, or nullptr.
  const HeaderMessage* find(uint16_t type) const;
  std::vector<const HeaderMessage*> find_all(uint16_t type) const;
};

// Reads the object header at `address` and all its continuation blocks.
StatusOr<ObjectHeader> read_object_header(const FileContext& file, uint64_t address);

// The data of `message`, following a shared-message reference to the object
// header that holds it (committed datatypes). Messages kept in the shared
// message heap are refused as unsupported.
StatusOr<std::string_view> message_data(const FileContext& file, const HeaderMessage& message);

}  // namespace mq::hdf5
