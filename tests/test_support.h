// Helpers shared by the test suites: where the shared models are, reading
// fixtures, and announcing skipped checks.
#pragma once

#include <string>
#include <vector>

#include "core/proto/graph.pb.h"

namespace mq::test {

// ../shared (or $MQ_SHARED_DIR). Empty when it does not exist.
std::string shared_dir();

// The .pb files in shared/models, sorted; empty (and a printed SKIPPED line)
// when shared/ is absent.
std::vector<std::string> shared_models();

// Prints "SKIPPED: <what>: <why>" so a skipped check is never silent.
void announce_skip(const std::string& what, const std::string& why);

// tests/data/<name>
std::string test_data(const std::string& name);

// Reads a file into a string; fails the current test when it cannot.
std::string read_bytes(const std::string& path);

// Parses a .pbtxt fixture or text given inline; fails the test on error.
tensorflow::GraphDef graph_from_text(const std::string& text);

// A fresh empty temporary folder for the current test.
std::string temp_dir();

}  // namespace mq::test
