// shmtool limits [--bytes]: the kernel's limits on shared memory, what is used of each, and
// the totals of System V segments.

#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "render/limits_report.hpp"
#include "sysv/segment_table.hpp"

namespace shmtool::cli {
namespace {

struct LimitsOptions {
  bool bytes = false;
};

int run_limits(const LimitsOptions& options, Context& context) {
  const auto dir = ShmDir::open_default();
  const LimitFacts facts = read_limit_facts(dir.ok() ? &*dir : nullptr);
  const SegmentTable table = unwrap(list_segments(context.kernel, Usage::read));
  const std::vector<LimitRow> rows = limit_rows(facts, table.segments);
  const SegmentTotals totals = total_of(table.segments);
  if (context.json()) {
    write_json(context.out, limits_json(rows, totals));
  } else {
    context.out.write(render_limits(rows, totals, options.bytes));
  }
  return kSuccess;
}

}  // namespace

LimitFacts read_limit_facts(const ShmDir* dir) {
  LimitFacts facts;
  // The segments in use are counted from the listing the caller has read: SHM_INFO would
  // count them again, and sum every segment's pages under the table's lock to do it.
  facts.shm = read_shm_limits(false);
  facts.huge_pages = read_huge_page_info();
  // /dev/shm is read when it is there; without it the row says "-" (null in JSON).
  if (dir != nullptr) {
    auto usage = filesystem_usage(*dir);
    if (usage.ok()) facts.dev_shm = *usage;
  }
  return facts;
}

Runner setup_limits(CLI::App& app) {
  auto options = std::make_shared<LimitsOptions>();
  app.add_flag("-b,--bytes", options->bytes, "Print sizes in bytes, not 4K or 1.5M");
  app.footer(
      "Rows: shmmni (segments), shmall (all segments' pages, in bytes), shmmax (the largest\n"
      "segment; USED is the largest there is), dev_shm (the /dev/shm filesystem), hugepages,\n"
      "shm_rmid_forced (0 or 1). The values are the IPC namespace's own (/proc/sys/kernel/shm*),\n"
      "statvfs of /dev/shm and /proc/meminfo. A limit at the kernel's default (larger than\n"
      "any machine) shows as unlimited; JSON keeps the number. Then the totals of System V\n"
      "segments. --json: {\"limits\": [{\"resource\", \"description\", \"limit\", \"used\",\n"
      "\"use_percent\", \"unit\"}], \"totals\": {\"segments\", \"bytes\", \"rss\", \"swap\",\n"
      "\"marked\", \"orphaned\"}}.");
  return [options](Context& context) { return run_limits(*options, context); };
}

}  // namespace shmtool::cli
