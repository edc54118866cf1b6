#include "render/list_filter.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "fake_names.hpp"
#include "fake_proc.hpp"

namespace shmtool {
namespace {

using test::FakeNames;

SegmentRecord segment(int id, uid_t uid, std::uint64_t size) {
  SegmentRecord s;
  s.id = id;
  s.key = static_cast<std::uint32_t>(id) * 0x100U;
  s.uid = uid;
  s.cuid = uid;
  s.size = size;
  return s;
}

std::vector<int> ids_of(const std::vector<SegmentRecord>& segments) {
  std::vector<int> ids;
  for (const SegmentRecord& s : segments)
    ids.push_back(s.id);
  return ids;
}

TEST(Matches, AnEmptyFilterMatchesEverything) {
  SegmentRecord s = segment(1, 1000, 4096);
  s.dest = true;
  s.nattch = 7;
  EXPECT_TRUE(matches(ListFilter{}, s));
  EXPECT_TRUE(matches(ListFilter{}, SegmentRecord{}));
}

TEST(Matches, FiltersByOwner) {
  ListFilter filter;
  filter.owner = 1000;
  SegmentRecord s = segment(1, 1000, 1);
  s.cuid = 0;
  EXPECT_TRUE(matches(filter, s));
  s.uid = 1001;
  s.cuid = 1000;  // the creator does not count
  EXPECT_FALSE(matches(filter, s));
}

TEST(Matches, FiltersByCreator) {
  ListFilter filter;
  filter.creator = 0;
  SegmentRecord s = segment(1, 1000, 1);
  s.cuid = 0;
  EXPECT_TRUE(matches(filter, s));
  s.cuid = 1000;
  s.uid = 0;  // the owner does not count
  EXPECT_FALSE(matches(filter, s));
}

TEST(Matches, FiltersByKey) {
  ListFilter filter;
  filter.key = 0x162e;
  SegmentRecord s = segment(1, 0, 1);
  s.key = 0x162e;
  EXPECT_TRUE(matches(filter, s));
  s.key = 0x162f;
  EXPECT_FALSE(matches(filter, s));
  s.key = 0;
  EXPECT_FALSE(matches(filter, s));
}

TEST(Matches, FiltersOrphanedSegmentsByNattchZero) {
  ListFilter filter;
  filter.orphaned = true;
  SegmentRecord s = segment(1, 0, 1);
  s.nattch = 0;
  EXPECT_TRUE(matches(filter, s));
  s.nattch = 1;
  EXPECT_FALSE(matches(filter, s));
}

TEST(Matches, FiltersSegmentsMarkedForRemoval) {
  ListFilter filter;
  filter.dest = true;
  SegmentRecord s = segment(1, 0, 1);
  s.dest = true;
  EXPECT_TRUE(matches(filter, s));
  s.dest = false;
  s.locked = true;
  EXPECT_FALSE(matches(filter, s));
}

TEST(Matches, FiltersByMinimumSizeInclusively) {
  ListFilter filter;
  filter.min_size = 4096;
  EXPECT_FALSE(matches(filter, segment(1, 0, 4095)));
  EXPECT_TRUE(matches(filter, segment(1, 0, 4096)));
  EXPECT_TRUE(matches(filter, segment(1, 0, 1 << 20)));
}

TEST(Matches, RequiresEveryFilterToPass) {
  ListFilter filter;
  filter.owner = 1000;
  filter.min_size = 100;
  filter.orphaned = true;
  SegmentRecord s = segment(1, 1000, 200);
  EXPECT_TRUE(matches(filter, s));
  s.nattch = 1;
  EXPECT_FALSE(matches(filter, s));
  s.nattch = 0;
  s.size = 50;
  EXPECT_FALSE(matches(filter, s));
  s.size = 200;
  s.uid = 0;
  EXPECT_FALSE(matches(filter, s));
}

TEST(ApplyFilter, KeepsTheOrderOfTheSegmentsLeft) {
  std::vector<SegmentRecord> segments{segment(5, 1000, 1), segment(3, 0, 1), segment(9, 1000, 1),
                                      segment(1, 1000, 1), segment(2, 0, 1)};
  ListFilter filter;
  filter.owner = 1000;
  apply_filter(filter, segments);
  EXPECT_EQ(ids_of(segments), (std::vector<int>{5, 9, 1}));
}

TEST(ApplyFilter, CanLeaveNothing) {
  std::vector<SegmentRecord> segments{segment(5, 1000, 1), segment(3, 0, 1)};
  ListFilter filter;
  filter.dest = true;
  apply_filter(filter, segments);
  EXPECT_TRUE(segments.empty());
}

TEST(SortSegments, SortsAscendingByANumericColumn) {
  FakeNames names;
  std::vector<SegmentRecord> segments{segment(1, 0, 300), segment(2, 0, 20), segment(3, 0, 1000),
                                      segment(4, 0, 9)};
  sort_segments(segments, *find_column("SIZE"), Order::ascending, names);
  EXPECT_EQ(ids_of(segments), (std::vector<int>{4, 2, 1, 3}));
}

TEST(SortSegments, SortsDescending) {
  FakeNames names;
  std::vector<SegmentRecord> segments{segment(1, 0, 300), segment(2, 0, 20), segment(3, 0, 1000),
                                      segment(4, 0, 9)};
  sort_segments(segments, *find_column("SIZE"), Order::descending, names);
  EXPECT_EQ(ids_of(segments), (std::vector<int>{3, 1, 2, 4}));
}

TEST(SortSegments, KeepsTiesInTheirOrderAscending) {
  FakeNames names;
  std::vector<SegmentRecord> segments{segment(7, 0, 20), segment(3, 0, 10), segment(9, 0, 20),
                                      segment(1, 0, 10), segment(5, 0, 20)};
  sort_segments(segments, *find_column("SIZE"), Order::ascending, names);
  EXPECT_EQ(ids_of(segments), (std::vector<int>{3, 1, 7, 9, 5}));
}

TEST(SortSegments, KeepsTiesInTheirOrderDescending) {
  FakeNames names;
  std::vector<SegmentRecord> segments{segment(7, 0, 20), segment(3, 0, 10), segment(9, 0, 20),
                                      segment(1, 0, 10), segment(5, 0, 20)};
  sort_segments(segments, *find_column("SIZE"), Order::descending, names);
  EXPECT_EQ(ids_of(segments), (std::vector<int>{7, 9, 5, 3, 1}));
}

TEST(SortSegments, SortsOwnersByNameWithUnnamedOnesByTheirNumberText) {
  FakeNames names;
  std::vector<SegmentRecord> segments{segment(1, 0, 1), segment(2, 1001, 1), segment(3, 1000, 1),
                                      segment(4, 4000, 1)};
  sort_segments(segments, *find_column("owner"), Order::ascending, names);
  // "4000" < "alice" < "bob" < "root"
  EXPECT_EQ(ids_of(segments), (std::vector<int>{4, 3, 2, 1}));
}

TEST(SortSegments, PutsNeverAttachedFirstWhenSortingByAttachTime) {
  FakeNames names;
  std::vector<SegmentRecord> segments{segment(1, 0, 1), segment(2, 0, 1), segment(3, 0, 1)};
  segments[0].atime = 1763806451;
  segments[2].atime = 1000;
  sort_segments(segments, *find_column("ATIME"), Order::ascending, names);
  EXPECT_EQ(ids_of(segments), (std::vector<int>{2, 3, 1}));
}

TEST(SortSegments, KeepsEveryFieldOfTheRecords) {
  FakeNames names;
  std::vector<SegmentRecord> segments{segment(1, 1000, 20), segment(2, 0, 10)};
  segments[0].rss = 4096;
  segments[0].dest = true;
  segments[0].key = 0xdeadbeef;
  sort_segments(segments, *find_column("SIZE"), Order::ascending, names);
  ASSERT_EQ(segments.size(), 2U);
  EXPECT_EQ(segments[1].id, 1);
  EXPECT_EQ(segments[1].uid, 1000U);
  EXPECT_EQ(segments[1].rss, std::optional<std::uint64_t>(4096));
  EXPECT_TRUE(segments[1].dest);
  EXPECT_EQ(segments[1].key, 0xdeadbeefU);
}

TEST(SortSegments, LeavesAnEmptyListEmpty) {
  FakeNames names;
  std::vector<SegmentRecord> segments;
  sort_segments(segments, *find_column("ID"), Order::descending, names);
  EXPECT_TRUE(segments.empty());
}

TEST(Matches, APosixObjectPassesOwnerAndSizeButNoSystemVOnlyFilter) {
  PosixRecord p;
  p.name = "obj";
  p.uid = 1000;
  p.size = 4096;
  ListFilter filter;
  filter.owner = 1000;
  filter.min_size = 4096;
  EXPECT_TRUE(matches(filter, p));
  filter.owner = 1001;
  EXPECT_FALSE(matches(filter, p));
  for (int which = 0; which < 4; ++which) {
    ListFilter only;
    if (which == 0) only.creator = 1000;
    if (which == 1) only.key = 5;
    if (which == 2) only.creator_gone = true;
    if (which == 3) only.dest = true;
    EXPECT_FALSE(matches(only, p)) << which;
  }
}

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// "Now" for the --idle tests, and times before it.
constexpr std::int64_t kNow = 1763806451;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

// A segment no one is attached to, made two days ago and never attached.
SegmentRecord old_segment(int id) {
  SegmentRecord s = segment(id, 0, 4096);
  s.ctime = kNow - 2 * kDay;
  return s;
}

// A POSIX object no one maps or holds open, last accessed, written and changed two days ago.
PosixRecord old_object(const std::string& name) {
  PosixRecord p;
  p.name = name;
  p.atime = kNow - 2 * kDay;
  p.mtime = kNow - 2 * kDay;
  p.ctime = kNow - 2 * kDay;
  p.nattch = 0;
  return p;
}

TEST(IsIdle, ASegmentUntouchedForTheDurationIsIdle) {
  const SegmentRecord s = old_segment(1);
  EXPECT_TRUE(is_idle(s, hours(24), kNow));
  EXPECT_TRUE(is_idle(s, hours(48), kNow));  // exactly the duration
  EXPECT_FALSE(is_idle(s, hours(48) + seconds(1), kNow));
  EXPECT_TRUE(is_idle(s, milliseconds(0), kNow));
}

TEST(IsIdle, ARecentAttachDetachOrChangeOfASegmentIsNotIdle) {
  SegmentRecord attached_lately = old_segment(1);
  attached_lately.atime = kNow - 10 * 60;
  EXPECT_FALSE(is_idle(attached_lately, hours(1), kNow));
  EXPECT_TRUE(is_idle(attached_lately, minutes(10), kNow));
  SegmentRecord detached_lately = old_segment(2);
  detached_lately.atime = kNow - 3 * kDay;
  detached_lately.dtime = kNow - 30;
  EXPECT_FALSE(is_idle(detached_lately, seconds(90), kNow));
  EXPECT_TRUE(is_idle(detached_lately, seconds(30), kNow));
  SegmentRecord changed_lately = old_segment(3);
  changed_lately.ctime = kNow - kHour;
  EXPECT_FALSE(is_idle(changed_lately, hours(12), kNow));
}

TEST(IsIdle, AnAttachedSegmentIsNeverIdle) {
  SegmentRecord s = old_segment(1);
  s.atime = kNow - 2 * kDay;
  s.nattch = 1;
  EXPECT_FALSE(is_idle(s, hours(1), kNow));
  EXPECT_FALSE(is_idle(s, milliseconds(0), kNow));
}

TEST(IsIdle, RoundsAPartOfASecondUpForWholeSecondTimes) {
  SegmentRecord s = segment(1, 0, 1);
  s.ctime = kNow - 1;
  EXPECT_TRUE(is_idle(s, milliseconds(1000), kNow));
  EXPECT_FALSE(is_idle(s, milliseconds(1001), kNow));
}

TEST(IsIdle, NoKnownTimeOrATimeAfterNowIsNotIdle) {
  EXPECT_FALSE(is_idle(segment(1, 0, 1), milliseconds(0), kNow));
  SegmentRecord future = segment(2, 0, 1);
  future.ctime = kNow + 5;
  EXPECT_FALSE(is_idle(future, milliseconds(0), kNow));
  SegmentRecord ancient = segment(3, 0, 1);
  ancient.ctime = INT64_MIN;
  EXPECT_TRUE(is_idle(ancient, hours(24 * 36525), kNow));
}

TEST(IsIdle, APosixObjectUntouchedAndUnheldIsIdle) {
  const PosixRecord p = old_object("old");
  EXPECT_TRUE(is_idle(p, hours(24), kNow));
  EXPECT_FALSE(is_idle(p, hours(49), kNow));
}

TEST(IsIdle, APosixObjectReadWrittenOrChangedLatelyIsNotIdle) {
  PosixRecord read_lately = old_object("read");
  read_lately.atime = kNow - 60;
  EXPECT_FALSE(is_idle(read_lately, minutes(30), kNow));
  PosixRecord written_lately = old_object("written");
  written_lately.mtime = kNow - 60;
  EXPECT_FALSE(is_idle(written_lately, minutes(30), kNow));
  EXPECT_TRUE(is_idle(written_lately, seconds(60), kNow));
  PosixRecord changed_lately = old_object("changed");
  changed_lately.ctime = kNow - 60;
  EXPECT_FALSE(is_idle(changed_lately, minutes(30), kNow));
}

TEST(IsIdle, APosixObjectMappedOrOfUnknownHoldersIsNotIdle) {
  PosixRecord mapped = old_object("mapped");
  mapped.nattch = 2;
  EXPECT_FALSE(is_idle(mapped, hours(1), kNow));
  PosixRecord not_read = old_object("not-read");
  not_read.nattch = std::nullopt;  // /proc was not walked
  EXPECT_FALSE(is_idle(not_read, hours(1), kNow));
}

TEST(Matches, IdleCountsBackFromTheFiltersNow) {
  ListFilter filter;
  filter.idle = hours(1);
  filter.now = kNow;
  SegmentRecord recent = segment(1, 0, 1);
  recent.ctime = kNow - 10;
  EXPECT_FALSE(matches(filter, recent));
  EXPECT_TRUE(matches(filter, old_segment(2)));
  EXPECT_TRUE(matches(filter, old_object("old")));
  // The same segment a day later is idle.
  filter.now = kNow + kDay;
  EXPECT_TRUE(matches(filter, recent));
}

TEST(Matches, OrphanedPosixObjectsAreThoseNoProcessMapsOrHoldsOpen) {
  ListFilter filter;
  filter.orphaned = true;
  PosixRecord p = old_object("obj");
  p.nattch = 0;
  EXPECT_TRUE(matches(filter, p));
  p.nattch = 1;
  EXPECT_FALSE(matches(filter, p));
  p.nattch = std::nullopt;  // not read: not known to be orphaned
  EXPECT_FALSE(matches(filter, p));
}

TEST(ReadsPosixNattch, OnlyForOrphanedAndIdle) {
  ListFilter filter;
  filter.owner = 0;
  filter.creator_gone = true;
  filter.min_size = 1;
  EXPECT_FALSE(reads_posix_nattch(filter));
  filter.orphaned = true;
  EXPECT_TRUE(reads_posix_nattch(filter));
  ListFilter idle;
  idle.idle = seconds(0);
  EXPECT_TRUE(reads_posix_nattch(idle));
}

// A fake /proc for --creator-gone: booted at kBoot; the segments were made at kCreated.
constexpr std::int64_t kBoot = kNow - 30 * kDay;
constexpr std::int64_t kCreated = kNow - kDay;

TEST(Matches, CreatorGoneThroughAFakeProc) {
  test::FakeProc proc(kBoot);
  proc.add_process(100, "server", kCreated - kBoot - kHour);  // made the segment, still runs
  proc.add_process(200, "bash", kCreated - kBoot + kHour);    // pid reused after the segment
  ListFilter filter;
  filter.creator_gone = true;
  filter.proc = proc.path();
  auto made_by = [](pid_t pid) {
    SegmentRecord s = segment(pid, 0, 1);
    s.cpid = pid;
    s.ctime = kCreated;
    return s;
  };
  EXPECT_FALSE(matches(filter, made_by(100)));  // alive, started before the segment
  EXPECT_TRUE(matches(filter, made_by(200)));   // reused pid
  EXPECT_TRUE(matches(filter, made_by(300)));   // no such process
  EXPECT_FALSE(matches(filter, made_by(0)));    // /proc cannot tell: not known to be gone
  std::vector<SegmentRecord> segments{made_by(100), made_by(200), made_by(300)};
  apply_filter(filter, segments);
  EXPECT_EQ(ids_of(segments), (std::vector<int>{200, 300}));
  // With the other filters: every one must pass.
  filter.min_size = 2;
  EXPECT_FALSE(matches(filter, made_by(300)));
}

TEST(Matches, CreatorGoneLeavesOutPosixObjectsOfEitherList) {
  test::FakeProc proc(kBoot);
  ListFilter filter;
  filter.creator_gone = true;
  filter.proc = proc.path();
  SegmentRecord gone = segment(7, 0, 1);
  gone.cpid = 300;
  gone.ctime = kCreated;
  std::vector<AnyRecord> objects{old_object("a"), gone, old_object("b")};
  apply_filter(filter, objects);
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(std::get<SegmentRecord>(objects[0]).id, 7);
}

TEST(SortObjects, OrdersBothKindsByOneColumn) {
  FakeNames names;
  PosixRecord big;
  big.name = "big";
  big.size = 9000;
  SegmentRecord mid = segment(1, 0, 5000);
  PosixRecord small;
  small.name = "small";
  small.size = 10;
  std::vector<AnyRecord> objects{big, mid, small};
  sort_objects(objects, *find_column("SIZE"), Order::ascending, names);
  EXPECT_EQ(std::get<PosixRecord>(objects[0]).name, "small");
  EXPECT_EQ(std::get<SegmentRecord>(objects[1]).id, 1);
  EXPECT_EQ(std::get<PosixRecord>(objects[2]).name, "big");
  ListFilter filter;
  filter.min_size = 5000;
  apply_filter(filter, objects);
  EXPECT_EQ(objects.size(), 2U);
}

}  // namespace
}  // namespace shmtool
