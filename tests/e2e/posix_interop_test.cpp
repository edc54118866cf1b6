// POSIX objects shared with programs that are not shmtool, both ways: a C program
// (posix_peer.c: shm_open, ftruncate, mmap, flock) and Python's
// multiprocessing.shared_memory. The C program also joins the lock: flock(2) on its own
// shm_open descriptor is refused while `shmtool lock` holds it, and shmtool waits for it.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <csignal>

#include <algorithm>
#include <chrono>
#include <optional>

#include "posix_support.hpp"

namespace shmtool::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string kPeer = POSIX_PEER;
const std::string kPython = SHMTOOL_TEST_PYTHON;

// posix_peer trylock's exit status when flock(LOCK_EX|LOCK_NB) fails with EWOULDBLOCK.
constexpr int kWouldBlock = 10;

// Python makes object NAME (shm_open("/NAME")) of SIZE bytes and puts TEXT and a NUL in it.
// Python's resource tracker would unlink the object when Python exits: it is told not to.
const char* const kPythonCreate = R"(
import sys
from multiprocessing import resource_tracker, shared_memory
name, size, text = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
shm = shared_memory.SharedMemory(name=name, create=True, size=size)
shm.buf[:len(text) + 1] = text + b"\0"
resource_tracker.unregister(shm._name, "shared_memory")
shm.close()
)";

// Python opens object NAME and prints its text up to the first NUL, then its size.
const char* const kPythonRead = R"(
import sys
from multiprocessing import resource_tracker, shared_memory
shm = shared_memory.SharedMemory(name=sys.argv[1])
resource_tracker.unregister(shm._name, "shared_memory")
data = bytes(shm.buf)
shm.close()
print(data.split(b"\0", 1)[0].decode())
print(len(data))
)";

class PosixInterop : public PrivateShm {};

