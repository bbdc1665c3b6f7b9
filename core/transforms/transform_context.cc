#include "core/transforms/transform_context.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace mq {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::string trimmed(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

}  // namespace

const char* parameter_type_name(ParameterType type) {
  switch (type) {
    case ParameterType::kBool: return "bool";
    case ParameterType::kInt32: return "int32";
    case ParameterType::kInt64: return "int64";
    case ParameterType::kFloat: return "float";
    case ParameterType::kString: return "string";
    case ParameterType::kStringList: return "string-list";
  }
  return "unknown";
}

const ParameterSpec& ignore_errors_parameter() {
  static const ParameterSpec spec = {"ignore_errors", ParameterType::kBool, "false",
                                     "on failure keep the graph as it was and go on with the next transform"};
  return spec;
}

bool parse_bool_parameter(const std::string& text, bool* value) {
  if (text == "true" || text == "1") {
    *value = true;
    return true;
  }
  if (text == "false" || text == "0") {
    *value = false;
    return true;
  }
  return false;
}

bool parse_int_parameter(const std::string& text, int64_t min, int64_t max, int64_t* value) {
  std::string digits = trimmed(text);
  size_t i = 0;
  bool negative = false;
  if (i < digits.size() && (digits[i] == '+' || digits[i] == '-')) negative = digits[i++] == '-';
  if (i >= digits.size()) return false;
  // Accumulate as a negative number so INT64_MIN fits.
  int64_t result = 0;
  for (; i < digits.size(); ++i) {
    char c = digits[i];
    if (c < '0' || c > '9') return false;
    int digit = c - '0';
    if (result < (std::numeric_limits<int64_t>::min() + digit) / 10) return false;
    result = result * 10 - digit;
  }
  if (!negative) {
    if (result == std::numeric_limits<int64_t>::min()) return false;
    result = -result;
  }
  if (result < min || result > max) return false;
  *value = result;
  return true;
}

bool parse_float_parameter(const std::string& text, float* value) {
  std::string number = trimmed(text);
  if (number.empty()) return false;
  const char* begin = number.c_str();
  char* end = nullptr;
  errno = 0;
  double parsed = std::strtod(begin, &end);
  if (end != begin + number.size()) return false;
  if (errno == ERANGE && std::isinf(parsed)) return false;
  if (std::isfinite(parsed) && std::fabs(parsed) > std::numeric_limits<float>::max()) return false;
  *value = static_cast<float>(parsed);
  return true;
}

TransformContext::TransformContext(std::string transform_name, const std::vector<ParameterSpec>& schema,
                                   const std::map<std::string, std::vector<std::string>>& params,
                                   const std::vector<std::string>& input_names,
                                   const std::vector<std::string>& output_names)
    : transform_name_(std::move(transform_name)),
      schema_(schema),
      params_(params),
      input_names_(input_names),
      output_names_(output_names) {}

int TransformContext::count(const std::string& name) const {
  auto found = params_.find(name);
  return found == params_.end() ? 0 : static_cast<int>(found->second.size());
}

std::vector<const ParameterSpec*> TransformContext::all_parameters() const {
  std::vector<const ParameterSpec*> all;
  for (const ParameterSpec& spec : schema_) all.push_back(&spec);
  all.push_back(&ignore_errors_parameter());
  return all;
}

StatusOr<const ParameterSpec*> TransformContext::spec_for(const std::string& name, ParameterType type) const {
  for (const ParameterSpec* candidate : all_parameters()) {
    const ParameterSpec& spec = *candidate;
    if (name != spec.name) continue;
    const bool is_int = type == ParameterType::kInt32 || type == ParameterType::kInt64;
    const bool spec_is_int = spec.type == ParameterType::kInt32 || spec.type == ParameterType::kInt64;
    const bool compatible = spec.type == type || (is_int && spec_is_int) || type == ParameterType::kStringList;
    if (!compatible)
      return Status::internal(transform_name_ + " reads parameter '" + name + "' as " + parameter_type_name(type) +
                              " but its schema says " + parameter_type_name(spec.type));
    return &spec;
  }
  return Status::internal(transform_name_ + " reads parameter '" + name + "' that is not in its schema");
}

