// Tests that see every segment: each runs in a private IPC namespace of its own (ctest starts
// this suite under `unshare --ipc`, see functional.cmake), so counts are exact and `rm --all`
// can only reach segments the test made.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

std::vector<int> sorted(std::vector<int> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<int> listed_ids(std::vector<std::string> filters = {}) {
  filters.insert(filters.begin(), {"list", "--json"});
  const RunResult run = run_shmtool(filters);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::vector<int> ids;
  const auto j = parse_json(run);
  if (!j.is_object()) return ids;
  for (const auto& s : j["segments"])
    ids.push_back(s["id"].get<int>());
  return sorted(ids);
}

std::vector<int> proc_ids() {
  std::vector<int> ids;
  for (const auto& [id, line] : read_proc_shm())
    ids.push_back(id);
  return sorted(ids);
}

class PrivateNamespace : public ::testing::Test {
 protected:
  void SetUp() override {
    // rm --all must never reach segments of others: refuse unless this process has an IPC
    // namespace of its own (`unshare --ipc` gave it a new one, its parent keeps the old one)
    // and nothing else lives in it.
    ASSERT_TRUE(in_private_empty_ipc_namespace());
  }
};

TEST_F(PrivateNamespace, ListOfAnEmptyNamespaceIsEmpty) {
  const RunResult json = run_shmtool({"list", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(parse_json(json), nlohmann::json::parse(R"({"segments": []})"));
  const RunResult raw = run_shmtool({"list", "--raw", "--noheadings"});
  EXPECT_EQ(raw.exit_code, 0);
  EXPECT_EQ(raw.out, "");
}

TEST_F(PrivateNamespace, ListShowsExactlyTheSegmentsMadeHere) {
  const std::uint32_t key = unique_key();
  SegmentGuard keyed(static_cast<key_t>(key), 100);
  SegmentGuard private_one(IPC_PRIVATE, 200);
  const RunResult made = run_shmtool({"create", "--size", "300"});
  SegmentGuard by_binary = SegmentGuard::adopt(parse_id(made.out));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::vector<int> ours = sorted({keyed.id(), private_one.id(), by_binary.id()});
  EXPECT_EQ(listed_ids(), ours);
  EXPECT_EQ(proc_ids(), ours);
  const RunResult raw = run_shmtool({"list", "--raw", "--noheadings"});
  EXPECT_EQ(count_lines(raw.out), 3) << raw.out;
  const RunResult table = run_shmtool({"list"});
  EXPECT_EQ(count_lines(table.out), 4) << table.out;
}

TEST_F(PrivateNamespace, RmAllRemovesEverySegmentAndMarksAttachedOnes) {
  SegmentGuard a(IPC_PRIVATE, 100);
  SegmentGuard b(static_cast<key_t>(unique_key()), 100);
  SegmentGuard attached_one(IPC_PRIVATE, 100);
  {
    Attached attach(attached_one.id());
    const RunResult run = run_shmtool({"rm", "--all"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(count_lines(run.out), 3) << run.out;
    EXPECT_NE(run.out.find("marked id " + attached_one.id_arg() +
                           " for removal: 1 process still attached"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("removed id " + a.id_arg()), std::string::npos) << run.out;
    EXPECT_EQ(listed_ids(), std::vector<int>{attached_one.id()});
    EXPECT_EQ(listed_ids({"--dest"}), std::vector<int>{attached_one.id()});
  }
  EXPECT_TRUE(listed_ids().empty());
}

TEST_F(PrivateNamespace, RmAllDryRunRemovesNothing) {
  SegmentGuard a(IPC_PRIVATE, 100);
  SegmentGuard b(IPC_PRIVATE, 2000);
  SegmentGuard attached_one(IPC_PRIVATE, 100);
  Attached attach(attached_one.id());
  const RunResult run = run_shmtool({"rm", "--all", "--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(count_lines(run.out), 3) << run.out;
  EXPECT_EQ(listed_ids(), sorted({a.id(), b.id(), attached_one.id()}));
  EXPECT_TRUE(listed_ids({"--dest"}).empty());
  const RunResult filtered = run_shmtool({"rm", "--all", "--dry-run", "--min-size", "1K"});
  EXPECT_EQ(count_lines(filtered.out), 1) << filtered.out;
  EXPECT_NE(filtered.out.find("id " + b.id_arg()), std::string::npos) << filtered.out;
  EXPECT_EQ(listed_ids().size(), 3U);
}

TEST_F(PrivateNamespace, RmAllDryRunJsonListsWhatWouldGo) {
  SegmentGuard a(IPC_PRIVATE, 100);
  SegmentGuard b(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"rm", "--all", "--dry-run", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  std::vector<int> would;
  for (const auto& s : j["removed"])
    would.push_back(s["id"].get<int>());
  EXPECT_EQ(sorted(would), sorted({a.id(), b.id()}));
  EXPECT_EQ(listed_ids(), sorted({a.id(), b.id()}));
}

TEST_F(PrivateNamespace, RmAllWithMinSizeRemovesOnlyTheLargeOnes) {
  SegmentGuard small(IPC_PRIVATE, 1000);
  SegmentGuard large(IPC_PRIVATE, 1 << 20);
  SegmentGuard larger(IPC_PRIVATE, 2 << 20);
  const RunResult run = run_shmtool({"rm", "--all", "--min-size", "1M"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(listed_ids(), std::vector<int>{small.id()});
}

TEST_F(PrivateNamespace, RmAllWithKeyRemovesOnlyThatSegment) {
  const std::uint32_t key = unique_key();
  SegmentGuard keyed(static_cast<key_t>(key), 100);
  SegmentGuard other(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"rm", "--all", "--key", hex_key(key)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed id " + keyed.id_arg() + " (key " + hex_key(key) + ")\n");
  EXPECT_EQ(listed_ids(), std::vector<int>{other.id()});
}

TEST_F(PrivateNamespace, RmAllWithOwnerAndCreator) {
  SegmentGuard roots(IPC_PRIVATE, 100);
  SegmentGuard given(IPC_PRIVATE, 100);
  ASSERT_EQ(run_shmtool({"chown", "nobody", given.id_arg()}).exit_code, 0);
  const RunResult none = run_shmtool({"rm", "--all", "--creator", "nobody"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(listed_ids().size(), 2U);
  const RunResult run = run_shmtool({"rm", "--all", "--owner", "nobody"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(listed_ids(), std::vector<int>{roots.id()});
}

TEST_F(PrivateNamespace, RmAllOrphanedSparesAttachedSegments) {
  SegmentGuard orphan(IPC_PRIVATE, 100);
  SegmentGuard attached_one(IPC_PRIVATE, 100);
  Attached attach(attached_one.id());
  const RunResult run = run_shmtool({"rm", "--all", "--orphaned"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(listed_ids(), std::vector<int>{attached_one.id()});
  EXPECT_EQ(stat_json(attached_one.id())["dest"], false);
}

TEST_F(PrivateNamespace, RmAllDestTouchesOnlyMarkedSegments) {
  SegmentGuard live(IPC_PRIVATE, 100);
  SegmentGuard marked(IPC_PRIVATE, 100);
  Attached attach(marked.id());
  ASSERT_EQ(shmctl(marked.id(), IPC_RMID, nullptr), 0);
  const RunResult run = run_shmtool({"rm", "--all", "--dest", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  ASSERT_EQ(j["removed"].size(), 1U);
  EXPECT_EQ(j["removed"][0]["id"], marked.id());
  EXPECT_TRUE(segment_exists(live.id()));
}

TEST_F(PrivateNamespace, RmAllJsonListsTheRemoved) {
  SegmentGuard a(IPC_PRIVATE, 100);
  SegmentGuard b(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"rm", "--all", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  std::vector<int> removed;
  for (const auto& s : j["removed"])
    removed.push_back(s["id"].get<int>());
  EXPECT_EQ(sorted(removed), sorted({a.id(), b.id()}));
  EXPECT_EQ(j["failed"], nlohmann::json::array());
  EXPECT_TRUE(listed_ids().empty());
}

TEST_F(PrivateNamespace, RmAllInAnEmptyNamespaceSucceedsQuietly) {
  const RunResult run = run_shmtool({"rm", "--all"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "");
}

TEST_F(PrivateNamespace, RmAllAsNobodyRemovesWhatItMayAndPassesOverTheRest) {
  SegmentGuard roots_a(IPC_PRIVATE, 100);
  SegmentGuard roots_b(IPC_PRIVATE, 100);
  SegmentGuard nobodys(IPC_PRIVATE, 100);
  ASSERT_EQ(run_shmtool({"chown", "nobody", nobodys.id_arg()}).exit_code, 0);
  // The dry run names exactly what the real run removes.
  const RunResult dry = run_shmtool({"rm", "--all", "--dry-run"}, as_nobody());
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "would remove id " + nobodys.id_arg() + " (private)\n");
  EXPECT_EQ(dry.err, "");
  const RunResult run = run_shmtool({"rm", "--all"}, as_nobody());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed id " + nobodys.id_arg() + " (private)\n");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(listed_ids(), sorted({roots_a.id(), roots_b.id()}));
}

TEST_F(PrivateNamespace, RmAllAsNobodyRemovesWhatItCreatedThoughRootOwnsIt) {
  // The creator may remove a segment it gave away.
  const RunResult made = run_shmtool({"create", "--size", "100"}, as_nobody());
  ASSERT_EQ(made.exit_code, 0) << made.err;
  SegmentGuard created = SegmentGuard::adopt(std::stoi(made.out));
  ASSERT_EQ(run_shmtool({"chown", "root", created.id_arg()}).exit_code, 0);
  SegmentGuard roots(IPC_PRIVATE, 100);
  const RunResult run = run_shmtool({"rm", "--all"}, as_nobody());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed id " + created.id_arg() + " (private)\n");
  EXPECT_EQ(listed_ids(), sorted({roots.id()}));
}

TEST_F(PrivateNamespace, AnApplicationsSetAtItsSegmentsOwnKeyIsNeverTakenForTheLock) {
  // The first segment of a fresh namespace has id 0, whose lock key 0xffffffff - 0 is the key
  // 0xffffffff itself: an application using that key for its segment and its semaphore set
  // keeps its set through lock, stat and rm.
  SegmentGuard segment(static_cast<key_t>(0xffffffffU), 100);
  if (segment.id() != 0) {
    // Ids only start at 0 in a namespace nothing has used yet; ctest gives each test one.
    GTEST_SKIP() << "needs a fresh IPC namespace (ctest runs each test in its own)";
  }
  const int semid = semget(static_cast<key_t>(0xffffffffU), 1, IPC_CREAT | IPC_EXCL | 0600);
  ASSERT_GE(semid, 0) << std::strerror(errno);
  struct SetGuard {
    int semid;
    ~SetGuard() { semctl(semid, 0, IPC_RMID); }
  } set_guard{semid};

  EXPECT_EQ(run_shmtool({"lock", "key:-1", "--", "true"}).exit_code, 1);
  const RunResult stat = run_shmtool({"stat", "key:-1"});
  EXPECT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_NE(stat.out.find("lock:    none (key 0xffffffff holds another program's semaphore set)"),
            std::string::npos)
      << stat.out;
  const RunResult rm = run_shmtool({"rm", "key:-1"});
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(rm.err, "");
  EXPECT_EQ(semctl(semid, 0, GETVAL), 0) << "the application's set is still there";
}

TEST_F(PrivateNamespace, RmAllWithSegmentsOrFiltersWithoutAllAreUsageErrors) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  EXPECT_EQ(run_shmtool({"rm", "--all", segment.id_arg()}).exit_code, 2);
  EXPECT_EQ(run_shmtool({"rm", segment.id_arg(), "--orphaned"}).exit_code, 2);
  EXPECT_EQ(run_shmtool({"rm", "--all", "--min-size", "0x"}).exit_code, 2);
  EXPECT_EQ(listed_ids(), std::vector<int>{segment.id()});
}

}  // namespace
}  // namespace shmtool::test
