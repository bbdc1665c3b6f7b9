// What `modelquant transform` and the transform_graph front door share:
// checking a transform string up front (pointing at the character that
// breaks it), warnings, the per-tensor report and the before/after table.
#pragma once

#include <string>

#include "core/api.h"

namespace mq::cli {

// Parses `text`; on failure stops with exit code 2, the message saying where
// and the text with a caret under the offending character. `what` names the
// flag ("--transforms").
void check_transform_string_or_fail(const std::string& what, const std::string& text);

// "<program>: warning: …" on stderr for the parser's and every step's warnings.
void print_transform_warnings(const std::string& program, const api::TransformOutcome& outcome);

// One line per re-encoded weight tensor (node, encoding, elements, bytes
// before and after, max abs error, RMSE, SQNR) and a total line.
std::string render_tensor_report(const api::TransformOutcome& outcome);

// The before/after table on stderr: nodes, and bytes of the input file and
// of the written output file.
void print_size_table(const api::TransformOutcome& outcome, unsigned long long input_bytes,
                      const std::string& output_path);

}  // namespace mq::cli
