#include "tests/test_support.h"

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/io/text_format.h"

namespace mq::test {

std::string shared_dir() {
  const char* env = std::getenv("MQ_SHARED_DIR");
  std::string dir = env && *env ? env : MQ_SHARED_DIR_DEFAULT;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir + "/models", ec)) return "";
  return dir;
}

void announce_skip(const std::string& what, const std::string& why) {
  std::cout << "SKIPPED: " << what << ": " << why << std::endl;
  WARN("SKIPPED: " << what << ": " << why);
}

std::vector<std::string> shared_models() {
  std::vector<std::string> out;
  std::string dir = shared_dir();
  if (dir.empty()) {
    announce_skip("shared model checks", "../shared/models not found (set MQ_SHARED_DIR)");
    return out;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/models"))
    if (entry.path().extension() == ".pb") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_data(const std::string& name) { return std::string(MQ_TEST_DATA_DIR) + "/" + name; }

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

tensorflow::GraphDef graph_from_text(const std::string& text) {
  tensorflow::GraphDef graph;
  Status s = parse_text_graph(text, &graph);
  INFO(s.message());
  REQUIRE(s.is_ok());
  return graph;
}

std::string temp_dir() {
  std::string base = std::filesystem::temp_directory_path().string() + "/mq-test-XXXXXX";
  std::vector<char> buf(base.begin(), base.end());
  buf.push_back('\0');
  char* made = ::mkdtemp(buf.data());
  REQUIRE(made != nullptr);
  return std::string(made);
}

}  // namespace mq::test
