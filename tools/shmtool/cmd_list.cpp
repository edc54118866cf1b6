// shmtool list [-o COLS] [--sort COL] [--reverse] [--noheadings] [--raw] [--bytes] [filters]

#include <algorithm>
#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "filter_options.hpp"
#include "namespace_entry.hpp"
#include "render/columns.hpp"
#include "render/json_stream.hpp"
#include "render/list_filter.hpp"
#include "render/render_table.hpp"
#include "sysv/segment_table.hpp"
#include "sysv/stale_locks.hpp"
#include "table_options.hpp"

#include <unistd.h>

namespace shmtool::cli {
namespace {

struct ListOptions {
  TableArgs table;
  FilterArgs filters;
  bool all_namespaces = false;
};

std::string column_help() {
  std::vector<const Column*> columns;
  for (const Column& c : all_columns())
    columns.push_back(&c);
  std::string text = columns_help(columns);
  const auto defaults = [&text](const char* label, TypeSelection types) {
    text += label;
    for (const Column* c : default_columns(types))
      text += " " + std::string(c->name);
    text += "\n";
  };
  defaults("Defaults:", TypeSelection::sysv);
  defaults("With --type posix:", TypeSelection::posix);
  defaults("With --type all:", TypeSelection::all);
  text +=
      "A column a kind does not have shows '-'. With --json: {\"segments\": [OBJECT, ...]},\n"
      "every field of each segment, each POSIX object in its own form (\"type\": \"posix\");\n"
      "rss and swap are read (from /proc/sysvipc/shm, slow with many segments) only when -o\n"
      "names RSS or SWAP, and are null otherwise. POSIX objects are sorted by name; with\n"
      "--type all they follow the segments (with --all-namespaces, the segments of their own\n"
      "namespace).";
  return text;
}

// Hands the segments that pass the filters to a table as they are read.
class FilteredRows final : public SegmentSink {
 public:
  FilteredRows(const ListFilter& filter, TableBuilder& table) : filter_(filter), table_(table) {}
  void expect(std::size_t count) override { table_.reserve(count); }
  void add(const SegmentRecord& segment) override {
    if (matches(filter_, segment)) table_.add(segment);
  }
  void restart() override { table_.clear(); }

