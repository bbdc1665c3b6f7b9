#include "core/summarize/invalid_inputs.h"

#include <string>

namespace mq {

Status check_inputs_exist(const GraphSummary& summary) {
  if (summary.invalid_inputs.empty()) return Status::ok();
  const InvalidInput& first = summary.invalid_inputs.front();
  return Status::error("invalid graph: " + std::to_string(summary.invalid_inputs.size()) +
                       " inputs refer to nonexistent nodes (the first: '" + first.missing_node + "' of node '" +
                       first.node + "')");
}

}  // namespace mq
