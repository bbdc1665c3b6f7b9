// What every command of the modelquant CLI shares: how failures leave the
// program (one line on stderr, exit code 2 for bad input or usage, 1 for
// internal errors) and loading / saving models.
#pragma once

#include <exception>
#include <string>

#include "core/io/graph_io.h"
#include "core/util/status.h"

namespace mq::cli {

enum ExitCode { kExitSuccess = 0, kExitInternalError = 1, kExitBadInput = 2 };

// Thrown by command code to stop with a message; main() prints it as
// "<program>: error: <message>" and exits with `exit_code`.
// `details` (optional) are printed as they are after that line, e.g. the
// transform string with a caret under the character that broke it.
class CommandFailure : public std::exception {
 public:
  CommandFailure(std::string message, int exit_code, std::string details = "")
      : message_(std::move(message)), exit_code_(exit_code), details_(std::move(details)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  int exit_code() const { return exit_code_; }
  const std::string& details() const { return details_; }

 private:
  std::string message_;
  int exit_code_;
  std::string details_;
};

// Exit code for a failed Status: 1 for internal errors, else 2.
int exit_code_for(const Status& status);

// Stops the command with the status's message (no-op when ok).
void fail_if_error(const Status& status);
[[noreturn]] void fail_bad_input(const std::string& message);

// Prints "<program>: error: <message>" (newlines folded) to stderr.
void print_error(const std::string& program, const std::string& message);
void print_warning(const std::string& program, const std::string& message);

// Loads a model (binary or text, detected from its bytes) or stops with exit code 2.
struct LoadedModel {
  tensorflow::GraphDef graph;
  GraphFormat format = GraphFormat::kBinary;
  unsigned long long file_size = 0;
};
LoadedModel load_model_or_fail(const std::string& path);
// The same for commands that transform or run the graph: also stops (exit 2)
// when the graph is not well formed (core/graph/graph_checks.h).
LoadedModel load_well_formed_model_or_fail(const std::string& path);

// Writes a model atomically. Refuses to replace `input_path` unless
// `overwrite_input` is set.
void save_model_or_fail(const tensorflow::GraphDef& graph, const std::string& path, GraphFormat format,
                        const std::string& input_path, bool overwrite_input);

// For commands that evaluate graphs (run, compare): the evaluator allocates
// and frees each op's output, and glibc hands large blocks back to the system
// as soon as they are freed, so every output would fault in fresh pages
// (about a fifth of a MobileNet run). This keeps freed memory for reuse.
void keep_freed_memory_for_reuse();

// Writes text to stdout and fails (exit 1) when it cannot.
void write_stdout(const std::string& text);

}  // namespace mq::cli
