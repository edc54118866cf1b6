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
  EXPECT_NE(text.out.find("attached: 1 more that this user may not see"), std::string::npos)
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

}  // namespace
}  // namespace shmtool::test
