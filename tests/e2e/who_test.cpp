// `who`: which processes hold which segments and objects, read from /proc, with real holders
// (posix_peer.c maps a POSIX object as a C program would; Python's sysv_ipc attaches a System V
// segment). Each test runs in private IPC and mount namespaces with a fresh tmpfs on /dev/shm
// (tests/support/private_shm.sh), so it sees only what it made.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <csignal>
#include <string>

#include "posix_support.hpp"

namespace shmtool::test {
namespace {

const std::string kPeer = POSIX_PEER;
const std::string kPython = SHMTOOL_TEST_PYTHON;

// Attaches System V segment ARGV[1], names itself ARGV[2] (its comm, as ps shows it) when
// given, prints "attached", then sleeps.
const char* const kPythonAttach = R"(
import ctypes, sys, time, sysv_ipc
m = sysv_ipc.attach(int(sys.argv[1]))
if len(sys.argv) > 2:
    ctypes.CDLL(None).prctl(15, sys.argv[2].encode())
print("attached", flush=True)
time.sleep(30)
)";

// Creates a private segment of 4096 bytes in the IPC namespace it runs in, with id ARGV[1]
// (kernel.shm_next_id), attaches it, prints its id, then sleeps.
const char* const kPythonCreateWithId = R"(
import sys, time, sysv_ipc
open("/proc/sys/kernel/shm_next_id", "w").write(sys.argv[1])
m = sysv_ipc.SharedMemory(None, sysv_ipc.IPC_CREX, size=4096)
print(m.id, flush=True)
time.sleep(30)
)";

class Who : public PrivateShm {};

