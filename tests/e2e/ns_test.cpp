// --ns PID: every command in another process's IPC namespace, with /dev/shm and ftok:PATH
// resolved under its root. The "containers" are processes the tests start with unshare (their
// own IPC and mount namespaces, their own tmpfs on /dev/shm); the tests themselves run in
// private namespaces too (tests/support/private_shm.sh), so nothing of the host is touched.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "posix_support.hpp"

namespace shmtool::test {
namespace {

const std::string kPython = SHMTOOL_TEST_PYTHON;

// A container: its own IPC and mount namespaces and a fresh tmpfs on /dev/shm holding object
// "inside", and a tmpfs on /mnt holding file "keyfile"; it makes segment 0x77 (8192 bytes) and
// one at ftok("/mnt/keyfile", 'A'), stays attached to the first, prints "ready", then sleeps.
const char* const kContainer = R"(
set -e
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /mnt
echo inside > /dev/shm/inside
touch /mnt/keyfile
exec "$0" -c '
import sysv_ipc, time
m = sysv_ipc.SharedMemory(0x77, sysv_ipc.IPC_CREX, size=8192)
k = sysv_ipc.ftok("/mnt/keyfile", ord("A"), silence_warning=True)
f = sysv_ipc.SharedMemory(k, sysv_ipc.IPC_CREX, size=100)
print("ready", flush=True)
time.sleep(60)
'
)";

class Ns : public PrivateShm {
 protected:
  void SetUp() override {
    PrivateShm::SetUp();
    if (HasFatalFailure()) return;
    container_.emplace(
        std::vector<std::string>{"unshare", "--ipc", "--mount", "sh", "-c", kContainer, kPython});
    ASSERT_EQ(container_->read_line(), "ready");
  }
  std::string pid() const { return std::to_string(container_->pid()); }

  std::optional<Background> container_;
};

TEST_F(Ns, ListAndStatShowTheContainersSegmentsAndObjectsNotOurs) {
  SegmentGuard ours(0x1111, 4096);
  RunResult run = run_shmtool({"--ns", pid(), "list", "--raw", "-n", "-o", "KEY,SIZE,NATTCH"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("0x00000077 8192 1\n"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("0x00001111"), std::string::npos) << run.out;
  // After the command too, and for POSIX objects: the container's /dev/shm.
  run = run_shmtool({"list", "--type", "posix", "--ns", pid(), "--raw", "-n", "-o", "NAME,SIZE"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "/inside 7\n");
  EXPECT_EQ(run_shmtool({"--ns", pid(), "read", "-B", "/inside"}).out, "inside\n");
  const auto stat = parse_json(run_shmtool({"--ns", pid(), "stat", "--json", "0x77"}));
  EXPECT_EQ(stat["size"], 8192);
  ASSERT_EQ(stat["attached"].size(), 1U);
  EXPECT_EQ(stat["attached"][0]["comm"], "python3");
  // Our own segment is not there.
  EXPECT_EQ(run_shmtool({"--ns", pid(), "stat", "0x1111"}).exit_code, 3);
  // And without --ns, the container's are not here.
  EXPECT_EQ(run_shmtool({"stat", "0x77"}).exit_code, 3);
}

TEST_F(Ns, FtokPathsAreTheContainersFiles) {
  // /mnt/keyfile exists only in the container's mount namespace.
  ASSERT_FALSE(std::filesystem::exists("/mnt/keyfile"));
  const RunResult run = run_shmtool({"--ns", pid(), "stat", "--json", "ftok:/mnt/keyfile"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_json(run)["size"], 100);
}

TEST_F(Ns, CommandsChangeTheContainersSegmentsAndObjects) {
  const std::string ns = pid();
  ASSERT_EQ(run_shmtool({"--ns", ns, "create", "key:0x88", "--size", "64"}).exit_code, 0);
  ASSERT_EQ(run_shmtool({"--ns", ns, "write", "0x88", "hello"}).exit_code, 0);
  EXPECT_EQ(run_shmtool({"--ns", ns, "read", "-B", "0x88", "--length", "5"}).out, "hello");
  ASSERT_EQ(run_shmtool({"--ns", ns, "write", "--create", "--size", "16", "/made", "x"}).exit_code,
            0);
  EXPECT_EQ(run_shmtool({"--ns", ns, "chmod", "600", "0x88", "/made"}).exit_code, 0);
  EXPECT_EQ(run_shmtool({"--ns", ns, "rm", "0x88", "/made"}).exit_code, 0);
  EXPECT_EQ(run_shmtool({"--ns", ns, "stat", "0x88"}).exit_code, 3);
  EXPECT_EQ(run_shmtool({"--ns", ns, "stat", "/made"}).exit_code, 3);
  const auto who = parse_json(run_shmtool({"--ns", ns, "who", "--json"}));
  // The container's process holds both of its segments (sysv_ipc attaches what it makes).
  ASSERT_EQ(who["attachments"].size(), 2U) << who.dump();
  EXPECT_EQ(who["attachments"][0]["segment"]["key"], 0x77);
  const auto limits = parse_json(run_shmtool({"--ns", ns, "limits", "--json"}));
  EXPECT_EQ(limits["totals"]["segments"], 2);
}

TEST_F(Ns, RefusalsAreOneLineWithTheSpecsExitCodes) {
  RunResult run = run_shmtool({"--ns", "abc", "list"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "shmtool: list: --ns abc: not a process id (a whole number above 0)\n");
  run = run_shmtool({"--ns", "0", "list"});
  EXPECT_EQ(run.exit_code, 2);
  // A process that has gone: a child that exited and was reaped.
  Background gone({"true"});
  const std::string dead = std::to_string(gone.pid());
  gone.wait();
  run = run_shmtool({"--ns", dead, "list"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "shmtool: list: --ns " + dead + ": no such process\n");
  run = run_shmtool({"--ns", pid(), "list"}, as_nobody());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("CAP_SYS_ADMIN"), std::string::npos) << run.err;
  EXPECT_EQ(lines_of(run.err).size(), 1U);
}

// A hostile container: its /dev/shm is a symbolic link to a directory of ours (the host's).
TEST_F(Ns, AContainersDevShmThatLinksOutIsRefusedAndNothingOutsideIsTouched) {
  HostileContainer hostile;
  ASSERT_TRUE(hostile.ready());
  const std::string ns = std::to_string(hostile.pid());
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--ns", ns, "rm", "--all", "--type", "posix"},
        std::vector<std::string>{"--ns", ns, "list", "--type", "posix"},
        std::vector<std::string>{"--ns", ns, "rm", "/victim"},
        std::vector<std::string>{"--ns", ns, "read", "/victim"}}) {
    const RunResult run = run_shmtool(args);
    EXPECT_EQ(run.exit_code, 1) << args[2] << ": " << run.out << run.err;
    EXPECT_NE(run.err.find("symbolic link"), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
  }
  EXPECT_EQ(file_bytes(hostile.victim()), "keep");
}

}  // namespace
}  // namespace shmtool::test
