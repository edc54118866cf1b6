// shmtool list: --json holds our segments; -o, --sort, --reverse, --raw, --bytes, --noheadings;
// and every filter. Other segments may exist and come and go: only ours are asserted on.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <ctime>
#include <sstream>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::vector<std::string> split_spaces(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const auto space = line.find(' ', start);
    fields.push_back(line.substr(start, space - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return fields;
}

// The --raw line whose ID field (at `id_column`) is `id`, split into fields.
std::optional<std::vector<std::string>> raw_row(const std::string& out, int id,
                                                std::size_t id_column) {
  for (const std::string& line : split_lines(out)) {
    const auto fields = split_spaces(line);
    if (fields.size() > id_column && fields[id_column] == std::to_string(id)) return fields;
  }
  return std::nullopt;
}

nlohmann::json list_json(std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"list", "--json"});
  const RunResult run = run_shmtool(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  return parse_json(run);
}

std::vector<int> ids_of(const nlohmann::json& list) {
  std::vector<int> ids;
  for (const auto& s : list["segments"])
    ids.push_back(s["id"].get<int>());
  return ids;
}

bool has(const std::vector<int>& ids, int id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(List, JsonContainsOurSegmentsWithTheirFields) {
  const std::uint32_t key = unique_key();
  SegmentGuard keyed(static_cast<key_t>(key), 3000, 0640);
  SegmentGuard private_one(IPC_PRIVATE, 100);
  const auto list = list_json();
  ASSERT_TRUE(list["segments"].is_array());
  const auto entry = find_segment(list, keyed.id());
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ((*entry)["key"], key);
  EXPECT_EQ((*entry)["size"], 3000);
  EXPECT_EQ((*entry)["mode"], 0640);
  EXPECT_EQ((*entry)["cpid"], getpid());
  // rss and swap cost a walk of /proc/sysvipc/shm: read only when -o asks for them.
  EXPECT_TRUE((*entry)["rss"].is_null());
  EXPECT_TRUE((*entry)["swap"].is_null());
  const RunResult with_usage = run_shmtool({"list", "--json", "-o", "+RSS,SWAP"});
  ASSERT_EQ(with_usage.exit_code, 0) << with_usage.err;
  const auto full_entry = find_segment(parse_json(with_usage), keyed.id());
  ASSERT_TRUE(full_entry.has_value());
  EXPECT_TRUE((*full_entry)["rss"].is_number());
  EXPECT_EQ(*full_entry, stat_json(keyed.id()));
  const auto other = find_segment(list, private_one.id());
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ((*other)["key"], 0);
}

TEST(List, RawIsOneLineASegmentSplitByOneSpaceWithSizesInBytes) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 4096);
  const RunResult run = run_shmtool({"list", "--raw"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = split_lines(run.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(split_spaces(lines[0]), (std::vector<std::string>{"KEY", "ID", "OWNER", "PERMS", "SIZE",
                                                              "NATTCH", "STATUS", "CPID", "LPID"}));
  for (const std::string& line : lines) {
    EXPECT_EQ(split_spaces(line).size(), 9U) << line;
    EXPECT_EQ(line.find("  "), std::string::npos) << line;
  }
  const auto row = raw_row(run.out, segment.id(), 1);
  ASSERT_TRUE(row.has_value()) << run.out;
  EXPECT_EQ((*row)[0], hex_key(key));
  EXPECT_EQ((*row)[2], "root");
  EXPECT_EQ((*row)[3], "rw-------");
  EXPECT_EQ((*row)[4], "4096");
  EXPECT_EQ((*row)[5], "0");
  EXPECT_EQ((*row)[7], std::to_string(getpid()));
}

TEST(List, TableSizesAreHumanUnlessBytes) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const RunResult human = run_shmtool({"list", "-o", "ID,SIZE"});
  const RunResult bytes = run_shmtool({"list", "-o", "ID,SIZE", "--bytes"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  ASSERT_EQ(bytes.exit_code, 0) << bytes.err;
  auto row_of = [&](const std::string& out) -> std::vector<std::string> {
    for (const std::string& line : split_lines(out)) {
      std::istringstream words(line);
      std::vector<std::string> fields;
      for (std::string w; words >> w;)
        fields.push_back(w);
      if (!fields.empty() && fields[0] == segment.id_arg()) return fields;
    }
    return {};
  };
  EXPECT_EQ(row_of(human.out), (std::vector<std::string>{segment.id_arg(), "4K"})) << human.out;
  EXPECT_EQ(row_of(bytes.out), (std::vector<std::string>{segment.id_arg(), "4096"})) << bytes.out;
}

TEST(List, NoheadingsLeavesOutTheHeadingLine) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  const RunResult with = run_shmtool({"list", "--raw"});
  const RunResult without = run_shmtool({"list", "--raw", "--noheadings"});
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(with.out.rfind("KEY ID ", 0), 0U);
  EXPECT_EQ(without.out.find("KEY"), std::string::npos) << without.out;
  EXPECT_TRUE(raw_row(without.out, segment.id(), 1).has_value());
}

TEST(List, OutputColumnsAreThoseNamed) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 100, 0640);
  const RunResult run =
      run_shmtool({"list", "--raw", "-o", "ID,SIZE,CUSER,CGROUP,GROUP,KEY,PERMS"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(split_lines(run.out)[0], "ID SIZE CUSER CGROUP GROUP KEY PERMS");
  const auto row = raw_row(run.out, segment.id(), 0);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(*row, (std::vector<std::string>{segment.id_arg(), "100", "root", "root", "root",
                                            hex_key(key), "rw-r-----"}));
}

TEST(List, PlusAddsColumnsToTheDefaults) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"list", "--raw", "-o", "+CTIME,RSS"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(split_lines(run.out)[0], "KEY ID OWNER PERMS SIZE NATTCH STATUS CPID LPID CTIME RSS");
  const auto row = raw_row(run.out, segment.id(), 1);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->size(), 11U);
}

