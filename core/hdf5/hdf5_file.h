// A read-only HDF5 reader written for Keras model files (.h5 / .hdf5 and the
// model.weights.h5 inside .keras archives); the same code runs natively and
// in WebAssembly, without libhdf5.
//
//   MQ_ASSIGN_OR_RETURN(hdf5::Hdf5File file, hdf5::Hdf5File::open(bytes));
//   MQ_ASSIGN_OR_RETURN(hdf5::Group root, file.root());
//   MQ_ASSIGN_OR_RETURN(std::string version, root.read_string_attribute("keras_version"));
//   MQ_ASSIGN_OR_RETURN(hdf5::Dataset kernel, root.open_dataset("model_weights/dense_1/dense_1/kernel:0"));
//   MQ_ASSIGN_OR_RETURN(std::vector<float> values, kernel.read_float32());
//
// The file bytes are not copied: they must outlive the Hdf5File and every
// Group, Dataset and Attribute opened from it. Supported: superblocks 0-3,
// object headers 1 and 2, symbol-table and link-message groups (compact and
// dense), compact/contiguous/chunked datasets with every chunk index,
// deflate/shuffle/fletcher32 filters, integer/float/string datatypes.
// Damaged or hostile files give a Status, never a crash; every offset is
// checked against the buffer and every walk is bounded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/hdf5/datatype.h"
#include "core/hdf5/file_context.h"
#include "core/util/status.h"

namespace mq::hdf5 {

struct ObjectHeader;
struct AttributeMessage;
struct DatasetStorage;
struct Link;

enum class ObjectKind { kGroup, kDataset, kDatatype, kOther };

// "group", "dataset", "named datatype", "object".
const char* object_kind_name(ObjectKind kind);

class Attribute {
 public:
  const std::string& name() const;
  const Datatype& datatype() const;
  // Dimensions; empty for a scalar.
  const std::vector<uint64_t>& shape() const;
  uint64_t element_count() const;

  // The value of a string attribute holding exactly one string (scalar or [1]).
  StatusOr<std::string> read_string() const;
  // Every string of a string attribute; an empty array of any type gives an
  // empty list (Keras writes empty weight_names as a float64 array).
  StatusOr<std::vector<std::string>> read_strings() const;
  // The values of an integer or float attribute.
  StatusOr<std::vector<double>> read_numbers() const;
  // The element bytes as stored (file byte order).
  std::string_view raw_bytes() const;

 private:
  friend class Object;
  std::shared_ptr<const FileContext> file_;
  std::shared_ptr<const AttributeMessage> message_;
  std::string context_;  // "attribute 'name' of '/path'"
};

// What groups and datasets share: a path and attributes.
class Object {
 public:
  // Absolute path as it was opened: "/model_weights/dense_1".
  const std::string& path() const { return path_; }

  // Attribute names in byte order of the names (as h5py lists them).
  StatusOr<std::vector<std::string>> attribute_names() const;
  StatusOr<bool> has_attribute(std::string_view name) const;
  StatusOr<Attribute> attribute(std::string_view name) const;
  // Shortcuts for attribute(name) then read_string / read_strings / read_numbers.
  StatusOr<std::string> read_string_attribute(std::string_view name) const;
  StatusOr<std::vector<std::string>> read_string_list_attribute(std::string_view name) const;
  StatusOr<std::vector<double>> read_number_attribute(std::string_view name) const;

 protected:
  Object() = default;
  StatusOr<std::vector<Attribute>> load_attributes() const;

  std::shared_ptr<const FileContext> file_;
  std::shared_ptr<const ObjectHeader> header_;
  std::string path_;
};

class Dataset : public Object {
 public:
  // Dimensions; empty for a scalar.
  const std::vector<uint64_t>& shape() const;
  uint64_t element_count() const;
  const Datatype& datatype() const;

  // All elements, row-major, converted to float32 (from float16/32/64 or integers).
  StatusOr<std::vector<float>> read_float32() const;
  StatusOr<std::vector<double>> read_float64() const;
  StatusOr<std::vector<int64_t>> read_int64() const;
  StatusOr<std::vector<std::string>> read_strings() const;
  // The element bytes, row-major, in the file's byte order.
  StatusOr<std::string> read_raw() const;

 private:
  friend class Group;
  std::shared_ptr<const DatasetStorage> storage_;
};

class Group : public Object {
 public:
  // Names of the members, in byte order of the names (as h5py and h5dump list them).
  std::vector<std::string> child_names() const;
  // Names in the order they were created; fails when the file did not track it.
  StatusOr<std::vector<std::string>> child_names_in_creation_order() const;

  // `path` is relative to this group ("dense_1/kernel:0") or absolute ("/model_weights").
  StatusOr<bool> has_child(std::string_view path) const;
  StatusOr<ObjectKind> child_kind(std::string_view path) const;
  StatusOr<Group> open_group(std::string_view path) const;
  StatusOr<Dataset> open_dataset(std::string_view path) const;

 private:
  friend class Hdf5File;
  struct Resolved;
  static StatusOr<Group> load(std::shared_ptr<const FileContext> file, uint64_t address, std::string path);
  StatusOr<Resolved> resolve(std::string_view path) const;

  std::shared_ptr<const std::vector<Link>> links_;
};

struct ObjectEntry {
  std::string path;
  ObjectKind kind = ObjectKind::kOther;
};

class Hdf5File {
 public:
  // Opens HDF5 bytes (not copied; they must outlive everything opened here).
  static StatusOr<Hdf5File> open(std::string_view bytes, const OpenOptions& options = {});

  StatusOr<Group> root() const;

  // Every group and dataset reachable from the root through hard links,
  // depth first in name order, each object once even when several links
  // (or a cycle of links) lead to it. Soft and external links are not followed.
  StatusOr<std::vector<ObjectEntry>> list_objects() const;

  int superblock_version() const;

 private:
  std::shared_ptr<const FileContext> file_;
};

}  // namespace mq::hdf5
