#include "sysv/segment_table.hpp"

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "segment_guard.hpp"

namespace shmtool {
namespace {

// One slot of the fake kernel's table.
struct FakeSlot {
  int id = -1;
  struct shmid_ds ds {};
  bool readable = true;               // SHM_STAT and IPC_STAT allowed
  bool hidden_from_stat_any = false;  // an LSM refuses SHM_STAT_ANY for this one
  int vanished_errno = 0;             // non-zero: gone since SHM_INFO, every stat fails so
  std::uint64_t rss = 0;              // what /proc says
  std::uint64_t swap = 0;
};

enum class StatAny { works, unknown, refused };

// A kernel table in memory, with the failures real kernels and LSMs produce.
class FakeKernel : public ShmKernel {
 public:
  std::map<int, FakeSlot> slots;  // by index
  StatAny stat_any = StatAny::works;
  std::optional<int> max_index_result;  // default: the highest slot, 0 when none
  bool proc_readable = true;
  std::optional<std::string> proc_text;  // default: rendered from the slots
  std::vector<std::pair<int, IndexStat>> index_calls;

  FakeSlot& add(int index, int id, std::uint32_t key, std::uint64_t size) {
    FakeSlot& slot = slots[index];
    slot.id = id;
    slot.ds.shm_perm.__key = static_cast<key_t>(key);
    slot.ds.shm_perm.mode = 0600;
    slot.ds.shm_perm.uid = 1000;
    slot.ds.shm_perm.gid = 100;
    slot.ds.shm_perm.cuid = 1000;
    slot.ds.shm_perm.cgid = 100;
    slot.ds.shm_segsz = size;
    slot.ds.shm_cpid = 4000 + index;
    slot.ds.shm_ctime = 1763806451;
    slot.rss = 4096 * static_cast<std::uint64_t>(index + 1);
    slot.swap = 512;
    return slot;
  }

  int max_index() override {
    if (max_index_result) return *max_index_result;
    return slots.empty() ? 0 : slots.rbegin()->first;
  }

  int stat_index(int index, IndexStat call, struct shmid_ds& ds) override {
    index_calls.emplace_back(index, call);
    const auto found = slots.find(index);
    if (found == slots.end()) return -EINVAL;
    const FakeSlot& slot = found->second;
    if (slot.vanished_errno != 0) return -slot.vanished_errno;
    if (call == IndexStat::stat_any) {
      if (stat_any == StatAny::unknown) return -EINVAL;
      if (stat_any == StatAny::refused || slot.hidden_from_stat_any) return -EACCES;
    } else if (!slot.readable) {
      return -EACCES;
    }
    ds = slot.ds;
    return slot.id;
  }

  int stat_id(int id, struct shmid_ds& ds) override {
    for (const auto& [index, slot] : slots) {
      if (slot.id != id || slot.vanished_errno != 0) continue;
      if (!slot.readable) return -EACCES;
      ds = slot.ds;
      return 0;
    }
    return -EINVAL;
  }

  Result<std::string> proc_table() override {
    if (!proc_readable) return errno_error(Op::enumerate, EACCES, "/proc/sysvipc/shm");
    if (proc_text) return *proc_text;
    std::ostringstream out;
    out << "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  "
           "cuid  cgid      atime      dtime      ctime                   rss                  "
           "swap\n";
    for (const auto& [index, slot] : slots) {
      if (slot.vanished_errno != 0) continue;
      const auto& p = slot.ds.shm_perm;
      out << p.__key << ' ' << slot.id << ' ' << std::oct << p.mode << std::dec << ' '
          << slot.ds.shm_segsz << ' ' << slot.ds.shm_cpid << ' ' << slot.ds.shm_lpid << ' '
          << slot.ds.shm_nattch << ' ' << p.uid << ' ' << p.gid << ' ' << p.cuid << ' ' << p.cgid
          << ' ' << slot.ds.shm_atime << ' ' << slot.ds.shm_dtime << ' ' << slot.ds.shm_ctime << ' '
          << slot.rss << ' ' << slot.swap << '\n';
    }
    return out.str();
  }

