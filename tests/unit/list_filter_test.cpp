#include "render/list_filter.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "fake_names.hpp"

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
    if (which == 2) only.orphaned = true;
    if (which == 3) only.dest = true;
    EXPECT_FALSE(matches(only, p)) << which;
  }
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
