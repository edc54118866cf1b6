#include "procs/namespaces.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "fake_proc.hpp"

namespace shmtool {
namespace {

// Process `pid` of fake /proc `proc` in IPC namespace `inode`: its ns/ipc is a symbolic link
// reading "ipc:[INODE]", as the kernel's is, but leading nowhere (the namespace cannot be
// entered: as one that is gone).
void in_namespace(const test::FakeProc& proc, pid_t pid, std::uint64_t inode) {
  const std::string ns = proc.path() + "/" + std::to_string(pid) + "/ns";
  std::filesystem::create_directories(ns);
  std::filesystem::create_symlink("ipc:[" + std::to_string(inode) + "]", ns + "/ipc");
}

TEST(FindNamespaces, GroupsProcessesByNamespaceWithTheLowestPidAndItsCommand) {
  test::FakeProc proc(1000);
  proc.add_process(1, "init", 0);
  proc.add_process(40, "postgres", 5);
  proc.add_process(41, "postgres", 5);
  proc.add_process(7, "containerd-shim", 3);
  proc.add_process(300, "nginx", 9);
  in_namespace(proc, 1, 4026531839);
  in_namespace(proc, 7, 4026531839);
  in_namespace(proc, 41, 4026532500);
  in_namespace(proc, 40, 4026532500);
  in_namespace(proc, 300, 4026532600);
  std::filesystem::create_directory(proc.path() + "/self");  // not a pid: passed over
  NamespaceScan scan;
  scan.proc = proc.path();
  const Result<HostNamespaces> found = find_namespaces(scan);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->ipc.size(), 3U);
  EXPECT_EQ(found->ipc[0].tag->inode, 4026531839U);
  EXPECT_EQ(found->ipc[0].tag->pid, 1);
  EXPECT_EQ(found->ipc[0].tag->comm, "init");
  EXPECT_EQ(found->ipc[0].pids, (std::vector<pid_t>{1, 7}));
  EXPECT_EQ(found->ipc[1].tag->inode, 4026532500U);
  EXPECT_EQ(found->ipc[1].tag->pid, 40);
  EXPECT_EQ(found->ipc[1].tag->comm, "postgres");
  EXPECT_EQ(found->ipc[1].pids, (std::vector<pid_t>{40, 41}));
  EXPECT_EQ(found->ipc[2].tag->pid, 300);
  EXPECT_EQ(found->unreadable, 0U);
}

TEST(FindNamespaces, PassesOverProcessesThatAreGoneOrHaveNoNamespaceLink) {
  test::FakeProc proc(1000);
  proc.add_process(1, "init", 0);
  in_namespace(proc, 1, 4026531839);
  proc.add_process(2, "kthreadd", 0);  // no ns directory: as a process that has just exited
  const std::string odd = proc.path() + "/3/ns";
  std::filesystem::create_directories(odd);
  std::filesystem::create_symlink("not-a-namespace", odd + "/ipc");
  NamespaceScan scan;
  scan.proc = proc.path();
  const Result<HostNamespaces> found = find_namespaces(scan);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->ipc.size(), 1U);
  EXPECT_EQ(found->ipc[0].tag->pid, 1);
  EXPECT_EQ(found->unreadable, 1U);  // pid 3's link says nothing that can be trusted
}

TEST(FindNamespaces, FailsOnlyWhenProcCannotBeRead) {
  NamespaceScan scan;
  scan.proc = "/nonexistent-proc";
  const Result<HostNamespaces> found = find_namespaces(scan);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().err, ENOENT);
}

TEST(VisitIpcNamespace, SkipsANamespaceNoneOfWhoseProcessesIsLeft) {
  test::FakeProc proc(1000);
  proc.add_process(40, "postgres", 5);
  in_namespace(proc, 40, 4026532500);
  NamespaceScan scan;
  scan.proc = proc.path();
  const Result<HostNamespaces> found = find_namespaces(scan);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->ipc.size(), 1U);
  bool visited = false;
  const Result<bool> entered = visit_ipc_namespace(
      found->ipc[0], [&visited] { visited = true; }, proc.path());
  ASSERT_TRUE(entered.ok());
  EXPECT_FALSE(*entered);
  EXPECT_FALSE(visited);
}

TEST(VisitIpcNamespace, VisitsThisProcesssOwnNamespaceWithoutEnteringIt) {
  // The real /proc: this process's own namespace, found by its own pid.
  IpcNamespace own;
  auto tag = std::make_shared<NamespaceTag>();
  struct stat st {};
  ASSERT_EQ(stat("/proc/self/ns/ipc", &st), 0);
  tag->inode = st.st_ino;
  tag->pid = getpid();
  own.tag = tag;
  own.pids = {getpid()};
  bool visited = false;
  const Result<bool> entered = visit_ipc_namespace(own, [&visited] { visited = true; });
  ASSERT_TRUE(entered.ok());
  EXPECT_TRUE(*entered);
  EXPECT_TRUE(visited);
  // A pid that is in another namespace than the one asked for is not taken for it.
  own.tag = std::make_shared<NamespaceTag>(NamespaceTag{st.st_ino + 1, getpid(), ""});
  visited = false;
  const Result<bool> other = visit_ipc_namespace(own, [&visited] { visited = true; });
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(*other);
  EXPECT_FALSE(visited);
}

}  // namespace
}  // namespace shmtool