StatusOr<const std::string*> TransformContext::single_value(const std::string& name) const {
  auto found = params_.find(name);
  if (found == params_.end() || found->second.empty()) return static_cast<const std::string*>(nullptr);
  if (found->second.size() > 1)
    return Status::error("Expected a single '" + name + "' parameter, but found " +
                         std::to_string(found->second.size()) + " occurrences");
  return &found->second.front();
}

StatusOr<bool> TransformContext::get_bool(const std::string& name, bool default_value) const {
  MQ_ASSIGN_OR_RETURN(const ParameterSpec* spec, spec_for(name, ParameterType::kBool));
  bool schema_default = false;
  if (!parse_bool_parameter(spec->default_value, &schema_default) || schema_default != default_value)
    return Status::internal(transform_name_ + " reads '" + name + "' with a default that differs from its schema");
  MQ_ASSIGN_OR_RETURN(const std::string* text, single_value(name));
  if (text == nullptr) return default_value;
  bool value = false;
  if (!parse_bool_parameter(*text, &value))
    return Status::error("Couldn't interpret the " + name + " argument as a boolean:" + *text +
                         " (expected true, false, 0 or 1)");
  return value;
}

StatusOr<int64_t> TransformContext::get_int(const std::string& name, int64_t default_value) const {
  MQ_ASSIGN_OR_RETURN(const ParameterSpec* spec, spec_for(name, ParameterType::kInt64));
  const bool is_32 = spec->type == ParameterType::kInt32;
  const int64_t min = is_32 ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
  const int64_t max = is_32 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
  int64_t schema_default = 0;
  if (!parse_int_parameter(spec->default_value, min, max, &schema_default) || schema_default != default_value)
    return Status::internal(transform_name_ + " reads '" + name + "' with a default that differs from its schema");
  MQ_ASSIGN_OR_RETURN(const std::string* text, single_value(name));
  if (text == nullptr) return default_value;
  int64_t value = 0;
  if (!parse_int_parameter(*text, min, max, &value))
    return Status::error("Couldn't interpret the " + name + " argument as a number:" + *text);
  return value;
}

StatusOr<float> TransformContext::get_float(const std::string& name, float default_value) const {
  MQ_ASSIGN_OR_RETURN(const ParameterSpec* spec, spec_for(name, ParameterType::kFloat));
  float schema_default = 0;
  if (!parse_float_parameter(spec->default_value, &schema_default) || schema_default != default_value)
    return Status::internal(transform_name_ + " reads '" + name + "' with a default that differs from its schema");
  MQ_ASSIGN_OR_RETURN(const std::string* text, single_value(name));
  if (text == nullptr) return default_value;
  float value = 0;
  if (!parse_float_parameter(*text, &value))
    return Status::error("Couldn't interpret the " + name + " argument as a float number:" + *text);
  return value;
}

StatusOr<std::string> TransformContext::get_string(const std::string& name, const std::string& default_value) const {
  MQ_ASSIGN_OR_RETURN(const ParameterSpec* spec, spec_for(name, ParameterType::kString));
  if (default_value != spec->default_value)
    return Status::internal(transform_name_ + " reads '" + name + "' with a default that differs from its schema");
  MQ_ASSIGN_OR_RETURN(const std::string* text, single_value(name));
  if (text == nullptr) return default_value;
  return *text;
}

StatusOr<std::vector<std::string>> TransformContext::get_list(const std::string& name) const {
  MQ_ASSIGN_OR_RETURN(const ParameterSpec* spec, spec_for(name, ParameterType::kStringList));
  (void)spec;
  auto found = params_.find(name);
  if (found == params_.end()) return std::vector<std::string>();
  return found->second;
}

}  // namespace mq
