#include "filter_options.hpp"

#include "failure.hpp"
#include "model/segment_ref.hpp"
#include "util/duration_parse.hpp"
#include "util/owner_parse.hpp"
#include "util/size_parse.hpp"

namespace shmtool::cli {

void add_filter_options(CLI::App& app, FilterArgs& args) {
  const std::string group = "Filters";
  args.type_opt = app.add_option("-t,--type", args.type,
                                 "Which kind: sysv (System V segments, the default), posix "
                                 "(POSIX objects in /dev/shm) or all")
                      ->option_text("TYPE")
                      ->group(group);
  args.owner_opt =
      app.add_option("--owner", args.owner, "Only segments owned by USER (name or uid)")
          ->option_text("USER")
          ->group(group);
  args.creator_opt =
      app.add_option("--creator", args.creator, "Only segments created by USER (name or uid)")
          ->option_text("USER")
          ->group(group);
  args.key_opt = app.add_option("--key", args.key, "Only the segment with KEY (any key form)")
                     ->option_text("KEY")
                     ->group(group);
  app.add_flag("--orphaned", args.orphaned,
               "Only segments no process is attached to (POSIX: none maps it or has it open)")
      ->group(group);
  app.add_flag("--dest", args.dest, "Only segments marked for removal")->group(group);
  args.min_size_opt =
      app.add_option("--min-size", args.min_size, "Only segments of at least SIZE bytes")
          ->option_text("SIZE")
          ->group(group);
  app.add_flag("--creator-gone", args.creator_gone,
               "Only segments whose creator has exited (a reused pid does not count; System V "
               "only)")
      ->group(group);
  args.idle_opt = app.add_option("--idle", args.idle,
                                 "Only unattached segments last attached, detached or changed "
                                 "at least DURATION ago (90s, 30m, 12h, 7d)")
                      ->option_text("DURATION")
                      ->group(group);
}

TypeSelection parse_type(const std::string& text) {
  if (text == "sysv") return TypeSelection::sysv;
  if (text == "posix") return TypeSelection::posix;
  if (text == "all") return TypeSelection::all;
  fail_usage("--type " + text, "unknown type (known: sysv, posix, all)");
}

TypeSelection type_selection(const FilterArgs& args) {
  return parse_type(args.type);
}

bool any_filter(const FilterArgs& args) {
  return args.owner_opt->count() > 0 || args.creator_opt->count() > 0 ||
         args.key_opt->count() > 0 || args.min_size_opt->count() > 0 || args.orphaned ||
         args.dest || args.creator_gone || args.idle_opt->count() > 0;
}

namespace {

// The key of --key; any failure names --key and is a bad argument.
std::uint32_t key_filter(const std::string& text) {
  auto ref = parse_key_ref(text);
  Result<std::uint32_t> key = ref.ok() ? key_of(*ref) : Result<std::uint32_t>(ref.error());
  if (key.ok()) return *key;
  Error error = std::move(key).error();
  error.kind = ErrorKind::usage;
  error.subject = "--key " + error.subject;
  if (error.detail.starts_with("key 0 is IPC_PRIVATE")) {
    error.detail = "key 0 is IPC_PRIVATE, which every private segment has; it names no segment";
  }
  throw CommandFailure(std::move(error));
}

}  // namespace

ListFilter build_filter(const FilterArgs& args, NameResolver& names) {
  ListFilter filter;
  if (args.owner_opt->count() > 0) filter.owner = unwrap(parse_user(args.owner, "--owner", names));
  if (args.creator_opt->count() > 0) {
    filter.creator = unwrap(parse_user(args.creator, "--creator", names));
  }
  if (args.key_opt->count() > 0) filter.key = key_filter(args.key);
  if (args.min_size_opt->count() > 0) {
    filter.min_size = unwrap(parse_size(args.min_size, "--min-size"));
  }
  if (args.idle_opt->count() > 0) {
    filter.idle = unwrap(parse_duration(args.idle, "--idle", kLongestIdle));
    filter.now = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  }
  filter.orphaned = args.orphaned;
  filter.dest = args.dest;
  filter.creator_gone = args.creator_gone;
  return filter;
}

}  // namespace shmtool::cli
