#include "render/list_filter.hpp"

#include <algorithm>

namespace shmtool {

bool matches(const ListFilter& f, RowRef row) {
  if (f.owner && row.common.uid != *f.owner) return false;
  if (f.min_size && row.common.size < *f.min_size) return false;
  const SegmentRecord* s = row.sysv;
  if (s == nullptr) return !f.creator && !f.key && !f.orphaned && !f.dest;
  if (f.creator && s->cuid != *f.creator) return false;
  if (f.key && s->key != *f.key) return false;
  if (f.orphaned && s->nattch != 0) return false;
  if (f.dest && !s->dest) return false;
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
