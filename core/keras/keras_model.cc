#include "core/keras/keras_model.h"

#include <cctype>

namespace mq::keras {

const char* keras_format_name(KerasFormat format) {
  switch (format) {
    case KerasFormat::kHdf5Model: return "Keras HDF5 model";
    case KerasFormat::kHdf5Weights: return "Keras HDF5 weights file + JSON topology";
    case KerasFormat::kKerasArchive: return "Keras 3 archive (.keras)";
    case KerasFormat::kTensorFlowJs: return "TensorFlow.js Layers model";
  }
  return "Keras model";
}

KerasVersion parse_keras_version(const std::string& text) {
  KerasVersion version;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return version;
  size_t at = 0;
  auto number = [&]() {
    int value = 0;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) && value < 100000)
      value = value * 10 + (text[at++] - '0');
    return value;
  };
  version.major = number();
  if (at < text.size() && text[at] == '.') {
    ++at;
    version.minor = number();
  }
  return version;
}

KerasFileKind detect_keras_file(std::string_view bytes) {
  static constexpr std::string_view kHdf5Signature("\x89HDF\r\n\x1a\n", 8);
  // The HDF5 superblock sits at 0 or, after a user block, at 512, 1024, 2048, …
  for (size_t offset = 0; offset + kHdf5Signature.size() <= bytes.size(); offset = offset == 0 ? 512 : offset * 2) {
    if (bytes.substr(offset, kHdf5Signature.size()) == kHdf5Signature) return KerasFileKind::kHdf5;
    if (offset >= (size_t{1} << 20)) break;
  }
  if (bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4) || bytes.substr(0, 4) == std::string_view("PK\x05\x06", 4))
    return KerasFileKind::kZipArchive;
  size_t first = 0;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") first = 3;  // a UTF-8 byte order mark
  while (first < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[first]))) ++first;
  if (first < bytes.size() && bytes[first] == '{') return KerasFileKind::kJson;
  return KerasFileKind::kUnknown;
}

StatusOr<KerasModel> read_keras_model(const KerasSource& source) {
  switch (detect_keras_file(source.model)) {
    case KerasFileKind::kHdf5: return read_keras_hdf5(source);
    case KerasFileKind::kZipArchive: return read_keras_archive(source);
    case KerasFileKind::kJson: return read_tensorflowjs_model(source);
    case KerasFileKind::kUnknown: break;
  }
  return Status::error(source.name +
                       ": not a Keras model: expected an HDF5 file (.h5 / .hdf5), a Keras 3 archive (.keras) or a "
                       "TensorFlow.js model.json");
}

}  // namespace mq::keras
