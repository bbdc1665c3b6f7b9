#include "core/graph/matcher.h"

#include <cctype>
#include <map>

#include "core/graph/execution_order.h"
#include "core/graph/input_names.h"

namespace mq {
namespace {

bool op_matches(std::string_view pattern_op, const std::string& op) {
  if (pattern_op == "*") return true;
  size_t start = 0;
  while (start <= pattern_op.size()) {
    size_t bar = pattern_op.find('|', start);
    if (bar == std::string_view::npos) bar = pattern_op.size();
    if (pattern_op.substr(start, bar - start) == op) return true;
    start = bar + 1;
  }
  return false;
}

class PatternReader {
 public:
  explicit PatternReader(std::string_view text) : text_(text) {}

  StatusOr<OpTypePattern> read_all() {
    MQ_ASSIGN_OR_RETURN(OpTypePattern pattern, read_pattern());
    skip_spaces();
    if (pos_ < text_.size()) return error("unexpected '" + std::string(1, text_[pos_]) + "' after the pattern");
    return pattern;
  }

 private:
  StatusOr<OpTypePattern> read_pattern() {
    skip_spaces();
    OpTypePattern pattern;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' ||
                                   text_[pos_] == '|' || text_[pos_] == '*'))
      pattern.op += text_[pos_++];
    if (pattern.op.empty())
      return error(pos_ < text_.size() ? "expected an op name or '*', found '" + std::string(1, text_[pos_]) + "'"
                                       : "expected an op name or '*' at the end of the pattern");
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      while (true) {
        MQ_ASSIGN_OR_RETURN(OpTypePattern input, read_pattern());
        pattern.inputs.push_back(std::move(input));
        skip_spaces();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ')') {
          ++pos_;
          break;
        }
        return error("expected ',' or ')' after an input of '" + pattern.op + "'");
      }
    }
    return pattern;
  }

  void skip_spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  Status error(const std::string& message) const {
    return Status::error("op pattern '" + std::string(text_) + "' at column " + std::to_string(pos_ + 1) + ": " +
                         message);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string OpTypePattern::to_string() const {
  std::string out = op;
  if (inputs.empty()) return out;
  out += '(';
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i > 0) out += ", ";
    out += inputs[i].to_string();
  }
  out += ')';
  return out;
}

StatusOr<OpTypePattern> parse_op_type_pattern(std::string_view text) { return PatternReader(text).read_all(); }

std::vector<const tensorflow::NodeDef*> matched_nodes_in_order(const NodeMatch& match) {
  std::vector<const tensorflow::NodeDef*> nodes;
  std::set<std::string> seen;
  std::vector<const NodeMatch*> level = {&match};
  while (!level.empty()) {
    std::vector<const NodeMatch*> next_level;
    for (const NodeMatch* current : level) {
      if (!seen.insert(current->node->name()).second) continue;
      nodes.push_back(current->node);
      for (const NodeMatch& input : current->inputs) next_level.push_back(&input);
    }
    level = std::move(next_level);
  }
  return nodes;
}

GraphMatcher::GraphMatcher(const tensorflow::GraphDef& graph) : graph_(graph) {
  // A failed sort leaves only what it emitted (nothing for a dangling input);
  // only those nodes can take part in matches.
  Status sorted = execution_order(graph, &order_);
  (void)sorted;
  index_by_name_.reserve(order_.size() * 2);
  for (int index : order_) index_by_name_[graph.node(index).name()] = index;
}

bool GraphMatcher::matches(const tensorflow::NodeDef& node, const OpTypePattern& pattern,
                           const std::set<std::string>& taken, NodeMatch* match) const {
  if (taken.count(node.name())) return false;
  if (!op_matches(pattern.op, node.op())) return false;
  match->node = &node;
  if (pattern.inputs.empty()) return true;
  std::vector<const std::string*> data_inputs;
  for (const std::string& input : node.input())
    if (!input.empty() && input[0] != '^') data_inputs.push_back(&input);
  if (data_inputs.size() != pattern.inputs.size()) return false;
  for (size_t i = 0; i < data_inputs.size(); ++i) {
    auto producer = index_by_name_.find(node_name_from_input(*data_inputs[i]));
    if (producer == index_by_name_.end()) return false;
    match->inputs.emplace_back();
    if (!matches(graph_.node(producer->second), pattern.inputs[i], taken, &match->inputs.back())) return false;
  }
  return true;
}

std::vector<NodeMatch> GraphMatcher::find_matches(const OpTypePattern& pattern) const {
  std::vector<NodeMatch> found;
  std::set<std::string> taken;
  for (int index : order_) {
    const tensorflow::NodeDef& node = graph_.node(index);
    if (taken.count(node.name())) continue;
    NodeMatch match;
    if (!matches(node, pattern, taken, &match)) continue;
    for (const tensorflow::NodeDef* member : matched_nodes_in_order(match)) taken.insert(member->name());
    found.push_back(std::move(match));
  }
  return found;
}

