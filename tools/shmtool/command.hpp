#pragma once
// What every subcommand gets to run, and the table of subcommands main builds from.

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "output.hpp"
#include "posix/shm_dir.hpp"
#include "render/limits_report.hpp"
#include "sysv/kernel.hpp"
#include "util/names.hpp"
#include "util/result.hpp"

namespace shmtool::cli {

/// The options every command takes, before or after its name (shmtool --json list, shmtool
/// list --json). main declares them on each command from kGlobalOptions.
struct GlobalOptions {
  bool json = false;
  std::string ns;  // --ns PID: the process whose IPC namespace and root to act in
  CLI::Option* ns_top = nullptr;
  CLI::Option* ns_command = nullptr;

  bool ns_given() const {
    return (ns_top != nullptr && ns_top->count() > 0) ||
           (ns_command != nullptr && ns_command->count() > 0);
  }
};

/// The run of one command: its name, the global options, and the outside world.
struct Context {
  Context(std::string_view command_name, const GlobalOptions& global_options, Output& output,
          ShmKernel& shm_kernel, SystemNames& system_names)
      : command(command_name),
        global(global_options),
        out(output),
        kernel(shm_kernel),
        names(system_names) {}

  std::string_view command;
  const GlobalOptions& global;
  Output& out;
  ShmKernel& kernel;
  SystemNames& names;

  /// Whether --json was given.
  bool json() const { return global.json; }
  /// The directory of POSIX objects, opened on first use; throws CommandFailure when it
  /// cannot be (missing, not a tmpfs).
  const ShmDir& shm_dir();
  /// Prints a failure line for one item of a multi-item command on stderr.
  void report(const Error& error) const;
  /// Prints "shmtool: COMMAND: SUBJECT: WORDS" on stderr, after what stdout holds so far.
  void warn(const std::string& subject, const std::string& words) const;
  /// Prints "note: WORDS" on stderr, after what stdout holds so far.
  void note(const std::string& words) const;

 private:
  std::optional<ShmDir> shm_dir_;
};

/// Runs a parsed command and returns its exit code; throws CommandFailure to fail.
using Runner = std::function<int(Context&)>;

/// Declares a subcommand's own options on `app` (bound to state the runner keeps) and returns
/// the runner; main adds the global options.
using Setup = Runner (*)(CLI::App& app);

/// What a command's output is, for the help of --json.
enum class JsonOutput {
  yes,     // --json changes what it prints
  none,    // it prints nothing of its own (lock): --json is accepted and changes nothing
  refused  // its output has a format of its own (metrics): --json is a usage error
};

struct CommandEntry {
  const char* name;
  const char* summary;
  Setup setup;
  JsonOutput json_output = JsonOutput::yes;
};

Runner setup_create(CLI::App& app);
Runner setup_write(CLI::App& app);
Runner setup_read(CLI::App& app);
Runner setup_stat(CLI::App& app);
Runner setup_list(CLI::App& app);
Runner setup_rm(CLI::App& app);
Runner setup_chown(CLI::App& app);
Runner setup_chmod(CLI::App& app);
Runner setup_lock(CLI::App& app);
Runner setup_pin(CLI::App& app);
Runner setup_unpin(CLI::App& app);
Runner setup_limits(CLI::App& app);
Runner setup_who(CLI::App& app);
Runner setup_metrics(CLI::App& app);

/// Reads what `limits` and `metrics` report of the kernel: kernel.shm*, huge pages, and the
/// use of /dev/shm (`dir`, when it could be opened).
LimitFacts read_limit_facts(const ShmDir* dir);

/// The help of a SEGMENT argument.
inline constexpr const char* kSegmentHelp =
    "The segment: id, 0xKEY, key:N, ftok:PATH[:PROJ], or /NAME (a POSIX object)";

/// Writes `value` to the output as one line of JSON.
void write_json(Output& out, const nlohmann::ordered_json& value);

}  // namespace shmtool::cli
