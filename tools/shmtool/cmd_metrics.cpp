// shmtool metrics [--output FILE]: the Prometheus text format for node_exporter's textfile
// collector.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "procs/holders.hpp"
#include "render/metrics_report.hpp"
#include "sysv/segment_table.hpp"

namespace shmtool::cli {
namespace {

struct MetricsOptions {
  std::string output;
  CLI::Option* output_opt = nullptr;
};

[[noreturn]] void fail_output(const std::string& path, int err, std::string words) {
  throw CommandFailure(
      Error{ErrorKind::system, Op::write_output, err, "--output " + path, std::move(words)});
}

// Writes `text` to `path` as a whole: into a temporary file beside it (a name the textfile
// collector, which reads *.prom, passes over), then renamed over it, so a reader sees the old
// file or the new one, never half of one. A `path` that exists and is not a regular file (a
// device, a directory, a symbolic link) is refused with nothing written.
void write_whole_file(const std::string& path, std::string_view text) {
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    fail_output(path, EEXIST,
                std::string("exists and is ") +
                    (S_ISLNK(st.st_mode)                          ? "a symbolic link"
                     : S_ISDIR(st.st_mode)                        ? "a directory"
                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                  : "not a regular file") +
                    ", not a file metrics may replace; nothing was written");
  }
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty()) fail_output(path, EISDIR, "names a directory, not a file");
  std::string temp = dir + (dir.ends_with('/') ? "" : "/") + "." + base + ".XXXXXX";
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    fail_output(path, err, "cannot create a temporary file beside it: " + errno_text(err));
  }
  const auto fail_and_clean = [&](int err, const std::string& words) {
    close(fd);
    unlink(temp.c_str());
    fail_output(path, err, words + ": " + errno_text(err) + "; nothing was replaced");
  };
  // Readable by the collector, which seldom runs as root.
  if (fchmod(fd, 0644) != 0) fail_and_clean(errno, "cannot set its mode");
  while (!text.empty()) {
    const ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_and_clean(n < 0 ? errno : EIO, "cannot write");
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (fsync(fd) != 0) fail_and_clean(errno, "cannot write");
  if (rename(temp.c_str(), path.c_str()) != 0) fail_and_clean(errno, "cannot replace it");
  close(fd);
}

int run_metrics(const MetricsOptions& options, Context& context) {
  if (context.json()) {
    fail_usage("--json", "metrics prints the Prometheus text format; use list --json for JSON");
  }
  const auto dir = ShmDir::open_default();
  SegmentTable table = unwrap(list_segments(context.kernel, Usage::read));
  const std::vector<LimitRow> limits =
      limit_rows(read_limit_facts(dir.ok() ? &*dir : nullptr), table.segments);

  MetricsInput input;
  // POSIX objects when /dev/shm is a tmpfs; their attached processes from one walk of /proc.
  std::vector<PosixRecord> posix;
  if (dir.ok()) {
    posix = unwrap(list_posix_objects(*dir));
    input.posix_read = true;
    if (!posix.empty()) {
      HolderScan request;
      request.sysv = false;
      request.posix_dev = dir->device();
      const auto holders = scan_holders(request);
      for (PosixRecord& p : posix) {
        if (holders.ok()) p.nattch = holders->object_nattch(p.ino);
      }
    }
  }
  std::vector<AnyRecord> objects;
  objects.reserve(table.segments.size() + posix.size());
  for (SegmentRecord& s : table.segments)
    objects.emplace_back(std::move(s));
  for (PosixRecord& p : posix)
    objects.emplace_back(std::move(p));
  input.objects = objects;
  input.limits = limits;
  const std::string text = render_metrics(input, context.names);
  if (options.output_opt->count() > 0) {
    write_whole_file(options.output, text);
  } else {
    context.out.write(text);
  }
  return kSuccess;
}

}  // namespace

Runner setup_metrics(CLI::App& app) {
  auto options = std::make_shared<MetricsOptions>();
  options->output_opt = app.add_option("-O,--output", options->output,
                                       "Write FILE whole (a temporary file beside it, renamed "
                                       "over it) instead of standard output")
                            ->option_text("FILE");
  app.footer(
      "Prints the Prometheus text format (0.0.4) for node_exporter's textfile collector:\n"
      "shmtool_objects, shmtool_objects_size_bytes, _rss_bytes, _swap_bytes, _orphaned and\n"
      "_marked per type; the limits of 'shmtool limits' (shmtool_limit_segments, _bytes,\n"
      "_pages, with shmtool_used_* beside them, and shmtool_shm_rmid_forced); and for each\n"
      "segment and POSIX object shmtool_segment_size_bytes, _rss_bytes, _swap_bytes,\n"
      "_allocated_bytes, _attached_processes, _last_attach_time_seconds and\n"
      "_last_change_time_seconds, labelled type, id, key, name and owner.\n"
      "--output FILE never leaves a half-written file, and refuses a FILE that exists and is\n"
      "not a regular file (a device, a directory, a symbolic link).");
  return [options](Context& context) { return run_metrics(*options, context); };
}

}  // namespace shmtool::cli