void copy_original_match(const NodeMatch& match, std::vector<tensorflow::NodeDef>* new_nodes) {
  for (const tensorflow::NodeDef* node : matched_nodes_in_order(match)) new_nodes->push_back(*node);
}

namespace {

// Both forms of replace_matching_op_types. Every replacement is computed
// before the output is assembled, so a replacer's error leaves `graph` as it
// was; only then are unmatched nodes moved out of `movable` (when given, the
// same graph) instead of copied.
Status replace_matches(const tensorflow::GraphDef& graph, tensorflow::GraphDef* movable, const OpTypePattern& pattern,
                       const MatchReplacer& replacer, const ReplaceOptions& options, tensorflow::GraphDef* out,
                       ReplaceReport* report) {
  GraphMatcher matcher(graph);
  std::vector<NodeMatch> matches = matcher.find_matches(pattern);

  std::unordered_map<std::string, size_t> match_by_head;
  std::set<std::string> matched_names;
  for (size_t m = 0; m < matches.size(); ++m) {
    match_by_head[matches[m].node->name()] = m;
    for (const tensorflow::NodeDef* member : matched_nodes_in_order(matches[m])) matched_names.insert(member->name());
  }
  // Consumers by producer name (data and control), as node indices.
  std::unordered_map<std::string, std::vector<int>> consumers;
  if (!matches.empty()) {
    for (int i = 0; i < graph.node_size(); ++i)
      for (const std::string& input : graph.node(i).input()) consumers[node_name_from_input(input)].push_back(i);
  }

  // Replacements, by node index of the match head.
  std::unordered_map<int, std::vector<tensorflow::NodeDef>> replacements;
  for (int index = 0; index < graph.node_size(); ++index) {
    const tensorflow::NodeDef& node = graph.node(index);
    auto head = match_by_head.find(node.name());
    if (head == match_by_head.end()) continue;
    const NodeMatch& match = matches[head->second];
    std::vector<const tensorflow::NodeDef*> members = matched_nodes_in_order(match);
    std::set<std::string> member_names;
    for (const tensorflow::NodeDef* member : members) member_names.insert(member->name());
    std::set<std::string> input_nodes, output_nodes;
    std::map<std::string, std::string> outside_consumer;  // used-outside node → one consumer, for warnings
    for (const tensorflow::NodeDef* member : members) {
      for (const std::string& input : member->input())
        if (!member_names.count(node_name_from_input(input))) input_nodes.insert(member->name());
      auto used_by = consumers.find(member->name());
      if (used_by == consumers.end()) continue;
      for (int consumer : used_by->second) {
        const std::string& consumer_name = graph.node(consumer).name();
        if (member_names.count(consumer_name)) continue;
        output_nodes.insert(member->name());
        outside_consumer.emplace(member->name(), consumer_name);
      }
    }
    std::vector<tensorflow::NodeDef> new_nodes;
    MQ_RETURN_IF_ERROR(replacer(match, input_nodes, output_nodes, &new_nodes));
    if (report) ++report->matches;
    if (!options.allow_inconsistencies) {
      std::set<std::string> new_names;
      for (const tensorflow::NodeDef& created : new_nodes) new_names.insert(created.name());
      for (const std::string& used : output_nodes) {
        if (new_names.count(used)) continue;
        if (report) {
          ++report->refused;
          report->warnings.push_back("left the match at '" + node.name() + "' (" + node.op() +
                                     ") unchanged: its node '" + used + "' is still used by '" +
                                     outside_consumer[used] + "' outside the match");
        }
        new_nodes.clear();
        copy_original_match(match, &new_nodes);
        break;
      }
    }
    replacements[index] = std::move(new_nodes);
  }

  tensorflow::GraphDef result;
  result.mutable_node()->Reserve(graph.node_size());
  for (int index = 0; index < graph.node_size(); ++index) {
    auto replacement = replacements.find(index);
    if (replacement != replacements.end()) {
      for (tensorflow::NodeDef& created : replacement->second) *result.add_node() = std::move(created);
      continue;
    }
    const tensorflow::NodeDef& node = graph.node(index);
    if (matched_names.count(node.name())) continue;
    if (movable) {
      *result.add_node() = std::move(*movable->mutable_node(index));
    } else {
      *result.add_node() = node;
    }
  }
  *out = std::move(result);
  return Status::ok();
}

}  // namespace

Status replace_matching_op_types(const tensorflow::GraphDef& graph, const OpTypePattern& pattern,
                                 const MatchReplacer& replacer, const ReplaceOptions& options,
                                 tensorflow::GraphDef* out, ReplaceReport* report) {
  return replace_matches(graph, nullptr, pattern, replacer, options, out, report);
}

Status replace_matching_op_types(tensorflow::GraphDef&& graph, const OpTypePattern& pattern,
                                 const MatchReplacer& replacer, const ReplaceOptions& options,
                                 tensorflow::GraphDef* out, ReplaceReport* report) {
  return replace_matches(graph, &graph, pattern, replacer, options, out, report);
}

}  // namespace mq
