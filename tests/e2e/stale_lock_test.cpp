// Locks whose segment is gone (removed by ipcrm or a program's IPC_RMID, not by shmtool rm):
// rm --stale-locks removes them, stat of the gone id points at them, and only a set that
// proves itself shmtool's (two semaphores, the second holding the marker) is ever removed.
// Each test runs in a private IPC namespace of its own (ctest starts this suite under
// `unshare --ipc`, see functional.cmake): rm --stale-locks looks at every semaphore set, and
// here it can only reach the sets the test made.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

constexpr unsigned short kMarker = 0x5348;

// semctl's fourth argument, which the caller must declare (semctl(2)).
union SemArgument {
  int val;
  struct semid_ds* buf;
  unsigned short* array;
};

key_t lock_key(int id) {
  return static_cast<key_t>(0xffffffffU - static_cast<std::uint32_t>(id));
}

std::uint32_t lock_key_value(int id) {
  return static_cast<std::uint32_t>(lock_key(id));
}

// The semids of every semaphore set in this IPC namespace (/proc/sysvipc/sem).
std::vector<int> semaphore_sets() {
  std::ifstream in("/proc/sysvipc/sem");
  std::string line;
  std::getline(in, line);  // the heading
  std::vector<int> ids;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    long long key = 0;
    int semid = -1;
    if (fields >> key >> semid) ids.push_back(semid);
  }
  return ids;
}

// Whether the set `semid` still exists.
bool set_exists(int semid) {
  struct semid_ds ds {};
  SemArgument arg{};
  arg.buf = &ds;
  return semctl(semid, 0, IPC_STAT, arg) == 0;
}

// The values of the set `semid` (empty when it cannot be read).
std::vector<unsigned short> set_values(int semid) {
  struct semid_ds ds {};
  SemArgument arg{};
  arg.buf = &ds;
  if (semctl(semid, 0, IPC_STAT, arg) != 0) return {};
  std::vector<unsigned short> values(ds.sem_nsems);
  arg.array = values.data();
  if (semctl(semid, 0, GETALL, arg) != 0) return {};
  return values;
}

// A semaphore set this test made itself, with the given values; IPC_RMID on destruction.
class SetGuard {
 public:
  SetGuard(key_t key, std::vector<unsigned short> values, int mode = 0600)
      : semid_(semget(key, static_cast<int>(values.size()), IPC_CREAT | IPC_EXCL | mode)) {
    if (semid_ < 0) throw std::runtime_error(std::string("semget: ") + std::strerror(errno));
    SemArgument arg{};
    arg.array = values.data();
    if (semctl(semid_, 0, SETALL, arg) != 0) {
      semctl(semid_, 0, IPC_RMID);
      throw std::runtime_error(std::string("SETALL: ") + std::strerror(errno));
    }
  }
  SetGuard(const SetGuard&) = delete;
  SetGuard& operator=(const SetGuard&) = delete;
  ~SetGuard() { semctl(semid_, 0, IPC_RMID); }
  int semid() const { return semid_; }

 private:
  int semid_;
};

// Whatever set is at the lock key of segment `id` when the test ends is removed: the locks the
// commands make.
class LockKeyGuard {
 public:
  explicit LockKeyGuard(int id) : id_(id) {}
  LockKeyGuard(const LockKeyGuard&) = delete;
  LockKeyGuard& operator=(const LockKeyGuard&) = delete;
  ~LockKeyGuard() {
    const int semid = semget(lock_key(id_), 0, 0);
    if (semid >= 0) semctl(semid, 0, IPC_RMID);
  }

 private:
  int id_;
};

class StaleLocks : public ::testing::Test {
 protected:
  void SetUp() override {
    // rm --stale-locks looks at every semaphore set: refuse unless this process has an IPC
    // namespace of its own with nothing in it.
    ASSERT_TRUE(in_private_empty_ipc_namespace());
    ASSERT_TRUE(semaphore_sets().empty()) << "the IPC namespace has semaphore sets";
  }
};

