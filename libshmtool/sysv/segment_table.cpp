#include "sysv/segment_table.hpp"

#include <cerrno>
#include <optional>
#include <string>
#include <unordered_map>

#include "sysv/proc_shm.hpp"

namespace shmtool {
namespace {

bool slot_is_empty(int rc) {
  return rc == -EINVAL || rc == -EIDRM;
}

// Each line of /proc/sysvipc/shm becomes a record as the kernel prints it: the text is never
// held whole.
Result<TableSource> list_from_proc(ShmKernel& kernel, SegmentSink& sink) {
  // Room for every segment: IPC_INFO says the highest index in use.
  if (const int max_index = kernel.max_index(); max_index >= 0) {
    sink.expect(static_cast<std::size_t>(max_index) + 1);
  }
  ProcShmParser parser([&sink](const SegmentRecord& record) { sink.add(record); });
  auto scanned = kernel.scan_proc_table([&parser](std::string_view piece) {
    parser.feed(piece);
    return false;
  });
  if (!scanned.ok()) return scanned.error();
  if (auto done = parser.finish(); !done.ok()) return done.error();
  return TableSource::proc;
}

// Walks the indexes; returns nullopt when a segment exists that neither call may read.
std::optional<TableSource> list_by_index(ShmKernel& kernel, int max_index, SegmentSink& sink) {
  sink.expect(static_cast<std::size_t>(max_index) + 1);
  TableSource source = TableSource::stat_any;
  bool stat_any_works = false;
  bool stat_any_refused = false;
  for (int index = 0; index <= max_index; ++index) {
    struct shmid_ds ds {};
    if (!stat_any_refused) {
      const int id = kernel.stat_index(index, IndexStat::stat_any, ds);
      if (id >= 0) {
        stat_any_works = true;
        sink.add(record_from_shmid_ds(id, ds));
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
      source = TableSource::stat;
      sink.add(record_from_shmid_ds(id, ds));
    } else if (!slot_is_empty(id)) {
      return std::nullopt;
    }
  }
  return source;
}

// Keeps every segment, in order.
class VectorSink final : public SegmentSink {
 public:
  explicit VectorSink(std::vector<SegmentRecord>& segments) : segments_(segments) {}
  void expect(std::size_t count) override { segments_.reserve(count); }
  void add(const SegmentRecord& segment) override { segments_.push_back(segment); }
  void restart() override { segments_.clear(); }

 private:
  std::vector<SegmentRecord>& segments_;
};

}  // namespace

Result<TableSource> for_each_segment(ShmKernel& kernel, SegmentSink& sink) {
  const int max_index = kernel.max_index();
  if (max_index >= 0) {
    if (auto source = list_by_index(kernel, max_index, sink)) return *source;
    sink.restart();
  }
  return list_from_proc(kernel, sink);
}

Result<SegmentTable> list_segments(ShmKernel& kernel, Usage usage) {
  SegmentTable table;
  VectorSink sink(table.segments);
  if (usage == Usage::read) {
    // rss and swap are only in /proc/sysvipc/shm, and every other field is there too: one read
    // of it instead of it and a SHM_STAT_ANY per index (the two cost about the same).
    if (auto from_proc = list_from_proc(kernel, sink); from_proc.ok()) {
      table.source = *from_proc;
      return table;
    }
    sink.restart();
  }
  auto source = for_each_segment(kernel, sink);
  if (!source.ok()) return source.error();
  table.source = *source;
  if (usage == Usage::read && table.source != TableSource::proc) {
    // rss/swap are best effort: a /proc that cannot be read leaves them null.
    (void)fill_usage(kernel, table.segments);
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
