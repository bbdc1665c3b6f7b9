#include "core/hdf5/file_context.h"

namespace mq::hdf5 {
namespace {

constexpr std::string_view kSignature("\x89HDF\r\n\x1a\n", 8);

bool valid_field_size(uint8_t size) { return size == 2 || size == 4 || size == 8; }

}  // namespace

Status damaged_file(const std::string& what) { return Status::error("HDF5 file is damaged: " + what); }

std::string address_string(uint64_t address) {
  if (address == kUndefinedAddress) return "(undefined)";
  return std::to_string(address);
}

StatusOr<ByteCursor> FileContext::cursor_at(uint64_t address, uint64_t size, const std::string& what) const {
  MQ_ASSIGN_OR_RETURN(std::string_view data, span(address, size, what));
  return ByteCursor(data, offset_size, length_size);
}

StatusOr<ByteCursor> FileContext::cursor_from(uint64_t address, const std::string& what) const {
  if (address == kUndefinedAddress) return damaged_file(what + " has an undefined address");
  if (address > bytes.size() || base_address > bytes.size() - address)
    return damaged_file(what + " at address " + address_string(address) + " lies outside the file (" +
                        std::to_string(bytes.size()) + " bytes; truncated?)");
  return ByteCursor(bytes.substr(static_cast<size_t>(base_address + address)), offset_size, length_size);
}

StatusOr<std::string_view> FileContext::span(uint64_t address, uint64_t size, const std::string& what) const {
  if (address == kUndefinedAddress) return damaged_file(what + " has an undefined address");
  uint64_t file_size = bytes.size();
  if (address > file_size || base_address > file_size - address || size > file_size - base_address - address)
    return damaged_file(what + " (" + std::to_string(size) + " bytes at address " + address_string(address) +
                        ") lies outside the file (" + std::to_string(file_size) + " bytes; truncated?)");
  return bytes.substr(static_cast<size_t>(base_address + address), static_cast<size_t>(size));
}

StatusOr<std::shared_ptr<const FileContext>> open_file_context(std::string_view bytes, const OpenOptions& options) {
  size_t superblock = std::string_view::npos;
  for (size_t offset = 0; offset < bytes.size() && bytes.size() - offset >= kSignature.size();
       offset = offset == 0 ? 512 : offset * 2) {
    if (bytes.substr(offset, kSignature.size()) == kSignature) {
      superblock = offset;
      break;
    }
  }
  if (superblock == std::string_view::npos)
    return Status::error("not an HDF5 file: the HDF5 signature was not found at byte 0, 512, 1024, ...");

  auto context = std::make_shared<FileContext>();
  context->bytes = bytes;
  context->options = options;
  ByteCursor cursor(bytes.substr(superblock + kSignature.size()));
  int version = cursor.u8();
  context->superblock_version = version;
  uint64_t end_of_file = 0;
  if (version == 0 || version == 1) {
    cursor.skip(3);  // free-space, root symbol table entry and reserved versions
    cursor.skip(1);  // shared header message format version
    context->offset_size = cursor.u8();
    context->length_size = cursor.u8();
    cursor.skip(1);
    cursor.skip(4);  // group leaf and internal node K
    cursor.skip(4);  // file consistency flags
    if (version == 1) cursor.skip(4);  // indexed storage K + reserved
    if (cursor.failed()) return damaged_file("the superblock is cut off");
    if (!valid_field_size(context->offset_size) || !valid_field_size(context->length_size))
      return Status::unsupported("HDF5 files with " + std::to_string(context->offset_size) + "-byte addresses and " +
                                 std::to_string(context->length_size) + "-byte lengths are not supported");
    ByteCursor fields(cursor.bytes().substr(cursor.position()), context->offset_size, context->length_size);
    context->base_address = fields.address();
    fields.address();  // free-space info
    end_of_file = fields.address();
    fields.address();  // driver information block
    fields.address();  // root group symbol table entry: link name offset
    context->root_object_address = fields.address();
    if (fields.failed()) return damaged_file("the superblock is cut off");
  } else if (version == 2 || version == 3) {
    context->offset_size = cursor.u8();
    context->length_size = cursor.u8();
    cursor.skip(1);  // file consistency flags
    if (cursor.failed()) return damaged_file("the superblock is cut off");
    if (!valid_field_size(context->offset_size) || !valid_field_size(context->length_size))
      return Status::unsupported("HDF5 files with " + std::to_string(context->offset_size) + "-byte addresses and " +
                                 std::to_string(context->length_size) + "-byte lengths are not supported");
    ByteCursor fields(cursor.bytes().substr(cursor.position()), context->offset_size, context->length_size);
    context->base_address = fields.address();
    fields.address();  // superblock extension
    end_of_file = fields.address();
    context->root_object_address = fields.address();
    if (fields.failed()) return damaged_file("the superblock is cut off");
  } else {
    return Status::unsupported("HDF5 superblock version " + std::to_string(version) +
                               " is not supported (versions 0 to 3 are)");
  }
  if (context->base_address == kUndefinedAddress || context->base_address > bytes.size())
    return damaged_file("the superblock's base address " + address_string(context->base_address) +
                        " lies outside the file");
  if (end_of_file != kUndefinedAddress && end_of_file > bytes.size() - context->base_address)
    return Status::error("HDF5 file is truncated: its superblock says it holds " +
                         std::to_string(end_of_file + context->base_address) + " bytes, but only " +
                         std::to_string(bytes.size()) + " are present");
  if (context->root_object_address == kUndefinedAddress)
    return damaged_file("the superblock has no root group address");
  return std::shared_ptr<const FileContext>(std::move(context));
}

}  // namespace mq::hdf5
