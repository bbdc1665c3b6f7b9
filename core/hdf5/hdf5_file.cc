#include "core/hdf5/hdf5_file.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/hdf5/dataset_reader.h"
#include "core/hdf5/messages.h"
#include "core/hdf5/object_contents.h"
#include "core/hdf5/object_header.h"
#include "core/hdf5/values.h"

namespace mq::hdf5 {
namespace {

constexpr size_t kMaxGroupNesting = 1024;

std::string child_path(const std::string& parent, const std::string& name) {
  return (parent == "/" ? "" : parent) + "/" + name;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

ObjectKind kind_of(const ObjectHeader& header) {
  if (is_dataset_header(header)) return ObjectKind::kDataset;
  if (is_group_header(header)) return ObjectKind::kGroup;
  if (is_committed_datatype_header(header)) return ObjectKind::kDatatype;
  return ObjectKind::kOther;
}

struct Location {
  uint64_t address = kUndefinedAddress;
  std::string path;
  std::shared_ptr<const std::vector<Link>> links;  // when already loaded
};

// Follows `path` from `start` through hard and soft links. When a member does
// not exist and `missing` is given, it receives the message instead of failing.
StatusOr<Location> resolve_path(const FileContext& file, Location start, std::string_view path, int* soft_links,
                                std::string* missing) {
  Location current = std::move(start);
  if (!path.empty() && path[0] == '/') current = Location{file.root_object_address, "/", nullptr};
  for (const std::string& name : split_path(path)) {
    if (!current.links) {
      MQ_ASSIGN_OR_RETURN(ObjectHeader header, read_object_header(file, current.address));
      if (!is_group_header(header))
        return Status::error("'" + current.path + "' is a " + object_kind_name(kind_of(header)) +
                             ", not a group, so it has no member '" + name + "'");
      auto links = read_group_links(file, header);
      if (!links.is_ok()) return links.status().with_context("group '" + current.path + "'");
      current.links = std::make_shared<const std::vector<Link>>(std::move(links).value());
    }
    const Link* link = nullptr;
    for (const Link& candidate : *current.links)
      if (candidate.name == name) {
        link = &candidate;
        break;
      }
    if (!link) {
      std::string message = "group '" + current.path + "' has no member '" + name + "'";
      if (!missing) return Status::error(message);
      *missing = message;
      return current;
    }
    std::string next_path = child_path(current.path, name);
    switch (link->kind) {
      case Link::Kind::kHard:
        current = Location{link->address, next_path, nullptr};
        break;
      case Link::Kind::kSoft: {
        if (++*soft_links > file.options.max_soft_links)
          return Status::error("'" + next_path + "': more than " + std::to_string(file.options.max_soft_links) +
                               " soft links followed (do they form a loop?)");
        MQ_ASSIGN_OR_RETURN(Location target, resolve_path(file, current, link->target, soft_links, nullptr));
        current = Location{target.address, next_path, target.links};
        break;
      }
      case Link::Kind::kExternal:
        return Status::unsupported("'" + next_path + "' is an external link (to '" + link->target +
                                   "'), which is not supported");
      case Link::Kind::kUserDefined:
        return Status::unsupported("'" + next_path + "' is a user-defined link, which is not supported");
    }
  }
  return current;
}

}  // namespace

const char* object_kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kGroup: return "group";
    case ObjectKind::kDataset: return "dataset";
    case ObjectKind::kDatatype: return "named datatype";
    case ObjectKind::kOther: return "object";
  }
  return "object";
}

// ----- Attribute

const std::string& Attribute::name() const { return message_->name; }
const Datatype& Attribute::datatype() const { return message_->datatype; }
const std::vector<uint64_t>& Attribute::shape() const { return message_->dataspace.dims; }
uint64_t Attribute::element_count() const { return message_->dataspace.element_count; }
std::string_view Attribute::raw_bytes() const { return message_->data; }