// A segment whose lock shmtool made, then removed with IPC_RMID behind shmtool's back. The
// segment guard removes nothing (the segment is gone); the lock key guard removes the lock if
// the test leaves it.
struct Orphan {
  explicit Orphan(int mode = 0600)
      : segment(IPC_PRIVATE, 4096, mode), id(segment.id()), lock_guard(id) {
    const RunResult locked = run_shmtool({"lock", segment.id_arg(), "--", "true"});
    if (locked.exit_code != 0) throw std::runtime_error("lock: " + locked.err);
    semid = semget(lock_key(id), 0, 0);
    if (semid < 0) throw std::runtime_error("no lock was made");
    if (shmctl(id, IPC_RMID, nullptr) != 0) throw std::runtime_error("IPC_RMID");
  }

  std::string line(const std::string& verb, bool held = false) const {
    return verb + " stale lock of id " + std::to_string(id) + " (key " +
           hex_key(lock_key_value(id)) + ", semid " + std::to_string(semid) +
           (held ? ", still held" : "") + ")\n";
  }

  SegmentGuard segment;
  int id;
  LockKeyGuard lock_guard;
  int semid = -1;
};

TEST_F(StaleLocks, NewLocksHaveTwoSemaphoresTheSecondHoldingTheMarker) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockKeyGuard guard(segment.id());
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  const int semid = semget(lock_key(segment.id()), 0, 0);
  ASSERT_GE(semid, 0);
  EXPECT_EQ(set_values(semid), (std::vector<unsigned short>{1, kMarker}));
  EXPECT_GE(semget(lock_key(segment.id()), 1, 0), 0)
      << "a C program asking for one semaphore opens it";
}

