// What a transform sees besides its input graph: the --inputs / --outputs
// names, its parameters read through typed accessors checked against the
// transform's parameter schema, and a report sink for warnings and counters.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/transforms/transform_string.h"
#include "core/util/status.h"

namespace mq {

enum class ParameterType { kBool, kInt32, kInt64, kFloat, kString, kStringList };

// "bool", "int32", "int64", "float", "string", "string-list".
const char* parameter_type_name(ParameterType type);

struct ParameterSpec {
  const char* name;
  ParameterType type;
  const char* default_value;  // as a user would write it; "" for lists and required parameters
  const char* help;
  bool required = false;
};

// One weight tensor a transform re-encoded (quantize_weights, round_weights):
// how much smaller it got and how far the values it now gives are from the
// original ones.
struct TensorReport {
  std::string node;     // the Const node's name (the name consumers still read)
  std::string encoding;  // "quint8 min_first", "qint8 per_channel(axis=3)", "float16", "rounded(256)"
  int64_t elements = 0;
  uint64_t bytes_before = 0;  // value bytes of the float tensor
  uint64_t bytes_after = 0;   // value bytes of every Const that replaces it
  double max_abs_error = 0;   // largest |original − restored|
  double rmse = 0;            // root mean square error
  double sqnr_db = 0;         // signal-to-quantization-noise ratio; +inf when exact
};

// Accepted by every transform and handled by the driver: when true, a failing
// transform leaves the graph as it was and the run goes on.
const ParameterSpec& ignore_errors_parameter();

// What a transform reports besides its output graph.
struct TransformNotes {
  std::vector<std::string> warnings;
  std::map<std::string, int64_t> counters;  // "nodes removed" → 12
  std::vector<TensorReport> tensors;        // in graph order
};

class TransformContext {
 public:
  TransformContext(std::string transform_name, const std::vector<ParameterSpec>& schema,
                   const std::map<std::string, std::vector<std::string>>& params,
                   const std::vector<std::string>& input_names, const std::vector<std::string>& output_names);

  const std::string& transform_name() const { return transform_name_; }
  // The --inputs / --outputs entries, unchanged (each transform reads them
  // its own way, see input_names.h).
  const std::vector<std::string>& input_names() const { return input_names_; }
  const std::vector<std::string>& output_names() const { return output_names_; }

  // How many times the parameter was given.
  int count(const std::string& name) const;

  // Typed accessors, with TensorFlow's rules: absent → `default_value` (which
  // must equal the schema's default), one value → parsed, more than one →
  // error "Expected a single 'x' parameter, but found 2 occurrences".
  // bool accepts true/1/false/0; ints are strict base-10 and must fit.
  // Asking for a name that is not in the schema, or with the wrong type, is a
  // programming error reported as an internal error.
  StatusOr<bool> get_bool(const std::string& name, bool default_value) const;
  StatusOr<int64_t> get_int(const std::string& name, int64_t default_value) const;
  StatusOr<float> get_float(const std::string& name, float default_value) const;
  StatusOr<std::string> get_string(const std::string& name, const std::string& default_value) const;
  // Every value given, in order (any parameter type; empty when absent).
  StatusOr<std::vector<std::string>> get_list(const std::string& name) const;

  void warn(std::string message) { notes_.warnings.push_back(std::move(message)); }
  void add_count(const std::string& counter, int64_t delta = 1) { notes_.counters[counter] += delta; }
  void report_tensor(TensorReport report) { notes_.tensors.push_back(std::move(report)); }
  const TransformNotes& notes() const { return notes_; }
  TransformNotes& mutable_notes() { return notes_; }

 private:
  std::vector<const ParameterSpec*> all_parameters() const;  // the schema plus ignore_errors
  StatusOr<const ParameterSpec*> spec_for(const std::string& name, ParameterType type) const;
  StatusOr<const std::string*> single_value(const std::string& name) const;

  std::string transform_name_;
  const std::vector<ParameterSpec>& schema_;
  const std::map<std::string, std::vector<std::string>>& params_;
  const std::vector<std::string>& input_names_;
  const std::vector<std::string>& output_names_;
  TransformNotes notes_;
};

// Parameter value parsers shared by the accessors and the schema checks.
// Each returns false when the text is not a valid value of its type.
bool parse_bool_parameter(const std::string& text, bool* value);
bool parse_int_parameter(const std::string& text, int64_t min, int64_t max, int64_t* value);
bool parse_float_parameter(const std::string& text, float* value);

}  // namespace mq
