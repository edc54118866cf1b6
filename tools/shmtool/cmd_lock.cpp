// shmtool lock SEGMENT [--timeout DURATION] -- COMMAND [ARGS...]: run COMMAND while holding the
// segment's cooperative lock, like flock(1), and exit with its status.

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "command.hpp"
#include "failure.hpp"
#include "nested_lock.hpp"
#include "sysv/segment_lock.hpp"
#include "sysv/segment_ops.hpp"
#include "util/duration_parse.hpp"

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

// The signals that would end shmtool while COMMAND runs. The lock is held by shmtool (SEM_UNDO
// releases it when shmtool ends), so shmtool must outlive COMMAND: it passes them on to COMMAND
// and waits. Only SIGKILL can still end it first.
constexpr int kPassedOn[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM};

volatile sig_atomic_t g_child = 0;

extern "C" void pass_on(int signal_number) {
  const pid_t child = g_child;
  if (child > 0) kill(child, signal_number);
}

// Installs pass_on for each signal of kPassedOn that is not ignored (a shell starts background
// jobs with SIGINT and SIGQUIT ignored; those stay ignored, in COMMAND too).
void pass_signals_on() {
  struct sigaction action {};
  action.sa_handler = pass_on;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal_number : kPassedOn) {
    struct sigaction old {};
    sigaction(signal_number, nullptr, &old);
    if (old.sa_handler != SIG_IGN) sigaction(signal_number, &action, nullptr);
  }
}

int run_command(const std::vector<std::string>& command, Context& context) {
  std::vector<char*> argv;
  for (const std::string& word : command)
    argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  context.out.flush();
  // The signals wait, blocked, until the child's pid is known; the child gets them with their
  // default actions.
  sigset_t passed_on;
  sigset_t before;
  sigemptyset(&passed_on);
  for (int signal_number : kPassedOn)
    sigaddset(&passed_on, signal_number);
  sigprocmask(SIG_BLOCK, &passed_on, &before);
  pass_signals_on();
  const pid_t child = fork();
  if (child < 0) throw CommandFailure(errno_error(Op::lock, errno, "fork"));
  if (child == 0) {
    for (int signal_number : kPassedOn) {
      struct sigaction old {};
      sigaction(signal_number, nullptr, &old);
      if (old.sa_handler != SIG_IGN) signal(signal_number, SIG_DFL);
    }
    sigprocmask(SIG_SETMASK, &before, nullptr);
    // The child must not inherit an ignored SIGPIPE (main ignores it for its own output).
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv.data());
    const int err = errno;
    context.report(
        Error{ErrorKind::system, Op::lock, err, command.front(), "cannot run: " + errno_text(err)});
    _exit(err == ENOENT ? kNotFoundCommand : kCannotExecute);
  }
  g_child = child;
  sigprocmask(SIG_SETMASK, &before, nullptr);
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
    timeout = unwrap(parse_duration(options.timeout, "--timeout", kLongestTimeout));
  }
  if (options.command.empty()) fail_usage("COMMAND", "give a command to run after '--'");
  if (is_posix(ref)) {
    // flock(2) on the object's file. COMMAND inherits the locked descriptor, and its number in
    // SHMTOOL_FLOCKS, so a shmtool inside it finds the lock held (flock on the same open file
    // succeeds at once) instead of waiting for it.
    const ObjectLock lock = hold_object_lock(context.shm_dir(), ref.name, timeout);
    const std::string_view inherited = inherited_object_locks();
    std::string value(inherited);
    if (!value.empty()) value += ',';
    value += lock.entry();
    lock.make_inheritable();
    if (setenv(kHeldObjectLocksVariable, value.c_str(), 1) != 0) {
      throw CommandFailure(errno_error(Op::lock, errno, kHeldObjectLocksVariable));
    }
    return run_command(options.command, context);
  }
  const SegmentRecord segment = unwrap(lookup_segment(context.kernel, ref, Usage::skip));
  const std::optional<HeldLock> lock = hold_lock(segment, timeout);
  if (lock) {
    // Tells COMMAND, and the shmtool runs inside it, that this lock is held for them. The read
    // end of a pipe, kept open here and inherited by COMMAND, is the proof only they have.
    int token[2];
    if (pipe2(token, 0) != 0) throw CommandFailure(errno_error(Op::lock, errno, "pipe"));
    close(token[1]);
    const char* holders = std::getenv(kHeldLocksVariable);
    const std::string value = add_held_lock(holders ? holders : "", segment, *lock, token[0]);
    if (setenv(kHeldLocksVariable, value.c_str(), 1) != 0) {
      throw CommandFailure(errno_error(Op::lock, errno, kHeldLocksVariable));
    }
  }
  return run_command(options.command, context);
}

}  // namespace

Runner setup_lock(CLI::App& app) {
  auto options = std::make_shared<LockOptions>();
  app.add_option("SEGMENT", options->segment, "The segment (or /NAME) whose lock to hold")
      ->required();
  app.add_option("COMMAND", options->command, "The command and its arguments, after '--'");
  options->timeout_opt = app.add_option("-t,--timeout", options->timeout,
                                        "Give up after DURATION: 5, 0.5, 500ms, 2m (exit 1)")
                             ->option_text("DURATION");
  app.footer(
      "Runs COMMAND while holding the segment's cooperative lock and exits with its status\n"
      "(128+N if a signal N ended it; 126/127 if it could not be run). The lock is a System V\n"
      "semaphore with key 0xffffffff - shmid, taken with SEM_UNDO: if shmtool dies, the kernel\n"
      "releases it. A POSIX object's lock is flock(2) LOCK_EX on its file in /dev/shm, so C\n"
      "programs join with flock on their shm_open descriptor. write --lock and read --lock take\n"
      "the same lock; see shmtool-lock(1).");
  return [options](Context& context) { return run_lock(*options, context); };
}

}  // namespace shmtool::cli
