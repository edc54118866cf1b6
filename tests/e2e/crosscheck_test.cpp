// Independent cross-checks: stat --json and list --json agree field by field with
// /proc/sysvipc/shm and with Python's sysv_ipc, and data passes both ways with sysv_ipc.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <cstring>
#include <optional>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

// Expects `j` (a segment object) to say what the /proc line says.
void expect_matches_proc(const nlohmann::json& j, const ProcShmLine& p) {
  EXPECT_EQ(j["id"], p.id);
  EXPECT_EQ(j["key"], static_cast<std::uint32_t>(p.key));
  EXPECT_EQ(j["size"], p.size);
  EXPECT_EQ(j["mode"], p.perms & 0777U);
  EXPECT_EQ(j["dest"], (p.perms & SHM_DEST) != 0);
  EXPECT_EQ(j["locked"], (p.perms & SHM_LOCKED) != 0);
  EXPECT_EQ(j["cpid"], p.cpid);
  EXPECT_EQ(j["lpid"], p.lpid);
  EXPECT_EQ(j["nattch"], p.nattch);
  EXPECT_EQ(j["uid"], p.uid);
  EXPECT_EQ(j["gid"], p.gid);
  EXPECT_EQ(j["cuid"], p.cuid);
  EXPECT_EQ(j["cgid"], p.cgid);
  EXPECT_EQ(epoch_or_zero(j["atime"]), p.atime);
  EXPECT_EQ(epoch_or_zero(j["dtime"]), p.dtime);
  EXPECT_EQ(epoch_or_zero(j["ctime"]), p.ctime);
  if (p.atime == 0) {
    EXPECT_TRUE(j["atime"].is_null());
  }
  if (p.dtime == 0) {
    EXPECT_TRUE(j["dtime"].is_null());
  }
  if (p.rss) {
    EXPECT_EQ(j["rss"], *p.rss);
  }
  if (p.swap) {
    EXPECT_EQ(j["swap"], *p.swap);
  }
}

// Segments in several states: never attached, attached (and written), detached, marked, and
// with owner, group and mode changed.
class CrossCheck : public ::testing::Test {
 protected:
  std::uint32_t key_ = unique_key();
  SegmentGuard fresh_{static_cast<key_t>(key_), 5000, 0640};
  SegmentGuard attached_{IPC_PRIVATE, 3 * 4096};
  SegmentGuard detached_{IPC_PRIVATE, 100};
  SegmentGuard marked_{IPC_PRIVATE, 200};
  SegmentGuard changed_{IPC_PRIVATE, 300};
  std::optional<Attached> attach_, marked_attach_;

  void SetUp() override {
    attach_.emplace(attached_.id());
    std::memset(attach_->data(), 'x', 2 * 4096);  // two resident pages
    put_bytes(detached_.id(), "bytes");
    marked_attach_.emplace(marked_.id());
    ASSERT_EQ(shmctl(marked_.id(), IPC_RMID, nullptr), 0);
    struct shmid_ds ds {};
    ASSERT_EQ(shmctl(changed_.id(), IPC_STAT, &ds), 0);
    ds.shm_perm.uid = 65534;
    ds.shm_perm.gid = 65534;
    ds.shm_perm.mode = 0604;
    ASSERT_EQ(shmctl(changed_.id(), IPC_SET, &ds), 0);
  }
  std::vector<int> ids() const {
    return {fresh_.id(), attached_.id(), detached_.id(), marked_.id(), changed_.id()};
  }
};

TEST_F(CrossCheck, StatAgreesWithProcSysvipcShm) {
  std::vector<nlohmann::json> stats;
  for (int id : ids())
    stats.push_back(stat_json(id));
  const auto proc = read_proc_shm();
  for (const auto& j : stats) {
    const int id = j["id"].get<int>();
    ASSERT_TRUE(proc.count(id)) << "id " << id << " not in /proc/sysvipc/shm";
    SCOPED_TRACE("id " + std::to_string(id));
    expect_matches_proc(j, proc.at(id));
  }
}