  std::size_t calls_of(IndexStat call) const {
    return static_cast<std::size_t>(
        std::count_if(index_calls.begin(), index_calls.end(),
                      [call](const auto& c) { return c.second == call; }));
  }
};

constexpr int id_at(int index, int seq = 3) {
  return (seq << 15) | index;
}

// Three segments at indexes 0, 2 and 5; the one at 2 belongs to someone else and is 0600.
FakeKernel three_segments() {
  FakeKernel kernel;
  kernel.add(0, id_at(0), 0x162e, 1024);
  FakeSlot& foreign = kernel.add(2, id_at(2), 0xfffffffb, 4096);
  foreign.ds.shm_perm.uid = 0;
  foreign.ds.shm_perm.mode = static_cast<unsigned short>(0600 | SHM_DEST);
  foreign.ds.shm_nattch = 2;
  kernel.add(5, id_at(5), 0, 1 << 20);
  return kernel;
}

std::vector<int> ids_of(const std::vector<SegmentRecord>& segments) {
  std::vector<int> ids;
  for (const SegmentRecord& s : segments)
    ids.push_back(s.id);
  return ids;
}

const std::vector<int> kThreeIds{id_at(0), id_at(2), id_at(5)};

TEST(ListSegments, UsesShmStatAnyWhenItWorks) {
  FakeKernel kernel = three_segments();
  kernel.slots[2].readable = false;
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok()) << table.error().detail;
  EXPECT_EQ(table->source, TableSource::stat_any);
  EXPECT_EQ(ids_of(table->segments), kThreeIds);
  EXPECT_EQ(kernel.calls_of(IndexStat::stat), 0U);
}

TEST(ListSegments, FillsRecordsFromTheKernelsAnswer) {
  FakeKernel kernel = three_segments();
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->segments.size(), 3U);
  const SegmentRecord& foreign = table->segments[1];
  EXPECT_EQ(foreign.key, 0xfffffffbU);
  EXPECT_EQ(foreign.size, 4096U);
  EXPECT_EQ(foreign.uid, 0U);
  EXPECT_EQ(foreign.mode, 0600U);
  EXPECT_TRUE(foreign.dest);
  EXPECT_EQ(foreign.nattch, 2U);
  EXPECT_EQ(foreign.cpid, 4002);
  EXPECT_FALSE(foreign.rss.has_value());
}

TEST(ListSegments, FallsBackToShmStatWhenShmStatAnyIsUnknown) {
  FakeKernel kernel = three_segments();
  kernel.stat_any = StatAny::unknown;  // EINVAL for every index, as before Linux 4.17
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->source, TableSource::stat);
  EXPECT_EQ(ids_of(table->segments), kThreeIds);
  EXPECT_EQ(table->segments[1].key, 0xfffffffbU);
  EXPECT_TRUE(table->segments[1].dest);
}

TEST(ListSegments, FallsBackToShmStatWhenShmStatAnyIsRefused) {
  FakeKernel kernel = three_segments();
  kernel.stat_any = StatAny::refused;  // EACCES, as an LSM may answer
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->source, TableSource::stat);
  EXPECT_EQ(ids_of(table->segments), kThreeIds);
}

TEST(ListSegments, FallsBackToShmStatForTheOneSegmentShmStatAnyHides) {
  FakeKernel kernel = three_segments();
  kernel.slots[2].hidden_from_stat_any = true;
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(ids_of(table->segments), kThreeIds);
  EXPECT_NE(table->source, TableSource::proc);
}

TEST(ListSegments, FallsBackToProcWhenASegmentCannotBeReadEitherWay) {
  for (StatAny mode : {StatAny::unknown, StatAny::refused}) {
    FakeKernel kernel = three_segments();
    kernel.stat_any = mode;
    kernel.slots[2].readable = false;
    auto table = list_segments(kernel, Usage::skip);
    ASSERT_TRUE(table.ok());
    EXPECT_EQ(table->source, TableSource::proc);
    EXPECT_EQ(ids_of(table->segments), kThreeIds);
    ASSERT_EQ(table->segments.size(), 3U);
    EXPECT_EQ(table->segments[1].key, 0xfffffffbU);
    EXPECT_TRUE(table->segments[1].dest);
    EXPECT_EQ(table->segments[1].mode, 0600U);
    EXPECT_EQ(table->segments[1].rss, std::optional<std::uint64_t>(3 * 4096));
    EXPECT_EQ(table->segments[2].size, 1U << 20);
  }
}

