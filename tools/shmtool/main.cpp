// shmtool: the front end. Builds the command line from the command table, runs the chosen
// command, and maps every failure to one stderr line and an exit code, in one place.

#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "command.hpp"
#include "failure.hpp"
#include "namespace_entry.hpp"
#include "standard_fds.hpp"
#include "util/terminal_text.hpp"

namespace shmtool::cli {
namespace {

constexpr std::array<CommandEntry, 14> kCommands{{
    {"create", "Create a segment (or report the one its key names)", setup_create},
    {"write", "Write text or bytes into a segment", setup_write},
    {"read", "Print a segment's contents (text, bytes, hex or JSON)", setup_read},
    {"stat", "Show everything the kernel tells about one segment", setup_stat},
    {"list", "List every segment in the IPC namespace", setup_list},
    {"who", "Show which processes have shared memory attached", setup_who},
    {"rm", "Remove segments", setup_rm},
    {"chown", "Change a segment's owner and/or group", setup_chown},
    {"chmod", "Change a segment's permission bits", setup_chmod},
    {"lock", "Run a command while holding a segment's cooperative lock", setup_lock,
     JsonOutput::none},
    {"pin", "Keep segments' pages in memory, never swapped (SHM_LOCK)", setup_pin},
    {"unpin", "Let segments' pages be swapped again (SHM_UNLOCK)", setup_unpin},
    {"limits", "Show the kernel's limits on shared memory and how much is used", setup_limits},
    {"metrics", "Print the Prometheus metrics of shared memory (node_exporter textfile)",
     setup_metrics, JsonOutput::refused},
}};

// The global options: GlobalOptions' fields, declared on the top level and on every command.
struct GlobalOption {
  const char* name;
  bool takes_value;  // the argv pre-scan skips its value (--ns PID)
};
constexpr GlobalOption kGlobalOptions[] = {
    {"--json", false},
    {"--ns", true},
};

enum class Level { top, command };

void add_global_options(CLI::App& app, GlobalOptions& global, Level level, JsonOutput output) {
  const char* json_help = level == Level::top ? "Print JSON instead of text (may also follow "
                                                "the command)"
                          : output == JsonOutput::yes ? "Print JSON instead of text"
                          : output == JsonOutput::none
                              ? "Accepted as after any command; prints nothing of its own"
                              : "Refused: the output is the Prometheus text format";
  app.add_flag(kGlobalOptions[0].name, global.json, json_help);
  CLI::Option* ns =
      app.add_option(kGlobalOptions[1].name, global.ns,
                     level == Level::top
                         ? "Act in the IPC namespace of process PID, with its /dev/shm and files "
                           "(a container's; may also follow the command)"
                         : "Act in the IPC namespace of process PID, with its /dev/shm and files")
          ->option_text("PID");
  (level == Level::top ? global.ns_top : global.ns_command) = ns;
}

constexpr const char* kFooter = R"(SEGMENT is one of:
  1234, id:1234          a shmid
  0x0000162e             a key in hex, as ipcs prints keys
  key:5678, key:-5       a key in any C base, signed or unsigned 32-bit
  ftok:PATH[:PROJ]       the key ftok(PATH, PROJ); PROJ is 1..255 or a character, default A
  /NAME, posix:NAME      the POSIX shared memory object NAME (the file /dev/shm/NAME)

Exit codes: 0 success, 1 failure, 2 usage error, 3 segment not found.
Run 'shmtool COMMAND --help' for a command's options.)";

// "Could not convert" -> "could not convert", but "SEGMENT is required" keeps its name.
std::string lower_first(std::string text) {
  const bool word_in_capitals =
      text.size() > 1 && std::isupper(static_cast<unsigned char>(text[1])) != 0;
  if (!text.empty() && !word_in_capitals) {
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  }
  return text;
}

const CLI::App* selected(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->parsed()) return sub;
  }
  return nullptr;
}

// CLI11 checks required arguments before it complains about unknown ones, so `shmtool bogus`
// would say "a subcommand is required" and `read --bogus` "SEGMENT is required". The unknown
// argument is the likelier mistake: name it first.
std::string unknown_argument_words(const std::string& arg, bool top_level) {
  if (arg.size() > 1 && arg[0] == '-') return "unknown option '" + arg + "'";
  if (top_level) return "unknown command '" + arg + "'";
  return "unexpected argument '" + arg + "'";
}

// CLI11's own words where they are unclear: "--size: 1 required TEXT missing".
std::string usage_words(const CLI::ParseError& e) {
  const std::string what = e.what();
  if (e.get_name() == "ArgumentMismatch") {
    const auto colon = what.find(": ");
    const std::string name = what.substr(0, colon);
    if (what.find(" required ") != std::string::npos && what.ends_with(" missing")) {
      return name + ": needs a value";
    }
    if (what.find("At Most") != std::string::npos) return name + ": given more than once";
  }
  if (e.get_name() == "RequiredError" && what.starts_with("A subcommand")) {
    return "no command given";
  }
  return lower_first(what);
}

