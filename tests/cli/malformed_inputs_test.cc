// Hostile and broken files on the command line (cases: tests/malformed_cases.h).
// What a user gets:
//   - a file that cannot be read as a GraphDef (cut off, wrong wire types,
//     lengths past the end, nesting bombs, 2 GiB and more, a SavedModel /
//     TFLite / ONNX / HDF5 / ZIP / gzip / JSON file): every command (summarize,
//     convert, transform, run) exits with 2 and one line naming the file and
//     the problem, and writes nothing;
//   - a graph that reads but is broken (duplicate names, a missing input, a
//     cycle, a Const whose value disagrees with its dtype or shape, an
//     attribute of the wrong kind): summarize reports what it finds (exit 0,
//     or 2 where TensorFlow's tool fails too), convert copies it as it is
//     (exit 0: a format change loses nothing), transform and run refuse it
//     with exit 2 and one line naming the file, the node and the field;
//   - an unknown op: transform goes on (custom ops are legitimate), run
//     refuses it naming the node and op;
//   - bit flips: whatever parses is accepted, the rest refused as above;
//     never a crash (the debug-asan build runs this suite under ASan/UBSan).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tests/cli/cli_runner.h"
#include "tests/malformed_cases.h"

namespace {

using mq::test::CliResult;
using mq::test::Damage;
using mq::test::MalformedCase;
using mq::test::run_modelquant;
using mq::test::shell_quote;

// Prints how many cases and command runs the suite went through when the
// test program ends.
struct Tally {
  int cases = 0;
  int runs = 0;
  ~Tally() {
    if (cases > 0) std::cout << "malformed inputs: " << cases << " cases, " << runs << " command runs" << std::endl;
  }
};
Tally tally;

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

std::vector<std::string> folder_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct Commands {
  CliResult summarize, convert, transform, run;
};

// Runs the four commands on `model`, each writing (if at all) into its own
// empty folder under `scratch`.
Commands run_all(const std::string& model, const std::string& scratch) {
  Commands results;
  const std::string out = scratch + "/out";
  std::filesystem::remove_all(out);
  std::filesystem::create_directories(out);
  const std::string m = shell_quote(model);
  results.summarize = run_modelquant("summarize " + m);
  results.convert = run_modelquant("convert " + m + " " + shell_quote(out + "/converted.pbtxt"));
  results.transform =
      run_modelquant("transform " + m + " -o " + shell_quote(out + "/transformed.pb") + " --transforms sort_by_execution_order");
  results.run = run_modelquant("run " + m + " --out-dir " + shell_quote(out + "/run"));
  tally.runs += 4;
  return results;
}

void check_refused(const CliResult& result, const std::string& command, const std::string& model,
                   const std::vector<std::string>& expected) {
  INFO(command << " stdout: " << result.out);
  CHECK(result.exit_code == 2);
  mq::test::check_one_line_error(result);
  CHECK_THAT(result.err, Catch::Contains(model));
  for (const std::string& piece : expected) CHECK_THAT(result.err, Catch::Contains(piece));
}

void check_case(const MalformedCase& c, const std::string& scratch) {
  INFO("case: " << c.name);
  ++tally.cases;
  const std::string model = scratch + "/model.pb";
  write_file(model, c.bytes);
  Commands r = run_all(model, scratch);
  const std::string out = scratch + "/out";
  switch (c.damage) {
    case Damage::kUnreadable:
      check_refused(r.summarize, "summarize", model, c.expected);
      check_refused(r.convert, "convert", model, c.expected);
      check_refused(r.transform, "transform", model, c.expected);
      check_refused(r.run, "run", model, c.expected);
      // Nothing written: no converted or transformed file, no temporary file.
      CHECK(folder_entries(out).empty());
      break;
    case Damage::kInvalidGraph: {
      INFO("summarize stderr: " << r.summarize.err);
      CHECK((r.summarize.exit_code == 0 || r.summarize.exit_code == 2));
      CHECK(r.convert.exit_code == 0);
      if (c.transform_refuses) {
        check_refused(r.transform, "transform", model, c.expected);
        CHECK_FALSE(std::filesystem::exists(out + "/transformed.pb"));
      } else {
        CHECK(r.transform.exit_code == 0);
      }
      check_refused(r.run, "run", model, c.expected);
      break;
    }
    case Damage::kMaybeReadable:
      for (const CliResult* result : {&r.summarize, &r.convert, &r.transform, &r.run}) {
        INFO("stderr: " << result->err);
        CHECK((result->exit_code == 0 || result->exit_code == 2));
        if (result->exit_code == 2) mq::test::check_one_line_error(*result);
      }
      break;
  }
}

}  // namespace

