// shmtool stat SEGMENT

#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "render/render_json.hpp"
#include "render/render_lock.hpp"
#include "render/render_table.hpp"
#include "sysv/segment_ops.hpp"

namespace shmtool::cli {
namespace {

struct StatOptions {
  std::string segment;
};

int run_stat(const StatOptions& options, Context& context) {
  const SegmentRef ref = unwrap(parse_segment_ref(options.segment));
  if (is_posix(ref)) {
    const PosixRecord object = unwrap(stat_posix(context.shm_dir(), ref.name));
    const Result<FlockState> flock = read_flock_state(object);
    if (context.json()) {
      auto json = posix_json(object, context.names);
      json["lock"] = flock_json(flock);
      write_json(context.out, json);
    } else {
      const LabelledValue lock_line{"lock", render_flock_text(flock)};
      context.out.write(render_posix_stat(object, context.names, std::span(&lock_line, 1)));
    }
    return kSuccess;
  }
  const SegmentRecord record = unwrap(lookup_segment(context.kernel, ref, Usage::read));
  const LockReport lock = inspect_lock(record);
  if (context.json()) {
    auto object = segment_json(record, context.names);
    object["lock"] = lock_json(record.id, lock);
    write_json(context.out, object);
  } else {
    const LabelledValue lock_line{"lock", render_lock_text(record.id, lock)};
    context.out.write(render_stat(record, context.names, std::span(&lock_line, 1)));
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
      "its file in /dev/shm.");
  return [options](Context& context) { return run_stat(*options, context); };
}

}  // namespace shmtool::cli