TEST_F(PosixInterop, CWritesAndShmtoolReads) {
  ShmEntry object("from-c");
  const RunResult c = run_program({kPeer, "create", "/from-c", "64", "written by C"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const RunResult read = run_shmtool({"read", "/from-c"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "written by C\n");
  const RunResult binary = run_shmtool({"read", "/from-c", "--binary", "--length", "13"});
  EXPECT_EQ(binary.out, std::string("written by C\0", 13));
  const auto stat = parse_json(run_shmtool({"stat", "--json", "/from-c"}));
  EXPECT_EQ(stat["size"], 64);
  EXPECT_EQ(stat["mode"], 0600);
  const RunResult listed = run_shmtool({"list", "--type", "posix", "--raw", "-o", "NAME,SIZE"});
  EXPECT_EQ(listed.out, "NAME SIZE\n/from-c 64\n");
}

TEST_F(PosixInterop, ShmtoolWritesAndCReads) {
  ShmEntry object("from-shmtool");
  const RunResult create = run_shmtool({"create", "/from-shmtool", "--size", "64"});
  ASSERT_EQ(create.exit_code, 0) << create.err;
  const RunResult write = run_shmtool({"write", "/from-shmtool", "written by shmtool"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  const RunResult c = run_program({kPeer, "get", "/from-shmtool"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "written by shmtool\n");
  // A shorter text ends with its own NUL: the C string is the new text alone.
  ASSERT_EQ(run_shmtool({"write", "/from-shmtool", "short"}).exit_code, 0);
  EXPECT_EQ(run_program({kPeer, "get", "/from-shmtool"}).out, "short\n");
}

TEST_F(PosixInterop, WriteCreateMakesAnObjectCOpens) {
  ShmEntry object("made");
  const RunResult write = run_shmtool({"write", "--create", "/made", "made by write --create"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  const RunResult c = run_program({kPeer, "get", "/made"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.out, "made by write --create\n");
  // And C writes into it in place; shmtool reads what C put there.
  ASSERT_EQ(run_program({kPeer, "put", "/made", "from C"}).exit_code, 0);
  EXPECT_EQ(run_shmtool({"read", "/made"}).out, "from C\n");
}

TEST_F(PosixInterop, PythonWritesAndShmtoolReads) {
  ShmEntry object("from-python");
  const RunResult python =
      run_program({kPython, "-c", kPythonCreate, "from-python", "100", "written by Python"});
  ASSERT_EQ(python.exit_code, 0) << python.err;
  ASSERT_TRUE(path_exists(object.path())) << "Python's resource tracker unlinked it";
  const RunResult read = run_shmtool({"read", "/from-python"});
  ASSERT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "written by Python\n");
  const auto stat = parse_json(run_shmtool({"stat", "--json", "posix:from-python"}));
  EXPECT_EQ(stat["size"], 100);
  EXPECT_EQ(stat["perms"], "rw-------");
}

TEST_F(PosixInterop, ShmtoolWritesAndPythonReads) {
  ShmEntry object("to-python");
  const RunResult write =
      run_shmtool({"write", "--create", "--size", "100", "/to-python", "written by shmtool"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  const RunResult python = run_program({kPython, "-c", kPythonRead, "to-python"});
  ASSERT_EQ(python.exit_code, 0) << python.err;
  EXPECT_EQ(python.out, "written by shmtool\n100\n");
  EXPECT_TRUE(path_exists(object.path()));
}

// Who holds it: the processes stat names, read from /proc.
using Holders = PosixInterop;

// A Python program that attaches System V segment ARGV[1], prints "attached", then sleeps.
const char* const kPythonAttach = R"(
import sys, time, sysv_ipc
m = sysv_ipc.attach(int(sys.argv[1]))
print("attached", flush=True)
time.sleep(30)
)";

TEST_F(Holders, StatNamesTheCProgramThatMapsAnObjectAndCountsIt) {
  ShmEntry object = make_object("mapped", 4096, 0600, "x");
  Background c({kPeer, "map", "/mapped", "30000"});
  ASSERT_EQ(c.read_line(), "mapped");
  const RunResult stat = run_shmtool({"stat", "--json", "/mapped"});
  ASSERT_EQ(stat.exit_code, 0) << stat.err;
  const auto j = parse_json(stat);
  EXPECT_EQ(j["nattch"], 1) << stat.out;
  ASSERT_EQ(j["attached"].size(), 1U) << stat.out;
  EXPECT_EQ(j["attached"][0]["pid"], c.pid());
  EXPECT_EQ(j["attached"][0]["uid"], 0);
  EXPECT_EQ(j["attached"][0]["comm"], "posix_peer");
  EXPECT_TRUE(j["attached_unseen"].is_null());
  const RunResult text = run_shmtool({"stat", "/mapped"});
  EXPECT_NE(text.out.find("attached: " + std::to_string(c.pid()) + " root " + kPeer + " map"),
            std::string::npos)
      << text.out;
  c.signal(SIGKILL);
  EXPECT_EQ(c.wait(), 128 + SIGKILL);
  const auto after = parse_json(run_shmtool({"stat", "--json", "/mapped"}));
  EXPECT_EQ(after["nattch"], 0);
  EXPECT_TRUE(after["attached"].empty());
}

TEST_F(Holders, StatNamesTheProcessesAttachedToASegment) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0644);
  Background python({kPython, "-c", kPythonAttach, std::to_string(segment.id())});
  ASSERT_EQ(python.read_line(), "attached");
  auto j = parse_json(run_shmtool({"stat", "--json", segment.id_arg()}));
  EXPECT_EQ(j["nattch"], 1);
  ASSERT_EQ(j["attached"].size(), 1U);
  EXPECT_EQ(j["attached"][0]["pid"], python.pid());
  EXPECT_EQ(j["attached"][0]["user"], "root");
  EXPECT_NE(j["attached"][0]["cmdline"].get<std::string>().find("sysv_ipc"), std::string::npos);
  EXPECT_EQ(j["attached_unseen"], 0);
  // As nobody, root's process cannot be read: counted, not named.
  const RunResult unseen = run_shmtool({"stat", "--json", segment.id_arg()}, as_nobody());
  ASSERT_EQ(unseen.exit_code, 0) << unseen.err;
  j = parse_json(unseen);
  EXPECT_TRUE(j["attached"].empty()) << unseen.out;
  EXPECT_EQ(j["attached_unseen"], 1);
  const RunResult text = run_shmtool({"stat", segment.id_arg()}, as_nobody());
  EXPECT_NE(text.out.find("attached: 1 more in processes that could not be read (run as root"),
            std::string::npos)
      << text.out;
}

TEST_F(Holders, RmOfAnAttachedSegmentNamesItsHolders) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  Background python({kPython, "-c", kPythonAttach, std::to_string(segment.id())});
  ASSERT_EQ(python.read_line(), "attached");
  const RunResult run = run_shmtool({"rm", segment.id_arg()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "marked id " + std::to_string(segment.id()) +
                         " for removal: 1 process still attached (" + std::to_string(python.pid()) +
                         " python3)\n");
}

TEST_F(Holders, ListShowsPidsAndAPosixObjectsNattchWhenAsked) {
  ShmEntry object = make_object("listed", 4096, 0600, "x");
  SegmentGuard segment(IPC_PRIVATE, 4096);
  Background c({kPeer, "map", "/listed", "30000"});
  ASSERT_EQ(c.read_line(), "mapped");
  Background python({kPython, "-c", kPythonAttach, std::to_string(segment.id())});
  ASSERT_EQ(python.read_line(), "attached");
  const RunResult posix =
      run_shmtool({"list", "--type", "posix", "--raw", "--noheadings", "-o", "NAME,NATTCH,PIDS"});
  ASSERT_EQ(posix.exit_code, 0) << posix.err;
  EXPECT_EQ(posix.out, "/listed 1 " + std::to_string(c.pid()) + "\n");
  const RunResult sysv = run_shmtool({"list", "--raw", "--noheadings", "-o", "ID,NATTCH,PIDS"});
  EXPECT_EQ(sysv.out, segment.id_arg() + " 1 " + std::to_string(python.pid()) + "\n");
  // Without the column, /proc is not read: NATTCH of a POSIX object stays unknown in JSON.
  const auto j = parse_json(run_shmtool({"list", "--type", "posix", "--json"}));
  EXPECT_TRUE(j["segments"][0]["nattch"].is_null());
}

TEST_F(Holders, CommandIsTheCreatorsWhileItRuns) {
  // Python creates a segment and stays; then it exits and COMMAND says so.
  const char* const create = R"(
import time, sysv_ipc
m = sysv_ipc.SharedMemory(None, sysv_ipc.IPC_CREX, size=4096)
print(m.id, flush=True)
time.sleep(30)
)";
  Background python({kPython, "-c", create});
  const std::string id = python.read_line();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(run_shmtool({"list", "--raw", "--noheadings", "-o", "ID,COMMAND"}).out,
            id + " python3\n");
  python.signal(SIGKILL);
  python.wait();
  EXPECT_EQ(run_shmtool({"list", "--raw", "--noheadings", "-o", "ID,COMMAND"}).out, id + " -\n");
  EXPECT_EQ(run_shmtool({"rm", id}).exit_code, 0);
}

// A process nobody may not read (root's) maps nobody's object: nobody cannot tell it is
// unused, so it is never orphaned or idle for nobody, and rm --all leaves it.
TEST_F(Holders, AnObjectOnlyAnUnreadableProcessMayHoldIsNeverOrphanedForOthers) {
  ShmEntry object("mine");
  ASSERT_EQ(
      run_shmtool({"create", "/mine", "--size", "4096", "--mode", "666"}, as_nobody()).exit_code,
      0);
  Background c({kPeer, "map", "/mine", "30000"});
  ASSERT_EQ(c.read_line(), "mapped");
  const auto j = parse_json(run_shmtool({"stat", "--json", "/mine"}, as_nobody()));
  EXPECT_TRUE(j["nattch"].is_null()) << j.dump();
  EXPECT_EQ(run_shmtool({"list", "--type", "posix", "--orphaned", "--raw", "-n", "-o", "NAME"},
                        as_nobody())
                .out,
            "");
  const RunResult rm =
      run_shmtool({"rm", "--all", "--type", "posix", "--orphaned", "--idle", "0s"}, as_nobody());
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_EQ(rm.out, "");
  EXPECT_TRUE(path_exists(object.path()));
  // Root sees the holder.
  EXPECT_EQ(parse_json(run_shmtool({"stat", "--json", "/mine"}))["nattch"], 1);
}

TEST_F(Holders, AProcessThatAttachesTwiceIsOneProcessAndNothingIsUnseen) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const char* const twice = R"(
import sys, time, sysv_ipc
a = sysv_ipc.attach(int(sys.argv[1]))
b = sysv_ipc.attach(int(sys.argv[1]))
print("attached", flush=True)
time.sleep(30)
)";
  Background python({kPython, "-c", twice, segment.id_arg()});
  ASSERT_EQ(python.read_line(), "attached");
  const auto j = parse_json(run_shmtool({"stat", "--json", segment.id_arg()}));
  EXPECT_EQ(j["nattch"], 2);
  EXPECT_EQ(j["attached"].size(), 1U);
  EXPECT_EQ(j["attached_unseen"], 0);
}

TEST_F(Holders, ACommandLineWithControlCharactersIsEscaped) {
  ShmEntry object = make_object("shown", 4096, 0600, "x");
  Background c({"bash", "-c",
                "exec -a \"$(printf 'evil\\033[31m\\nname')\" \"$0\" map /shown 30000", kPeer});
  ASSERT_EQ(c.read_line(), "mapped");
  const RunResult text = run_shmtool({"stat", "/shown"});
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("evil\\e[31m\\nname map /shown"), std::string::npos) << text.out;
  const auto j = parse_json(run_shmtool({"stat", "--json", "/shown"}));
  ASSERT_EQ(j["attached"].size(), 1U);
  EXPECT_EQ(j["attached"][0]["cmdline"], "evil\x1b[31m\nname map /shown 30000");
}

// Object /x of 32 bytes holding "before", for the lock tests.
class PosixLockInterop : public PrivateShm {
 protected:
  std::optional<ShmEntry> object_;
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    object_.emplace(make_object("x", 32, 0600, "before"));
  }
};

TEST_F(PosixLockInterop, CFlockFailsWithEwouldblockWhileShmtoolLockHoldsIt) {
  Background holder({shmtool_binary(), "lock", "/x", "--", "sleep", "30"});
  ASSERT_TRUE(wait_until([&] { return flock_is_held(object_->path()); }));
  const RunResult c = run_program({kPeer, "trylock", "/x"});
  EXPECT_EQ(c.exit_code, kWouldBlock) << c.err;
  EXPECT_EQ(c.out, "EWOULDBLOCK\n");
  holder.signal(SIGTERM);
  EXPECT_EQ(holder.wait(), 128 + SIGTERM);
  const RunResult after = run_program({kPeer, "trylock", "/x"});
  EXPECT_EQ(after.exit_code, 0) << "released when lock is done: " << after.err;
}

TEST_F(PosixLockInterop, TheCommandRunsWhileTheLockIsHeld) {
  // posix_peer, run as the COMMAND, opens the object itself: its flock is refused, since the
  // lock shmtool took is held while the command runs.
  const RunResult run = run_shmtool({"lock", "/x", "--", kPeer, "trylock", "/x"});
  EXPECT_EQ(run.exit_code, kWouldBlock) << run.err;
  EXPECT_EQ(run.out, "EWOULDBLOCK\n");
}

TEST_F(PosixLockInterop, ShmtoolGivesUpOnALockACProgramHolds) {
  Background c({kPeer, "hold", "/x", "30000"});
  ASSERT_EQ(c.read_line(), "held");
  const RunResult lock = run_shmtool({"lock", "/x", "--timeout", "200ms", "--", "echo", "ran"});
  EXPECT_EQ(lock.exit_code, 1) << lock.err;
  EXPECT_EQ(lock.out, "");
  const RunResult write = run_shmtool({"write", "/x", "--lock", "--timeout", "200ms", "changed"});
  EXPECT_EQ(write.exit_code, 1) << write.err;
  EXPECT_EQ(file_bytes(object_->path()).substr(0, 7), std::string("before\0", 7));
  // The kernel releases a flock when its holder dies.
  c.signal(SIGKILL);
  EXPECT_EQ(c.wait(), 128 + SIGKILL);
  const RunResult after = run_shmtool({"lock", "/x", "--timeout", "5s", "--", "echo", "ran"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, "ran\n");
}

TEST_F(PosixLockInterop, ShmtoolWaitsUntilTheCProgramReleasesIt) {
  Background c({kPeer, "hold", "/x", "1500"});
  ASSERT_EQ(c.read_line(), "held");
  const auto start = Clock::now();
  const RunResult write =
      run_shmtool({"write", "/x", "--lock", "--timeout", "20s", "after the release"});
  const auto waited = Clock::now() - start;
  EXPECT_EQ(write.exit_code, 0) << write.err;
  EXPECT_EQ(c.wait(), 0);
  EXPECT_GE(waited, 500ms) << "it did not wait for the lock";
  EXPECT_EQ(run_program({kPeer, "get", "/x"}).out, "after the release\n");
}

// The stale-segment filters (--creator-gone, --idle, --orphaned of both kinds), in list and
// rm --all. Each test has an IPC namespace and a /dev/shm of its own, so the sets are exact.
using StaleFilters = PosixInterop;

// A Python program that creates a private System V segment (and stays attached), prints its
// id, then sleeps: a creator that still runs.
const char* const kPythonCreateAndStay = R"(
import time, sysv_ipc
m = sysv_ipc.SharedMemory(None, sysv_ipc.IPC_CREX, size=4096)
print(m.id, flush=True)
time.sleep(30)
)";

// What `list --json ARGS...` lists, sorted: a segment as its id, a POSIX object as /NAME.
std::vector<std::string> listed(std::vector<std::string> args) {
  args.insert(args.begin(), {"list", "--json"});
  const RunResult run = run_shmtool(args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  std::vector<std::string> out;
  const auto j = parse_json(run);
  if (!j.is_object()) return out;
  for (const auto& entry : j["segments"]) {
    out.push_back(entry["type"] == "posix" ? entry["name"].get<std::string>()
                                           : std::to_string(entry["id"].get<int>()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> sorted_names(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

// A segment `shmtool create` made: its creator, the binary, has exited when this returns.
SegmentGuard made_by_exited_creator(const std::string& size) {
  const RunResult made = run_shmtool({"create", "--size", size});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return SegmentGuard::adopt(parse_id(made.out));
}

TEST_F(StaleFilters, ListCreatorGoneShowsTheSegmentsWhoseCreatorExited) {
  SegmentGuard gone = made_by_exited_creator("100");
  SegmentGuard ours(IPC_PRIVATE, 100);  // made by this test, which runs
  Background python({kPython, "-c", kPythonCreateAndStay});
  const std::string python_id = python.read_line();
  ASSERT_FALSE(python_id.empty());
  SegmentGuard pythons = SegmentGuard::adopt(std::stoi(python_id));
  ShmEntry object = make_object("obj", 4096, 0600, "x");
  ASSERT_EQ(listed({"--type", "all"}),
            sorted_names({gone.id_arg(), ours.id_arg(), python_id, "/obj"}));

  EXPECT_EQ(listed({"--creator-gone"}), std::vector<std::string>{gone.id_arg()});
  // A POSIX object records no creator: never selected.
  EXPECT_EQ(listed({"--type", "all", "--creator-gone"}), std::vector<std::string>{gone.id_arg()});
  EXPECT_TRUE(listed({"--type", "posix", "--creator-gone"}).empty());
  // The table says the same as the JSON.
  const RunResult raw =
      run_shmtool({"list", "--creator-gone", "--raw", "--noheadings", "-o", "ID"});
  EXPECT_EQ(raw.out, gone.id_arg() + "\n");

  // Once the Python creator has exited, its segment is listed too.
  python.signal(SIGKILL);
  EXPECT_EQ(python.wait(), 128 + SIGKILL);
  EXPECT_EQ(listed({"--creator-gone"}), sorted_names({gone.id_arg(), python_id}));
}

TEST_F(StaleFilters, RmAllCreatorGoneRemovesOnlyTheSegmentsWhoseCreatorExited) {
  SegmentGuard gone_a = made_by_exited_creator("100");
  SegmentGuard gone_b = made_by_exited_creator("2000");
  SegmentGuard ours(IPC_PRIVATE, 100);
  Background python({kPython, "-c", kPythonCreateAndStay});
  const std::string python_id = python.read_line();
  ASSERT_FALSE(python_id.empty());
  SegmentGuard pythons = SegmentGuard::adopt(std::stoi(python_id));
  ShmEntry object = make_object("obj", 4096, 0600, "x");
  const std::vector<std::string> everything =
      sorted_names({gone_a.id_arg(), gone_b.id_arg(), ours.id_arg(), python_id, "/obj"});
  ASSERT_EQ(listed({"--type", "all"}), everything);

  const RunResult dry =
      run_shmtool({"rm", "--all", "--type", "all", "--creator-gone", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(sorted_names(lines_of(dry.out)),
            sorted_names({"would remove id " + gone_a.id_arg() + " (private)",
                          "would remove id " + gone_b.id_arg() + " (private)"}));
  EXPECT_EQ(listed({"--type", "all"}), everything) << "the dry run removed something";

  const RunResult run = run_shmtool({"rm", "--all", "--type", "all", "--creator-gone"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(sorted_names(lines_of(run.out)),
            sorted_names({"removed id " + gone_a.id_arg() + " (private)",
                          "removed id " + gone_b.id_arg() + " (private)"}));
  EXPECT_EQ(listed({"--type", "all"}), sorted_names({ours.id_arg(), python_id, "/obj"}));
}

TEST_F(StaleFilters, IdleSegmentsAreTheUnattachedOnesUntouchedForTheDuration) {
  // Kernel times cannot be set back: a fresh segment is idle for 0s (if nothing is attached)
  // and for no longer.
  SegmentGuard unattached(IPC_PRIVATE, 100);
  SegmentGuard attached_one(IPC_PRIVATE, 100);
  Attached attach(attached_one.id());
  EXPECT_EQ(listed({"--idle", "0s"}), std::vector<std::string>{unattached.id_arg()});
  EXPECT_EQ(listed({"--idle", "0"}), std::vector<std::string>{unattached.id_arg()});
  EXPECT_TRUE(listed({"--idle", "1h"}).empty());
  EXPECT_TRUE(listed({"--idle", "7d"}).empty());
  EXPECT_TRUE(listed({"--idle", "0s", "--min-size", "1K"}).empty()) << "filters combine";

  const RunResult dry = run_shmtool({"rm", "--all", "--idle", "0s", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "would remove id " + unattached.id_arg() + " (private)\n");
  const RunResult none = run_shmtool({"rm", "--all", "--idle", "7d"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "");
  const RunResult run = run_shmtool({"rm", "--all", "--idle", "0s"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(listed({}), std::vector<std::string>{attached_one.id_arg()});
  EXPECT_EQ(stat_json(attached_one.id())["dest"], false);
}

TEST_F(StaleFilters, OrphanedAndIdlePosixObjectsAreThoseNoProcessMapsOrHoldsOpen) {
  ShmEntry free_one = make_object("free", 4096, 0600, "x");
  ShmEntry mapped = make_object("mapped", 4096, 0600, "x");
  ShmEntry held = make_object("held", 4096, 0600, "x");
  Background mapper({kPeer, "map", "/mapped", "30000"});
  ASSERT_EQ(mapper.read_line(), "mapped");
  Background holder({kPeer, "hold", "/held", "30000"});  // open, flock'ed, not mapped
  ASSERT_EQ(holder.read_line(), "held");
  SegmentGuard unattached(IPC_PRIVATE, 100);

  EXPECT_EQ(listed({"--type", "posix", "--orphaned"}), std::vector<std::string>{"/free"});
  EXPECT_EQ(listed({"--type", "all", "--orphaned"}), sorted_names({unattached.id_arg(), "/free"}));
  // The walk of /proc the filter made also gives the objects' counts in the JSON.
  const auto j = parse_json(run_shmtool({"list", "--type", "posix", "--json", "--orphaned"}));
  ASSERT_EQ(j["segments"].size(), 1U) << j;
  EXPECT_EQ(j["segments"][0]["nattch"], 0);
  const RunResult raw = run_shmtool(
      {"list", "--type", "posix", "--raw", "--noheadings", "-o", "NAME,NATTCH", "--idle", "0s"});
  EXPECT_EQ(raw.out, "/free 0\n");
  EXPECT_EQ(listed({"--type", "all", "--idle", "0s"}),
            sorted_names({unattached.id_arg(), "/free"}));
  EXPECT_TRUE(listed({"--type", "posix", "--idle", "7d"}).empty());

  const RunResult dry = run_shmtool({"rm", "--all", "--type", "posix", "--orphaned", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "would remove /free\n");
  EXPECT_TRUE(path_exists(free_one.path()));
  const RunResult run = run_shmtool({"rm", "--all", "--type", "posix", "--orphaned"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "removed /free\n");
  EXPECT_EQ(shm_entries(), sorted_names({"held", "mapped"}));
  EXPECT_TRUE(segment_exists(unattached.id()));

  // Once the mapper has gone, its object is orphaned too.
  mapper.signal(SIGKILL);
  EXPECT_EQ(mapper.wait(), 128 + SIGKILL);
  EXPECT_EQ(listed({"--type", "posix", "--orphaned"}), std::vector<std::string>{"/mapped"});
}

}  // namespace
}  // namespace shmtool::test