TEST_CASE("malformed inputs: the valid graph the cases start from passes every command", "[cli][malformed]") {
  const std::string scratch = mq::test::scratch_dir();
  const std::string model = scratch + "/model.pb";
  write_file(model, mq::test::serialized(mq::test::valid_graph()));
  Commands r = run_all(model, scratch);
  for (const CliResult* result : {&r.summarize, &r.convert, &r.transform, &r.run}) {
    INFO("stderr: " << result->err);
    CHECK(result->exit_code == 0);
  }
  CHECK(std::filesystem::exists(scratch + "/out/run/out.npy"));
}

TEST_CASE("malformed inputs: wire damage, nesting bombs, other formats and broken graphs", "[cli][malformed]") {
  const std::string scratch = mq::test::scratch_dir();
  for (const MalformedCase& c : mq::test::malformed_cases()) check_case(c, scratch);
}

TEST_CASE("malformed inputs: files cut off inside a field", "[cli][malformed]") {
  const std::string scratch = mq::test::scratch_dir();
  const std::string bytes = mq::test::serialized(mq::test::valid_graph());
  std::vector<size_t> offsets = mq::test::offsets_inside_fields(bytes);
  // Every seventh offset (the core suite cuts at every one), and the last.
  for (size_t i = 0; i < offsets.size(); i += 7)
    check_case({"cut at byte " + std::to_string(offsets[i]), bytes.substr(0, offsets[i]), Damage::kUnreadable, {"truncated"}},
               scratch);
  check_case({"cut one byte short", bytes.substr(0, bytes.size() - 1), Damage::kUnreadable, {"truncated"}}, scratch);
  // The bundled example is over 1 MiB, where binary files are parsed
  // straight from disk: cut it there too.
  const std::string example = mq::test::read_bytes(mq::test::example_model_path());
  REQUIRE(example.size() > (1u << 20) + 1000);
  for (size_t offset : {size_t{1000}, example.size() / 2, example.size() - 3})
    check_case({"example cut at byte " + std::to_string(offset), example.substr(0, offset), Damage::kUnreadable,
                {"truncated"}},
               scratch);
}

TEST_CASE("malformed inputs: bit flips never crash a command", "[cli][malformed]") {
  const std::string scratch = mq::test::scratch_dir();
  const std::string bytes = mq::test::serialized(mq::test::valid_graph());
  // 24 flips spread over the file, in tags, lengths, names and values.
  for (int i = 0; i < 24; ++i) {
    size_t position = (static_cast<size_t>(i) * 37 + 3) % bytes.size();
    int bit = (i * 3) % 8;
    std::string flipped = bytes;
    flipped[position] = static_cast<char>(flipped[position] ^ (1 << bit));
    check_case({"bit " + std::to_string(bit) + " of byte " + std::to_string(position) + " flipped", flipped,
                Damage::kMaybeReadable, {}},
               scratch);
  }
}

TEST_CASE("malformed inputs: a file of 2 GiB and more (sparse)", "[cli][malformed]") {
  const std::string scratch = mq::test::scratch_dir();
  const std::string model = scratch + "/model.pb";
  ++tally.cases;
  write_file(model, mq::test::serialized(mq::test::valid_graph()));
  // truncate(1) makes the file sparse: it takes no disk space.
  REQUIRE(std::system(("truncate -s 2147483649 " + shell_quote(model)).c_str()) == 0);
  REQUIRE(std::filesystem::file_size(model) == (2ULL << 30) + 1);
  Commands r = run_all(model, scratch);
  const std::vector<std::pair<std::string, const CliResult*>> results = {
      {"summarize", &r.summarize}, {"convert", &r.convert}, {"transform", &r.transform}, {"run", &r.run}};
  for (const auto& [command, result] : results) check_refused(*result, command, model, {"2147483649 bytes", "2 GiB"});
  CHECK(folder_entries(scratch + "/out").empty());
  std::filesystem::remove(model);
}
