#include "render/list_filter.hpp"

#include <algorithm>

#include "procs/holders.hpp"

namespace shmtool {

namespace {

// The latest of the times that say a row was used, or nullopt when none is known.
std::optional<std::int64_t> last_use(RowRef row) {
  std::optional<std::int64_t> latest;
  const auto consider = [&latest](const std::optional<std::int64_t>& t) {
    if (t && (!latest || *t > *latest)) latest = t;
  };
  consider(row.common.atime);
  consider(row.common.ctime);
  consider(row.sysv != nullptr ? row.sysv->dtime : row.posix->mtime);
  return latest;
}

// Whether no process holds the row; a POSIX object's count unknown (not read) is not 0.
bool unattached(RowRef row) {
  if (row.sysv != nullptr) return row.sysv->nattch == 0;
  return row.posix->nattch == std::uint64_t{0};
}

}  // namespace

bool is_idle(RowRef row, std::chrono::milliseconds duration, std::int64_t now) {
  if (!unattached(row)) return false;
  const std::optional<std::int64_t> latest = last_use(row);
  if (!latest || *latest > now) return false;
  // Whole seconds on both sides: at least ceil(duration) seconds between them. The difference
  // of two int64 values with latest <= now fits in uint64 exactly.
  const auto age = static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(*latest);
  const auto needed =
      (static_cast<std::uint64_t>(std::max<std::int64_t>(duration.count(), 0)) + 999) / 1000;
  return age >= needed;
}

bool reads_posix_nattch(const ListFilter& filter) {
  return filter.orphaned || filter.idle.has_value();
}

bool matches(const ListFilter& f, RowRef row) {
  if (f.owner && row.common.uid != *f.owner) return false;
  if (f.min_size && row.common.size < *f.min_size) return false;
  if (f.orphaned && !unattached(row)) return false;
  if (f.idle && !is_idle(row, *f.idle, f.now)) return false;
  const SegmentRecord* s = row.sysv;
  if (s == nullptr) return !f.creator && !f.key && !f.dest && !f.creator_gone;
  if (f.creator && s->cuid != *f.creator) return false;
  if (f.key && s->key != *f.key) return false;
  if (f.dest && !s->dest) return false;
  // Last: the only filter that reads /proc (one small file of the creator's).
  if (f.creator_gone && creator_state(s->cpid, s->ctime, f.proc) != CreatorState::gone) {
    return false;
  }
  return true;
}

void apply_filter(const ListFilter& filter, std::vector<SegmentRecord>& segments) {
  std::erase_if(segments, [&](const SegmentRecord& s) { return !matches(filter, s); });
}

namespace {

template <class Record>
void sort_rows(std::vector<Record>& rows, const Column& column, Order order, NameResolver& names,
               const HolderMap* holders) {
  CellContext context{names};
  context.holders = holders;
  std::vector<std::pair<SortKey, std::size_t>> keys;
  keys.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    keys.emplace_back(column.sort_key(RowRef(rows[i]), context), i);
  }
  std::stable_sort(keys.begin(), keys.end(), [order](const auto& a, const auto& b) {
    return order == Order::ascending ? a.first < b.first : b.first < a.first;
  });
  std::vector<Record> sorted;
  sorted.reserve(rows.size());
  for (const auto& [key, index] : keys)
    sorted.push_back(std::move(rows[index]));
  rows = std::move(sorted);
}

}  // namespace

void sort_segments(std::vector<SegmentRecord>& segments, const Column& column, Order order,
                   NameResolver& names, const HolderMap* holders) {
  sort_rows(segments, column, order, names, holders);
}

void apply_filter(const ListFilter& filter, std::vector<AnyRecord>& objects) {
  std::erase_if(objects, [&](const AnyRecord& o) { return !matches(filter, RowRef(o)); });
}

void sort_objects(std::vector<AnyRecord>& objects, const Column& column, Order order,
                  NameResolver& names, const HolderMap* holders) {
  sort_rows(objects, column, order, names, holders);
}

void sort_who_rows(std::vector<WhoRow>& rows, const Column& column, Order order,
                   NameResolver& names) {
  sort_rows(rows, column, order, names, nullptr);
}

}  // namespace shmtool
