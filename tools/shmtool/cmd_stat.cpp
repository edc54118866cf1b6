// shmtool stat SEGMENT

#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "render_json.hpp"
#include "render_table.hpp"
#include "segment_ops.hpp"

namespace shmtool::cli {
namespace {

struct StatOptions {
  std::string segment;
};

int run_stat(const StatOptions& options, Context& context) {
  const SegmentRef ref = unwrap(parse_segment_ref(options.segment));
  const SegmentRecord record = unwrap(lookup_segment(context.kernel, ref, Usage::read));
  if (context.json) {
    write_json(context.out, segment_json(record, context.names));
  } else {
    context.out.write(render_stat(record, context.names));
  }
  return kSuccess;
}

}  // namespace

Runner setup_stat(CLI::App& app, bool& json) {
  auto options = std::make_shared<StatOptions>();
  app.add_option("SEGMENT", options->segment, "The segment: id, 0xKEY, key:N or ftok:PATH[:PROJ]")
      ->required();
  add_json_flag(app, json);
  app.footer(
      "Prints every field IPC_STAT and /proc/sysvipc/shm give, one 'field: value' a line,\n"
      "or the segment object with --json. Works on segments you may not read.");
  return [options](Context& context) { return run_stat(*options, context); };
}

}  // namespace shmtool::cli