TEST_F(StaleLocks, DryRunListsTheLockOfASegmentRemovedWithIpcRmidAndRmRemovesIt) {
  Orphan orphan;
  const RunResult listed = run_shmtool({"rm", "--stale-locks", "--dry-run"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, orphan.line("would remove"));
  EXPECT_EQ(listed.err, "");
  EXPECT_TRUE(set_exists(orphan.semid)) << "--dry-run removed it";

  const RunResult removed = run_shmtool({"rm", "--stale-locks"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, orphan.line("removed"));
  EXPECT_EQ(removed.err, "");
  EXPECT_FALSE(set_exists(orphan.semid));
  errno = 0;
  EXPECT_LT(semget(lock_key(orphan.id), 0, 0), 0);
  EXPECT_EQ(errno, ENOENT);

  const RunResult again = run_shmtool({"rm", "--stale-locks"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "") << "nothing stale: nothing said, as rm --all with nothing to remove";
  EXPECT_EQ(again.err, "");
}

TEST_F(StaleLocks, IpcrmOfTheSegmentLeavesALockThatRmStaleLocksRemoves) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockKeyGuard guard(segment.id());
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  const RunResult ipcrm = run_program({"ipcrm", "-m", segment.id_arg()});
  ASSERT_EQ(ipcrm.exit_code, 0) << ipcrm.err;
  ASSERT_GE(semget(lock_key(segment.id()), 0, 0), 0) << "ipcrm left the lock";
  const RunResult removed = run_shmtool({"rm", "--stale-locks"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("removed stale lock of id " + segment.id_arg() + " "),
            std::string::npos)
      << removed.out;
  EXPECT_TRUE(semaphore_sets().empty());
}

TEST_F(StaleLocks, JsonListsEachLockAndCountsTheUnprovenSets) {
  Orphan orphan;
  // A set of one semaphore at the lock key of a gone id: an earlier shmtool's lock or anyone's.
  SetGuard single(lock_key(orphan.id + 1), {1});
  const RunResult dry = run_shmtool({"rm", "--stale-locks", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const auto j = parse_json(dry);
  nlohmann::json lock = {{"segment_id", orphan.id},
                         {"key", lock_key_value(orphan.id)},
                         {"key_hex", hex_key(lock_key_value(orphan.id))},
                         {"semid", orphan.semid},
                         {"uid", 0},
                         {"user", "root"},
                         {"cuid", 0},
                         {"cuser", "root"},
                         {"held", false}};
  const nlohmann::json expected = {{"dry_run", true},
                                   {"removed", nlohmann::json::array()},
                                   {"stale_locks", nlohmann::json::array({lock})},
                                   {"unproven_locks", 1},
                                   {"failed", nlohmann::json::array()}};
  EXPECT_EQ(j, expected) << dry.out;
  EXPECT_EQ(dry.out.find("\"dry_run\""), 1U) << "dry_run comes first, as in rm --all";
  EXPECT_TRUE(set_exists(orphan.semid));

  const RunResult removed = run_shmtool({"rm", "--stale-locks", "--json"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  const auto r = parse_json(removed);
  EXPECT_FALSE(r.contains("dry_run"));
  ASSERT_EQ(r["stale_locks"].size(), 1U) << removed.out;
  EXPECT_EQ(r["stale_locks"][0]["semid"], orphan.semid);
  EXPECT_EQ(r["unproven_locks"], 1);
  EXPECT_FALSE(set_exists(orphan.semid));
  EXPECT_TRUE(set_exists(single.semid())) << "a set of one semaphore is never removed";
}

TEST_F(StaleLocks, SetsThatDoNotProveThemselvesShmtoolsAreNeverRemoved) {
  SegmentGuard live(IPC_PRIVATE, 4096);
  // Ids of no segment here: the namespace holds only `live`.
  const int gone = live.id() + 1;
  SetGuard unmarked_zeros(lock_key(gone), {0, 0});
  SetGuard unmarked(lock_key(gone + 1), {1, 1234});
  SetGuard single(lock_key(gone + 2), {1});
  SetGuard three(lock_key(gone + 3), {1, kMarker, 0});
  SetGuard marker_at_ordinary_key(static_cast<key_t>(0x12345678), {1, kMarker});
  SetGuard marker_at_low_key(static_cast<key_t>(0x7fffffff), {1, kMarker});
  // The lock of a live segment is no stale lock, however it looks.
  SetGuard live_lock(lock_key(live.id()), {1, kMarker});

  const RunResult dry = run_shmtool({"rm", "--stale-locks", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const auto j = parse_json(dry);
  EXPECT_TRUE(j["stale_locks"].empty()) << dry.out;
  EXPECT_EQ(j["unproven_locks"], 1);
  const RunResult removed = run_shmtool({"rm", "--stale-locks"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, "");
  EXPECT_EQ(removed.err, "");
  EXPECT_EQ(set_values(unmarked_zeros.semid()), (std::vector<unsigned short>{0, 0}));
  EXPECT_EQ(set_values(unmarked.semid()), (std::vector<unsigned short>{1, 1234}));
  EXPECT_EQ(set_values(single.semid()), (std::vector<unsigned short>{1}));
  EXPECT_EQ(set_values(three.semid()), (std::vector<unsigned short>{1, kMarker, 0}));
  EXPECT_EQ(set_values(marker_at_ordinary_key.semid()), (std::vector<unsigned short>{1, kMarker}));
  EXPECT_EQ(set_values(marker_at_low_key.semid()), (std::vector<unsigned short>{1, kMarker}));
  EXPECT_EQ(set_values(live_lock.semid()), (std::vector<unsigned short>{1, kMarker}));
  EXPECT_EQ(semaphore_sets().size(), 7U);
}

TEST_F(StaleLocks, NobodyIsRefusedRootsStaleLockAndRemovesItsOwn) {
  // Readable by all (0644: the lock is 0666), so nobody can see the marker of root's lock.
  Orphan roots(0644);
  // nobody's own segment and lock, removed by root with IPC_RMID.
  const RunResult created = run_shmtool({"create", "--size", "4K", "--mode", "600"}, as_nobody());
  ASSERT_EQ(created.exit_code, 0) << created.err;
  SegmentGuard nobodys_segment = SegmentGuard::adopt(parse_id(created.out));
  const int nobodys = nobodys_segment.id();
  LockKeyGuard nobodys_lock(nobodys);
  ASSERT_EQ(run_shmtool({"lock", nobodys_segment.id_arg(), "--", "true"}, as_nobody()).exit_code,
            0);
  const int nobodys_semid = semget(lock_key(nobodys), 0, 0);
  ASSERT_GE(nobodys_semid, 0);
  ASSERT_EQ(shmctl(nobodys, IPC_RMID, nullptr), 0);

  const std::string refusal = "shmtool: rm: lock of id " + std::to_string(roots.id) + " (key " +
                              hex_key(lock_key_value(roots.id)) +
                              "): permission denied (only the owner, the creator or root may "
                              "remove it)\n";
  const RunResult dry = run_shmtool({"rm", "--stale-locks", "--dry-run"}, as_nobody());
  EXPECT_EQ(dry.exit_code, 1);
  EXPECT_EQ(dry.err, refusal);
  EXPECT_EQ(dry.out, "would remove stale lock of id " + std::to_string(nobodys) + " (key " +
                         hex_key(lock_key_value(nobodys)) + ", semid " +
                         std::to_string(nobodys_semid) + ")\n");

  const RunResult json = run_shmtool({"rm", "--stale-locks", "--dry-run", "--json"}, as_nobody());
  EXPECT_EQ(json.exit_code, 1);
  const auto j = parse_json(json);
  ASSERT_EQ(j["failed"].size(), 1U) << json.out;
  EXPECT_EQ(j["failed"][0]["segment"], "lock of id " + std::to_string(roots.id) + " (key " +
                                           hex_key(lock_key_value(roots.id)) + ")");
  EXPECT_EQ(j["failed"][0]["error"],
            "permission denied (only the owner, the creator or root may remove it)");
  ASSERT_EQ(j["stale_locks"].size(), 1U) << json.out;
  EXPECT_EQ(j["stale_locks"][0]["user"], "nobody");

  const RunResult removed = run_shmtool({"rm", "--stale-locks"}, as_nobody());
  EXPECT_EQ(removed.exit_code, 1);
  EXPECT_EQ(removed.err, refusal);
  EXPECT_NE(removed.out.find("removed stale lock of id " + std::to_string(nobodys) + " "),
            std::string::npos)
      << removed.out;
  EXPECT_FALSE(set_exists(nobodys_semid)) << "nobody's own stale lock is removed";
  EXPECT_TRUE(set_exists(roots.semid)) << "root's stale lock stays";

  const RunResult alone = run_shmtool({"rm", "--stale-locks"}, as_nobody());
  EXPECT_EQ(alone.exit_code, 1) << "the one refusal is the status";
  EXPECT_EQ(alone.out, "");
  EXPECT_EQ(alone.err, refusal);

  const RunResult by_root = run_shmtool({"rm", "--stale-locks"});
  EXPECT_EQ(by_root.exit_code, 0) << by_root.err;
  EXPECT_EQ(by_root.out, roots.line("removed"));
  EXPECT_TRUE(semaphore_sets().empty());
}

TEST_F(StaleLocks, GoesWithRmAllAndRemovesTheLockOfTheSegmentsItRemovesAsAlways) {
  Orphan orphan;
  SegmentGuard live(IPC_PRIVATE, 4096);
  LockKeyGuard live_lock(live.id());
  ASSERT_EQ(run_shmtool({"lock", live.id_arg(), "--", "true"}).exit_code, 0);
  const RunResult dry = run_shmtool({"rm", "--all", "--stale-locks", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out,
            "would remove id " + live.id_arg() + " (private)\n" + orphan.line("would remove"));
  const RunResult removed = run_shmtool({"rm", "--all", "--stale-locks"});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, "removed id " + live.id_arg() + " (private)\n" + orphan.line("removed"));
  EXPECT_FALSE(segment_exists(live.id()));
  EXPECT_TRUE(semaphore_sets().empty()) << "a lock outlived rm --all --stale-locks";
}

TEST_F(StaleLocks, RmAllAloneLeavesStaleLocksAndFiltersGoWithAllOnly) {
  Orphan orphan;
  const RunResult all = run_shmtool({"rm", "--all"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out, "");
  EXPECT_TRUE(set_exists(orphan.semid));
  EXPECT_EQ(run_shmtool({"rm", "--stale-locks", "--orphaned"}).exit_code, 2);
  EXPECT_EQ(run_shmtool({"rm", "--stale-locks", "--type", "sysv"}).exit_code, 2);
  EXPECT_TRUE(set_exists(orphan.semid)) << "a usage error changes nothing";
  const RunResult none = run_shmtool({"rm"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--stale-locks"), std::string::npos) << none.err;
}

TEST_F(StaleLocks, AHeldStaleLockIsRemovedAndItsHolderEndsNormally) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  LockKeyGuard guard(segment.id());
  ASSERT_EQ(run_shmtool({"lock", segment.id_arg(), "--", "true"}).exit_code, 0);
  const int semid = semget(lock_key(segment.id()), 0, 0);
  ASSERT_GE(semid, 0);
  // Inside the lock: the segment goes behind shmtool's back, then its stale lock.
  const RunResult run = run_shmtool({"lock", segment.id_arg(), "--", "sh", "-c",
                                     "ipcrm -m \"$1\" && \"$2\" rm --stale-locks", "sh",
                                     segment.id_arg(), shmtool_binary()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed stale lock of id " + segment.id_arg() + " (key " +
                         hex_key(lock_key_value(segment.id())) + ", semid " +
                         std::to_string(semid) + ", still held)\n");
  EXPECT_FALSE(set_exists(semid));
}

TEST_F(StaleLocks, StatOfTheGoneIdSaysItsLockRemains) {
  Orphan orphan;
  const std::string not_found = "shmtool: stat: id " + std::to_string(orphan.id) +
                                ": no such segment (it does not exist or has been removed)";
  const RunResult stat = run_shmtool({"stat", std::to_string(orphan.id)});
  EXPECT_EQ(stat.exit_code, 3);
  EXPECT_EQ(stat.out, "");
  EXPECT_EQ(stat.err, not_found + "; its lock semaphore remains (key " +
                          hex_key(lock_key_value(orphan.id)) + ", semid " +
                          std::to_string(orphan.semid) +
                          "): 'shmtool rm --stale-locks' removes it\n");
  EXPECT_EQ(run_shmtool({"stat", "--json", std::to_string(orphan.id)}).exit_code, 3);
  const RunResult as_nobody_run = run_shmtool({"stat", std::to_string(orphan.id)}, as_nobody());
  EXPECT_EQ(as_nobody_run.exit_code, 3);
  EXPECT_EQ(as_nobody_run.err, not_found + "\n") << "nobody cannot read root's 0600 lock";

  ASSERT_EQ(run_shmtool({"rm", "--stale-locks"}).exit_code, 0);
  const RunResult after = run_shmtool({"stat", std::to_string(orphan.id)});
  EXPECT_EQ(after.exit_code, 3);
  EXPECT_EQ(after.err, not_found + "\n");

  // A set of one semaphore there proves nothing: no hint.
  SetGuard single(lock_key(orphan.id), {1});
  EXPECT_EQ(run_shmtool({"stat", std::to_string(orphan.id)}).err, not_found + "\n");
}

TEST_F(StaleLocks, ListNotesStaleLocksOnATerminalOnly) {
  Orphan orphan;
  const RunResult piped = run_shmtool({"list"});
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err, "") << "a pipe never pays for the semaphore sets";
  const std::string note =
      "note: 1 lock semaphore remains of a removed segment; 'shmtool rm --stale-locks' removes it";
  // script(1) gives the command a terminal; its output comes back through the terminal.
  const std::string list_on_terminal = "'" + shmtool_binary() + "' list";
  const RunResult on_terminal = run_program({"script", "-qec", list_on_terminal, "/dev/null"});
  if (on_terminal.exit_code == 127 || on_terminal.exit_code < 0) {
    GTEST_SKIP() << "script(1) is not available: " << on_terminal.err;
  }
  EXPECT_EQ(on_terminal.exit_code, 0) << on_terminal.err;
  EXPECT_NE(on_terminal.out.find("KEY"), std::string::npos) << on_terminal.out;
  EXPECT_NE(on_terminal.out.find(note), std::string::npos) << on_terminal.out;
  const RunResult raw = run_program({"script", "-qec", list_on_terminal + " --raw", "/dev/null"});
  EXPECT_EQ(raw.out.find("note:"), std::string::npos) << raw.out;
  const RunResult json = run_program({"script", "-qec", list_on_terminal + " --json", "/dev/null"});
  EXPECT_EQ(json.out.find("note:"), std::string::npos) << json.out;
  ASSERT_EQ(run_shmtool({"rm", "--stale-locks"}).exit_code, 0);
  const RunResult cleaned = run_program({"script", "-qec", list_on_terminal, "/dev/null"});
  EXPECT_EQ(cleaned.out.find("note:"), std::string::npos) << cleaned.out;
}

}  // namespace
}  // namespace shmtool::test
