#pragma once
// What rm, chown and chmod share: they act on several segments, go on past a failure, and
// report each one.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "model/segment_ref.hpp"
#include "util/result.hpp"

namespace shmtool::cli {

/// Parses every SEGMENT before anything is done, so a malformed one changes nothing (usage).
std::vector<SegmentRef> parse_segment_refs(const std::vector<std::string>& texts);

/// Collects the failures of a multi-item command and reports each on stderr as it happens.
class ItemFailures {
 public:
  /// Records `error` for the item named `segment` and prints its line (not with --json).
  void add(const Context& context, const std::string& segment, const Error& error);
  /// Returns {"segment": ..., "error": ...} for each failure.
  nlohmann::ordered_json to_json() const { return json_; }
  /// Returns 0 with no failure; the failure's own code (2, 3, 1) when the command named one
  /// item; otherwise 1.
  int exit_code(std::size_t items) const;

 private:
  std::vector<Error> errors_;
  nlohmann::ordered_json json_ = nlohmann::ordered_json::array();
};

}  // namespace shmtool::cli