TEST_F(Who, ListsEveryProcessAndWhatItHoldsOfBothKinds) {
  ShmEntry object = make_object("mapped", 8192, 0600, "x");
  SegmentGuard segment(0x5eed, 4096, 0644);
  Background c({kPeer, "map", "/mapped", "30000"});
  ASSERT_EQ(c.read_line(), "mapped");
  Background python({kPython, "-c", kPythonAttach, std::to_string(segment.id())});
  ASSERT_EQ(python.read_line(), "attached");

  const RunResult run = run_shmtool({"who", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  ASSERT_EQ(j["attachments"].size(), 2U) << run.out;
  // By pid: the C program started first.
  const auto& posix = j["attachments"][0];
  EXPECT_EQ(posix["pid"], c.pid());
  EXPECT_EQ(posix["uid"], 0);
  EXPECT_EQ(posix["user"], "root");
  EXPECT_EQ(posix["comm"], "posix_peer");
  EXPECT_EQ(posix["cmdline"], kPeer + " map /mapped 30000");
  EXPECT_EQ(posix["segment"]["type"], "posix");
  EXPECT_EQ(posix["segment"]["name"], "/mapped");
  EXPECT_TRUE(posix["segment"]["id"].is_null());
  EXPECT_TRUE(posix["segment"]["key"].is_null());
  EXPECT_EQ(posix["segment"]["size"], 8192);
  EXPECT_EQ(posix["mapped"], 8192);
  const auto& sysv = j["attachments"][1];
  EXPECT_EQ(sysv["pid"], python.pid());
  EXPECT_EQ(sysv["comm"], "python3");
  EXPECT_EQ(sysv["segment"]["type"], "sysv");
  EXPECT_EQ(sysv["segment"]["id"], segment.id());
  EXPECT_EQ(sysv["segment"]["key"], 0x5eed);
  EXPECT_EQ(sysv["segment"]["key_hex"], "0x00005eed");
  EXPECT_TRUE(sysv["segment"]["name"].is_null());
  EXPECT_EQ(sysv["mapped"], 4096);

  const RunResult table = run_shmtool({"who", "--raw"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out, "PID USER COMMAND TYPE NAME ID SIZE MAPPED\n" + std::to_string(c.pid()) +
                           " root posix_peer posix /mapped - 8192 8192\n" +
                           std::to_string(python.pid()) + " root python3 sysv 0x00005eed " +
                           segment.id_arg() + " 4096 4096\n");

  // --type narrows to one kind.
  EXPECT_EQ(run_shmtool({"who", "--type", "sysv", "--raw", "-n", "-o", "PID"}).out,
            std::to_string(python.pid()) + "\n");
  EXPECT_EQ(run_shmtool({"who", "--type", "posix", "--raw", "-n", "-o", "PID"}).out,
            std::to_string(c.pid()) + "\n");

  // When the holder exits, it is gone from who.
  c.signal(SIGKILL);
  c.wait();
  EXPECT_EQ(run_shmtool({"who", "--raw", "-n", "-o", "PID"}).out,
            std::to_string(python.pid()) + "\n");
}

TEST_F(Who, NamedSegmentsShowOnlyTheirHoldersAndAMissingOneIsExit3) {
  ShmEntry object = make_object("one", 4096, 0600, "x");
  ShmEntry other = make_object("other", 4096, 0600, "x");
  Background one({kPeer, "map", "/one", "30000"});
  ASSERT_EQ(one.read_line(), "mapped");
  Background two({kPeer, "map", "/other", "30000"});
  ASSERT_EQ(two.read_line(), "mapped");

  RunResult run = run_shmtool({"who", "--raw", "-n", "-o", "PID,NAME", "/other"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, std::to_string(two.pid()) + " /other\n");

  run = run_shmtool({"who", "/missing"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(lines_of(run.err).size(), 1U) << run.err;
  EXPECT_EQ(run.err.rfind("shmtool: who: /missing: ", 0), 0U) << run.err;

  run = run_shmtool({"who", "424242"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.err.rfind("shmtool: who: id 424242: ", 0), 0U) << run.err;

  // Several named, one missing: the rest are shown, the failure reported, exit 1 (as rm).
  run = run_shmtool({"who", "--raw", "-n", "-o", "PID", "/one", "/missing"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, std::to_string(one.pid()) + "\n");
  EXPECT_NE(run.err.find("/missing"), std::string::npos);

  // A SEGMENT names its own kind: --type with it is a usage error.
  EXPECT_EQ(run_shmtool({"who", "--type", "sysv", "/one"}).exit_code, 2);
}

TEST_F(Who, SortsAndPicksColumnsAsListDoes) {
  ShmEntry small = make_object("b-small", 4096, 0600, "x");
  ShmEntry large = make_object("a-large", 3 * 4096, 0600, "x");
  Background first({kPeer, "map", "/b-small", "30000"});
  ASSERT_EQ(first.read_line(), "mapped");
  Background second({kPeer, "map", "/a-large", "30000"});
  ASSERT_EQ(second.read_line(), "mapped");

  EXPECT_EQ(run_shmtool({"who", "--raw", "-n", "-o", "NAME,MAPPED", "--sort", "NAME"}).out,
            "/a-large 12288\n/b-small 4096\n");
  EXPECT_EQ(run_shmtool({"who", "--raw", "-n", "-o", "NAME", "--sort", "mapped", "-r"}).out,
            "/a-large\n/b-small\n");
  EXPECT_EQ(run_shmtool({"who", "--raw", "-n", "-o", "+PERMS", "--sort", "pid"}).out,
            std::to_string(first.pid()) +
                " root posix_peer posix /b-small - 4096 4096 rw-------\n" +
                std::to_string(second.pid()) +
                " root posix_peer posix /a-large - 12288 12288 rw-------\n");
  const RunResult bad = run_shmtool({"who", "-o", "PIDS"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown column 'PIDS'"), std::string::npos) << bad.err;
  EXPECT_EQ(run_shmtool({"who", "--sort", "NOPE"}).exit_code, 2);
}

TEST_F(Who, AHolderInAnotherIpcNamespaceWithTheSameIdIsNotCounted) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  // A process in an IPC namespace of its own makes and attaches a segment of the same id.
  Background other(
      {"unshare", "--ipc", kPython, "-c", kPythonCreateWithId, std::to_string(segment.id())});
  ASSERT_EQ(other.read_line(), segment.id_arg());

  RunResult run = run_shmtool({"who", "--json", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(parse_json(run)["attachments"].empty()) << run.out;
  run = run_shmtool({"who", "--json"});
  EXPECT_TRUE(parse_json(run)["attachments"].empty()) << run.out;
  const auto stat = parse_json(run_shmtool({"stat", "--json", segment.id_arg()}));
  EXPECT_EQ(stat["nattch"], 0);
  EXPECT_TRUE(stat["attached"].empty());
  EXPECT_EQ(run_shmtool({"list", "--raw", "-n", "-o", "ID,PIDS"}).out, segment.id_arg() + " -\n");

  // Attached here too: only the holder in this namespace is named.
  Background here({kPython, "-c", kPythonAttach, segment.id_arg()});
  ASSERT_EQ(here.read_line(), "attached");
  EXPECT_EQ(run_shmtool({"who", "--raw", "-n", "-o", "PID", segment.id_arg()}).out,
            std::to_string(here.pid()) + "\n");
}

TEST_F(Who, AsNobodyRootsHoldersAreCountedNotShown) {
  SegmentGuard segment(IPC_PRIVATE, 4096, 0644);
  Background python({kPython, "-c", kPythonAttach, segment.id_arg()});
  ASSERT_EQ(python.read_line(), "attached");
  const RunResult run = run_shmtool({"who", "--json"}, as_nobody());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_TRUE(j["attachments"].empty()) << run.out;
  EXPECT_GE(j["unseen_processes"].get<int>(), 1);
  const RunResult text = run_shmtool({"who"}, as_nobody());
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.out, "PID USER COMMAND TYPE NAME ID SIZE MAPPED\n");
  EXPECT_NE(text.err.find("could not be read and may hold shared memory too (run as root"),
            std::string::npos)
      << text.err;
}

TEST_F(Who, ACommandNameWithControlCharactersIsEscaped) {
  SegmentGuard segment(IPC_PRIVATE, 4096);
  Background python({kPython, "-c", kPythonAttach, segment.id_arg(), "ev\x1b[31mil\n"});
  ASSERT_EQ(python.read_line(), "attached");
  const RunResult text = run_shmtool({"who", "-o", "COMMAND"});
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << text.out;
  EXPECT_EQ(text.out, "COMMAND\nev\\e[31mil\\n\n");
  const auto j = parse_json(run_shmtool({"who", "--json"}));
  ASSERT_EQ(j["attachments"].size(), 1U);
  EXPECT_EQ(j["attachments"][0]["comm"], "ev\x1b[31mil\n");
}

}  // namespace
}  // namespace shmtool::test