TEST(List, TableTimesAreLocalIsoAndADashForNever) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  const auto stat = stat_json(segment.id());
  ASSERT_TRUE(stat["ctime"].is_number_integer());
  const auto ctime = static_cast<time_t>(stat["ctime"].get<std::int64_t>());
  struct tm parts {};
  ASSERT_NE(localtime_r(&ctime, &parts), nullptr);
  char date[16], clock[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &parts);
  std::strftime(clock, sizeof clock, "%H:%M:%S", &parts);
  const RunResult run = run_shmtool({"list", "-o", "ID,ATIME,DTIME,CTIME"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> row;
  for (const std::string& line : split_lines(run.out)) {
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string w; words >> w;)
      fields.push_back(w);
    if (!fields.empty() && fields[0] == segment.id_arg()) row = fields;
  }
  EXPECT_EQ(row, (std::vector<std::string>{segment.id_arg(), "-", "-", date, clock})) << run.out;
}

TEST(List, UnknownColumnIsAUsageError) {
  const RunResult run = run_shmtool({"list", "-o", "ID,NOSUCH"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("NOSUCH"), std::string::npos) << run.err;
}

TEST(List, SortOrdersTheJsonAndReverseTurnsItAround) {
  SegmentGuard small(IPC_PRIVATE, 1000);
  SegmentGuard big(IPC_PRIVATE, 3000);
  SegmentGuard middle(IPC_PRIVATE, 2000);
  for (const bool reverse : {false, true}) {
    std::vector<std::string> args{"--sort", "SIZE"};
    if (reverse) args.push_back("--reverse");
    const auto list = list_json(args);
    std::vector<std::uint64_t> sizes;
    std::vector<int> ours;
    for (const auto& s : list["segments"]) {
      sizes.push_back(s["size"].get<std::uint64_t>());
      const int id = s["id"].get<int>();
      if (id == small.id() || id == middle.id() || id == big.id()) ours.push_back(id);
    }
    if (reverse) {
      EXPECT_TRUE(std::is_sorted(sizes.rbegin(), sizes.rend()));
      EXPECT_EQ(ours, (std::vector<int>{big.id(), middle.id(), small.id()}));
    } else {
      EXPECT_TRUE(std::is_sorted(sizes.begin(), sizes.end()));
      EXPECT_EQ(ours, (std::vector<int>{small.id(), middle.id(), big.id()}));
    }
  }
}

TEST(List, SortAppliesToTheTableToo) {
  SegmentGuard small(IPC_PRIVATE, 1000);
  SegmentGuard big(IPC_PRIVATE, 3000);
  const RunResult run =
      run_shmtool({"list", "--raw", "--noheadings", "-o", "ID", "--sort", "size", "--reverse"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = split_lines(run.out);
  const auto big_at = std::find(lines.begin(), lines.end(), big.id_arg());
  const auto small_at = std::find(lines.begin(), lines.end(), small.id_arg());
  ASSERT_NE(big_at, lines.end());
  ASSERT_NE(small_at, lines.end());
  EXPECT_LT(big_at, small_at);
}

TEST(List, ReverseWithoutSortReversesTheDefaultOrder) {
  SegmentGuard first(IPC_PRIVATE, 100);
  SegmentGuard second(IPC_PRIVATE, 100);
  const auto forward = ids_of(list_json());
  const auto backward = ids_of(list_json({"--reverse"}));
  auto pos = [](const std::vector<int>& ids, int id) {
    return std::find(ids.begin(), ids.end(), id) - ids.begin();
  };
  EXPECT_EQ(pos(forward, first.id()) < pos(forward, second.id()),
            pos(backward, first.id()) > pos(backward, second.id()));
}

TEST(ListFilter, KeyShowsOnlyThatSegment) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 100);
  SegmentGuard other(IPC_PRIVATE, 100);
  for (const std::string& form : {key_arg(key), hex_key(key)}) {
    EXPECT_EQ(ids_of(list_json({"--key", form})), std::vector<int>{segment.id()}) << form;
  }
}

TEST(ListFilter, OwnerAndCreatorByNameAndUid) {
  SegmentGuard mine(IPC_PRIVATE, 100);
  SegmentGuard given(IPC_PRIVATE, 100);
  struct shmid_ds ds {};
  ASSERT_EQ(shmctl(given.id(), IPC_STAT, &ds), 0);
  ds.shm_perm.uid = 65534;
  ASSERT_EQ(shmctl(given.id(), IPC_SET, &ds), 0);

  const auto by_nobody = ids_of(list_json({"--owner", "nobody"}));
  EXPECT_TRUE(has(by_nobody, given.id()));
  EXPECT_FALSE(has(by_nobody, mine.id()));
  const auto by_uid = ids_of(list_json({"--owner", "65534"}));
  EXPECT_TRUE(has(by_uid, given.id()));
  const auto by_root = ids_of(list_json({"--owner", "root"}));
  EXPECT_TRUE(has(by_root, mine.id()));
  EXPECT_FALSE(has(by_root, given.id()));

  const auto created_by_root = ids_of(list_json({"--creator", "root"}));
  EXPECT_TRUE(has(created_by_root, given.id()));
  EXPECT_TRUE(has(created_by_root, mine.id()));
  const auto created_by_0 = ids_of(list_json({"--creator", "0"}));
  EXPECT_TRUE(has(created_by_0, given.id()));
  const auto created_by_nobody = ids_of(list_json({"--creator", "nobody"}));
  EXPECT_FALSE(has(created_by_nobody, given.id()));
  EXPECT_FALSE(has(created_by_nobody, mine.id()));
}

TEST(ListFilter, OrphanedLeavesOutAttachedSegments) {
  SegmentGuard attached_one(IPC_PRIVATE, 100);
  SegmentGuard orphan(IPC_PRIVATE, 100);
  Attached attach(attached_one.id());
  const auto ids = ids_of(list_json({"--orphaned"}));
  EXPECT_TRUE(has(ids, orphan.id()));
  EXPECT_FALSE(has(ids, attached_one.id()));
  const auto orphans = list_json({"--orphaned"});  // kept alive while iterated
  for (const auto& segment : orphans["segments"])
    EXPECT_EQ(segment["nattch"], 0);
}

TEST(ListFilter, DestShowsOnlySegmentsMarkedForRemoval) {
  SegmentGuard marked(IPC_PRIVATE, 100);
  SegmentGuard live(IPC_PRIVATE, 100);
  Attached attach(marked.id());
  ASSERT_EQ(shmctl(marked.id(), IPC_RMID, nullptr), 0);
  const auto list = list_json({"--dest"});
  const auto ids = ids_of(list);
  EXPECT_TRUE(has(ids, marked.id()));
  EXPECT_FALSE(has(ids, live.id()));
  for (const auto& s : list["segments"])
    EXPECT_EQ(s["dest"], true);
  const RunResult raw = run_shmtool({"list", "--raw", "--dest", "-o", "ID,STATUS"});
  const auto row = raw_row(raw.out, marked.id(), 0);
  ASSERT_TRUE(row.has_value()) << raw.out;
  EXPECT_EQ((*row)[1], "dest");
}

TEST(ListFilter, MinSizeTakesSuffixes) {
  SegmentGuard small(IPC_PRIVATE, 1000);
  SegmentGuard big(IPC_PRIVATE, 1 << 20);
  const auto ids = ids_of(list_json({"--min-size", "1M"}));
  EXPECT_TRUE(has(ids, big.id()));
  EXPECT_FALSE(has(ids, small.id()));
  const auto exact = ids_of(list_json({"--min-size", "1000"}));
  EXPECT_TRUE(has(exact, small.id()));
  const auto above = ids_of(list_json({"--min-size", "1001"}));
  EXPECT_FALSE(has(above, small.id()));
}

TEST(ListFilter, FiltersCombine) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 2000);
  EXPECT_EQ(ids_of(list_json(
                {"--key", key_arg(key), "--min-size", "2000", "--orphaned", "--owner", "root"})),
            std::vector<int>{segment.id()});
  EXPECT_TRUE(ids_of(list_json({"--key", key_arg(key), "--min-size", "2001"})).empty());
  EXPECT_TRUE(ids_of(list_json({"--key", key_arg(key), "--dest"})).empty());
}

}  // namespace
}  // namespace shmtool::test