StatusOr<std::string> Attribute::read_string() const {
  if (!datatype().is_string())
    return Status::error(context_ + " holds " + datatype().name() + " values, not a string");
  if (element_count() != 1)
    return Status::error(context_ + " holds " + std::to_string(element_count()) + " strings, expected one");
  auto strings = decode_strings(*file_, datatype(), message_->data, 1);
  if (!strings.is_ok()) return strings.status().with_context(context_);
  return std::move(strings->front());
}

StatusOr<std::vector<std::string>> Attribute::read_strings() const {
  if (element_count() == 0) return std::vector<std::string>{};
  if (!datatype().is_string())
    return Status::error(context_ + " holds " + datatype().name() + " values, not strings");
  auto strings = decode_strings(*file_, datatype(), message_->data, element_count());
  if (!strings.is_ok()) return strings.status().with_context(context_);
  return strings;
}

StatusOr<std::vector<double>> Attribute::read_numbers() const {
  if (element_count() == 0) return std::vector<double>{};
  if (!datatype().is_numeric())
    return Status::error(context_ + " holds " + datatype().name() + " values, not numbers");
  std::vector<double> values(static_cast<size_t>(element_count()));
  Status status = convert_numbers(datatype(), message_->data, element_count(), values.data());
  if (!status.is_ok()) return status.with_context(context_);
  return values;
}

// ----- Object

StatusOr<std::vector<Attribute>> Object::load_attributes() const {
  auto messages = read_attributes(*file_, *header_);
  if (!messages.is_ok()) return messages.status().with_context("attributes of '" + path_ + "'");
  std::vector<Attribute> attributes;
  for (AttributeMessage& message : *messages) {
    Attribute attribute;
    attribute.file_ = file_;
    attribute.context_ = "attribute '" + message.name + "' of '" + path_ + "'";
    attribute.message_ = std::make_shared<const AttributeMessage>(std::move(message));
    attributes.push_back(std::move(attribute));
  }
  return attributes;
}

StatusOr<std::vector<std::string>> Object::attribute_names() const {
  MQ_ASSIGN_OR_RETURN(std::vector<Attribute> attributes, load_attributes());
  std::vector<std::string> names;
  for (const Attribute& attribute : attributes) names.push_back(attribute.name());
  std::sort(names.begin(), names.end());
  return names;
}

StatusOr<bool> Object::has_attribute(std::string_view name) const {
  MQ_ASSIGN_OR_RETURN(std::vector<Attribute> attributes, load_attributes());
  for (const Attribute& attribute : attributes)
    if (attribute.name() == name) return true;
  return false;
}

StatusOr<Attribute> Object::attribute(std::string_view name) const {
  MQ_ASSIGN_OR_RETURN(std::vector<Attribute> attributes, load_attributes());
  for (Attribute& attribute : attributes)
    if (attribute.name() == name) return std::move(attribute);
  return Status::error("'" + path_ + "' has no attribute '" + std::string(name) + "'");
}

StatusOr<std::string> Object::read_string_attribute(std::string_view name) const {
  MQ_ASSIGN_OR_RETURN(Attribute found, attribute(name));
  return found.read_string();
}

StatusOr<std::vector<std::string>> Object::read_string_list_attribute(std::string_view name) const {
  MQ_ASSIGN_OR_RETURN(Attribute found, attribute(name));
  return found.read_strings();
}

StatusOr<std::vector<double>> Object::read_number_attribute(std::string_view name) const {
  MQ_ASSIGN_OR_RETURN(Attribute found, attribute(name));
  return found.read_numbers();
}

// ----- Dataset

const std::vector<uint64_t>& Dataset::shape() const { return storage_->dataspace.dims; }
uint64_t Dataset::element_count() const { return storage_->dataspace.element_count; }
const Datatype& Dataset::datatype() const { return storage_->datatype; }

StatusOr<std::string> Dataset::read_raw() const { return read_dataset_bytes(*file_, *storage_); }

