#include "render/render_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_names.hpp"
#include "scoped_time_zone.hpp"

namespace shmtool {
namespace {

using test::FakeNames;
using test::ScopedTimeZone;

std::vector<const Column*> columns_named(std::initializer_list<std::string_view> names) {
  std::vector<const Column*> out;
  for (std::string_view name : names) {
    const Column* c = find_column(name);
    if (c == nullptr) throw std::runtime_error("no column " + std::string(name));
    out.push_back(c);
  }
  return out;
}

std::vector<SegmentRecord> two_segments() {
  SegmentRecord a;
  a.id = 32773;
  a.key = 0x162e;
  a.size = 1536;
  a.mode = 0640;
  a.uid = 1000;
  SegmentRecord b;
  b.id = 5;
  b.key = 0;
  b.size = 1048576;
  b.mode = 0600;
  b.uid = 4000;  // has no name
  b.dest = true;
  return {a, b};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

TEST(RenderTable, AlignsColumnsUnderTheirHeadings) {
  FakeNames names;
  const auto segments = two_segments();
  const auto columns = columns_named({"KEY", "ID", "OWNER", "SIZE", "PERMS"});
  const std::string table = render_table(segments, columns, names, TableOptions{});
  EXPECT_EQ(table,
            "KEY           ID OWNER SIZE PERMS\n"
            "0x0000162e 32773 alice 1.5K rw-r-----\n"
            "0x00000000     5 4000    1M rw-------\n");
}

TEST(RenderTable, EndsEveryLineWithANewlineAndNoTrailingSpaces) {
  FakeNames names;
  const auto segments = two_segments();
  const auto columns = columns_named({"KEY", "ID", "OWNER", "STATUS"});
  const std::string table = render_table(segments, columns, names, TableOptions{});
  ASSERT_FALSE(table.empty());
  EXPECT_EQ(table.back(), '\n');
  for (const std::string& line : lines_of(table)) {
    ASSERT_FALSE(line.empty());
    EXPECT_NE(line.back(), ' ') << "'" << line << "'";
  }
  EXPECT_EQ(lines_of(table).at(2), "0x00000000     5 4000  dest");
}

TEST(RenderTable, LeavesOutTheHeadingsWhenAsked) {
  FakeNames names;
  const auto segments = two_segments();
  const auto columns = columns_named({"ID", "OWNER"});
  TableOptions options;
  options.headings = Headings::hide;
  EXPECT_EQ(render_table(segments, columns, names, options),
            "32773 alice\n"
            "    5 4000\n");
}

TEST(RenderTable, WritesSizesInBytesWhenAsked) {
  FakeNames names;
  const auto segments = two_segments();
  const auto columns = columns_named({"ID", "SIZE"});
  TableOptions options;
  options.sizes = SizeStyle::bytes;
  EXPECT_EQ(render_table(segments, columns, names, options),
            "   ID    SIZE\n"
            "32773    1536\n"
            "    5 1048576\n");
}

TEST(RenderTable, WritesOnlyTheHeadingsWhenThereAreNoSegments) {
  FakeNames names;
  const auto columns = columns_named({"KEY", "ID"});
  EXPECT_EQ(render_table({}, columns, names, TableOptions{}), "KEY ID\n");
  TableOptions hidden;
  hidden.headings = Headings::hide;
  EXPECT_EQ(render_table({}, columns, names, hidden), "");
}

TEST(RenderTable, RawLayoutSplitsFieldsByOneSpaceWithBytesAndDashes) {
  FakeNames names;
  const auto segments = two_segments();
  const auto columns = columns_named({"KEY", "ID", "OWNER", "SIZE", "STATUS", "ATIME", "RSS"});
  TableOptions options;
  options.layout = Layout::raw;
  options.sizes = SizeStyle::human;  // raw sizes are bytes whatever is asked
  EXPECT_EQ(render_table(segments, columns, names, options),
            "KEY ID OWNER SIZE STATUS ATIME RSS\n"
            "0x0000162e 32773 alice 1536 - - -\n"
            "0x00000000 5 4000 1048576 dest - -\n");
}

TEST(RenderTable, RawLayoutKeepsEachTimeInOneField) {
  ScopedTimeZone utc("UTC0");
  FakeNames names;
  auto segments = two_segments();
  segments[0].atime = 1763806451;
  segments[0].rss = 4096;
  const auto columns = columns_named({"ID", "ATIME", "RSS"});
  TableOptions options;
  options.layout = Layout::raw;
  options.headings = Headings::hide;
  const auto lines = lines_of(render_table(segments, columns, names, options));
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0], "32773 2025-11-22T10:14:11 4096");
  EXPECT_EQ(lines[1], "5 - -");
}

SegmentRecord full_record() {
  SegmentRecord s;
  s.id = 32773;
  s.key = 5678;
  s.size = 1024;
  s.mode = 0640;
  s.uid = 1000;
  s.gid = 100;
  s.cuid = 0;
  s.cgid = 4001;  // no name
  s.cpid = 4702;
  s.lpid = 4711;
  s.nattch = 3;
  s.atime = 1763806451;
  s.ctime = 1763806400;
  s.dest = true;
  s.locked = true;
  s.rss = 4096;
  return s;
}

// Splits stat's lines into field -> value, checking that every value starts in the same column.
std::map<std::string, std::string> stat_fields(const std::string& text) {
  std::map<std::string, std::string> fields;
  std::set<std::size_t> value_columns;
  for (const std::string& line : lines_of(text)) {
    const auto colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << line;
    if (colon == std::string::npos) continue;
    const auto value = line.find_first_not_of(' ', colon + 1);
    EXPECT_GT(value, colon + 1) << "no space after the colon: " << line;
    if (value == std::string::npos) continue;
    value_columns.insert(value);
    EXPECT_TRUE(fields.emplace(line.substr(0, colon), line.substr(value)).second)
        << "repeated field: " << line;
  }
  EXPECT_EQ(value_columns.size(), 1U) << "values are not aligned:\n" << text;
  return fields;
}

TEST(RenderStat, HasEveryFieldOnceAndAligned) {
  FakeNames names;
  const auto fields = stat_fields(render_stat(full_record(), names));
  std::set<std::string> keys;
  for (const auto& [key, value] : fields)
    keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "key", "size", "perms", "owner", "group", "cuser",
                                         "cgroup", "cpid", "lpid", "nattch", "status", "atime",
                                         "dtime", "ctime", "rss", "swap"}));
}

