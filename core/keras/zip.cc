#include "core/keras/zip.h"

#include "core/hdf5/byte_cursor.h"
#include "core/hdf5/inflate.h"

namespace mq::keras {
namespace {

using hdf5::ByteCursor;

constexpr std::string_view kEndOfDirectory("PK\x05\x06", 4);
constexpr std::string_view kDirectoryEntry("PK\x01\x02", 4);
constexpr std::string_view kLocalHeader("PK\x03\x04", 4);
constexpr size_t kEndOfDirectorySize = 22;

Status damaged(const std::string& what) { return Status::error("ZIP archive is damaged: " + what); }

}  // namespace

StatusOr<ZipArchive> ZipArchive::open(std::string_view bytes) {
  if (bytes.size() < kEndOfDirectorySize) return Status::error("not a ZIP archive: only " +
                                                               std::to_string(bytes.size()) + " bytes");
  // The end-of-directory record is last, followed only by a comment of up to 64 KiB.
  size_t end_record = std::string_view::npos;
  size_t lowest = bytes.size() > kEndOfDirectorySize + 65535 ? bytes.size() - kEndOfDirectorySize - 65535 : 0;
  for (size_t at = bytes.size() - kEndOfDirectorySize + 1; at-- > lowest;) {
    if (bytes.substr(at, 4) == kEndOfDirectory) {
      end_record = at;
      break;
    }
  }
  if (end_record == std::string_view::npos)
    return Status::error("not a ZIP archive: no end-of-central-directory record");
  ByteCursor end(bytes.substr(end_record + 4));
  uint16_t disk = end.u16();
  uint16_t directory_disk = end.u16();
  end.u16();  // entries on this disk
  uint16_t entry_count = end.u16();
  uint32_t directory_size = end.u32();
  uint32_t directory_offset = end.u32();
  if (end.failed()) return damaged("the end-of-central-directory record is cut off");
  if (disk != 0 || directory_disk != 0) return Status::unsupported("multi-part ZIP archives are not supported");
  if (entry_count == 0xffff || directory_size == 0xffffffffu || directory_offset == 0xffffffffu)
    return Status::unsupported("ZIP64 archives (over 4 GiB or 65535 entries) are not supported");
  if (directory_offset > bytes.size() || directory_size > bytes.size() - directory_offset)
    return damaged("the central directory lies outside the archive (truncated?)");

  ZipArchive archive;
  archive.bytes_ = bytes;
  ByteCursor directory(bytes.substr(directory_offset, directory_size));
  for (uint16_t i = 0; i < entry_count; ++i) {
    if (!directory.signature(kDirectoryEntry)) return damaged("central directory entry " + std::to_string(i) +
                                                              " lacks its signature");
    ZipEntry entry;
    directory.skip(4);  // versions
    entry.flags = directory.u16();
    entry.method = directory.u16();
    directory.skip(4);  // time and date
    entry.crc32 = directory.u32();
    entry.compressed_size = directory.u32();
    entry.uncompressed_size = directory.u32();
    uint16_t name_length = directory.u16();
    uint16_t extra_length = directory.u16();
    uint16_t comment_length = directory.u16();
    directory.skip(8);  // disk, internal and external attributes
    entry.local_header_offset = directory.u32();
    entry.name = std::string(directory.take(name_length));
    directory.skip(extra_length);
    directory.skip(comment_length);
    if (directory.failed()) return damaged("central directory entry " + std::to_string(i) + " is cut off");
    archive.entries_.push_back(std::move(entry));
  }
  return archive;
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
  for (const ZipEntry& entry : entries_)
    if (entry.name == name) return &entry;
  return nullptr;
}

StatusOr<std::string_view> ZipArchive::compressed_bytes(const ZipEntry& entry) const {
  std::string what = "entry '" + entry.name + "'";
  if (entry.flags & 0x01) return Status::unsupported(what + " is encrypted, which is not supported");
  if (entry.local_header_offset > bytes_.size()) return damaged(what + " starts outside the archive");
  ByteCursor local(bytes_.substr(static_cast<size_t>(entry.local_header_offset)));
  if (!local.signature(kLocalHeader)) return damaged(what + " lacks its local header");
  local.skip(22);  // version, flags, method, time, date, crc and sizes (the directory's are used)
  uint16_t name_length = local.u16();
  uint16_t extra_length = local.u16();
  local.skip(uint64_t{name_length} + extra_length);
  std::string_view data = local.take(entry.compressed_size);
  if (local.failed()) return damaged(what + " runs past the end of the archive (truncated?)");
  return data;
}

StatusOr<std::string_view> ZipArchive::stored_bytes(std::string_view name) const {
  const ZipEntry* entry = find(name);
  if (!entry) return Status::error("the archive has no entry '" + std::string(name) + "'");
  if (entry->method != 0)
    return Status::error("entry '" + entry->name + "' is compressed; read() decompresses it");
  return compressed_bytes(*entry);
}

StatusOr<std::string> ZipArchive::read(std::string_view name, uint64_t max_bytes) const {
  const ZipEntry* entry = find(name);
  if (!entry) return Status::error("the archive has no entry '" + std::string(name) + "'");
  std::string what = "entry '" + entry->name + "'";
  if (entry->uncompressed_size > max_bytes)
    return Status::resource_exhausted(what + " holds " + std::to_string(entry->uncompressed_size) +
                                      " bytes, more than the " + std::to_string(max_bytes) + "-byte limit");
  MQ_ASSIGN_OR_RETURN(std::string_view data, compressed_bytes(*entry));
  std::string contents;
  if (entry->method == 0) {
    if (entry->compressed_size != entry->uncompressed_size)
      return damaged(what + " is stored but its two sizes differ");
    contents = std::string(data);
  } else if (entry->method == 8) {
    auto inflated = hdf5::inflate_raw(data, static_cast<size_t>(entry->uncompressed_size));
    if (!inflated.is_ok()) return inflated.status().with_context(what);
    contents = std::move(inflated).value();
    if (contents.size() != entry->uncompressed_size)
      return damaged(what + " decompresses to " + std::to_string(contents.size()) + " bytes, expected " +
                     std::to_string(entry->uncompressed_size));
  } else {
    return Status::unsupported(what + " uses compression method " + std::to_string(entry->method) +
                               " (only stored and deflated entries are supported)");
  }
  if (hdf5::crc32(contents) != entry->crc32) return damaged(what + " fails its CRC-32 check");
  return contents;
}

}  // namespace mq::keras
