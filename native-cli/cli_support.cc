#include "native-cli/cli_support.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdio>
#include <iostream>

#include "core/graph/graph_checks.h"
#include "core/io/file.h"

namespace mq::cli {
namespace {

std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

int exit_code_for(const Status& status) {
  if (status.is_ok()) return kExitSuccess;
  return status.code() == StatusCode::kInternal ? kExitInternalError : kExitBadInput;
}

void fail_if_error(const Status& status) {
  if (!status.is_ok()) throw CommandFailure(status.message(), exit_code_for(status));
}

void fail_bad_input(const std::string& message) { throw CommandFailure(message, kExitBadInput); }

void print_error(const std::string& program, const std::string& message) {
  std::cout.flush();
  std::cerr << program << ": error: " << one_line(message) << std::endl;
}

void print_warning(const std::string& program, const std::string& message) {
  std::cerr << program << ": warning: " << one_line(message) << "\n";
}

LoadedModel load_model_or_fail(const std::string& path) {
  LoadedModel model;
  StatusOr<unsigned long long> size = file_size(path);
  fail_if_error(size.status());
  model.file_size = *size;
  fail_if_error(load_graph_file(path, &model.graph, &model.format));
  return model;
}

LoadedModel load_well_formed_model_or_fail(const std::string& path) {
  LoadedModel model = load_model_or_fail(path);
  fail_if_error(check_graph_well_formed(model.graph, path));
  return model;
}

void save_model_or_fail(const tensorflow::GraphDef& graph, const std::string& path, GraphFormat format,
                        const std::string& input_path, bool overwrite_input) {
  if (!overwrite_input && same_file(input_path, path))
    fail_bad_input("refusing to write over the input file '" + path + "'; pass --overwrite-input to replace it");
  // Serialized straight into the file, so the graph and its bytes are never
  // in memory together.
  fail_if_error(save_graph_file(graph, path, format));
}

void write_stdout(const std::string& text) {
  std::cout << text;
  std::cout.flush();
  if (!std::cout) throw CommandFailure("could not write to standard output", kExitInternalError);
}

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  // Blocks up to 1 GiB come from the heap instead of their own mapping, and
  // the heap is not trimmed below 1 GiB of free space.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace mq::cli