TEST(RenderStat, ShowsRawAndReadableValues) {
  ScopedTimeZone utc("UTC0");
  FakeNames names;
  const auto fields = stat_fields(render_stat(full_record(), names));
  EXPECT_EQ(fields.at("id"), "32773");
  EXPECT_EQ(fields.at("key"), "0x0000162e (5678)");
  EXPECT_EQ(fields.at("size"), "1024 (1K)");
  EXPECT_EQ(fields.at("perms"), "rw-r----- (0640)");
  EXPECT_EQ(fields.at("owner"), "alice (uid 1000)");
  EXPECT_EQ(fields.at("group"), "users (gid 100)");
  EXPECT_EQ(fields.at("cuser"), "root (uid 0)");
  EXPECT_EQ(fields.at("cpid"), "4702");
  EXPECT_EQ(fields.at("lpid"), "4711");
  EXPECT_EQ(fields.at("nattch"), "3");
  EXPECT_EQ(fields.at("status"), "dest,locked");
  EXPECT_EQ(fields.at("atime"), "2025-11-22 10:14:11 (1763806451)");
  EXPECT_EQ(fields.at("ctime"), "2025-11-22 10:13:20 (1763806400)");
  EXPECT_EQ(fields.at("rss"), "4096 (4K)");
}

TEST(RenderStat, SaysWhatIsUnknownOrNever) {
  FakeNames names;
  const auto fields = stat_fields(render_stat(full_record(), names));
  EXPECT_EQ(fields.at("dtime"), "never");
  EXPECT_EQ(fields.at("swap"), "unknown");
  EXPECT_NE(fields.at("cgroup").find("4001"), std::string::npos) << fields.at("cgroup");
  EXPECT_EQ(fields.at("cgroup").find("root"), std::string::npos) << fields.at("cgroup");
}

TEST(RenderStat, MarksAPrivateKeyAndAnEmptyStatus) {
  FakeNames names;
  SegmentRecord s = full_record();
  s.key = 0;
  s.dest = false;
  s.locked = false;
  const auto fields = stat_fields(render_stat(s, names));
  EXPECT_EQ(fields.at("key"), "0x00000000 (0, private)");
  EXPECT_EQ(fields.at("status"), "-");
}

TEST(RenderStat, AMarkedSegmentsKeyIsUnknownNotPrivate) {
  FakeNames names;
  SegmentRecord s = full_record();
  s.key = 0;  // what the kernel reports once a segment is marked
  s.dest = true;
  const auto fields = stat_fields(render_stat(s, names));
  EXPECT_EQ(fields.at("key"),
            "0x00000000 (unknown: the kernel drops the key of a segment marked for removal)");
  EXPECT_EQ(fields.at("key").find("private"), std::string::npos);
}

TEST(RenderStat, MoreFieldsOfAnyLengthFollowAligned) {
  FakeNames names;
  const LabelledValue more[] = {{"lock", "free"}, {"a_rather_long_field", "value"}};
  const std::string text = render_stat(full_record(), names, more);
  const auto fields = stat_fields(text);  // checks the alignment
  EXPECT_EQ(fields.at("lock"), "free");
  EXPECT_EQ(fields.at("a_rather_long_field"), "value");
}

TEST(RenderStat, NamesWithControlCharactersAreEscaped) {
  FakeNames names;
  names.users[1000] = "ev\x1b[31mil\nname";
  const std::string text = render_stat(full_record(), names);
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("owner:   ev\\e[31mil\\nname (uid 1000)"), std::string::npos) << text;
}