namespace {

template <typename T>
StatusOr<std::vector<T>> read_numbers_as(const FileContext& file, const DatasetStorage& storage) {
  std::string what = "dataset '" + storage.path + "'";
  if (!storage.datatype.is_numeric())
    return Status::error(what + " holds " + storage.datatype.name() + " values, not numbers");
  MQ_ASSIGN_OR_RETURN(std::optional<std::string_view> in_place, dataset_bytes_in_place(file, storage));
  std::string owned;
  if (!in_place) {
    MQ_ASSIGN_OR_RETURN(owned, read_dataset_bytes(file, storage));
  }
  std::string_view raw = in_place ? *in_place : std::string_view(owned);
  std::vector<T> values(static_cast<size_t>(storage.dataspace.element_count));
  Status status = convert_numbers(storage.datatype, raw, storage.dataspace.element_count, values.data());
  if (!status.is_ok()) return status.with_context(what);
  return values;
}

}  // namespace

StatusOr<std::vector<float>> Dataset::read_float32() const { return read_numbers_as<float>(*file_, *storage_); }
StatusOr<std::vector<double>> Dataset::read_float64() const { return read_numbers_as<double>(*file_, *storage_); }
StatusOr<std::vector<int64_t>> Dataset::read_int64() const { return read_numbers_as<int64_t>(*file_, *storage_); }

StatusOr<std::vector<std::string>> Dataset::read_strings() const {
  std::string what = "dataset '" + path_ + "'";
  if (!datatype().is_string()) return Status::error(what + " holds " + datatype().name() + " values, not strings");
  MQ_ASSIGN_OR_RETURN(std::string raw, read_dataset_bytes(*file_, *storage_));
  auto strings = decode_strings(*file_, datatype(), raw, element_count());
  if (!strings.is_ok()) return strings.status().with_context(what);
  return strings;
}

// ----- Group

struct Group::Resolved {
  Location location;
  std::string missing;  // why the path does not exist; empty when it does
};

StatusOr<Group> Group::load(std::shared_ptr<const FileContext> file, uint64_t address, std::string path) {
  MQ_ASSIGN_OR_RETURN(ObjectHeader header, read_object_header(*file, address));
  if (!is_group_header(header))
    return Status::error("'" + path + "' is a " + object_kind_name(kind_of(header)) + ", not a group");
  auto links = read_group_links(*file, header);
  if (!links.is_ok()) return links.status().with_context("group '" + path + "'");
  Group group;
  group.file_ = std::move(file);
  group.header_ = std::make_shared<const ObjectHeader>(std::move(header));
  group.path_ = std::move(path);
  group.links_ = std::make_shared<const std::vector<Link>>(std::move(links).value());
  return group;
}

StatusOr<Group::Resolved> Group::resolve(std::string_view path) const {
  Resolved resolved;
  int soft_links = 0;
  Location start{header_->address, path_, links_};
  MQ_ASSIGN_OR_RETURN(resolved.location, resolve_path(*file_, start, path, &soft_links, &resolved.missing));
  return resolved;
}

std::vector<std::string> Group::child_names() const {
  std::vector<std::string> names;
  for (const Link& link : *links_) names.push_back(link.name);
  std::sort(names.begin(), names.end());
  return names;
}

StatusOr<std::vector<std::string>> Group::child_names_in_creation_order() const {
  std::vector<std::pair<uint64_t, std::string>> ordered;
  for (const Link& link : *links_) {
    if (!link.creation_order)
      return Status::error("group '" + path_ + "' does not record the order in which its members were created");
    ordered.emplace_back(*link.creation_order, link.name);
  }
  std::sort(ordered.begin(), ordered.end());
  std::vector<std::string> names;
  for (auto& entry : ordered) names.push_back(std::move(entry.second));
  return names;
}

StatusOr<bool> Group::has_child(std::string_view path) const {
  MQ_ASSIGN_OR_RETURN(Resolved resolved, resolve(path));
  return resolved.missing.empty();
}

