// shmtool stat SEGMENT

#include <unistd.h>

#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "procs/holders.hpp"
#include "render/render_holders.hpp"
#include "render/render_json.hpp"
#include "render/render_lock.hpp"
#include "render/render_table.hpp"
#include "sysv/segment_lock.hpp"
#include "sysv/segment_ops.hpp"
#include "sysv/stale_locks.hpp"

namespace shmtool::cli {
namespace {

struct StatOptions {
  std::string segment;
};

// The holders of what stat shows, from one walk of /proc; nullopt when /proc cannot be read.
std::optional<HolderMap> scan(const HolderScan& request) {
  auto holders = scan_holders(request);
  if (!holders.ok()) return std::nullopt;
  return std::move(*holders);
}

// The "attached:" lines, after the fields: aligned among themselves, so the fields keep their
// column whether or not a process is attached.
void write_attached(Context& context, const std::vector<LabelledValue>& lines) {
  if (!lines.empty()) context.out.write(format_labelled_lines(lines, LabelLayout{"", ":", 9, 1}));
}

// A segment named by an id that is gone may have left its lock behind (removed by ipcrm, not
// shmtool rm): the not-found failure says so, and what removes it.
Error with_stale_lock_hint(Context& context, const SegmentRef& ref, Error error) {
  if (error.kind != ErrorKind::not_found || ref.form != RefForm::id) return error;
  const std::optional<StaleLock> lock = find_stale_lock(context.kernel, ref.id);
  if (!lock) return error;
  error.detail = explain(error) + "; its lock semaphore remains (key " + format_key_hex(lock->key) +
                 ", semid " + std::to_string(lock->semid) +
                 "): 'shmtool rm --stale-locks' removes it" +
                 (caller_may_remove(*lock) ? "" : " (as the lock's owner or root)");
  return error;
}

int run_stat(const StatOptions& options, Context& context) {
  const SegmentRef ref = unwrap(parse_segment_ref(options.segment));
  if (is_posix(ref)) {
    PosixRecord object = unwrap(stat_posix(context.shm_dir(), ref.name));
    HolderScan request;
    request.sysv = false;
    request.posix_devs = {object.dev};
    const std::optional<HolderMap> holders = scan(request);
    std::vector<pid_t> pids;
    if (holders) {
      pids = holders->object_holders(object.dev, object.ino);
      object.nattch = holders->object_nattch(object.dev, object.ino);
    }
    const Result<FlockState> flock = read_flock_state(object);
    if (context.json()) {
      auto json = posix_json(object, context.names);
      json["attached"] =
          holders ? attached_json(*holders, pids, context.names) : nlohmann::ordered_json();
      json["attached_unseen"] = nullptr;
      json["lock"] = flock_json(flock);
      write_json(context.out, json);
    } else {
      const LabelledValue lock_line{"lock", render_flock_text(flock)};
      context.out.write(render_posix_stat(object, context.names, std::span(&lock_line, 1)));
      if (holders) write_attached(context, attached_lines(*holders, pids, context.names));
    }
    return kSuccess;
  }
  Result<SegmentRecord> found = lookup_segment(context.kernel, ref, Usage::read);
  if (!found.ok())
    throw CommandFailure(with_stale_lock_hint(context, ref, std::move(found).error()));
  const SegmentRecord record = std::move(*found);
  // No process attached: nothing to look for in /proc (the walk costs as much as the rest).
  HolderScan request;
  request.shmids = std::vector<int>{record.id};
  const std::optional<HolderMap> holders =
      record.nattch > 0 ? scan(request) : std::optional<HolderMap>(HolderMap{});
  std::vector<pid_t> pids;
  std::optional<std::uint64_t> unseen;
  if (holders) {
    pids = holders->segment_holders(record.id);
    // Of nattch (attachments, not processes: one may attach twice), those in processes this
    // caller could not read (another user's, when not root).
    const std::uint64_t seen = holders->segment_attachments(record.id);
    unseen = holders->unreadable > 0 && record.nattch > seen ? record.nattch - seen : 0;
  }
  const LockReport lock = inspect_lock(record);
  if (context.json()) {
    auto object = segment_json(record, context.names);
    object["attached"] =
        holders ? attached_json(*holders, pids, context.names) : nlohmann::ordered_json();
    object["attached_unseen"] = unseen ? nlohmann::ordered_json(*unseen) : nlohmann::ordered_json();
    object["lock"] = lock_json(record.id, lock);
    write_json(context.out, object);
  } else {
    const LabelledValue lock_line{"lock", render_lock_text(record.id, lock)};
    context.out.write(render_stat(record, context.names, std::span(&lock_line, 1)));
    std::vector<LabelledValue> attached;
    if (holders) attached = attached_lines(*holders, pids, context.names);
    if (unseen && *unseen > 0) {
      attached.push_back({"attached", std::to_string(*unseen) +
                                          " more in processes that could not be read" +
                                          (geteuid() == 0 ? "" : " (run as root to see them)")});
    }
    write_attached(context, attached);
  }
  return kSuccess;
}

}  // namespace

Runner setup_stat(CLI::App& app) {
  auto options = std::make_shared<StatOptions>();
  app.add_option("SEGMENT", options->segment, kSegmentHelp)->required();
  app.footer(
      "Prints every field IPC_STAT and /proc/sysvipc/shm give, one 'field: value' a line,\n"
      "or the segment object with --json (plus \"lock\": its cooperative lock, or null).\n"
      "Works on segments you may not read. A POSIX object (/NAME) gets what stat(2) says of\n"
      "its file in /dev/shm. One 'attached:' line per process that has it attached, mapped or\n"
      "open (from /proc; JSON \"attached\" and \"attached_unseen\", how many of nattch are in\n"
      "processes you may not read).");
  return [options](Context& context) { return run_stat(*options, context); };
}

}  // namespace shmtool::cli