TEST(ListSegments, FallsBackToProcWhenAHiddenSegmentIsUnreadable) {
  FakeKernel kernel = three_segments();
  kernel.slots[2].hidden_from_stat_any = true;
  kernel.slots[2].readable = false;
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->source, TableSource::proc);
  EXPECT_EQ(ids_of(table->segments), kThreeIds);
}

// Records what for_each_segment hands over, in order.
class LoggingSink final : public SegmentSink {
 public:
  std::vector<std::string> events;
  void expect(std::size_t count) override { events.push_back("expect " + std::to_string(count)); }
  void add(const SegmentRecord& segment) override {
    events.push_back("add " + std::to_string(segment.id));
  }
  void restart() override { events.emplace_back("restart"); }
};

TEST(ForEachSegment, HandsOverEachSegmentInIndexOrder) {
  FakeKernel kernel = three_segments();
  LoggingSink sink;
  auto source = for_each_segment(kernel, sink);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*source, TableSource::stat_any);
  EXPECT_EQ(sink.events, (std::vector<std::string>{"expect 6", "add " + std::to_string(id_at(0)),
                                                   "add " + std::to_string(id_at(2)),
                                                   "add " + std::to_string(id_at(5))}));
}

TEST(ForEachSegment, RestartsBeforeHandingOverTheProcListing) {
  // SHM_STAT reads index 0, then index 2 cannot be read either way: what the sink has is void,
  // and the listing comes again, whole, from /proc.
  FakeKernel kernel = three_segments();
  kernel.stat_any = StatAny::refused;
  kernel.slots[2].readable = false;
  LoggingSink sink;
  auto source = for_each_segment(kernel, sink);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*source, TableSource::proc);
  const std::string first = "add " + std::to_string(id_at(0));
  // The hint of room is the highest index's, both times: /proc is read as it is printed.
  EXPECT_EQ(sink.events, (std::vector<std::string>{"expect 6", first, "restart", "expect 6", first,
                                                   "add " + std::to_string(id_at(2)),
                                                   "add " + std::to_string(id_at(5))}));
}

TEST(ListSegments, SkipsSegmentsThatVanish) {
  for (StatAny mode : {StatAny::works, StatAny::unknown, StatAny::refused}) {
    for (int err : {EIDRM, EINVAL}) {
      FakeKernel kernel = three_segments();
      kernel.stat_any = mode;
      kernel.slots[2].vanished_errno = err;
      auto table = list_segments(kernel, Usage::skip);
      ASSERT_TRUE(table.ok());
      EXPECT_EQ(ids_of(table->segments), (std::vector<int>{id_at(0), id_at(5)})) << "errno " << err;
      EXPECT_NE(table->source, TableSource::proc) << "errno " << err;
    }
  }
}

TEST(ListSegments, SkipsTheLastSegmentWhenItVanishes) {
  FakeKernel kernel = three_segments();
  kernel.slots[5].vanished_errno = EIDRM;
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(ids_of(table->segments), (std::vector<int>{id_at(0), id_at(2)}));
}

TEST(ListSegments, ReadsAnEmptyTable) {
  FakeKernel kernel;
  auto table = list_segments(kernel, Usage::read);
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE(table->segments.empty());
}

TEST(ListSegments, UsesProcWhenShmInfoFails) {
  FakeKernel kernel = three_segments();
  kernel.max_index_result = -ENOSYS;
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->source, TableSource::proc);
  EXPECT_EQ(ids_of(table->segments), kThreeIds);
}

