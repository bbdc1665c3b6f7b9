// Feeds arbitrary bytes to the HDF5 reader (and, for inputs that look like
// ZIP archives, to the ZIP reader first) and reads everything reachable.
// Seeds: tests/data/hdf5/*.h5, ../shared/keras/*.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/hdf5/hdf5_file.h"
#include "core/keras/zip.h"

namespace {

using namespace mq::hdf5;

void read_attributes(const Object& object) {
  auto names = object.attribute_names();
  if (!names.is_ok()) return;
  for (const std::string& name : *names) {
    auto attribute = object.attribute(name);
    if (!attribute.is_ok()) continue;
    (void)attribute->read_strings();
    (void)attribute->read_numbers();
    (void)attribute->read_string();
  }
}

void read_everything(std::string_view bytes) {
  OpenOptions options;
  options.max_read_bytes = 8 << 20;
  auto file = Hdf5File::open(bytes, options);
  if (!file.is_ok()) return;
  auto root = file->root();
  if (!root.is_ok()) return;
  read_attributes(*root);
  (void)root->child_names_in_creation_order();
  auto objects = file->list_objects();
  if (!objects.is_ok()) return;
  for (const ObjectEntry& entry : *objects) {
    if (entry.kind == ObjectKind::kGroup) {
      auto group = root->open_group(entry.path);
      if (!group.is_ok()) continue;
      read_attributes(*group);
      for (const std::string& child : group->child_names()) (void)group->child_kind(child);
    } else if (entry.kind == ObjectKind::kDataset) {
      auto dataset = root->open_dataset(entry.path);
      if (!dataset.is_ok()) continue;
      read_attributes(*dataset);
      (void)dataset->read_float32();
      (void)dataset->read_strings();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.substr(0, 2) == "PK") {
    auto archive = mq::keras::ZipArchive::open(bytes);
    if (!archive.is_ok()) return 0;
    for (const auto& entry : archive->entries()) {
      auto contents = archive->read(entry.name, 16 << 20);
      if (contents.is_ok()) read_everything(*contents);
    }
    return 0;
  }
  read_everything(bytes);
  return 0;
}
