#include "multi_item.hpp"

#include "failure.hpp"

namespace shmtool::cli {

std::vector<SegmentRef> parse_segment_refs(const std::vector<std::string>& texts) {
  std::vector<SegmentRef> refs;
  refs.reserve(texts.size());
  for (const std::string& text : texts)
    refs.push_back(unwrap(parse_segment_ref(text)));
  return refs;
}

void ItemFailures::add(const Context& context, const std::string& segment, const Error& error) {
  errors_.push_back(error);
  json_.push_back({{"segment", segment}, {"error", explain(error)}});
  // Also with --json: a failure always gets its line on stderr, and the JSON lists it too.
  context.report(error);
}

int ItemFailures::exit_code(std::size_t items) const {
  if (errors_.empty()) return kSuccess;
  if (items == 1) return exit_code_for(errors_.front());
  return kFailure;
}

}  // namespace shmtool::cli