TEST(ListSegments, FailsOnlyWhenNoSourceWorks) {
  FakeKernel no_info = three_segments();
  no_info.max_index_result = -ENOSYS;
  no_info.proc_readable = false;
  auto failed = list_segments(no_info, Usage::skip);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().op, Op::enumerate);

  FakeKernel unreadable = three_segments();
  unreadable.stat_any = StatAny::unknown;
  unreadable.slots[2].readable = false;
  unreadable.proc_readable = false;
  auto also_failed = list_segments(unreadable, Usage::skip);
  ASSERT_FALSE(also_failed.ok());
  EXPECT_EQ(also_failed.error().op, Op::enumerate);
}

TEST(ListSegments, FailsOnAForeignProcFormat) {
  FakeKernel kernel = three_segments();
  kernel.max_index_result = -ENOSYS;
  kernel.proc_text = "something else entirely\n1 2 3\n";
  auto table = list_segments(kernel, Usage::skip);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().op, Op::enumerate);
}

TEST(ListSegments, ReadsUsageFromProcOnlyWhenAsked) {
  FakeKernel kernel = three_segments();
  auto skipped = list_segments(kernel, Usage::skip);
  ASSERT_TRUE(skipped.ok());
  for (const SegmentRecord& s : skipped->segments) {
    EXPECT_FALSE(s.rss.has_value());
    EXPECT_FALSE(s.swap.has_value());
  }
  auto read = list_segments(kernel, Usage::read);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->segments.size(), 3U);
  EXPECT_EQ(read->segments[0].rss, std::optional<std::uint64_t>(4096));
  EXPECT_EQ(read->segments[1].rss, std::optional<std::uint64_t>(3 * 4096));
  EXPECT_EQ(read->segments[2].rss, std::optional<std::uint64_t>(6 * 4096));
  EXPECT_EQ(read->segments[2].swap, std::optional<std::uint64_t>(512));
}

TEST(ListSegments, LeavesUsageUnknownWhenProcCannotBeRead) {
  FakeKernel kernel = three_segments();
  kernel.proc_readable = false;
  auto table = list_segments(kernel, Usage::read);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(ids_of(table->segments), kThreeIds);
  for (const SegmentRecord& s : table->segments)
    EXPECT_FALSE(s.rss.has_value());
}

TEST(StatSegment, StatsAReadableSegmentById) {
  FakeKernel kernel = three_segments();
  auto record = stat_segment(kernel, id_at(5), Usage::skip);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->id, id_at(5));
  EXPECT_EQ(record->size, 1U << 20);
  EXPECT_FALSE(record->rss.has_value());
}

TEST(StatSegment, FindsAnUnreadableSegmentByItsIndexWithShmStatAny) {
  FakeKernel kernel = three_segments();
  kernel.slots[2].readable = false;
  auto record = stat_segment(kernel, id_at(2), Usage::skip);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->id, id_at(2));
  EXPECT_EQ(record->key, 0xfffffffbU);
  EXPECT_TRUE(record->dest);
  ASSERT_FALSE(kernel.index_calls.empty());
  EXPECT_EQ(kernel.index_calls.front(), std::make_pair(2, IndexStat::stat_any));
}

TEST(StatSegment, FindsAnUnreadableSegmentWithAnExtendedId) {
  // With ipcmni_extend the index takes 24 bits of the id.
  FakeKernel kernel;
  const int id = (2 << 24) | 70000;
  FakeSlot& slot = kernel.add(70000, id, 0x1234, 8192);
  slot.readable = false;
  auto record = stat_segment(kernel, id, Usage::skip);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->id, id);
  EXPECT_EQ(record->size, 8192U);
}

TEST(StatSegment, ReportsNotFoundForAnOldIdWhoseSlotWasReused) {
  FakeKernel kernel = three_segments();
  kernel.slots[2].readable = false;
  // id_at(2, 4) has index 2 but a later sequence number: the slot holds id_at(2, 3).
  auto record = stat_segment(kernel, id_at(2, 4), Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
}

TEST(StatSegment, FindsAnUnreadableSegmentThroughProcWhenShmStatAnyIsUnknown) {
  FakeKernel kernel = three_segments();
  kernel.stat_any = StatAny::unknown;
  kernel.slots[2].readable = false;
  auto record = stat_segment(kernel, id_at(2), Usage::skip);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->id, id_at(2));
  EXPECT_EQ(record->key, 0xfffffffbU);
  EXPECT_EQ(record->size, 4096U);
}

