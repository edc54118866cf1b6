// shmtool who [SEGMENT...] [-o COLS] [--sort COL] [--reverse] [--noheadings] [--raw] [--bytes]
//             [--type TYPE]

#include <unistd.h>

#include <algorithm>
#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "filter_options.hpp"
#include "multi_item.hpp"
#include "namespace_entry.hpp"
#include "procs/holders.hpp"
#include "render/columns.hpp"
#include "render/list_filter.hpp"
#include "render/render_table.hpp"
#include "render/who_report.hpp"
#include "sysv/segment_ops.hpp"
#include "sysv/segment_table.hpp"
#include "table_options.hpp"

namespace shmtool::cli {
namespace {

struct WhoOptions {
  std::vector<std::string> segments;
  TableArgs table;
  std::string type = "all";
  CLI::Option* type_opt = nullptr;
  bool all_namespaces = false;
};

std::string column_help() {
  std::string text = columns_help(who_columns()) + "Defaults:";
  for (const Column* c : default_who_columns())
    text += " " + std::string(c->name);
  text +=
      "\nOne row per process and object it maps or holds open, by pid. With --json:\n"
      "{\"attachments\": [{\"pid\", \"uid\", \"user\", \"comm\", \"cmdline\", \"segment\": "
      "{\"type\",\n"
      "\"id\", \"key\", \"key_hex\", \"name\", \"size\"}, \"mapped\"}], \"unseen_processes\": N}.\n"
      "System V segments are found in /proc/PID/maps of the processes in this IPC namespace,\n"
      "POSIX objects by their mappings and open descriptors; processes this user may not\n"
      "read (another user's, when not root) are counted in unseen_processes, not shown.\n"
      "A POSIX object unlinked while still mapped has no name left and is not shown.";
  return text;
}

// The objects named (each once), or every object of the kinds --type selects: what who looks at.
std::vector<AnyRecord> named_objects(const WhoOptions& options, Context& context,
                                     ItemFailures& failures) {
  std::vector<AnyRecord> out;
  const std::vector<SegmentRef> refs = parse_segment_refs(options.segments);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const SegmentRef& ref = refs[i];
    if (is_posix(ref)) {
      Result<PosixRecord> object = stat_posix(context.shm_dir(), ref.name);
      if (!object.ok()) {
        failures.add(context, options.segments[i], object.error());
        continue;
      }
      const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& r) {
        const auto* p = std::get_if<PosixRecord>(&r);
        return p != nullptr && p->ino == object->ino;
      });
      if (!seen) out.emplace_back(std::move(*object));
    } else {
      Result<SegmentRecord> segment = lookup_segment(context.kernel, ref, Usage::skip);
      if (!segment.ok()) {
        failures.add(context, options.segments[i], segment.error());
        continue;
      }
      const bool seen = std::any_of(out.begin(), out.end(), [&](const auto& r) {
        const auto* s = std::get_if<SegmentRecord>(&r);
        return s != nullptr && s->id == segment->id;
      });
      if (!seen) out.emplace_back(std::move(*segment));
    }
  }
  return out;
}

// --all-namespaces: every object of every namespace, and the devices of every /dev/shm.
std::vector<AnyRecord> every_namespace_object(const WhoOptions& options, Context& context,
                                              std::vector<dev_t>& devices) {
  std::vector<AnyRecord> out;
  const TypeSelection types = parse_type(options.type);
  const HostNamespaces host = find_all_namespaces(context, types != TypeSelection::sysv);
  if (types != TypeSelection::posix) {
    for (SegmentRecord& s : segments_of_every_namespace(context, host, Usage::skip))
      out.emplace_back(std::move(s));
  }
  if (types != TypeSelection::sysv) {
    for (PosixRecord& p : objects_of_every_namespace(context, host))
      out.emplace_back(std::move(p));
    devices = shm_devices(host);
  }
  return out;
}

std::vector<AnyRecord> every_object(const WhoOptions& options, Context& context) {
  std::vector<AnyRecord> out;
  const TypeSelection types = parse_type(options.type);
  bool posix = types != TypeSelection::sysv;
  if (posix && options.type_opt->count() == 0) {
    // By default both kinds; a host without a tmpfs at /dev/shm has no POSIX objects to show.
    try {
      (void)context.shm_dir();
    } catch (const CommandFailure&) {
      posix = false;
    }
  }
  if (types != TypeSelection::posix) {
    SegmentTable table = unwrap(list_segments(context.kernel, Usage::skip));
    out.reserve(table.segments.size());
    for (SegmentRecord& s : table.segments)
      out.emplace_back(std::move(s));
  }
  if (posix) {
    for (PosixRecord& p : unwrap(list_posix_objects(context.shm_dir())))
      out.emplace_back(std::move(p));
  }
  return out;
}

