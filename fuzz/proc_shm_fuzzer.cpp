// Fuzzes parse_proc_shm with arbitrary text in place of /proc/sysvipc/shm: it fails only for a
// header without shmid, keeps at most one record per line, keeps only permission bits in
// mode, and every column of the registry can show every record it returns.

#include <algorithm>
#include <string>

#include "fuzz_check.hpp"
#include "render/columns.hpp"
#include "sysv/proc_shm.hpp"

namespace shmtool::fuzz {
namespace {

/// Knows no names, so cells show numbers; never asks the name service.
class NoNames final : public NameResolver {
 public:
  std::optional<std::string> user_name(uid_t) override { return std::nullopt; }
  std::optional<std::string> group_name(gid_t) override { return std::nullopt; }
  std::optional<uid_t> user_id(std::string_view) override { return std::nullopt; }
  std::optional<gid_t> group_id(std::string_view) override { return std::nullopt; }
  std::optional<gid_t> login_group(uid_t) override { return std::nullopt; }
};

bool header_has_shmid(std::string_view text) {
  std::string_view header = text.substr(0, text.find('\n'));
  while (!header.empty()) {
    const auto start = header.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    header.remove_prefix(start);
    const auto end = std::min(header.find_first_of(" \t"), header.size());
    if (header.substr(0, end) == "shmid") return true;
    header.remove_prefix(end);
  }
  return false;
}

void check_proc_shm(std::string_view text) {
  const auto records = parse_proc_shm(text);
  FUZZ_CHECK(records.ok() == header_has_shmid(text));
  if (!records.ok()) {
    FUZZ_CHECK(records.error().op == Op::enumerate);
    return;
  }
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  FUZZ_CHECK(records->size() < lines);
  NoNames names;
  CellContext context{names};
  for (const SegmentRecord& record : *records) {
    FUZZ_CHECK(record.mode <= 0777);
    for (const Column& column : all_columns()) {
      const std::string cell = column.text(record, context);
      FUZZ_CHECK(!cell.empty() || column.name == "STATUS");
      (void)column.sort_key(record, context);
    }
  }
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shmtool::fuzz::check_proc_shm(shmtool::fuzz::as_text(data, size));
  return 0;
}