TEST(StatSegment, ReportsPermissionWhenNothingCanReadIt) {
  FakeKernel kernel = three_segments();
  kernel.stat_any = StatAny::unknown;
  kernel.slots[2].readable = false;
  kernel.proc_readable = false;
  auto record = stat_segment(kernel, id_at(2), Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::permission);
  EXPECT_EQ(record.error().op, Op::stat);
  EXPECT_EQ(record.error().err, EACCES);
  EXPECT_EQ(record.error().subject, "id " + std::to_string(id_at(2)));
}

TEST(StatSegment, ReportsNotFoundForAnIdThatIsGone) {
  FakeKernel kernel = three_segments();
  auto record = stat_segment(kernel, id_at(3), Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
  EXPECT_EQ(record.error().op, Op::stat);
  EXPECT_EQ(record.error().err, EINVAL);
  EXPECT_EQ(record.error().subject, "id " + std::to_string(id_at(3)));
}

TEST(StatSegment, ReportsNotFoundForANegativeId) {
  FakeKernel kernel = three_segments();
  auto record = stat_segment(kernel, -1, Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
}

// A kernel whose IPC_STAT fails with a given errno.
class FailingStatKernel : public FakeKernel {
 public:
  int err = EFAULT;
  int stat_id(int, struct shmid_ds&) override { return -err; }
};

TEST(StatSegment, ReportsNotFoundWhenTheSegmentIsRemovedMeanwhile) {
  FailingStatKernel kernel;
  kernel.err = EIDRM;
  auto record = stat_segment(kernel, 7, Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
  EXPECT_EQ(record.error().err, EIDRM);
}

TEST(StatSegment, PassesOtherErrorsOn) {
  FailingStatKernel kernel;
  kernel.err = EFAULT;
  auto record = stat_segment(kernel, 7, Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::system);
  EXPECT_EQ(record.error().err, EFAULT);
  EXPECT_EQ(record.error().op, Op::stat);
}

TEST(StatSegment, ReadsUsageWhenAsked) {
  FakeKernel kernel = three_segments();
  auto record = stat_segment(kernel, id_at(5), Usage::read);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->rss, std::optional<std::uint64_t>(6 * 4096));
  EXPECT_EQ(record->swap, std::optional<std::uint64_t>(512));
}

TEST(FillUsage, MatchesByIdAndLeavesUnlistedSegmentsUnknown) {
  FakeKernel kernel = three_segments();
  std::vector<SegmentRecord> segments(3);
  segments[0].id = id_at(5);
  segments[1].id = 99;  // not in /proc
  segments[2].id = id_at(0);
  ASSERT_TRUE(fill_usage(kernel, segments).ok());
  EXPECT_EQ(segments[0].rss, std::optional<std::uint64_t>(6 * 4096));
  EXPECT_FALSE(segments[1].rss.has_value());
  EXPECT_FALSE(segments[1].swap.has_value());
  EXPECT_EQ(segments[2].rss, std::optional<std::uint64_t>(4096));
}

TEST(FillUsage, FailsWhenProcCannotBeRead) {
  FakeKernel kernel = three_segments();
  kernel.proc_readable = false;
  std::vector<SegmentRecord> segments(1);
  segments[0].id = id_at(0);
  auto status = fill_usage(kernel, segments);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().op, Op::enumerate);
  EXPECT_FALSE(segments[0].rss.has_value());
}

// The real kernel, with SHM_STAT_ANY and/or SHM_STAT refused with a given errno.
class RefusingKernel : public ShmKernel {
 public:
  RefusingKernel(int stat_any_errno, int stat_errno)
      : stat_any_errno_(stat_any_errno), stat_errno_(stat_errno) {}
  int max_index() override { return real_.max_index(); }
  int stat_index(int index, IndexStat call, struct shmid_ds& ds) override {
    const int refusal = call == IndexStat::stat_any ? stat_any_errno_ : stat_errno_;
    if (refusal != 0) return -refusal;
    return real_.stat_index(index, call, ds);
  }
  int stat_id(int id, struct shmid_ds& ds) override { return real_.stat_id(id, ds); }
  Result<std::string> proc_table() override { return real_.proc_table(); }

 private:
  ShmKernel& real_ = system_kernel();
  int stat_any_errno_;
  int stat_errno_;
};

std::string fields_of(const SegmentRecord& r) {
  auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("none"); };
  std::ostringstream out;
  out << "id=" << r.id << " key=" << r.key << " size=" << r.size << " mode=" << std::oct << r.mode
      << std::dec << " dest=" << r.dest << " locked=" << r.locked << " uid=" << r.uid
      << " gid=" << r.gid << " cuid=" << r.cuid << " cgid=" << r.cgid << " cpid=" << r.cpid
      << " lpid=" << r.lpid << " nattch=" << r.nattch << " atime=" << opt(r.atime)
      << " dtime=" << opt(r.dtime) << " ctime=" << opt(r.ctime) << " rss=" << opt(r.rss)
      << " swap=" << opt(r.swap);
  return out.str();
}