 private:
  const ListFilter& filter_;
  TableBuilder& table_;
};

// What list_rows worked out of the options: the columns, the sort, and what to read.
struct ListPlan {
  TypeSelection types = TypeSelection::sysv;
  std::vector<const Column*> columns;
  const Column* sort_by = nullptr;
  bool wants_usage = false;  // rss and swap
  bool wants_holders = false;
  TableOptions layout;
  ListFilter filter;
};

// Filters, sorts and prints objects of either kind (or both), as gathered.
int write_objects(const ListOptions& options, Context& context, const ListPlan& plan,
                  std::vector<AnyRecord>& objects) {
  const ListFilter& filter = plan.filter;
  const Column* sort_by = plan.sort_by;
  const TableOptions& layout = plan.layout;
  const std::vector<const Column*>& columns = plan.columns;
  apply_filter(filter, objects);
  if (sort_by != nullptr) {
    sort_objects(objects, *sort_by, options.table.reverse ? Order::descending : Order::ascending,
                 context.names, layout.holders);
  } else if (options.table.reverse) {
    std::reverse(objects.begin(), objects.end());
  }
  auto write_out = [&context](std::string_view piece) { context.out.write(piece); };
  if (context.json()) {
    write_object_list_json(objects, context.names, write_out);
    return kSuccess;
  }
  TableBuilder builder(columns, context.names, layout);
  builder.reserve(objects.size());
  for (const AnyRecord& object : objects)
    builder.add(object);
  builder.write(write_out);
  return kSuccess;
}

// Lists POSIX objects, or both kinds (--type posix|all).
int list_objects(const ListOptions& options, Context& context, const ListPlan& plan,
                 const std::optional<HolderMap>& holders) {
  std::vector<AnyRecord> objects;
  if (plan.types == TypeSelection::all) {
    SegmentTable table =
        unwrap(list_segments(context.kernel, plan.wants_usage ? Usage::read : Usage::skip));
    objects.reserve(table.segments.size());
    for (SegmentRecord& s : table.segments)
      objects.emplace_back(std::move(s));
  }
  std::vector<PosixRecord> posix = unwrap(list_posix_objects(context.shm_dir()));
  objects.reserve(objects.size() + posix.size());
  for (PosixRecord& p : posix) {
    if (holders) p.nattch = holders->object_nattch(p.dev, p.ino);
    objects.emplace_back(std::move(p));
  }
  return write_objects(options, context, plan, objects);
}

// --all-namespaces of segments in namespace and index order: each namespace's segments become
// JSON or cells as it is read, and none are kept after it.
int list_namespaces_in_order(Context& context, const ListPlan& plan, const HostNamespaces& host) {
  const Usage usage = plan.wants_usage ? Usage::read : Usage::skip;
  const JsonSink write_out = [&context](std::string_view piece) { context.out.write(piece); };
  if (context.json()) {
    ObjectListWriter json(context.names, write_out);
    for_each_namespace_segments(context, host, usage, [&](std::vector<SegmentRecord>& segments) {
      for (const SegmentRecord& s : segments) {
        if (matches(plan.filter, s)) json.add(s);
      }
    });
    json.finish();
    return kSuccess;
  }
  TableBuilder table(plan.columns, context.names, plan.layout);
  for_each_namespace_segments(context, host, usage, [&](std::vector<SegmentRecord>& segments) {
    table.reserve(segments.size());
    for (const SegmentRecord& s : segments) {
      if (matches(plan.filter, s)) table.add(s);
    }
  });
  table.write(write_out);
  return kSuccess;
}

// --all-namespaces: the objects of every IPC namespace (and every /dev/shm), by namespace.
int list_every_namespace(const ListOptions& options, Context& context, ListPlan& plan) {
  const bool posix = plan.types != TypeSelection::sysv;
  const HostNamespaces host = find_all_namespaces(context, posix);
  std::optional<HolderMap> holders;
  if (plan.wants_holders) {
    HolderScan request;
    request.sysv = plan.types != TypeSelection::posix;
    request.every_ipc_namespace = true;
    if (posix) request.posix_devs = shm_devices(host);
    holders = unwrap(scan_holders(request));
    plan.layout.holders = &*holders;
  }
  if (!posix && plan.sort_by == nullptr && !options.table.reverse) {
    return list_namespaces_in_order(context, plan, host);
  }
  std::vector<AnyRecord> objects;
  if (plan.types != TypeSelection::posix) {
    for (SegmentRecord& s :
         segments_of_every_namespace(context, host, plan.wants_usage ? Usage::read : Usage::skip)) {
      objects.emplace_back(std::move(s));
    }
  }
  if (posix) {
    for (PosixRecord& p : objects_of_every_namespace(context, host)) {
      if (holders) p.nattch = holders->object_nattch(p.dev, p.ino);
      objects.emplace_back(std::move(p));
    }
    // Each namespace's segments, then its objects.
    std::stable_sort(objects.begin(), objects.end(), [](const AnyRecord& a, const AnyRecord& b) {
      return RowRef(a).common.ns->pid < RowRef(b).common.ns->pid;
    });
  }
  return write_objects(options, context, plan, objects);
}

// After a table on a terminal: one note when locks of removed segments remain that the caller
// may remove. Never in a pipe: scripts do not pay for reading every semaphore set.
void note_stale_locks(Context& context) {
  auto scan = find_stale_locks(context.kernel);
  if (!scan.ok()) return;
  const auto count = static_cast<std::size_t>(
      std::count_if(scan->locks.begin(), scan->locks.end(),
                    [](const StaleLock& lock) { return caller_may_remove(lock); }));
  if (count == 0) return;
  // With --ns, the command that removes them must act in the same namespace.
  const std::string rm = "'shmtool " +
                         (context.global.ns_given() ? "--ns " + context.global.ns + " " : "") +
                         "rm --stale-locks'";
  context.note(count == 1
                   ? "1 lock semaphore remains of a removed segment; " + rm + " removes it"
                   : std::to_string(count) + " lock semaphores remain of removed segments; " + rm +
                         " removes them");
}

int list_rows(const ListOptions& options, Context& context) {
  ListPlan plan;
  const TypeSelection types = plan.types = type_selection(options.filters);
  const bool namespaces = options.all_namespaces;
  std::vector<const Column*>& columns = plan.columns = default_columns(types, namespaces);
  if (options.table.columns_opt->count() > 0) {
    columns = unwrap(parse_column_list(options.table.columns, types, namespaces));
  }
  const Column*& sort_by = plan.sort_by;
  if (options.table.sort_opt->count() > 0) sort_by = unwrap(parse_sort_column(options.table.sort));

  // rss and swap are only in /proc/sysvipc/shm, whose kernel-side walk costs several times the
  // listing itself: read it when RSS or SWAP is shown or sorted by, in the table or JSON.
  const bool wants_usage = plan.wants_usage =
      std::any_of(columns.begin(), columns.end(), [](const Column* c) { return c->needs_usage; }) ||
      (sort_by != nullptr && sort_by->needs_usage);
  TableOptions& layout = plan.layout = table_layout(options.table);
  const ListFilter& filter = plan.filter = build_filter(options.filters, context.names);
  // PIDS, and a POSIX object's NATTCH (shown, sorted by, or filtered on by --orphaned and
  // --idle), come from one walk of /proc, made only when asked.
  const bool posix = types != TypeSelection::sysv;
  plan.wants_holders = std::any_of(columns.begin(), columns.end(),
                                   [posix](const Column* c) { return needs_holders(*c, posix); }) ||
                       (sort_by != nullptr && needs_holders(*sort_by, posix)) ||
                       (posix && reads_posix_nattch(filter));
  if (namespaces) return list_every_namespace(options, context, plan);
  std::optional<HolderMap> holders;
  if (plan.wants_holders) {
    HolderScan request;
    request.sysv = types != TypeSelection::posix;
    if (posix) request.posix_devs = {context.shm_dir().device()};
    holders = unwrap(scan_holders(request));
    layout.holders = &*holders;
  }
  if (posix) return list_objects(options, context, plan, holders);
  auto write_out = [&context](std::string_view piece) { context.out.write(piece); };

  if (!context.json() && !wants_usage && sort_by == nullptr && !options.table.reverse) {
    // The table in index order needs no record kept: each segment becomes cells as it is read.
    TableBuilder builder(columns, context.names, layout);
    FilteredRows rows(filter, builder);
    unwrap(for_each_segment(context.kernel, rows));
    builder.write(write_out);
    return kSuccess;
  }

  SegmentTable table =
      unwrap(list_segments(context.kernel, wants_usage ? Usage::read : Usage::skip));
  std::vector<SegmentRecord>& segments = table.segments;
  apply_filter(filter, segments);
  if (sort_by != nullptr) {
    sort_segments(segments, *sort_by, options.table.reverse ? Order::descending : Order::ascending,
                  context.names, layout.holders);
  } else if (options.table.reverse) {
    std::reverse(segments.begin(), segments.end());
  }

  if (context.json()) {
    write_segment_list_json(segments, context.names, write_out);
    return kSuccess;
  }
  write_table(segments, columns, context.names, layout, write_out);
  return kSuccess;
}

int run_list(const ListOptions& options, Context& context) {
  const int code = list_rows(options, context);
  if (code == kSuccess && !context.json() && !options.table.raw && !options.all_namespaces &&
      type_selection(options.filters) != TypeSelection::posix && isatty(STDOUT_FILENO) == 1) {
    note_stale_locks(context);
  }
  return code;
}

}  // namespace

Runner setup_list(CLI::App& app) {
  auto options = std::make_shared<ListOptions>();
  add_table_options(app, options->table, "segment");
  add_filter_options(app, options->filters);
  add_all_namespaces_option(app, options->all_namespaces, "NS, NSPID and NSCOMM say which");
  app.footer(column_help());
  return [options](Context& context) { return run_list(*options, context); };
}

}  // namespace shmtool::cli
