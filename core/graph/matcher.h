// Op-type pattern matching over a GraphDef, with the Graph Transform Tool's
// exact semantics (which nodes match, in which order, which are left alone),
// and ReplaceMatchingOpTypes, the rewrite loop most transforms are built on.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/proto/graph.pb.h"
#include "core/util/status.h"

namespace mq {

// `op` is "*" (any op) or "A|B|C" (exact op names). A pattern without inputs
// matches a node whatever its inputs; otherwise the node's data inputs
// (control inputs are ignored) must match `inputs` one for one.
struct OpTypePattern {
  std::string op;
  std::vector<OpTypePattern> inputs;

  // "Mul(Conv2D|MatMul(*, Const), Const)"
  std::string to_string() const;
};

// Reads the notation to_string() writes: op alternatives separated by '|',
// inputs in parentheses separated by ','; spaces are ignored. Errors name
// the column.
StatusOr<OpTypePattern> parse_op_type_pattern(std::string_view text);

// One match: the node and, per pattern input, the match of its producer.
// Pointers refer to the graph given to the GraphMatcher.
struct NodeMatch {
  const tensorflow::NodeDef* node = nullptr;
  std::vector<NodeMatch> inputs;
};

// The match's nodes breadth-first (head, then each level in pattern-input
// order), each name once: first(second(fourth), third(fourth)) →
// [first, second, third, fourth].
std::vector<const tensorflow::NodeDef*> matched_nodes_in_order(const NodeMatch& match);

class GraphMatcher {
 public:
  // `graph` must outlive the matcher and the matches it returns.
  explicit GraphMatcher(const tensorflow::GraphDef& graph);

  // Every non-overlapping match, tried at each node in execution order
  // (execution_order.h); a node taken by an earlier match never joins a
  // later one. A graph with dangling inputs has no matches; in a graph with
  // a cycle only the nodes sorted before the cycle are tried.
  std::vector<NodeMatch> find_matches(const OpTypePattern& pattern) const;

 private:
  bool matches(const tensorflow::NodeDef& node, const OpTypePattern& pattern,
               const std::set<std::string>& taken, NodeMatch* match) const;

  const tensorflow::GraphDef& graph_;
  std::vector<int> order_;
  std::unordered_map<std::string, int> index_by_name_;
};

// Called once per match. `input_nodes`: names of matched nodes that have an
// input from outside the match; `output_nodes`: names of matched nodes used
// (data or control) by a node outside the match. Appends the replacement
// nodes to `new_nodes`, all of which are emitted where the match's head was.
using MatchReplacer = std::function<Status(const NodeMatch& match, const std::set<std::string>& input_nodes,
                                           const std::set<std::string>& output_nodes,
                                           std::vector<tensorflow::NodeDef>* new_nodes)>;

struct ReplaceOptions {
  // When false, a replacement that drops a node still used outside the match
  // is refused: the match's original nodes are emitted instead, with a warning.
  bool allow_inconsistencies = false;
};

struct ReplaceReport {
  int matches = 0;
  int refused = 0;  // replacements refused because they dropped a used node
  std::vector<std::string> warnings;
};

// Builds `out` by walking `graph` in order: a match head is replaced by the
// replacer's nodes, other matched nodes are dropped (they reappear only if
// the replacer emits them), unmatched nodes are copied. `out` holds only
// nodes (no versions, library or debug info).
Status replace_matching_op_types(const tensorflow::GraphDef& graph, const OpTypePattern& pattern,
                                 const MatchReplacer& replacer, const ReplaceOptions& options,
                                 tensorflow::GraphDef* out, ReplaceReport* report = nullptr);

// The same on a graph the caller no longer needs: unmatched nodes are moved
// out of `graph` instead of copied. Every replacer runs before anything is
// moved, so when one fails `graph` is left as it was.
Status replace_matching_op_types(tensorflow::GraphDef&& graph, const OpTypePattern& pattern,
                                 const MatchReplacer& replacer, const ReplaceOptions& options,
                                 tensorflow::GraphDef* out, ReplaceReport* report = nullptr);

// The replacer that keeps a match as it is (its nodes in matched_nodes_in_order()).
void copy_original_match(const NodeMatch& match, std::vector<tensorflow::NodeDef>* new_nodes);

}  // namespace mq
