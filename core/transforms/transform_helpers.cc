// Helpers declared in transforms.h and shared by the transform files.
#include "core/transforms/transforms.h"

namespace mq::transforms {

void report_replacements(TransformContext& ctx, const ReplaceReport& report, const std::string& counter) {
  for (const std::string& warning : report.warnings) ctx.warn(warning);
  ctx.add_count(counter, report.matches - report.refused);
  if (report.refused > 0) ctx.add_count("matches left unchanged", report.refused);
}

void append_once(const tensorflow::NodeDef& node, std::vector<tensorflow::NodeDef>* nodes) {
  for (const tensorflow::NodeDef& existing : *nodes)
    if (existing.name() == node.name()) return;
  nodes->push_back(node);
}

}  // namespace mq::transforms
