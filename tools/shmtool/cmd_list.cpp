// shmtool list [-o COLS] [--sort COL] [--reverse] [--noheadings] [--raw] [--bytes] [filters]

#include <algorithm>
#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "filter_options.hpp"
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
      "--type all they follow the segments.";
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

// Lists POSIX objects, or both kinds (--type posix|all).
int list_objects(const ListOptions& options, Context& context, const ListFilter& filter,
                 TypeSelection types, const std::vector<const Column*>& columns,
                 const Column* sort_by, bool wants_usage, const TableOptions& layout,
                 const std::optional<HolderMap>& holders) {
  std::vector<AnyRecord> objects;
  if (types == TypeSelection::all) {
    SegmentTable table =
        unwrap(list_segments(context.kernel, wants_usage ? Usage::read : Usage::skip));
    objects.reserve(table.segments.size());
    for (SegmentRecord& s : table.segments)
      objects.emplace_back(std::move(s));
  }
  std::vector<PosixRecord> posix = unwrap(list_posix_objects(context.shm_dir()));
  objects.reserve(objects.size() + posix.size());
  for (PosixRecord& p : posix) {
    if (holders) p.nattch = holders->object_nattch(p.ino);
    objects.emplace_back(std::move(p));
  }
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

// After a table on a terminal: one note when locks of removed segments remain that the caller
// may remove. Never in a pipe: scripts do not pay for reading every semaphore set.
void note_stale_locks(Context& context) {
  auto scan = find_stale_locks(context.kernel);
  if (!scan.ok()) return;
  const auto count = static_cast<std::size_t>(
      std::count_if(scan->locks.begin(), scan->locks.end(),
                    [](const StaleLock& lock) { return caller_may_remove(lock); }));
  if (count == 0) return;
  context.note(count == 1 ? "1 lock semaphore remains of a removed segment; 'shmtool rm "
                            "--stale-locks' removes it"
                          : std::to_string(count) +
                                " lock semaphores remain of removed segments; 'shmtool rm "
                                "--stale-locks' removes them");
}

int list_rows(const ListOptions& options, Context& context) {
  const TypeSelection types = type_selection(options.filters);
  std::vector<const Column*> columns = default_columns(types);
  if (options.table.columns_opt->count() > 0) {
    columns = unwrap(parse_column_list(options.table.columns, types));
  }
  const Column* sort_by = nullptr;
  if (options.table.sort_opt->count() > 0) sort_by = unwrap(parse_sort_column(options.table.sort));

  // rss and swap are only in /proc/sysvipc/shm, whose kernel-side walk costs several times the
  // listing itself: read it when RSS or SWAP is shown or sorted by, in the table or JSON.
  const bool wants_usage =
      std::any_of(columns.begin(), columns.end(), [](const Column* c) { return c->needs_usage; }) ||
      (sort_by != nullptr && sort_by->needs_usage);
  TableOptions layout = table_layout(options.table);
  const ListFilter filter = build_filter(options.filters, context.names);
  // PIDS, and a POSIX object's NATTCH (shown, sorted by, or filtered on by --orphaned and
  // --idle), come from one walk of /proc, made only when asked.
  const bool posix = types != TypeSelection::sysv;
  const bool wants_holders =
      std::any_of(columns.begin(), columns.end(),
                  [posix](const Column* c) { return needs_holders(*c, posix); }) ||
      (sort_by != nullptr && needs_holders(*sort_by, posix)) ||
      (posix && reads_posix_nattch(filter));
  std::optional<HolderMap> holders;
  if (wants_holders) {
    HolderScan request;
    request.sysv = types != TypeSelection::posix;
    if (posix) request.posix_dev = context.shm_dir().device();
    holders = unwrap(scan_holders(request));
    layout.holders = &*holders;
  }
  if (posix) {
    return list_objects(options, context, filter, types, columns, sort_by, wants_usage, layout,
                        holders);
  }
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
  if (code == kSuccess && !context.json() && !options.table.raw &&
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
  app.footer(column_help());
  return [options](Context& context) { return run_list(*options, context); };
}

}  // namespace shmtool::cli
