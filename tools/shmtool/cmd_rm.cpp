// shmtool rm SEGMENT... | rm --all [filters] [--dry-run] | rm --stale-locks [--dry-run]

#include <cerrno>
#include <memory>
#include <set>

#include "command.hpp"
#include "failure.hpp"
#include "filter_options.hpp"
#include "multi_item.hpp"
#include "procs/holders.hpp"
#include "render/render_json.hpp"
#include "render/render_lock.hpp"
#include "sysv/segment_lock.hpp"
#include "sysv/segment_ops.hpp"
#include "sysv/stale_locks.hpp"
#include "util/terminal_text.hpp"

#include <unistd.h>

namespace shmtool::cli {
namespace {

struct RmOptions {
  std::vector<std::string> segments;
  bool all = false;
  bool dry_run = false;
  bool stale_locks = false;
  FilterArgs filters;
};

// One segment to remove: what the user called it, and its id once known (a POSIX object:
// its name).
struct Target {
  std::string label;
  Result<int> id;
  std::optional<std::string> posix_name;
};

// Whether this process may remove POSIX object `object` from the sticky /dev/shm: it owns
// it, or it is root.
bool caller_may_remove_posix(const PosixRecord& object) {
  const uid_t me = geteuid();
  return me == 0 || me == object.uid;
}

// A marked segment's key reads 0 (the kernel sets IPC_PRIVATE): its real key is unknown.
std::string key_words(const SegmentRecord& s) {
  if (s.key != 0) return "(key " + format_key_hex(s.key) + ")";
  return s.dest ? "(key unknown: it was marked for removal)" : "(private)";
}

std::string attached_words(std::uint64_t nattch) {
  return std::to_string(nattch) + (nattch == 1 ? " process" : " processes") + " still attached";
}

// The holders of marked segments, from one walk of /proc made when the first is marked.
class HolderNames {
 public:
  // " (1234 postgres, 5678 psql)", or "" when none can be named.
  std::string of(int shmid) {
    if (!scanned_) {
      scanned_ = true;
      auto found = scan_holders(HolderScan{});
      if (found.ok()) holders_ = std::move(*found);
    }
    if (!holders_) return "";
    std::string names;
    for (pid_t pid : holders_->segment_holders(shmid)) {
      const ProcessInfo* p = holders_->process(pid);
      if (p == nullptr) continue;
      names += names.empty() ? " (" : ", ";
      names += std::to_string(pid) + " " + p->comm;
    }
    return names.empty() ? "" : names + ")";
  }