int run_who(const WhoOptions& options, Context& context) {
  std::vector<const Column*> columns = default_who_columns(options.all_namespaces);
  if (options.table.columns_opt->count() > 0) {
    columns = unwrap(parse_who_column_list(options.table.columns, options.all_namespaces));
  }
  const Column* sort_by = nullptr;
  if (options.table.sort_opt->count() > 0) {
    sort_by = unwrap(parse_who_sort_column(options.table.sort));
  }
  if (!options.segments.empty() && options.type_opt->count() > 0) {
    fail_usage("--type", "SEGMENTs name their own kind; give one or the other");
  }

  if (!options.segments.empty() && options.all_namespaces) {
    fail_usage("--all-namespaces", "SEGMENTs are named in one namespace; give one or the other");
  }

  ItemFailures failures;
  std::vector<dev_t> devices;  // with --all-namespaces: every /dev/shm's
  std::vector<AnyRecord> objects =
      options.all_namespaces     ? every_namespace_object(options, context, devices)
      : options.segments.empty() ? every_object(options, context)
                                 : named_objects(options, context, failures);
  // Segments nobody is attached to need no walk of /proc, and with no POSIX object there is
  // no descriptor to look at (the costliest part: a stat of every open file of every
  // process); anything else needs exactly one walk.
  const bool any_object = std::any_of(objects.begin(), objects.end(),
                                      [](const AnyRecord& r) { return r.index() == 1; });
  const bool any_attached = std::any_of(objects.begin(), objects.end(), [](const AnyRecord& r) {
    const auto* s = std::get_if<SegmentRecord>(&r);
    return s != nullptr && s->nattch > 0;
  });
  HolderMap holders;
  if (any_object || any_attached) {
    HolderScan request;
    request.sysv = any_attached;
    request.every_ipc_namespace = options.all_namespaces;
    if (any_object) {
      request.posix_devs =
          options.all_namespaces ? devices : std::vector{context.shm_dir().device()};
    }
    holders = unwrap(scan_holders(request));
    // The walk counted each POSIX object's holders: its NATTCH column has them.
    for (AnyRecord& record : objects) {
      if (auto* p = std::get_if<PosixRecord>(&record)) {
        p->nattch = holders.object_nattch(p->dev, p->ino);
      }
    }
  }
  std::vector<WhoRow> rows = join_holders(holders, objects);
  if (sort_by != nullptr) {
    sort_who_rows(rows, *sort_by, options.table.reverse ? Order::descending : Order::ascending,
                  context.names);
  } else if (options.table.reverse) {
    std::reverse(rows.begin(), rows.end());
  }

  if (!options.segments.empty() && objects.empty()) {
    return failures.exit_code(options.segments.size());  // every one named is missing
  }
  if (context.json()) {
    auto json = who_json(rows, context.names);
    json["unseen_processes"] = holders.unreadable;
    write_json(context.out, json);
  } else {
    TableBuilder builder(columns, context.names, table_layout(options.table));
    builder.reserve(rows.size());
    for (const WhoRow& row : rows)
      builder.add(row);
    builder.write([&context](std::string_view piece) { context.out.write(piece); });
    // A write error (a full disk) is this command's failure, before any note.
    context.out.flush();
    if (holders.unreadable > 0) {
      context.warn("note", std::to_string(holders.unreadable) +
                               (holders.unreadable == 1 ? " process" : " processes") +
                               " could not be read and may hold shared memory too" +
                               (holders.by_root ? "" : " (run as root to see them)"));
    }
  }
  return failures.exit_code(options.segments.size());
}

}  // namespace

Runner setup_who(CLI::App& app) {
  auto options = std::make_shared<WhoOptions>();
  app.add_option("SEGMENT", options->segments,
                 "Only the processes holding these (id, 0xKEY, key:N, ftok:PATH[:PROJ], /NAME)");
  add_table_options(app, options->table, "row");
  options->type_opt = app.add_option("-t,--type", options->type,
                                     "Which kind: sysv (System V segments), posix (POSIX "
                                     "objects in /dev/shm) or all (the default)")
                          ->option_text("TYPE");
  add_all_namespaces_option(app, options->all_namespaces, "NS, NSPID and NSCOMM say which");
  app.footer(column_help());
  return [options](Context& context) { return run_who(*options, context); };
}

}  // namespace shmtool::cli