StatusOr<ObjectKind> Group::child_kind(std::string_view path) const {
  MQ_ASSIGN_OR_RETURN(Resolved resolved, resolve(path));
  if (!resolved.missing.empty()) return Status::error(resolved.missing);
  MQ_ASSIGN_OR_RETURN(ObjectHeader header, read_object_header(*file_, resolved.location.address));
  return kind_of(header);
}

StatusOr<Group> Group::open_group(std::string_view path) const {
  MQ_ASSIGN_OR_RETURN(Resolved resolved, resolve(path));
  if (!resolved.missing.empty()) return Status::error(resolved.missing);
  return load(file_, resolved.location.address, resolved.location.path);
}

StatusOr<Dataset> Group::open_dataset(std::string_view path) const {
  MQ_ASSIGN_OR_RETURN(Resolved resolved, resolve(path));
  const std::string& full_path = resolved.location.path;
  if (!resolved.missing.empty()) return Status::error(resolved.missing);
  MQ_ASSIGN_OR_RETURN(ObjectHeader header, read_object_header(*file_, resolved.location.address));
  if (!is_dataset_header(header))
    return Status::error("'" + full_path + "' is a " + object_kind_name(kind_of(header)) + ", not a dataset");
  MQ_ASSIGN_OR_RETURN(DatasetStorage storage, load_dataset_storage(*file_, header, full_path));
  Dataset dataset;
  dataset.file_ = file_;
  dataset.header_ = std::make_shared<const ObjectHeader>(std::move(header));
  dataset.path_ = full_path;
  dataset.storage_ = std::make_shared<const DatasetStorage>(std::move(storage));
  return dataset;
}

// ----- Hdf5File

StatusOr<Hdf5File> Hdf5File::open(std::string_view bytes, const OpenOptions& options) {
  Hdf5File file;
  MQ_ASSIGN_OR_RETURN(file.file_, open_file_context(bytes, options));
  MQ_ASSIGN_OR_RETURN(ObjectHeader root, read_object_header(*file.file_, file.file_->root_object_address));
  if (!is_group_header(root)) return damaged_file("the root object is not a group");
  return file;
}

StatusOr<Group> Hdf5File::root() const { return Group::load(file_, file_->root_object_address, "/"); }

int Hdf5File::superblock_version() const { return file_->superblock_version; }

StatusOr<std::vector<ObjectEntry>> Hdf5File::list_objects() const {
  struct Pending {
    uint64_t address;
    std::string path;
    size_t depth;
  };
  std::vector<ObjectEntry> entries;
  std::set<uint64_t> visited;
  // Every link costs bytes in a sane file; groups sharing one link table can
  // make a small file list endlessly, so the total is bounded by the file size.
  uint64_t links_left = file_->bytes.size() + 100000;
  std::vector<Pending> stack{{file_->root_object_address, "/", 0}};
  while (!stack.empty()) {
    Pending next = std::move(stack.back());
    stack.pop_back();
    if (!visited.insert(next.address).second) continue;  // reached before through another link
    MQ_ASSIGN_OR_RETURN(ObjectHeader header, read_object_header(*file_, next.address));
    ObjectKind kind = kind_of(header);
    if (next.depth > 0) entries.push_back({next.path, kind});
    if (kind != ObjectKind::kGroup) continue;
    if (next.depth >= kMaxGroupNesting)
      return damaged_file("groups nest more than " + std::to_string(kMaxGroupNesting) + " levels deep at '" +
                          next.path + "'");
    auto links = read_group_links(*file_, header);
    if (!links.is_ok()) return links.status().with_context("group '" + next.path + "'");
    if (links->size() > links_left)
      return damaged_file("the groups hold more links than the file has room for (shared link tables?)");
    links_left -= links->size();
    std::vector<const Link*> hard;
    for (const Link& link : *links)
      if (link.kind == Link::Kind::kHard) hard.push_back(&link);
    std::sort(hard.begin(), hard.end(), [](const Link* a, const Link* b) { return a->name > b->name; });
    for (const Link* link : hard) stack.push_back({link->address, child_path(next.path, link->name), next.depth + 1});
  }
  return entries;
}

}  // namespace mq::hdf5
