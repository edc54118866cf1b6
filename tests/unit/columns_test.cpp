#include "render/columns.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fake_names.hpp"

namespace shmtool {
namespace {

using test::FakeNames;

std::vector<std::string> names_of(const std::vector<const Column*>& columns) {
  std::vector<std::string> out;
  for (const Column* c : columns)
    out.emplace_back(c->name);
  return out;
}

const std::vector<std::string> kSpecColumns{"KEY", "ID", "OWNER", "GROUP", "CUSER", "CGROUP",
                                            "PERMS", "SIZE", "NATTCH", "STATUS", "CPID", "LPID",
                                            "ATIME", "DTIME", "CTIME", "RSS", "SWAP",
                                            // Version 2: POSIX objects beside segments.
                                            "TYPE", "NAME", "ALLOCATED", "MTIME",
                                            // Who holds it.
                                            "PIDS", "COMMAND",
                                            // Which namespace (--all-namespaces).
                                            "NS", "NSPID", "NSCOMM"};
const std::vector<std::string> kSpecDefaults{"KEY",    "ID",     "OWNER", "PERMS", "SIZE",
                                             "NATTCH", "STATUS", "CPID",  "LPID"};

const Column& column(std::string_view name) {
  const Column* c = find_column(name);
  if (c == nullptr) throw std::runtime_error("no column " + std::string(name));
  return *c;
}

SegmentRecord sample() {
  SegmentRecord r;
  r.id = 32773;
  r.key = 5678;
  r.size = 1536;
  r.mode = 0640;
  r.uid = 1000;
  r.gid = 100;
  r.cuid = 4000;  // no name
  r.cgid = 4001;  // no name
  r.cpid = 4702;
  r.lpid = 0;
  r.nattch = 2;
  return r;
}

TEST(AllColumns, ListsTheSpecColumnsInOrder) {
  std::vector<std::string> names;
  for (const Column& c : all_columns())
    names.emplace_back(c.name);
  EXPECT_EQ(names, kSpecColumns);
}

TEST(AllColumns, GivesEveryColumnHelpAndBothAccessors) {
  for (const Column& c : all_columns()) {
    EXPECT_FALSE(c.help.empty()) << c.name;
    EXPECT_NE(c.text, nullptr) << c.name;
    EXPECT_NE(c.sort_key, nullptr) << c.name;
  }
}

TEST(AllColumns, MarksOnlyRssAndSwapAsNeedingProc) {
  for (const Column& c : all_columns()) {
    EXPECT_EQ(c.needs_usage, c.name == "RSS" || c.name == "SWAP") << c.name;
  }
}

TEST(AllColumns, AlignsNumbersRightAndTextLeft) {
  for (std::string_view name : {"ID", "SIZE", "NATTCH", "CPID", "LPID", "RSS", "SWAP"}) {
    EXPECT_EQ(column(name).align, Align::right) << name;
  }
  for (std::string_view name : {"KEY", "OWNER", "GROUP", "PERMS", "STATUS"}) {
    EXPECT_EQ(column(name).align, Align::left) << name;
  }
}

TEST(DefaultColumns, AreTheSpecDefaults) {
  EXPECT_EQ(names_of(default_columns()), kSpecDefaults);
}

TEST(FindColumn, IgnoresCase) {
  EXPECT_EQ(find_column("key"), find_column("KEY"));
  EXPECT_EQ(find_column("Nattch"), find_column("NATTCH"));
  EXPECT_EQ(find_column("cGroup")->name, "CGROUP");
}

TEST(FindColumn, ReturnsNullForUnknownNames) {
  EXPECT_EQ(find_column("FOO"), nullptr);
  EXPECT_EQ(find_column(""), nullptr);
  EXPECT_EQ(find_column("KE"), nullptr);
  EXPECT_EQ(find_column("KEYS"), nullptr);
  EXPECT_EQ(find_column("KEY "), nullptr);
}

TEST(ParseColumnList, NamesTheColumnsInTheOrderGiven) {
  auto columns = parse_column_list("SIZE,KEY,ID");
  ASSERT_TRUE(columns.ok());
  EXPECT_EQ(names_of(*columns), (std::vector<std::string>{"SIZE", "KEY", "ID"}));
}

TEST(ParseColumnList, IgnoresCase) {
  auto columns = parse_column_list("key,Id,rss");
  ASSERT_TRUE(columns.ok());
  EXPECT_EQ(names_of(*columns), (std::vector<std::string>{"KEY", "ID", "RSS"}));
}

TEST(ParseColumnList, AddsToTheDefaultsWithAPlus) {
  auto columns = parse_column_list("+RSS,SWAP");
  ASSERT_TRUE(columns.ok());
  std::vector<std::string> expected = kSpecDefaults;
  expected.emplace_back("RSS");
  expected.emplace_back("SWAP");
  EXPECT_EQ(names_of(*columns), expected);
}

TEST(ParseColumnList, DoesNotRepeatADefaultAddedWithAPlus) {
  auto columns = parse_column_list("+KEY,CTIME");
  ASSERT_TRUE(columns.ok());
  std::vector<std::string> expected = kSpecDefaults;
  expected.emplace_back("CTIME");
  EXPECT_EQ(names_of(*columns), expected);
}

TEST(ParseColumnList, RejectsAnUnknownColumnNamingItAndTheKnownOnes) {
  auto columns = parse_column_list("KEY,BOGUS");
  ASSERT_FALSE(columns.ok());
  EXPECT_EQ(columns.error().kind, ErrorKind::usage);
  EXPECT_EQ(columns.error().subject, "-o");
  EXPECT_NE(columns.error().detail.find("BOGUS"), std::string::npos) << columns.error().detail;
  for (const std::string& name : kSpecColumns) {
    EXPECT_NE(columns.error().detail.find(name), std::string::npos) << name;
  }
}

TEST(ParseColumnList, RejectsEmptyNames) {
  for (const char* bad : {"", "+", "KEY,", ",KEY", "KEY,,ID", "+,RSS"}) {
    auto columns = parse_column_list(bad);
    ASSERT_FALSE(columns.ok()) << "'" << bad << "'";
    EXPECT_EQ(columns.error().kind, ErrorKind::usage) << bad;
  }
}

TEST(ParseSortColumn, FindsAColumnInAnyCase) {
  auto size = parse_sort_column("size");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ((*size)->name, "SIZE");
}

TEST(ParseSortColumn, RejectsAnUnknownColumn) {
  auto bogus = parse_sort_column("bogus");
  ASSERT_FALSE(bogus.ok());
  EXPECT_EQ(bogus.error().kind, ErrorKind::usage);
  EXPECT_EQ(bogus.error().subject, "--sort");
  EXPECT_NE(bogus.error().detail.find("bogus"), std::string::npos);
}

TEST(StatusText, NamesEachStateBit) {
  SegmentRecord r;
  EXPECT_EQ(status_text(r), "");
  r.dest = true;
  EXPECT_EQ(status_text(r), "dest");
  r.locked = true;
  EXPECT_EQ(status_text(r), "dest,locked");
  r.dest = false;
  EXPECT_EQ(status_text(r), "locked");
}

std::string cell(std::string_view name, const SegmentRecord& r,
                 SizeStyle sizes = SizeStyle::human) {
  FakeNames names;
  CellContext context{names, sizes, TimeStyle::local};
  return column(name).text(r, context);
}

TEST(ColumnText, WritesKeyAndPermsAsIpcsDoes) {
  EXPECT_EQ(cell("KEY", sample()), "0x0000162e");
  EXPECT_EQ(cell("PERMS", sample()), "rw-r-----");
  EXPECT_EQ(cell("ID", sample()), "32773");
  EXPECT_EQ(cell("NATTCH", sample()), "2");
  EXPECT_EQ(cell("CPID", sample()), "4702");
  EXPECT_EQ(cell("LPID", sample()), "0");
}

TEST(ColumnText, WritesNamesAndFallsBackToNumbers) {
  EXPECT_EQ(cell("OWNER", sample()), "alice");
  EXPECT_EQ(cell("GROUP", sample()), "users");
  EXPECT_EQ(cell("CUSER", sample()), "4000");
  EXPECT_EQ(cell("CGROUP", sample()), "4001");
}

TEST(ColumnText, WritesSizesHumanOrInBytes) {
  EXPECT_EQ(cell("SIZE", sample(), SizeStyle::human), "1.5K");
  EXPECT_EQ(cell("SIZE", sample(), SizeStyle::bytes), "1536");
}

TEST(ColumnText, WritesADashForUnknownUsageAndNeverTimes) {
  EXPECT_EQ(cell("RSS", sample()), "-");
  EXPECT_EQ(cell("SWAP", sample()), "-");
  EXPECT_EQ(cell("ATIME", sample()), "-");
  EXPECT_EQ(cell("DTIME", sample()), "-");
  EXPECT_EQ(cell("CTIME", sample()), "-");
  SegmentRecord r = sample();
  r.rss = 8192;
  r.swap = 0;
  EXPECT_EQ(cell("RSS", r, SizeStyle::human), "8K");
  EXPECT_EQ(cell("RSS", r, SizeStyle::bytes), "8192");
  EXPECT_EQ(cell("SWAP", r), "0B");
}

TEST(ColumnText, WritesStatus) {
  SegmentRecord r = sample();
  r.dest = true;
  EXPECT_EQ(cell("STATUS", r), "dest");
}

bool sorts_before(std::string_view name, const SegmentRecord& a, const SegmentRecord& b) {
  FakeNames names;
  CellContext context{names};
  return column(name).sort_key(a, context) < column(name).sort_key(b, context);
}

TEST(ColumnSortKey, OrdersSizesAsNumbersNotText) {
  SegmentRecord small = sample(), large = sample();
  small.size = 9;
  large.size = 10;
  EXPECT_TRUE(sorts_before("SIZE", small, large));
  EXPECT_FALSE(sorts_before("SIZE", large, small));
}

TEST(ColumnSortKey, OrdersKeysAsUnsigned) {
  SegmentRecord low = sample(), high = sample();
  low.key = 5;
  high.key = 0xfffffffb;  // key:-5
  EXPECT_TRUE(sorts_before("KEY", low, high));
}

TEST(ColumnSortKey, OrdersIdsAndPidsAsNumbers) {
  SegmentRecord a = sample(), b = sample();
  a.id = 9;
  b.id = 10;
  a.cpid = 99;
  b.cpid = 100;
  EXPECT_TRUE(sorts_before("ID", a, b));
  EXPECT_TRUE(sorts_before("CPID", a, b));
}

TEST(ColumnSortKey, OrdersOwnersByName) {
  SegmentRecord alice = sample(), bob = sample(), root = sample();
  alice.uid = 1000;
  bob.uid = 1001;
  root.uid = 0;
  EXPECT_TRUE(sorts_before("OWNER", alice, bob));
  EXPECT_TRUE(sorts_before("OWNER", bob, root));
}

TEST(ColumnSortKey, PutsNeverBeforeAnyTime) {
  SegmentRecord never = sample(), epoch = sample(), later = sample();
  epoch.atime = 0;
  later.atime = 1763806451;
  EXPECT_TRUE(sorts_before("ATIME", never, epoch));
  EXPECT_TRUE(sorts_before("ATIME", epoch, later));
}

TEST(ColumnSortKey, PutsUnknownUsageBeforeZero) {
  SegmentRecord unknown = sample(), zero = sample(), some = sample();
  zero.rss = 0;
  some.rss = 4096;
  EXPECT_TRUE(sorts_before("RSS", unknown, zero));
  EXPECT_TRUE(sorts_before("RSS", zero, some));
}

TEST(ColumnSortKey, OrdersSwapByValueWithUnknownFirst) {
  SegmentRecord unknown = sample(), small = sample(), large = sample();
  small.swap = 4096;
  large.swap = 1 << 20;
  EXPECT_TRUE(sorts_before("SWAP", unknown, small));
  EXPECT_TRUE(sorts_before("SWAP", small, large));
}

TEST(Columns, APosixObjectShowsDashWhereItsKindHasNoValue) {
  FakeNames names;
  CellContext context{names};
  PosixRecord p;
  p.name = "obj";
  p.size = 8192;
  p.allocated = 4096;
  p.uid = 1000;
  p.mode = 0640;
  const RowRef row(p);
  EXPECT_EQ(column("TYPE").text(row, context), "posix");
  EXPECT_EQ(column("NAME").text(row, context), "/obj");
  EXPECT_EQ(column("ALLOCATED").text(row, context), "4K");
  EXPECT_EQ(column("SIZE").text(row, context), "8K");
  EXPECT_EQ(column("OWNER").text(row, context), "alice");
  EXPECT_EQ(column("PERMS").text(row, context), "rw-r-----");
  for (const char* name :
       {"KEY", "ID", "CUSER", "CGROUP", "CPID", "LPID", "DTIME", "RSS", "SWAP", "NATTCH"}) {
    EXPECT_EQ(column(name).text(row, context), "-") << name;
  }
  EXPECT_EQ(column("STATUS").text(row, context), "");
  SegmentRecord s;
  s.key = 0x162e;
  EXPECT_EQ(column("NAME").text(RowRef(s), context), "0x0000162e");
  EXPECT_EQ(column("TYPE").text(RowRef(s), context), "sysv");
  EXPECT_EQ(column("ALLOCATED").text(RowRef(s), context), "-");
  EXPECT_EQ(column("MTIME").text(RowRef(s), context), "-");
}

TEST(DefaultColumns, DependOnTheTypesListed) {
  auto names_of = [](const std::vector<const Column*>& columns) {
    std::vector<std::string> names;
    for (const Column* c : columns)
      names.emplace_back(c->name);
    return names;
  };
  EXPECT_EQ(names_of(default_columns()), kSpecDefaults);
  EXPECT_EQ(
      names_of(default_columns(TypeSelection::posix)),
      (std::vector<std::string>{"NAME", "OWNER", "GROUP", "PERMS", "SIZE", "ALLOCATED", "MTIME"}));
  const auto all = names_of(default_columns(TypeSelection::all));
  EXPECT_EQ(all.at(0), "TYPE");
  EXPECT_EQ(all.at(1), "NAME");
  const auto plus = parse_column_list("+ALLOCATED", TypeSelection::posix);
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(plus->size(), 7U);  // already a default: not repeated
}

}  // namespace
}  // namespace shmtool
