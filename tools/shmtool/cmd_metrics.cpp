// shmtool metrics [--output FILE]: the Prometheus text format for node_exporter's textfile
// collector.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "namespace_entry.hpp"
#include "procs/holders.hpp"
#include "render/metrics_report.hpp"
#include "sysv/segment_table.hpp"
#include "util/proc_files.hpp"

namespace shmtool::cli {
namespace {

struct MetricsOptions {
  std::string output;
  CLI::Option* output_opt = nullptr;
  bool all_namespaces = false;
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
  if (options.output_opt->count() > 0 && options.output.empty()) {
    fail_usage("--output", "names no file");
  }
  const auto dir = ShmDir::open_default();
  MetricsInput input;
  std::vector<SegmentRecord> segments;
  std::vector<PosixRecord> posix;
  std::vector<dev_t> devices;
  std::vector<LimitRow> limits;
  if (options.all_namespaces) {
    const HostNamespaces host = find_all_namespaces(context, true);
    segments = segments_of_every_namespace(context, host, Usage::read);
    posix = objects_of_every_namespace(context, host);
    devices = shm_devices(host);
    input.posix_read = true;
    // The limits are this namespace's (each namespace has its own): used by its segments.
    const auto own = namespace_inode(AT_FDCWD, "/proc/self/ns/ipc");
    std::vector<SegmentRecord> own_segments;
    for (const SegmentRecord& s : segments) {
      if (own && s.ns->inode == *own) own_segments.push_back(s);
    }
    limits = limit_rows(read_limit_facts(dir.ok() ? &*dir : nullptr), own_segments);
  } else {
    SegmentTable table = unwrap(list_segments(context.kernel, Usage::read));
    segments = std::move(table.segments);
    limits = limit_rows(read_limit_facts(dir.ok() ? &*dir : nullptr), segments);
    // POSIX objects when /dev/shm is a tmpfs.
    if (dir.ok()) {
      posix = unwrap(list_posix_objects(*dir));
      devices = {dir->device()};
      input.posix_read = true;
    }
  }
  // The processes attached to POSIX objects, from one walk of /proc.
  if (!posix.empty()) {
    HolderScan request;
    request.sysv = false;
    request.posix_devs = devices;
    const auto holders = scan_holders(request);
    for (PosixRecord& p : posix) {
      if (holders.ok()) p.nattch = holders->object_nattch(p.dev, p.ino);
    }
  }
  input.segments = segments;
  input.posix = posix;
  input.limits = limits;
  if (options.output_opt->count() > 0) {
    write_whole_file(options.output, render_metrics(input, context.names));
  } else {
    write_metrics(input, context.names,
                  [&context](std::string_view piece) { context.out.write(piece); });
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
  add_all_namespaces_option(app, options->all_namespaces, "the labels ns and ns_pid say which");
  app.footer(
      "Prints the Prometheus text format (0.0.4) for node_exporter's textfile collector:\n"
      "shmtool_objects, shmtool_objects_size_bytes, _rss_bytes, _swap_bytes, _orphaned and\n"
      "_marked per type; the limits of 'shmtool limits' (shmtool_limit_segments, _bytes,\n"
      "_pages, with shmtool_used_* beside them, and shmtool_shm_rmid_forced); and for each\n"
      "segment and POSIX object shmtool_segment_size_bytes, _rss_bytes, _swap_bytes,\n"
      "_allocated_bytes, _attached_processes, _last_attach_time_seconds and\n"
      "_last_change_time_seconds, labelled type, id (a POSIX object's: its inode), key,\n"
      "name and owner (and, with --all-namespaces, ns and ns_pid: the IPC namespace's\n"
      "inode and its lowest pid; the totals are then of every namespace, the limits still\n"
      "this namespace's).\n"
      "--output FILE never leaves a half-written file, and refuses a FILE that exists and is\n"
      "not a regular file (a device, a directory, a symbolic link).");
  return [options](Context& context) { return run_metrics(*options, context); };
}

}  // namespace shmtool::cli