 private:
  bool scanned_ = false;
  std::optional<HolderMap> holders_;
};

std::string outcome_line(const SegmentRecord& s, bool marked, bool dry_run, HolderNames& holders) {
  const std::string id = "id " + std::to_string(s.id);
  if (marked) {
    // SPEC.md fixes this line as "marked id 42 for removal: N processes still attached
    // (1234 postgres, 5678 psql)".
    return std::string(dry_run ? "would mark " : "marked ") + id +
           " for removal: " + attached_words(s.nattch) + holders.of(s.id);
  }
  return std::string(dry_run ? "would remove " : "removed ") + id + " " + key_words(s);
}

std::string stale_lock_line(const StaleLock& lock, bool dry_run) {
  return std::string(dry_run ? "would remove " : "removed ") + "stale lock of id " +
         std::to_string(lock.segment_id) + " (key " + format_key_hex(lock.key) + ", semid " +
         std::to_string(lock.semid) + (lock.held ? ", still held" : "") + ")";
}

// Removes (or with --dry-run, lists) every stale lock; returns how many items that made (one
// when the semaphore sets cannot be read: a failure, after whatever segments were removed).
std::size_t remove_stale_locks(const RmOptions& options, Context& context, ItemFailures& failures,
                               nlohmann::ordered_json& result) {
  auto found = find_stale_locks(context.kernel);
  auto listed = nlohmann::ordered_json::array();
  if (!found.ok()) {
    failures.add(context, "stale locks", found.error());
    result["stale_locks"] = std::move(listed);
    result["unproven_locks"] = nullptr;
    return 1;
  }
  const StaleLockScan& scan = *found;
  for (const StaleLock& lock : scan.locks) {
    const std::string label = lock_subject(lock.segment_id);
    if (options.dry_run) {
      if (!caller_may_remove(lock)) {
        failures.add(context, label, errno_error(Op::remove, EPERM, label));
        continue;
      }
    } else {
      const Result<bool> removed = remove_stale_lock(context.kernel, lock);
      if (!removed.ok()) {
        failures.add(context, label, removed.error());
        continue;
      }
      if (!*removed) continue;  // gone meanwhile, or its id is a segment's again
    }
    if (context.json()) {
      listed.push_back(stale_lock_json(lock, context.names));
    } else {
      context.out.write(stale_lock_line(lock, options.dry_run) + "\n");
    }
  }
  if (context.json()) {
    result["stale_locks"] = std::move(listed);
    result["unproven_locks"] = scan.unproven;
  } else if (scan.unproven > 0 && isatty(STDERR_FILENO) == 1) {
    context.note(std::to_string(scan.unproven) +
                 (scan.unproven == 1 ? " semaphore set of one semaphore remains"
                                     : " semaphore sets of one semaphore remain") +
                 " at lock keys of removed segments; one semaphore does not prove a set is "
                 "shmtool's (an earlier shmtool's lock, or another program's set), so rm leaves "
                 "them alone (ipcs -s lists them)");
  }
  return scan.locks.size();
}

std::vector<Target> targets_of(const RmOptions& options, Context& context) {
  std::vector<Target> targets;
  if (options.all) {
    const ListFilter filter = build_filter(options.filters, context.names);
    const TypeSelection types = type_selection(options.filters);
    if (types != TypeSelection::posix) {
      SegmentTable table = unwrap(list_segments(context.kernel, Usage::skip));
      // Segments the caller may not remove are not its to clean up: --all passes over them.
      for (const SegmentRecord& s : table.segments) {
        if (matches(filter, s) && caller_may_remove(s)) {
          targets.push_back({"id " + std::to_string(s.id), s.id, std::nullopt});
        }
      }
    }
    if (types != TypeSelection::sysv) {
      // --orphaned and --idle need each object's holders: one walk of /proc for them all.
      std::optional<HolderMap> holders;
      if (reads_posix_nattch(filter)) {
        HolderScan request;
        request.sysv = false;
        request.posix_devs = {context.shm_dir().device()};
        holders = unwrap(scan_holders(request));
      }
      // Only regular files not named sem.*: semaphores, links and directories are not listed.
      for (PosixRecord& p : unwrap(list_posix_objects(context.shm_dir()))) {
        if (holders) p.nattch = holders->object_nattch(p.dev, p.ino);
        if (matches(filter, p) && caller_may_remove_posix(p)) {
          targets.push_back({posix_display_name(p.name), -1, p.name});
        }
      }
    }
    return targets;
  }
  for (const SegmentRef& ref : parse_segment_refs(options.segments)) {
    if (is_posix(ref)) {
      targets.push_back({ref.text, -1, ref.name});
    } else {
      targets.push_back({ref.text, resolve_id(ref), std::nullopt});
    }
  }
  return targets;
}

int run_rm(const RmOptions& options, Context& context) {
  if (options.all && !options.segments.empty()) {
    fail_usage("--all", "give SEGMENTs or --all, not both");
  }
  if (!options.all && options.filters.type_opt->count() > 0) {
    fail_usage("--type", "goes with --all (a SEGMENT says its own kind: /NAME is POSIX)");
  }
  if (!options.all && options.segments.empty() && !options.stale_locks) {
    fail_usage("SEGMENT",
               "name at least one segment, or use --all (with filters) or --stale-locks");
  }
  if (!options.all && any_filter(options.filters)) {
    fail_usage("filters",
               "--owner, --creator, --key, --orphaned, --dest, --min-size, --creator-gone and "
               "--idle go with --all");
  }
  const std::vector<Target> targets = targets_of(options, context);
  ItemFailures failures;
  auto removed = nlohmann::ordered_json::array();
  std::set<int> done;
  const Usage usage = context.json() ? Usage::read : Usage::skip;
  std::set<std::string> names_done;
  HolderNames holder_names;
  for (const Target& target : targets) {
    if (target.posix_name) {
      if (!names_done.insert(*target.posix_name).second) continue;
      const ShmDir& dir = context.shm_dir();
      Result<PosixRecord> object = options.dry_run ? stat_posix(dir, *target.posix_name)
                                                   : remove_posix(dir, *target.posix_name);
      if (!object.ok()) {
        failures.add(context, target.label, object.error());
      } else if (context.json()) {
        auto json = posix_json(*object, context.names);
        json["segment"] = target.label;
        json["marked"] = false;
        removed.push_back(std::move(json));
      } else {
        context.out.write(
            escape_for_terminal(std::string(options.dry_run ? "would remove " : "removed ") +
                                posix_display_name(object->name)) +
            "\n");
      }
      continue;
    }
    if (!target.id.ok()) {
      failures.add(context, target.label, target.id.error());
      continue;
    }
    if (!done.insert(*target.id).second) continue;
    Result<RemoveOutcome> outcome = Error{};
    if (options.dry_run) {
      auto record = stat_segment(context.kernel, *target.id, usage);
      if (record.ok()) {
        const bool marked = record->nattch > 0;
        outcome = RemoveOutcome{std::move(*record), marked, std::nullopt};
      } else {
        outcome = std::move(record).error();
      }
    } else {
      outcome = remove_segment(context.kernel, *target.id, usage);
    }
    if (!outcome.ok()) {
      failures.add(context, target.label, outcome.error());
      continue;
    }
    if (outcome->lock_failure) failures.add(context, target.label, *outcome->lock_failure);
    if (context.json()) {
      auto object = segment_json(outcome->segment, context.names);
      object["segment"] = target.label;
      object["marked"] = outcome->marked;
      removed.push_back(std::move(object));
    } else {
      // Escaped: the holders' command names are any process's to choose.
      context.out.write(escape_for_terminal(outcome_line(outcome->segment, outcome->marked,
                                                         options.dry_run, holder_names)) +
                        "\n");
    }
  }
  nlohmann::ordered_json result;
  if (options.dry_run) result["dry_run"] = true;
  result["removed"] = std::move(removed);
  // After the segments: rm of a segment removes its lock, which is then not stale.
  std::size_t items = options.all ? targets.size() : options.segments.size();
  if (options.stale_locks) items += remove_stale_locks(options, context, failures, result);
  if (context.json()) {
    result["failed"] = failures.to_json();
    write_json(context.out, result);
  }
  return failures.exit_code(items);
}

}  // namespace

Runner setup_rm(CLI::App& app) {
  auto options = std::make_shared<RmOptions>();
  app.add_option("SEGMENT", options->segments,
                 "Segments to remove: id, 0xKEY, key:N, ftok:PATH, /NAME");
  app.add_flag("-a,--all", options->all,
               "Remove every segment you may remove that the filters match");
  app.add_flag("--stale-locks", options->stale_locks,
               "Also remove the locks that segments removed by other tools left behind");
  app.add_flag("--dry-run", options->dry_run, "Say what would be removed; remove nothing");
  add_filter_options(app, options->filters);
  app.footer(
      "A segment that processes still have attached is marked for removal and goes when the\n"
      "last one detaches. rm goes on past a failure and exits 1 if any segment failed (3 when\n"
      "the one segment named does not exist). --all without filters removes every segment\n"
      "you may remove in this IPC namespace (you own or created it, or you are root) and\n"
      "passes over the others; --type posix (or all) does the same for POSIX objects in\n"
      "/dev/shm (you own it, or you are root), never touching sem.* semaphores, links or\n"
      "directories. Removing a POSIX object unlinks its name; processes that have it open or\n"
      "mapped keep it until they close it. --stale-locks (alone, or with --all or SEGMENTs)\n"
      "removes every lock semaphore whose segment is gone and that proves itself shmtool's\n"
      "(two semaphores, the second holding shmtool's marker), as the owner, the creator or\n"
      "root may; the filters choose segments only. A set of one semaphore is never removed.");
  return [options](Context& context) { return run_rm(*options, context); };
}

}  // namespace shmtool::cli