// The records of `ids`, in the order of `ids`; "missing" for any not listed.
std::vector<std::string> records_of(const SegmentTable& table, const std::vector<int>& ids) {
  std::vector<std::string> out;
  for (int id : ids) {
    const auto found = std::find_if(table.segments.begin(), table.segments.end(),
                                    [id](const SegmentRecord& r) { return r.id == id; });
    out.push_back(found == table.segments.end() ? "missing id " + std::to_string(id)
                                                : fields_of(*found));
  }
  return out;
}

TEST(ListSegmentsOnRealSegments, GivesTheSameRecordsWhicheverWayTheKernelIsRead) {
  using test::Attached;
  using test::SegmentGuard;
  // A plain private segment, attached once and detached (atime, dtime, lpid set).
  SegmentGuard plain(IPC_PRIVATE, 4096, 0600);
  { Attached once(plain.id()); }
  // A keyed segment, still attached, with a page touched (rss > 0).
  SegmentGuard keyed(static_cast<key_t>(test::unique_key()), 10000, 0640);
  Attached keyed_attach(keyed.id());
  std::memset(keyed_attach.data(), 'x', 5000);
  // A segment marked for removal while attached (dest; the kernel makes its key private).
  SegmentGuard doomed(IPC_PRIVATE, 1, 0604);
  Attached doomed_attach(doomed.id());
  ASSERT_EQ(shmctl(doomed.id(), IPC_RMID, nullptr), 0) << std::strerror(errno);
  const std::vector<int> ids{plain.id(), keyed.id(), doomed.id()};

  auto normal = list_segments(system_kernel(), Usage::read);
  ASSERT_TRUE(normal.ok()) << normal.error().detail;
  const auto expected = records_of(*normal, ids);
  for (const std::string& record : expected)
    EXPECT_EQ(record.find("missing"), std::string::npos) << record;
  EXPECT_NE(expected[2].find("dest=1"), std::string::npos) << expected[2];
  EXPECT_NE(expected[1].find("nattch=1"), std::string::npos) << expected[1];
  EXPECT_EQ(expected[1].find("rss=0"), std::string::npos) << expected[1];
  // rss and swap wanted: /proc/sysvipc/shm alone, which has every field.
  EXPECT_EQ(normal->source, TableSource::proc);

  // Every other way gives the same records, rss and swap filled in from /proc.
  struct Variant {
    const char* name;
    int stat_any_errno;
    int stat_errno;
    TableSource source;
  };
  for (const Variant& v : {Variant{"SHM_STAT_ANY", 0, 0, TableSource::stat_any},
                           Variant{"SHM_STAT_ANY unknown", EINVAL, 0, TableSource::stat},
                           Variant{"SHM_STAT_ANY refused", EACCES, 0, TableSource::stat},
                           Variant{"both unknown or refused", EINVAL, EACCES, TableSource::proc},
                           Variant{"both refused", EACCES, EACCES, TableSource::proc}}) {
    SCOPED_TRACE(v.name);
    RefusingKernel kernel(v.stat_any_errno, v.stat_errno);
    auto table = list_segments(kernel, Usage::skip);
    ASSERT_TRUE(table.ok()) << table.error().detail;
    EXPECT_EQ(table->source, v.source);
    ASSERT_TRUE(fill_usage(kernel, table->segments).ok());
    EXPECT_EQ(records_of(*table, ids), expected);
  }
}

