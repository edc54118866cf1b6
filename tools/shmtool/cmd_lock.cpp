// shmtool lock SEGMENT [--timeout SECONDS] -- COMMAND [ARGS...]: run COMMAND while holding the
// segment's cooperative lock, like flock(1), and exit with its status.

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <vector>

#include "command.hpp"
#include "failure.hpp"
#include "segment_lock.hpp"
#include "segment_ops.hpp"
#include "size_parse.hpp"

namespace shmtool::cli {
namespace {

struct LockOptions {
  std::string segment;
  std::string timeout;
  std::vector<std::string> command;
  CLI::Option* timeout_opt = nullptr;
};

// Exit statuses of a command that could not be run, as env(1) and flock(1) use them.
constexpr int kCannotExecute = 126;
constexpr int kNotFoundCommand = 127;

int run_command(const std::vector<std::string>& command, Context& context) {
  std::vector<char*> argv;
  for (const std::string& word : command)
    argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  context.out.flush();
  const pid_t child = fork();
  if (child < 0) throw CommandFailure(errno_error(Op::lock, errno, "fork"));
  if (child == 0) {
    // The child must not inherit an ignored SIGPIPE (main ignores it for its own output).
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv.data());
    const int err = errno;
    context.report(
        Error{ErrorKind::system, Op::lock, err, command.front(), "cannot run: " + errno_text(err)});
    _exit(err == ENOENT ? kNotFoundCommand : kCannotExecute);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw CommandFailure(errno_error(Op::lock, errno, "waitpid"));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int run_lock(const LockOptions& options, Context& context) {
  const SegmentRef ref = unwrap(parse_segment_ref(options.segment));
  std::optional<std::chrono::milliseconds> timeout;
  if (options.timeout_opt->count() > 0) {
    timeout = unwrap(parse_seconds(options.timeout, "--timeout"));
  }
  if (options.command.empty()) fail_usage("COMMAND", "give a command to run after '--'");
  const SegmentRecord segment = unwrap(lookup_segment(context.kernel, ref, Usage::skip));
  const HeldLock lock = unwrap(take_lock(segment, timeout));
  return run_command(options.command, context);
}

}  // namespace

Runner setup_lock(CLI::App& app, bool& json) {
  auto options = std::make_shared<LockOptions>();
  app.add_option("SEGMENT", options->segment, "The segment whose lock to hold")->required();
  app.add_option("COMMAND", options->command, "The command and its arguments, after '--'");
  options->timeout_opt =
      app.add_option("-t,--timeout", options->timeout, "Give up after SECONDS (exit 1)")
          ->option_text("SECONDS");
  (void)json;  // lock prints nothing of its own
  app.footer(
      "Runs COMMAND while holding the segment's cooperative lock and exits with its status\n"
      "(128+N if a signal N ended it; 126/127 if it could not be run). The lock is a System V\n"
      "semaphore with key 0xffffffff - shmid, taken with SEM_UNDO: if shmtool dies, the kernel\n"
      "releases it. write --lock and read --lock take the same lock; see shmtool-lock(1).");
  return [options](Context& context) { return run_lock(*options, context); };
}

}  // namespace shmtool::cli
