#include "core/hdf5/object_header.h"

#include <set>
#include <utility>

namespace mq::hdf5 {
namespace {

// More continuation blocks than any real object needs; a guard against loops.
constexpr size_t kMaxContinuationBlocks = 65536;

struct Block {
  uint64_t address;
  uint64_t size;
};

// Appends the messages of one version-1 message block (the first chunk or a
// continuation block); continuation messages are queued in `pending`.
Status read_version1_messages(const FileContext& file, ByteCursor block, ObjectHeader* header,
                              std::vector<Block>* pending) {
  while (block.remaining() >= 8) {
    uint16_t type = block.u16();
    uint16_t size = block.u16();
    uint8_t flags = block.u8();
    block.skip(3);
    std::string_view data = block.take(size);
    if (block.failed())
      return damaged_file("a message of object header " + address_string(header->address) + " runs past its block");
    if (type == kContinuationMessage) {
      ByteCursor fields = file.cursor_over(data);
      Block next{fields.address(), fields.length()};
      if (fields.failed()) return damaged_file("a continuation message of object header " +
                                               address_string(header->address) + " is cut off");
      pending->push_back(next);
    }
    header->messages.push_back({type, flags, data});
  }
  return Status::ok();
}

Status read_version2_messages(const FileContext& file, ByteCursor block, uint8_t header_flags, ObjectHeader* header,
                              std::vector<Block>* pending) {
  size_t message_header_size = (header_flags & 0x04) ? 6 : 4;
  while (block.remaining() >= message_header_size) {
    uint8_t type = block.u8();
    uint16_t size = block.u16();
    uint8_t flags = block.u8();
    if (header_flags & 0x04) block.skip(2);  // creation order
    std::string_view data = block.take(size);
    if (block.failed())
      return damaged_file("a message of object header " + address_string(header->address) + " runs past its block");
    if (type == kContinuationMessage) {
      ByteCursor fields = file.cursor_over(data);
      Block next{fields.address(), fields.length()};
      if (fields.failed()) return damaged_file("a continuation message of object header " +
                                               address_string(header->address) + " is cut off");
      pending->push_back(next);
    }
    header->messages.push_back({type, flags, data});
  }
  return Status::ok();
}

}  // namespace

const HeaderMessage* ObjectHeader::find(uint16_t type) const {
  for (const HeaderMessage& message : messages)
    if (message.type == type) return &message;
  return nullptr;
}

std::vector<const HeaderMessage*> ObjectHeader::find_all(uint16_t type) const {
  std::vector<const HeaderMessage*> out;
  for (const HeaderMessage& message : messages)
    if (message.type == type) out.push_back(&message);
  return out;
}

StatusOr<ObjectHeader> read_object_header(const FileContext& file, uint64_t address) {
  ObjectHeader header;
  header.address = address;
  std::string what = "object header " + address_string(address);
  MQ_ASSIGN_OR_RETURN(ByteCursor cursor, file.cursor_from(address, what));
  std::vector<Block> pending;
  uint8_t flags = 0;
  if (cursor.remaining() >= 4 && cursor.bytes().substr(0, 4) == "OHDR") {
    cursor.skip(4);
    header.version = cursor.u8();
    flags = cursor.u8();
    if (header.version != 2)
      return Status::unsupported(what + " has version " + std::to_string(header.version) + " (1 and 2 are supported)");
    if (flags & 0x20) cursor.skip(16);  // access, modification, change and birth times
    if (flags & 0x10) cursor.skip(4);   // attribute storage phase change values
    uint64_t chunk_size = cursor.uint(size_t{1} << (flags & 0x03));
    if (cursor.failed()) return damaged_file(what + " is cut off");
    std::string_view chunk = cursor.take(chunk_size);
    if (cursor.failed()) return damaged_file(what + " says its first block holds " + std::to_string(chunk_size) +
                                             " bytes, more than the file has");
    MQ_RETURN_IF_ERROR(read_version2_messages(file, file.cursor_over(chunk), flags, &header, &pending));
  } else {
    header.version = cursor.u8();
    if (header.version != 1) {
      return damaged_file("no object header at address " + address_string(address) + " (found version byte " +
                          std::to_string(header.version) + ")");
    }
    cursor.skip(1);  // reserved
    cursor.skip(2);  // number of messages (we read until the blocks end)
    cursor.skip(4);  // reference count
    uint32_t chunk_size = cursor.u32();
    cursor.skip(4);  // alignment padding: messages start 16 bytes in
    std::string_view chunk = cursor.take(chunk_size);
    if (cursor.failed()) return damaged_file(what + " is cut off");
    MQ_RETURN_IF_ERROR(read_version1_messages(file, file.cursor_over(chunk), &header, &pending));
  }

  std::set<uint64_t> visited{address};
  size_t blocks_read = 0;
  for (size_t next = 0; next < pending.size(); ++next) {
    Block block = pending[next];  // by value: reading it may grow `pending`
    if (!visited.insert(block.address).second)
      return damaged_file(what + " has continuation blocks that form a loop");
    if (++blocks_read > kMaxContinuationBlocks) return damaged_file(what + " has too many continuation blocks");
    MQ_ASSIGN_OR_RETURN(ByteCursor data, file.cursor_at(block.address, block.size, "a continuation block of " + what));
    if (header.version == 1) {
      MQ_RETURN_IF_ERROR(read_version1_messages(file, data, &header, &pending));
    } else {
      if (!data.signature("OCHK") || block.size < 8)
        return damaged_file("continuation block " + address_string(block.address) + " of " + what +
                            " lacks its OCHK signature");
      ByteCursor messages = file.cursor_over(data.bytes().substr(4, data.size() - 8));  // minus the checksum
      MQ_RETURN_IF_ERROR(read_version2_messages(file, messages, flags, &header, &pending));
    }
  }
  return header;
}

StatusOr<std::string_view> message_data(const FileContext& file, const HeaderMessage& message) {
  if (!(message.flags & kMessageIsShared)) return message.data;
  ByteCursor cursor = file.cursor_over(message.data);
  int version = cursor.u8();
  int kind = cursor.u8();
  uint64_t address = kUndefinedAddress;
  if (version == 1) {
    cursor.skip(6);
    cursor.skip(file.length_size);
    address = cursor.address();
  } else if (version == 2) {
    address = cursor.address();
  } else if (version == 3) {
    if (kind == 1)
      return Status::unsupported("messages kept in the shared object header message heap are not supported");
    address = cursor.address();
  } else {
    return Status::unsupported("shared message reference version " + std::to_string(version) + " is not supported");
  }
  if (cursor.failed()) return damaged_file("a shared message reference is cut off");
  MQ_ASSIGN_OR_RETURN(ObjectHeader owner, read_object_header(file, address));
  for (const HeaderMessage& candidate : owner.messages) {
    if (candidate.type != message.type) continue;
    if (candidate.flags & kMessageIsShared)
      return damaged_file("shared message at object header " + address_string(address) + " is itself shared");
    return candidate.data;
  }
  return damaged_file("object header " + address_string(address) + " does not hold the shared message of type " +
                      std::to_string(message.type) + " that refers to it");
}

}  // namespace mq::hdf5
