#include "segment_table.hpp"

#include <cerrno>
#include <string>
#include <unordered_map>

#include "proc_shm.hpp"

namespace shmtool {
namespace {

bool slot_is_empty(int rc) {
  return rc == -EINVAL || rc == -EIDRM;
}

Result<SegmentTable> list_from_proc(ShmKernel& kernel) {
  auto text = kernel.proc_table();
  if (!text.ok()) return text.error();
  auto records = parse_proc_shm(*text);
  if (!records.ok()) return records.error();
  return SegmentTable{std::move(*records), TableSource::proc};
}

// Walks the indexes; returns false when a segment exists that neither call may read.
bool list_by_index(ShmKernel& kernel, int max_index, SegmentTable& table) {
  table.segments.reserve(static_cast<std::size_t>(max_index) + 1);
  bool stat_any_works = false;
  bool stat_any_refused = false;
  for (int index = 0; index <= max_index; ++index) {
    struct shmid_ds ds {};
    if (!stat_any_refused) {
      const int id = kernel.stat_index(index, IndexStat::stat_any, ds);
      if (id >= 0) {
        stat_any_works = true;
        table.segments.push_back(record_from_shmid_ds(id, ds));
        continue;
      }
      // Once SHM_STAT_ANY has worked, EINVAL can only mean an empty slot.
      if (stat_any_works && slot_is_empty(id)) continue;
    }
    // SHM_STAT_ANY is unknown to this kernel (EINVAL) or refused (EACCES/EPERM by an LSM):
    // ask with SHM_STAT, which needs read permission.
    const int id = kernel.stat_index(index, IndexStat::stat, ds);
    if (id >= 0) {
      stat_any_refused = true;
      table.source = TableSource::stat;
      table.segments.push_back(record_from_shmid_ds(id, ds));
    } else if (!slot_is_empty(id)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<SegmentTable> list_segments(ShmKernel& kernel, Usage usage) {
  const int max_index = kernel.max_index();
  Result<SegmentTable> table = SegmentTable{};
  if (max_index < 0) {
    table = list_from_proc(kernel);
  } else if (!list_by_index(kernel, max_index, *table)) {
    table = list_from_proc(kernel);
  }
  if (table.ok() && usage == Usage::read && table->source != TableSource::proc) {
    // rss/swap are best effort: a /proc that cannot be read leaves them null.
    (void)fill_usage(kernel, table->segments);
  }
  return table;
}

Result<SegmentRecord> stat_segment(ShmKernel& kernel, int id, Usage usage) {
  const std::string subject = "id " + std::to_string(id);
  struct shmid_ds ds {};
  const int rc = kernel.stat_id(id, ds);
  Result<SegmentRecord> record = Error{};
  if (rc == 0) {
    record = record_from_shmid_ds(id, ds);
  } else if (slot_is_empty(rc)) {
    return Error{ErrorKind::not_found, Op::stat, -rc, subject, {}};
  } else if (rc == -EACCES || rc == -EPERM) {
    // The id encodes its index in its low bits (15, or 24 with ipcmni_extend).
    for (int shift : {15, 24}) {
      const int index = id & ((1 << shift) - 1);
      if (kernel.stat_index(index, IndexStat::stat_any, ds) == id) {
        record = record_from_shmid_ds(id, ds);
        break;
      }
    }
    if (!record.ok()) {
      auto table = list_segments(kernel, Usage::skip);
      if (table.ok()) {
        for (const SegmentRecord& r : table->segments) {
          if (r.id == id) record = r;
        }
      }
      if (!record.ok()) return errno_error(Op::stat, -rc, subject);
    }
  } else {
    return errno_error(Op::stat, -rc, subject);
  }
  if (usage == Usage::read) (void)fill_usage(kernel, std::span(&*record, 1));
  return record;
}

Status fill_usage(ShmKernel& kernel, std::span<SegmentRecord> segments) {
  if (segments.size() == 1) {
    // One segment: read only as far as its line, as ipcs -i does.
    ProcShmFinder finder(segments[0].id);
    auto scanned =
        kernel.scan_proc_table([&finder](std::string_view piece) { return finder.feed(piece); });
    if (!scanned.ok()) return scanned.error();
    auto found = finder.result();
    if (!found.ok()) return found.error();
    if (*found) {
      segments[0].rss = (*found)->rss;
      segments[0].swap = (*found)->swap;
    }
    return Done{};
  }
  auto text = kernel.proc_table();
  if (!text.ok()) return text.error();
  auto records = parse_proc_shm(*text);
  if (!records.ok()) return records.error();
  std::unordered_map<int, const SegmentRecord*> by_id;
  by_id.reserve(records->size());
  for (const SegmentRecord& r : *records)
    by_id.emplace(r.id, &r);
  for (SegmentRecord& segment : segments) {
    auto found = by_id.find(segment.id);
    if (found == by_id.end()) continue;
    segment.rss = found->second->rss;
    segment.swap = found->second->swap;
  }
  return Done{};
}

}  // namespace shmtool
