#pragma once
// What every subcommand gets to run, and the table of subcommands main builds from.

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "output.hpp"
#include "sysv/kernel.hpp"
#include "util/names.hpp"
#include "util/result.hpp"

namespace shmtool::cli {

/// The run of one command: its name, the output format, and the outside world.
struct Context {
  std::string_view command;
  bool json = false;
  Output& out;
  ShmKernel& kernel;
  SystemNames& names;

  /// Prints a failure line for one item of a multi-item command on stderr.
  void report(const Error& error) const;
  /// Prints "shmtool: COMMAND: SUBJECT: WORDS" on stderr, after what stdout holds so far.
  void warn(const std::string& subject, const std::string& words) const;
};

/// Runs a parsed command and returns its exit code; throws CommandFailure to fail.
using Runner = std::function<int(Context&)>;

/// Declares a subcommand's options on `app` (bound to state the runner keeps) and returns the
/// runner. `json` is the shared --json flag, which every subcommand also accepts.
using Setup = Runner (*)(CLI::App& app, bool& json);

struct CommandEntry {
  const char* name;
  const char* summary;
  Setup setup;
};

Runner setup_create(CLI::App& app, bool& json);
Runner setup_write(CLI::App& app, bool& json);
Runner setup_read(CLI::App& app, bool& json);
Runner setup_stat(CLI::App& app, bool& json);
Runner setup_list(CLI::App& app, bool& json);
Runner setup_rm(CLI::App& app, bool& json);
Runner setup_chown(CLI::App& app, bool& json);
Runner setup_chmod(CLI::App& app, bool& json);
Runner setup_lock(CLI::App& app, bool& json);

/// Adds the --json flag to a subcommand.
void add_json_flag(CLI::App& app, bool& json);

/// Writes `value` to the output as one line of JSON.
void write_json(Output& out, const nlohmann::ordered_json& value);

}  // namespace shmtool::cli
