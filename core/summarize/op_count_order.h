// The order of summarize_graph's "Op types used" line. TensorFlow sorts the
// alphabetical (op, count) list by count, descending, with GNU libstdc++'s
// std::sort, which is not stable: ties among more than 16 ops come out in
// the order its introsort leaves them. To print the same line on every
// platform (the WASM build uses libc++), the algorithm is reproduced here
// (spec/summarize-graph.md §2.7).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mq {

using OpCount = std::pair<std::string, long long>;

// Sorts `counts` (given in alphabetical order) by count, descending, leaving
// ties exactly where GNU libstdc++'s std::sort would.
void sort_op_counts_like_gtt(std::vector<OpCount>* counts);

}  // namespace mq