TEST(ListSegmentsOnRealSegments, ReadsAProcTableOfManyPiecesWhole) {
  // 700 segments: /proc/sysvipc/shm runs to well over one 64 KiB piece: lines cut between
  // pieces are parsed whole.
  std::vector<test::SegmentGuard> made;
  made.reserve(700);
  for (int i = 0; i < 700; ++i)
    made.emplace_back(IPC_PRIVATE, 1 + static_cast<std::size_t>(i), 0600);
  auto with_usage = list_segments(system_kernel(), Usage::read);
  ASSERT_TRUE(with_usage.ok());
  EXPECT_EQ(with_usage->source, TableSource::proc);
  std::map<int, std::uint64_t> sizes;
  for (const SegmentRecord& r : with_usage->segments)
    sizes[r.id] = r.size;
  for (std::size_t i = 0; i < made.size(); ++i) {
    ASSERT_EQ(sizes.count(made[i].id()), 1U) << "segment " << i << " missing";
    EXPECT_EQ(sizes[made[i].id()], i + 1);
  }
}

TEST(StatSegmentOnRealSegments, GivesTheSameRecordAsTheListing) {
  test::SegmentGuard segment(IPC_PRIVATE, 3000, 0640);
  auto listed = list_segments(system_kernel(), Usage::read);
  ASSERT_TRUE(listed.ok());
  auto record = stat_segment(system_kernel(), segment.id(), Usage::read);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(records_of(*listed, {segment.id()}).at(0), fields_of(*record));
  EXPECT_EQ(record->size, 3000U);
  EXPECT_EQ(record->mode, 0640U);
  EXPECT_EQ(record->uid, geteuid());
}

TEST(StatSegmentOnRealSegments, ReportsNotFoundOnceTheSegmentIsRemoved) {
  int id = -1;
  {
    test::SegmentGuard segment(IPC_PRIVATE, 100, 0600);
    id = segment.id();
  }
  auto record = stat_segment(system_kernel(), id, Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
}

}  // namespace
TEST(SystemKernelOnRealSegments, MaxIndexIsTheHighestIndexShmInfoReports) {
  // max_index asks IPC_INFO, which skips SHM_INFO's walk over every segment's pages; both must
  // name the same highest index, with a segment of ours in the table. Other processes may add
  // or remove segments meanwhile: compare only when SHM_INFO says the same before and after.
  test::SegmentGuard segment(IPC_PRIVATE, 4096, 0600);
  auto shm_info_max = [] {
    struct shm_info info {};
    return shmctl(0, SHM_INFO, reinterpret_cast<struct shmid_ds*>(&info));
  };
  bool compared = false;
  for (int attempt = 0; attempt < 20 && !compared; ++attempt) {
    const int before = shm_info_max();
    ASSERT_GE(before, 0) << std::strerror(errno);
    const int from_ipc_info = system_kernel().max_index();
    if (shm_info_max() != before) continue;
    EXPECT_EQ(from_ipc_info, before);
    compared = true;
  }
  EXPECT_TRUE(compared) << "the segment table kept changing";
  // Our segment's index is within the range max_index covers.
  struct shmid_ds ds {};
  bool found = false;
  for (int index = 0; index <= system_kernel().max_index() && !found; ++index)
    found = shmctl(index, SHM_STAT_ANY, &ds) == segment.id();
  EXPECT_TRUE(found);
}

}  // namespace shmtool
