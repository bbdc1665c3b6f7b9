// Keras 3 .keras archives: a ZIP with config.json (the model's
// serialization), metadata.json (keras_version) and model.weights.h5 (the
// weights by object path).
#include "core/hdf5/hdf5_file.h"
#include "core/keras/keras_config.h"
#include "core/keras/keras_model.h"
#include "core/keras/keras_weights_hdf5.h"
#include "core/keras/zip.h"

namespace mq::keras {
namespace {

constexpr uint64_t kMaxJsonBytes = uint64_t{256} << 20;

StatusOr<nlohmann::json> read_json_entry(const ZipArchive& archive, const std::string& entry,
                                         const std::string& source) {
  StatusOr<std::string> text = archive.read(entry, kMaxJsonBytes);
  if (!text.is_ok()) return text.status().with_context(source + ": " + entry);
  nlohmann::json value = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::error(source + ": " + entry + " is not valid JSON");
  return value;
}

}  // namespace

StatusOr<KerasModel> read_keras_archive(const KerasSource& source) {
  if (!source.config_json.empty())
    return Status::error(source.name + ": a .keras archive carries its own config.json; a separate topology (" +
                         source.config_name + ") is only for weights-only .h5 files");
  StatusOr<ZipArchive> archive = ZipArchive::open(source.model);
  if (!archive.is_ok()) return archive.status().with_context(source.name);
  for (const char* required : {"config.json", "model.weights.h5"})
    if (!archive->find(required))
      return Status::error(source.name + ": a ZIP archive without " + required + ", so not a Keras 3 .keras model");

  KerasModel model;
  model.source = source.name;
  model.format = KerasFormat::kKerasArchive;
  MQ_ASSIGN_OR_RETURN(model.model_config, read_json_entry(*archive, "config.json", source.name));
  if (archive->find("metadata.json")) {
    MQ_ASSIGN_OR_RETURN(nlohmann::json metadata, read_json_entry(*archive, "metadata.json", source.name));
    if (metadata.is_object() && metadata.contains("keras_version") && metadata["keras_version"].is_string())
      model.keras_version = metadata["keras_version"].get<std::string>();
  }
  // Refuse a subclassed model before reading any weights: its message is the one that matters.
  StatusOr<ModelTopology> topology = parse_model_topology(model.model_config, source.name);
  if (!topology.is_ok()) return topology.status();

  // Stored entries are read in place; a deflated one is inflated into `inflated`.
  std::string inflated;
  std::string_view weights_bytes;
  StatusOr<std::string_view> stored = archive->stored_bytes("model.weights.h5");
  if (stored.is_ok()) {
    weights_bytes = *stored;
  } else {
    StatusOr<std::string> read = archive->read("model.weights.h5");
    if (!read.is_ok()) return read.status().with_context(source.name + ": model.weights.h5");
    inflated = std::move(read).value();
    weights_bytes = inflated;
  }
  StatusOr<hdf5::Hdf5File> file = hdf5::Hdf5File::open(weights_bytes);
  if (!file.is_ok()) return file.status().with_context(source.name + ": model.weights.h5");
  MQ_ASSIGN_OR_RETURN(hdf5::Group root, file->root());
  MQ_RETURN_IF_ERROR(
      read_keras3_weights(root, model.model_config, source.name + ": model.weights.h5", &model.weights));
  return model;
}

}  // namespace mq::keras
