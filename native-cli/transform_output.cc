#include "native-cli/transform_output.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/io/file.h"
#include "native-cli/cli_support.h"

namespace mq::cli {
namespace {

// 1234567 → "1,234,567"
std::string grouped(unsigned long long value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

}  // namespace

void check_transform_string_or_fail(const std::string& what, const std::string& text) {
  TransformStringError error;
  StatusOr<TransformList> parsed = parse_transform_string(text, &error);
  if (parsed.is_ok()) return;
  throw CommandFailure(what + " " + parsed.status().message(), kExitBadInput, api::point_at_error(text, error));
}

void print_transform_warnings(const std::string& program, const api::TransformOutcome& outcome) {
  for (const std::string& warning : outcome.warnings) print_warning(program, warning);
  for (const TransformStepReport& step : outcome.steps)
    for (const std::string& warning : step.notes.warnings) print_warning(program, step.name + ": " + warning);
}

std::string render_tensor_report(const api::TransformOutcome& outcome) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-26s %11s %13s %13s %11s %11s %8s  %s\n", "encoding", "elements",
                "bytes before", "bytes after", "max |error|", "rmse", "sqnr dB", "node");
  out += line;
  unsigned long long before = 0, after = 0;
  size_t count = 0;
  for (const TransformStepReport& step : outcome.steps) {
    for (const TensorReport& tensor : step.notes.tensors) {
      std::string sqnr = std::isfinite(tensor.sqnr_db) ? format("%.1f", tensor.sqnr_db) : "exact";
      std::snprintf(line, sizeof line, "%-26s %11lld %13s %13s %11.3g %11.3g %8s  ", tensor.encoding.c_str(),
                    static_cast<long long>(tensor.elements), grouped(tensor.bytes_before).c_str(),
                    grouped(tensor.bytes_after).c_str(), tensor.max_abs_error, tensor.rmse, sqnr.c_str());
      out += line + tensor.node + "\n";
      before += tensor.bytes_before;
      after += tensor.bytes_after;
      ++count;
    }
  }
  if (count == 0) return out + "(no weight tensor was re-encoded)\n";
  std::snprintf(line, sizeof line, "%-26s %11s %13s %13s  %.1f %% of the bytes before\n",
                ("total: " + std::to_string(count) + " tensors").c_str(), "", grouped(before).c_str(),
                grouped(after).c_str(), 100.0 * static_cast<double>(after) / static_cast<double>(before));
  return out + line;
}

void print_size_table(const api::TransformOutcome& outcome, unsigned long long input_bytes,
                      const std::string& output_path) {
  StatusOr<unsigned long long> written = file_size(output_path);
  unsigned long long output_bytes = written.is_ok() ? *written : outcome.bytes_after;
  std::string share = input_bytes > 0 ? format("%.1f %%", 100.0 * static_cast<double>(output_bytes) /
                                                               static_cast<double>(input_bytes))
                                      : "";
  char buffer[512];
  std::snprintf(buffer, sizeof buffer,
                "%-8s %10s %16s\n%-8s %10d %16s\n%-8s %10d %16s  %s of before\n", "", "nodes", "bytes", "before",
                outcome.nodes_before, grouped(input_bytes).c_str(), "after", outcome.nodes_after,
                grouped(output_bytes).c_str(), share.c_str());
  std::cerr << buffer;
  std::cerr.flush();
}

}  // namespace mq::cli
