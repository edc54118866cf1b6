#include "procs/holders.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>

#include "fake_proc.hpp"

namespace shmtool {
namespace {

TEST(ParseMapsLine, ReadsASystemVMapping) {
  MapsLine m;
  ASSERT_TRUE(parse_maps_line(
      "7f0000000000-7f0000002000 rw-s 00000000 00:01 32773                      /SYSV0000162e "
      "(deleted)",
      m));
  EXPECT_EQ(m.bytes, 0x2000U);
  EXPECT_EQ(m.major, 0U);
  EXPECT_EQ(m.minor, 1U);
  EXPECT_EQ(m.inode, 32773U);
  EXPECT_EQ(m.path, "/SYSV0000162e (deleted)");
}

TEST(ParseMapsLine, ReadsHexDevicesAndAnonymousMappings) {
  MapsLine m;
  ASSERT_TRUE(parse_maps_line("00400000-00401000 r-xp 00000000 fe:1a 1234 /usr/bin/x", m));
  EXPECT_EQ(m.major, 0xfeU);
  EXPECT_EQ(m.minor, 0x1aU);
  ASSERT_TRUE(parse_maps_line("7ffd0000-7ffd1000 rw-p 00000000 00:00 0", m));
  EXPECT_TRUE(m.path.empty());
  EXPECT_EQ(m.inode, 0U);
}

TEST(ParseMapsLine, RefusesOtherShapes) {
  MapsLine m;
  EXPECT_FALSE(parse_maps_line("", m));
  EXPECT_FALSE(parse_maps_line("garbage", m));
  EXPECT_FALSE(parse_maps_line("2000-1000 rw-s 0 00:01 5 /SYSV", m));  // end before start
  EXPECT_FALSE(parse_maps_line("1000-2000 rw-s 0 0001 5 /SYSV", m));   // no major:minor
}

TEST(ScanHolders, FindsThisProcessAttachedToAPrivateSegment) {
  const int id = shmget(IPC_PRIVATE, 8192, 0600);
  ASSERT_GE(id, 0);
  void* at = shmat(id, nullptr, 0);
  ASSERT_NE(at, reinterpret_cast<void*>(-1));
  const auto holders = scan_holders(HolderScan{});
  shmdt(at);
  shmctl(id, IPC_RMID, nullptr);
  ASSERT_TRUE(holders.ok());
  const auto pids = holders->segment_holders(id);
  ASSERT_EQ(pids, std::vector<pid_t>{getpid()});
  const ProcessInfo* me = holders->process(getpid());
  ASSERT_NE(me, nullptr);
  EXPECT_EQ(me->uid, geteuid());
  EXPECT_FALSE(me->comm.empty());
  for (const Holding& h : holders->holdings) {
    if (h.sysv && h.shmid == id) {
      EXPECT_EQ(h.mapped, 8192U);
    }
  }
}

TEST(ScanHolders, LimitedToSomeSegmentsSeesOnlyThose) {
  const int wanted = shmget(IPC_PRIVATE, 4096, 0600);
  const int other = shmget(IPC_PRIVATE, 4096, 0600);
  ASSERT_GE(wanted, 0);
  ASSERT_GE(other, 0);
  void* at_wanted = shmat(wanted, nullptr, SHM_RDONLY);
  void* at_other = shmat(other, nullptr, SHM_RDONLY);
  HolderScan some;
  some.shmids = std::vector<int>{wanted};
  const auto found = scan_holders(some);
  HolderScan none;
  none.shmids = std::vector<int>{};
  const auto nothing = scan_holders(none);
  shmdt(at_wanted);
  shmdt(at_other);
  shmctl(wanted, IPC_RMID, nullptr);
  shmctl(other, IPC_RMID, nullptr);
  ASSERT_NE(at_wanted, reinterpret_cast<void*>(-1));
  ASSERT_NE(at_other, reinterpret_cast<void*>(-1));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->segment_holders(wanted), std::vector<pid_t>{getpid()});
  EXPECT_TRUE(found->segment_holders(other).empty());
  EXPECT_NE(found->process(getpid()), nullptr);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->holdings.empty());
  EXPECT_EQ(nothing->process(getpid()), nullptr);
}

TEST(StartTicks, CountsFieldsFromTheLastParenthesis) {
  // A command name with spaces and a ')' must not shift the fields.
  const std::string stat =
      "42 (a b) c) S 1 42 42 0 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 987654 3133440 394";
  EXPECT_EQ(start_ticks(stat), 987654U);
  EXPECT_FALSE(start_ticks("42 (short) S 1").has_value());
  EXPECT_FALSE(start_ticks("garbage").has_value());
}

