#include "render/list_filter.hpp"

#include <algorithm>

namespace shmtool {

bool matches(const ListFilter& f, const SegmentRecord& s) {
  if (f.owner && s.uid != *f.owner) return false;
  if (f.creator && s.cuid != *f.creator) return false;
  if (f.key && s.key != *f.key) return false;
  if (f.orphaned && s.nattch != 0) return false;
  if (f.dest && !s.dest) return false;
  if (f.min_size && s.size < *f.min_size) return false;
  return true;
}

void apply_filter(const ListFilter& filter, std::vector<SegmentRecord>& segments) {
  std::erase_if(segments, [&](const SegmentRecord& s) { return !matches(filter, s); });
}

void sort_segments(std::vector<SegmentRecord>& segments, const Column& column, Order order,
                   NameResolver& names) {
  CellContext context{names};
  std::vector<std::pair<SortKey, std::size_t>> keys;
  keys.reserve(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    keys.emplace_back(column.sort_key(segments[i], context), i);
  }
  std::stable_sort(keys.begin(), keys.end(), [order](const auto& a, const auto& b) {
    return order == Order::ascending ? a.first < b.first : b.first < a.first;
  });
  std::vector<SegmentRecord> sorted;
  sorted.reserve(segments.size());
  for (const auto& [key, index] : keys)
    sorted.push_back(segments[index]);
  segments = std::move(sorted);
}

}  // namespace shmtool
