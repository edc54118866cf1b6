#pragma once
// Running the real shmtool binary from end-to-end tests.

#include <string>
#include <vector>

namespace shmtool::test {

/// What a run of the binary gave.
struct RunResult {
  int exit_code = -1;  // -1 if killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

/// Who runs the binary.
enum class As { caller, nobody };

struct RunOptions {
  std::string input;            // written to standard input, then closed
  bool close_stdin = false;     // start with standard input closed
  As as = As::caller;           // As::nobody runs it through setpriv as uid/gid 65534
  std::string stdout_path;      // redirect standard output to this file (e.g. /dev/full)
  double timeout_seconds = 30;  // killed after this long
};

/// Returns the path of the shmtool binary under test.
std::string shmtool_binary();

/// Runs `shmtool ARGS...` and returns its exit code and output.
RunResult run_shmtool(const std::vector<std::string>& args, const RunOptions& options = {});

/// Runs any program (argv[0] looked up in PATH) the same way.
RunResult run_program(const std::vector<std::string>& argv, const RunOptions& options = {});

/// Returns the number of lines in `text`.
int count_lines(const std::string& text);

}  // namespace shmtool::test
