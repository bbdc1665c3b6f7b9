// The failure every shell reports after summarizing a graph whose inputs name
// nodes that do not exist (the summary is still shown first, as GTT does).
#pragma once

#include "core/summarize/summarize.h"
#include "core/util/status.h"

namespace mq {

// Ok when every input names an existing node; otherwise an error naming how
// many inputs are dangling and the first of them.
Status check_inputs_exist(const GraphSummary& summary);

}  // namespace mq