TEST_F(CrossCheck, ListAgreesWithProcSysvipcShm) {
  const RunResult run = run_shmtool({"list", "--json", "-o", "+RSS,SWAP"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto list = parse_json(run);
  const auto proc = read_proc_shm();
  for (int id : ids()) {
    SCOPED_TRACE("id " + std::to_string(id));
    const auto entry = find_segment(list, id);
    ASSERT_TRUE(entry.has_value());
    ASSERT_TRUE(proc.count(id));
    expect_matches_proc(*entry, proc.at(id));
  }
}

TEST_F(CrossCheck, ListHasEverySegmentProcHasThatLivesThroughTheRun) {
  const auto before = read_proc_shm();
  const RunResult run = run_shmtool({"list", "--json"});
  const auto after = read_proc_shm();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto list = parse_json(run);
  for (const auto& [id, line] : before) {
    if (after.count(id) == 0) continue;  // removed meanwhile
    EXPECT_TRUE(find_segment(list, id).has_value()) << "id " << id;
  }
}

RunResult python(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv{SHMTOOL_TEST_PYTHON, "-c", script};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

bool have_sysv_ipc() {
  return python("import sysv_ipc", {}).exit_code == 0;
}

// Prints sysv_ipc's view of the segment a key names, after attaching and detaching once.
constexpr const char* kPythonStat = R"(
import json, sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1]))
m.detach()
print(json.dumps({"id": m.id, "key": m.key, "size": m.size, "uid": m.uid, "gid": m.gid,
  "cuid": m.cuid, "cgid": m.cgid, "cpid": m.creator_pid, "lpid": m.last_pid, "mode": m.mode,
  "nattch": m.number_attached, "atime": m.last_attach_time, "dtime": m.last_detach_time,
  "ctime": m.last_change_time}))
)";

// Expects a segment object to agree with what kPythonStat printed.
void expect_matches_python(const nlohmann::json& j, const nlohmann::json& py) {
  for (const char* field :
       {"id", "key", "size", "uid", "gid", "cuid", "cgid", "cpid", "lpid", "nattch"}) {
    EXPECT_EQ(j[field], py[field]) << field;
  }
  EXPECT_EQ(j["mode"], py["mode"].get<unsigned>() & 0777U);
  for (const char* field : {"atime", "dtime", "ctime"})
    EXPECT_EQ(epoch_or_zero(j[field]), py[field].get<std::int64_t>()) << field;
}

TEST(CrossCheckPython, StatAndListAgreeWithSysvIpc) {
  if (!have_sysv_ipc()) GTEST_SKIP() << SHMTOOL_TEST_PYTHON << " has no sysv_ipc";
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 7000, 0640);
  struct shmid_ds ds {};
  ASSERT_EQ(shmctl(segment.id(), IPC_STAT, &ds), 0);
  ds.shm_perm.gid = 65534;
  ASSERT_EQ(shmctl(segment.id(), IPC_SET, &ds), 0);

  const RunResult py = python(kPythonStat, {std::to_string(key)});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const auto expected = nlohmann::json::parse(py.out);
  EXPECT_EQ(expected["lpid"].get<int>() != 0, true);

  const auto stat = stat_json(segment.id());
  expect_matches_python(stat, expected);
  const RunResult list = run_shmtool({"list", "--json", "--key", key_arg(key)});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto entry = find_segment(parse_json(list), segment.id());
  ASSERT_TRUE(entry.has_value());
  expect_matches_python(*entry, expected);
}

TEST(CrossCheckPython, ShmtoolSeesASegmentSysvIpcMade) {
  if (!have_sysv_ipc()) GTEST_SKIP() << SHMTOOL_TEST_PYTHON << " has no sysv_ipc";
  const std::uint32_t key = unique_key();
  const RunResult made = python(R"(
import sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1]), sysv_ipc.IPC_CREX, 0o604, 3000)
m.write(b"written by python\0")
m.detach()
print(m.id)
)",
                                {std::to_string(key)});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_EQ(parse_id(made.out), guard.id());

  const RunResult read = run_shmtool({"read", key_arg(key)});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "written by python\n");

  const RunResult py = python(kPythonStat, {std::to_string(key)});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const auto stat = stat_json(guard.id());
  expect_matches_python(stat, nlohmann::json::parse(py.out));
  EXPECT_EQ(stat["size"], 3000);
  EXPECT_EQ(stat["mode"], 0604);
  EXPECT_NE(stat["cpid"], stat["lpid"]) << "the creator and the last attacher were two pythons";
}

TEST(CrossCheckPython, SysvIpcReadsWhatShmtoolWrote) {
  if (!have_sysv_ipc()) GTEST_SKIP() << SHMTOOL_TEST_PYTHON << " has no sysv_ipc";
  const std::uint32_t key = unique_key();
  const RunResult write =
      run_shmtool({"write", key_arg(key), "--create", "--binary", "--size", "64"},
                  with_input(std::string("bin\x00\xff\n", 6)));
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(write.exit_code, 0) << write.err;
  const RunResult py = python(R"(
import sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1]))
sys.stdout.write(m.read(8).hex())
m.detach()
)",
                              {std::to_string(key)});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "62696e00ff0a0000");
}

}  // namespace
}  // namespace shmtool::test
