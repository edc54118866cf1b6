// shmtool pin SEGMENT... and unpin SEGMENT...: SHM_LOCK and SHM_UNLOCK.

#include <memory>

#include "failure.hpp"
#include "multi_item.hpp"
#include "perm_change.hpp"
#include "sysv/segment_ops.hpp"

namespace shmtool::cli {
namespace {

int run_pin(const PermOptions& options, Context& context, bool pinned) {
  // A POSIX object is pinned by the process that maps it (mlock): refused before anything
  // is changed.
  for (const SegmentRef& ref : parse_segment_refs(options.segments)) {
    if (is_posix(ref)) {
      fail_usage(ref.text,
                 "a POSIX object cannot be pinned from outside: the process that maps it pins "
                 "its pages with mlock(2); pin and unpin take System V segments");
    }
  }
  return change_each(
      options, context,
      [pinned](ShmKernel& kernel, int id) { return set_pinned(kernel, id, pinned); },
      [](const ShmDir&, const std::string& name) -> Result<PosixRecord> {
        return usage_error("/" + name, "not a System V segment");  // refused above
      });
}

Runner setup_pinning(CLI::App& app, bool pinned) {
  auto options = std::make_shared<PermOptions>();
  app.add_option("SEGMENT", options->segments,
                 pinned ? "Segments to pin: id, 0xKEY, key:N, ftok:PATH"
                        : "Segments to unpin: id, 0xKEY, key:N, ftok:PATH")
      ->required();
  app.footer(
      pinned
          ? "Locks each segment's pages in memory (SHM_LOCK): they are never swapped out, and\n"
            "STATUS shows \"locked\". Needs CAP_IPC_LOCK, or being the segment's owner or\n"
            "creator with RLIMIT_MEMLOCK (ulimit -l) large enough. System V segments only.\n"
            "Goes on past a failure and exits 1 if any failed (3 when the one segment named\n"
            "does not exist). Prints nothing on success; --json prints {\"changed\", \"failed\"}."
          : "Lets each segment's pages be swapped out again (SHM_UNLOCK). The same rules as\n"
            "pin. Goes on past a failure and exits 1 if any failed (3 when the one segment\n"
            "named does not exist). Prints nothing on success; --json prints {\"changed\",\n"
            "\"failed\"}.");
  return [options, pinned](Context& context) { return run_pin(*options, context, pinned); };
}

}  // namespace

Runner setup_pin(CLI::App& app) {
  return setup_pinning(app, true);
}

Runner setup_unpin(CLI::App& app) {
  return setup_pinning(app, false);
}

}  // namespace shmtool::cli