TEST(FormatLabelledLines, LabelsLongerThanTheMinimumWidthArePaddedSafely) {
  const LabelledValue lines[] = {{"ID", "the id"}, {"ALLOCATED_AND_MORE", "bytes"}};
  EXPECT_EQ(format_labelled_lines(lines, LabelLayout{"  ", "", 8, 2}),
            "  ID                  the id\n"
            "  ALLOCATED_AND_MORE  bytes\n");
  const LabelledValue short_lines[] = {{"ID", "x"}};
  EXPECT_EQ(format_labelled_lines(short_lines, LabelLayout{"  ", "", 8, 2}), "  ID      x\n");
}

}  // namespace
}  // namespace shmtool

namespace shmtool {
namespace {

TEST(WriteTable, SendsALargeTableInBoundedPiecesOfWholeLines) {
  test::FakeNames names;
  std::vector<SegmentRecord> segments(5000);
  for (int i = 0; i < 5000; ++i) {
    segments[static_cast<std::size_t>(i)].id = i;
    segments[static_cast<std::size_t>(i)].size = 4096;
  }
  const auto columns = default_columns();
  std::vector<std::string> pieces;
  write_table(segments, columns, names, TableOptions{},
              [&](std::string_view piece) { pieces.emplace_back(piece); });
  ASSERT_GT(pieces.size(), 2U);
  std::string joined;
  for (const std::string& piece : pieces) {
    EXPECT_LE(piece.size(), (1U << 16) + 4096);
    EXPECT_TRUE(piece.ends_with('\n')) << "pieces end at a line's end";
    joined += piece;
  }
  EXPECT_EQ(joined, render_table(segments, columns, names, TableOptions{}));
  EXPECT_EQ(std::count(joined.begin(), joined.end(), '\n'), 5001);
}

}  // namespace
}  // namespace shmtool

namespace shmtool {
namespace {

TEST(TableBuilder, ClearDropsTheRowsAndTheirWidthsButKeepsTheHeadings) {
  test::FakeNames names;
  names.users[1002] = "a-very-long-user-name";
  const auto columns = columns_named({"ID", "OWNER", "SIZE"});
  SegmentRecord wide;
  wide.id = 1234567;
  wide.uid = 1002;
  wide.size = 1;
  const auto kept = two_segments();
  for (Layout layout : {Layout::aligned, Layout::raw}) {
    for (Headings headings : {Headings::show, Headings::hide}) {
      TableOptions options;
      options.layout = layout;
      options.headings = headings;
      TableBuilder builder(columns, names, options);
      builder.reserve(3);
      builder.add(wide);
      builder.add(kept[0]);
      builder.clear();
      for (const SegmentRecord& segment : kept)
        builder.add(segment);
      std::string written;
      builder.write([&written](std::string_view piece) { written += piece; });
      EXPECT_EQ(written, render_table(kept, columns, names, options));
      EXPECT_EQ(written.find("a-very-long"), std::string::npos);
      EXPECT_EQ(written.find("      "), std::string::npos) << "no width left from the wide row";
    }
  }
}

TEST(TableBuilder, ShowsANulInACellEscapedWithoutShiftingTheColumns) {
  // Cells are kept as C strings; a name with a NUL (never from NSS) is escaped like any control.
  test::FakeNames names;
  names.users[1000] = std::string("ali\0ce", 6);
  const auto columns = columns_named({"OWNER", "ID"});
  const auto segments = two_segments();
  const std::string table = render_table(segments, columns, names, TableOptions{});
  EXPECT_EQ(table,
            "OWNER        ID\n"
            "ali\\x00ce 32773\n"
            "4000          5\n");
}

TEST(TableBuilder, AlignsNamesByTheColumnsTheyTakeNotTheirBytes) {
  test::FakeNames names;
  names.users[1000] = "jos\xc3\xa9";             // 4 columns, 5 bytes
  names.groups[0] = "\xe6\x97\xa5\xe6\x9c\xac";  // 4 columns, 6 bytes
  const auto columns = columns_named({"OWNER", "GROUP", "ID"});
  const auto segments = two_segments();
  EXPECT_EQ(render_table(segments, columns, names, TableOptions{}),
            "OWNER GROUP    ID\n"
            "jos\xc3\xa9  \xe6\x97\xa5\xe6\x9c\xac  32773\n"
            "4000  \xe6\x97\xa5\xe6\x9c\xac      5\n");
}

TEST(TableBuilder, EscapesControlCharactersInCellsAndSpacesInRawLines) {
  test::FakeNames names;
  names.users[1000] = "a b\x1b[2J\nx";
  const auto columns = columns_named({"OWNER", "ID"});
  const auto segments = two_segments();
  const std::string table = render_table(segments, columns, names, TableOptions{});
  EXPECT_EQ(table.find('\x1b'), std::string::npos) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 3) << table;
  EXPECT_NE(table.find("a b\\e[2J\\nx"), std::string::npos) << table;
  TableOptions raw;
  raw.layout = Layout::raw;
  raw.headings = Headings::hide;
  EXPECT_EQ(render_table(segments, columns, names, raw),
            "a\\x20b\\e[2J\\nx 32773\n"
            "4000 5\n");
}

}  // namespace
}  // namespace shmtool