TEST(CreatorProcess, IsThisProcessForATimeAfterItStartedAndNotBefore) {
  const auto now = static_cast<std::int64_t>(time(nullptr));
  const auto me = creator_process(getpid(), now + 10);
  ASSERT_TRUE(me.has_value());
  EXPECT_FALSE(me->comm.empty());
  EXPECT_LE(me->start, now);
  // A segment changed before this process started cannot have been created by it.
  EXPECT_FALSE(creator_process(getpid(), me->start - 100).has_value());
  EXPECT_FALSE(creator_process(0, now).has_value());
}

// A fake /proc: booted at kBoot; the segment of these tests was made (last changed) at
// kCreated, a day after boot.
constexpr std::int64_t kBoot = 1700000000;
constexpr std::int64_t kCreated = kBoot + 86400;

TEST(CreatorState, ACreatorStartedBeforeTheSegmentRunsStill) {
  test::FakeProc proc(kBoot);
  proc.add_process(4321, "postgres", 3600);  // an hour after boot
  EXPECT_EQ(creator_state(4321, kCreated, proc.path()), CreatorState::running);
  const auto creator = creator_process(4321, kCreated, proc.path());
  ASSERT_TRUE(creator.has_value());
  EXPECT_EQ(creator->comm, "postgres");
  EXPECT_EQ(creator->start, kBoot + 3600);
  // Started in the very second the segment was made: still the creator.
  proc.add_process(4322, "quick", 86400);
  EXPECT_EQ(creator_state(4322, kCreated, proc.path()), CreatorState::running);
}

TEST(CreatorState, NoSuchProcessIsGone) {
  test::FakeProc proc(kBoot);
  proc.add_process(4321, "postgres", 3600);
  EXPECT_EQ(creator_state(4322, kCreated, proc.path()), CreatorState::gone);
  EXPECT_FALSE(creator_process(4322, kCreated, proc.path()).has_value());
}

TEST(CreatorState, APidReusedByAProcessStartedAfterTheSegmentIsGone) {
  test::FakeProc proc(kBoot);
  proc.add_process(4321, "bash", 86400 + 1);  // a second after the segment was made
  EXPECT_EQ(creator_state(4321, kCreated, proc.path()), CreatorState::gone);
  EXPECT_FALSE(creator_process(4321, kCreated, proc.path()).has_value());
  // Without the segment's time, a process with the pid counts as its creator.
  EXPECT_EQ(creator_state(4321, std::nullopt, proc.path()), CreatorState::running);
}

TEST(CreatorState, AZombieHasExited) {
  test::FakeProc proc(kBoot);
  proc.add_process(4321, "worker", 3600, "Z");
  EXPECT_EQ(creator_state(4321, kCreated, proc.path()), CreatorState::gone);
  EXPECT_FALSE(creator_process(4321, kCreated, proc.path()).has_value());
}

TEST(CreatorState, IsUnknownWhenProcCannotTell) {
  test::FakeProc no_boot_time(std::nullopt);
  no_boot_time.add_process(4321, "postgres", 3600);
  EXPECT_EQ(creator_state(4321, kCreated, no_boot_time.path()), CreatorState::unknown);
  EXPECT_FALSE(creator_process(4321, kCreated, no_boot_time.path()).has_value());
  test::FakeProc proc(kBoot);
  // Pid 0: the kernel's answer for a creator in a pid namespace this one cannot see.
  EXPECT_EQ(creator_state(0, kCreated, proc.path()), CreatorState::unknown);
}

TEST(CreatorState, EachProcDirectoryHasItsOwnBootTime) {
  // The same process, started an hour after boot, in two /procs that booted a day apart: the
  // boot time read (and kept) for one must not be used for the other.
  test::FakeProc early(kBoot);
  test::FakeProc late(kBoot + 86400);
  early.add_process(4321, "postgres", 3600);
  late.add_process(4321, "postgres", 3600);
  EXPECT_EQ(creator_state(4321, kCreated, early.path()), CreatorState::running);
  EXPECT_EQ(creator_state(4321, kCreated, late.path()), CreatorState::gone);
  EXPECT_EQ(creator_state(4321, kCreated, early.path()), CreatorState::running);
  EXPECT_EQ(creator_process(4321, kCreated + 86400, late.path()).value().start,
            kBoot + 86400 + 3600);
}

TEST(CreatorState, ThisProcessRunsAndAnExitedChildIsGone) {
  const auto now = static_cast<std::int64_t>(time(nullptr));
  EXPECT_EQ(creator_state(getpid(), now + 10), CreatorState::running);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(creator_state(child, now + 10), CreatorState::gone);
}

TEST(ScanHolders, AMissingProcIsAnError) {
  HolderScan scan;
  scan.proc = "/nonexistent-proc";
  EXPECT_FALSE(scan_holders(scan).ok());
}

}  // namespace
}  // namespace shmtool