// The command argv names: its first word that is neither an option nor a global option's
// value, if that word is a command.
std::string_view command_named_in(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word.starts_with('-')) {
      for (const GlobalOption& option : kGlobalOptions) {
        if (option.takes_value && word == option.name) ++i;
      }
      continue;
    }
    for (const CommandEntry& entry : kCommands) {
      if (word == entry.name) return word;
    }
    break;
  }
  return {};
}

int usage_failure(const CLI::App& app, const CLI::ParseError& e) {
  const std::vector<std::string> top_unknown = app.remaining(false);
  const std::vector<std::string> all_unknown = app.remaining(true);
  const CLI::App* sub = top_unknown.empty() ? selected(app) : nullptr;
  const std::string command = sub ? sub->get_name() : "";
  std::string line = "shmtool: ";
  if (!command.empty()) line += command + ": ";
  line += all_unknown.empty() ? usage_words(e)
                              : unknown_argument_words(all_unknown.front(), sub == nullptr);
  line += " (see 'shmtool " + (command.empty() ? std::string() : command + " ") + "--help')";
  std::cerr << escape_for_terminal(line) << '\n';
  return kUsage;
}

int print_to_stdout(const std::string& text, Output& out) {
  try {
    out.write(text);
    out.flush();
  } catch (const OutputError& e) {
    if (e.err == EPIPE) return kSuccess;
    std::cerr << "shmtool: standard output: " << errno_text(e.err) << '\n';
    return kFailure;
  }
  return kSuccess;
}

int run(int argc, char** argv) {
  Output out(STDOUT_FILENO);
  CLI::App app{
      "shmtool: create, write, read, inspect, list and remove shared memory: System V "
      "segments and POSIX objects",
      "shmtool"};
  app.set_version_flag("-V,--version", "shmtool " SHMTOOL_VERSION);
  app.require_subcommand(1);
  app.footer(kFooter);
  GlobalOptions global;
  add_global_options(app, global, Level::top, JsonOutput::yes);

  // Only the command that will run declares its options: building every command's options
  // on each run is a fixed cost that a shell completion or a loop pays every time. The others
  // keep their name and summary for the top-level help and for error messages.
  const std::string_view chosen = command_named_in(argc, argv);
  std::map<const CLI::App*, Runner> runners;
  for (const CommandEntry& entry : kCommands) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.summary);
    if (chosen != entry.name) continue;
    runners.emplace(sub, entry.setup(*sub));
    add_global_options(*sub, global, Level::command, entry.json_output);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return print_to_stdout(app.help(), out);
  } catch (const CLI::CallForAllHelp&) {
    return print_to_stdout(app.help("", CLI::AppFormatMode::All), out);
  } catch (const CLI::CallForVersion& e) {
    return print_to_stdout(std::string(e.what()) + "\n", out);
  } catch (const CLI::ParseError& e) {
    return usage_failure(app, e);
  }

  const CLI::App* sub = selected(app);
  SystemNames names;
  Context context{sub->get_name(), global, out, system_kernel(), names};
  try {
    const auto runner = runners.find(sub);
    if (runner == runners.end()) {
      throw CommandFailure(usage_error(sub->get_name(), "put the command before its arguments"));
    }
    // Before anything reads the kernel: the whole run is in the one namespace.
    if (global.ns_given()) enter_namespace_of(global.ns);
    const int code = runner->second(context);
    out.flush();
    return code;
  } catch (const CommandFailure& failure) {
    try {
      out.flush();
    } catch (const OutputError&) {
    }
    std::cerr << format_failure(context.command, failure.error()) << '\n';
    return exit_code_for(failure.error());
  } catch (const OutputError& e) {
    // A reader that went away took what it wanted: end quietly.
    if (e.err == EPIPE) return kSuccess;
    std::cerr << "shmtool: " << context.command << ": standard output: " << errno_text(e.err)
              << '\n';
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << escape_for_terminal("shmtool: " + std::string(context.command) + ": " + e.what())
              << '\n';
    return kFailure;
  }
}

// Everything, the building of the command line included, fails with one line.
int run_guarded(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << escape_for_terminal(std::string("shmtool: ") + e.what()) << '\n';
    return kFailure;
  }
}

}  // namespace

const ShmDir& Context::shm_dir() {
  if (!shm_dir_) shm_dir_.emplace(unwrap(ShmDir::open_default()));
  return *shm_dir_;
}

void Context::report(const Error& error) const {
  // Lines already printed for earlier items come first, as they happened.
  try {
    out.flush();
  } catch (const OutputError&) {
  }
  std::cerr << format_failure(command, error) << '\n';
}

void Context::warn(const std::string& subject, const std::string& words) const {
  report(Error{ErrorKind::system, Op::parse, 0, subject, words});
}

void Context::note(const std::string& words) const {
  try {
    out.flush();
  } catch (const OutputError&) {
  }
  std::cerr << escape_for_terminal("note: " + words) << '\n';
}

void write_json(Output& out, const nlohmann::ordered_json& value) {
  out.write(value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  out.write("\n");
}

}  // namespace shmtool::cli

int main(int argc, char** argv) {
  // A closed pipe shows up as EPIPE from write(2), handled where output is written.
  signal(SIGPIPE, SIG_IGN);
  shmtool::cli::guard_standard_descriptors();
  return shmtool::cli::run_guarded(argc, argv);
}
