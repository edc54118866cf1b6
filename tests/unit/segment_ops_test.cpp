#include "sysv/segment_ops.hpp"

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "segment_guard.hpp"

namespace shmtool {
namespace {

using test::Attached;
using test::SegmentGuard;
using test::unique_key;

// Takes charge of a segment create_segment made, so it is removed whatever the test finds.
std::optional<SegmentGuard> guard_if_created(const Result<CreateOutcome>& outcome) {
  std::optional<SegmentGuard> guard;
  if (outcome.ok() && outcome->created) guard.emplace(SegmentGuard::adopt(outcome->segment.id));
  return guard;
}

struct shmid_ds kernel_stat(int id) {
  struct shmid_ds ds {};
  EXPECT_EQ(shmctl(id, IPC_STAT, &ds), 0) << "id " << id << ": " << std::strerror(errno);
  return ds;
}

bool exists(int id) {
  struct shmid_ds ds {};
  return shmctl(id, IPC_STAT, &ds) == 0;
}

CreateRequest request_for(std::optional<std::uint32_t> key, std::uint64_t size) {
  CreateRequest request;
  request.key = key;
  request.size = size;
  request.subject = key ? "key " + std::to_string(*key) : "private";
  return request;
}

TEST(CreateSegment, NeverAsksForAWorldWritableModeByDefault) {
  EXPECT_EQ(CreateRequest{}.mode, 0600U);
}

TEST(CreateSegment, CreatesAPrivateSegmentOfTheSizeAndModeAsked) {
  CreateRequest request = request_for(std::nullopt, 1000);
  request.mode = 0640;
  auto outcome = create_segment(system_kernel(), request);
  const auto guard = guard_if_created(outcome);
  ASSERT_TRUE(outcome.ok()) << outcome.error().detail;
  EXPECT_TRUE(outcome->created);
  const SegmentRecord& s = outcome->segment;
  EXPECT_EQ(s.key, 0U);
  EXPECT_EQ(s.size, 1000U);
  EXPECT_EQ(s.mode, 0640U);
  EXPECT_EQ(s.uid, geteuid());
  EXPECT_EQ(s.cpid, getpid());
  EXPECT_EQ(s.nattch, 0U);
  const struct shmid_ds ds = kernel_stat(s.id);
  EXPECT_EQ(ds.shm_segsz, 1000U);
  EXPECT_EQ(ds.shm_perm.mode & 0777U, 0640U);
}

TEST(CreateSegment, CreatesASegmentForAKey) {
  const std::uint32_t key = unique_key();
  auto outcome = create_segment(system_kernel(), request_for(key, 4096));
  const auto guard = guard_if_created(outcome);
  ASSERT_TRUE(outcome.ok()) << outcome.error().detail;
  EXPECT_TRUE(outcome->created);
  EXPECT_EQ(outcome->segment.key, key);
  EXPECT_EQ(outcome->segment.mode, 0600U);
  EXPECT_EQ(shmget(static_cast<key_t>(key), 0, 0), outcome->segment.id);
}

TEST(CreateSegment, ReportsTheExistingSegmentWhenTheSizeFits) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 4096, 0640);
  for (std::uint64_t size : {1U, 100U, 4096U}) {
    auto outcome = create_segment(system_kernel(), request_for(key, size));
    const auto guard = guard_if_created(outcome);
    ASSERT_TRUE(outcome.ok()) << outcome.error().detail;
    EXPECT_FALSE(outcome->created);
    EXPECT_EQ(outcome->segment.id, existing.id());
    EXPECT_EQ(outcome->segment.size, 4096U);
    EXPECT_EQ(outcome->segment.mode, 0640U);
  }
}

TEST(CreateSegment, RefusesAnExistingKeyWhenExclusive) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 4096);
  CreateRequest request = request_for(key, 100);
  request.exclusive = Exclusive::yes;
  auto outcome = create_segment(system_kernel(), request);
  const auto guard = guard_if_created(outcome);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, ErrorKind::exists);
  EXPECT_EQ(outcome.error().op, Op::create);
  EXPECT_EQ(outcome.error().subject, request.subject);
  EXPECT_TRUE(exists(existing.id()));
}

TEST(CreateSegment, RefusesASizeLargerThanTheExistingSegmentNamingBoth) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 4096);
  auto outcome = create_segment(system_kernel(), request_for(key, 8192));
  const auto guard = guard_if_created(outcome);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, ErrorKind::too_large);
  EXPECT_EQ(outcome.error().op, Op::create);
  EXPECT_EQ(outcome.error().fact, Fact::existing_smaller);
  EXPECT_EQ(outcome.error().have, 4096U);
  EXPECT_EQ(outcome.error().size, 8192U);
  EXPECT_EQ(outcome.error().id, existing.id());
  EXPECT_EQ(kernel_stat(existing.id()).shm_segsz, 4096U);
}

TEST(CreateSegment, PassesOnTheKernelsRefusalOfASize) {
  auto outcome = create_segment(system_kernel(), request_for(std::nullopt, 0));
  const auto guard = guard_if_created(outcome);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().op, Op::create);
  EXPECT_EQ(outcome.error().err, EINVAL);
  EXPECT_EQ(outcome.error().kind, ErrorKind::system);
}

TEST(RemoveSegment, RemovesASegmentAndReturnsItAsItWas) {
  SegmentGuard segment(IPC_PRIVATE, 2048, 0640);
  auto removed = remove_segment(system_kernel(), segment.id(), Usage::skip);
  ASSERT_TRUE(removed.ok()) << removed.error().detail;
  EXPECT_FALSE(removed->marked);
  EXPECT_EQ(removed->segment.id, segment.id());
  EXPECT_EQ(removed->segment.size, 2048U);
  EXPECT_FALSE(exists(segment.id()));
}

TEST(RemoveSegment, MarksASegmentThatIsStillAttached) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  Attached attached(segment.id());
  auto removed = remove_segment(system_kernel(), segment.id(), Usage::skip);
  ASSERT_TRUE(removed.ok()) << removed.error().detail;
  EXPECT_TRUE(removed->marked);
  EXPECT_EQ(removed->segment.nattch, 1U);
  const struct shmid_ds ds = kernel_stat(segment.id());
  EXPECT_NE(ds.shm_perm.mode & SHM_DEST, 0U);
}

TEST(RemoveSegment, ReportsNotFoundForAGoneId) {
  int id = -1;
  { id = SegmentGuard(IPC_PRIVATE, 100).id(); }
  auto removed = remove_segment(system_kernel(), id, Usage::skip);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().kind, ErrorKind::not_found);
  EXPECT_EQ(removed.error().op, Op::remove);
}

TEST(SetMode, ChangesThePermissionBitsOnly) {
  SegmentGuard segment(IPC_PRIVATE, 100, 0600);
  const struct shmid_ds before = kernel_stat(segment.id());
  auto record = set_mode(system_kernel(), segment.id(), 0644);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->mode, 0644U);
  const struct shmid_ds after = kernel_stat(segment.id());
  EXPECT_EQ(after.shm_perm.mode & 0777U, 0644U);
  EXPECT_EQ(after.shm_perm.uid, before.shm_perm.uid);
  EXPECT_EQ(after.shm_perm.gid, before.shm_perm.gid);
}

TEST(SetMode, ReportsNotFoundForAGoneId) {
  int id = -1;
  { id = SegmentGuard(IPC_PRIVATE, 100).id(); }
  auto record = set_mode(system_kernel(), id, 0600);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
}

TEST(SetOwner, ChangesOnlyTheGroupWhenOnlyAGroupIsGiven) {
  SegmentGuard segment(IPC_PRIVATE, 100, 0640);
  const struct shmid_ds before = kernel_stat(segment.id());
  const gid_t other_group = before.shm_perm.gid == 65534 ? 65533 : 65534;
  OwnerChange change;
  change.gid = other_group;
  auto record = set_owner(system_kernel(), segment.id(), change);
  if (geteuid() != 0 && !record.ok()) {
    // Without privilege only a group the caller is in may be given; the refusal must say so.
    EXPECT_EQ(record.error().kind, ErrorKind::permission);
    return;
  }
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->gid, other_group);
  EXPECT_EQ(record->uid, before.shm_perm.uid);
  EXPECT_EQ(record->mode, 0640U);
  const struct shmid_ds after = kernel_stat(segment.id());
  EXPECT_EQ(after.shm_perm.gid, other_group);
  EXPECT_EQ(after.shm_perm.uid, before.shm_perm.uid);
  EXPECT_EQ(after.shm_perm.mode & 0777U, 0640U);
}

TEST(ResolveId, ReturnsAnIdAsGiven) {
  SegmentRef ref;
  ref.form = RefForm::id;
  ref.id = 123456789;
  auto id = resolve_id(ref);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 123456789);
}

TEST(ResolveId, FindsTheSegmentAKeyNames) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 100);
  auto ref = parse_segment_ref("key:" + std::to_string(key));
  ASSERT_TRUE(ref.ok());
  auto id = resolve_id(*ref);
  ASSERT_TRUE(id.ok()) << id.error().detail;
  EXPECT_EQ(*id, segment.id());
}

TEST(ResolveId, ReportsNotFoundForAKeyThatNamesNothing) {
  const std::uint32_t key = unique_key();
  auto ref = parse_segment_ref(format_key_hex(key));
  ASSERT_TRUE(ref.ok());
  auto id = resolve_id(*ref);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::not_found);
  EXPECT_EQ(id.error().op, Op::resolve);
  EXPECT_EQ(id.error().subject, "key " + format_key_hex(key));
}

TEST(LookupSegment, StatsTheSegmentAKeyNames) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 333, 0604);
  auto ref = parse_segment_ref(format_key_hex(key));
  ASSERT_TRUE(ref.ok());
  auto record = lookup_segment(system_kernel(), *ref, Usage::read);
  ASSERT_TRUE(record.ok()) << record.error().detail;
  EXPECT_EQ(record->id, segment.id());
  EXPECT_EQ(record->size, 333U);
  EXPECT_EQ(record->mode, 0604U);
  EXPECT_TRUE(record->rss.has_value());
}

TEST(LookupSegment, ReportsNotFoundForAGoneId) {
  int id = -1;
  { id = SegmentGuard(IPC_PRIVATE, 100).id(); }
  auto ref = parse_segment_ref(std::to_string(id));
  ASSERT_TRUE(ref.ok());
  auto record = lookup_segment(system_kernel(), *ref, Usage::skip);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
}

TEST(WaitForSegment, ReturnsAtOnceWhenTheKeyNamesASegment) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 100);
  auto ref = parse_segment_ref(format_key_hex(key));
  ASSERT_TRUE(ref.ok());
  auto id = wait_for_segment(*ref, std::chrono::milliseconds(0));
  ASSERT_TRUE(id.ok()) << id.error().detail;
  EXPECT_EQ(*id, segment.id());
}

TEST(WaitForSegment, ReportsNotFoundWhenTheTimeoutRunsOut) {
  const std::uint32_t key = unique_key();
  auto ref = parse_segment_ref(format_key_hex(key));
  ASSERT_TRUE(ref.ok());
  const auto start = std::chrono::steady_clock::now();
  auto id = wait_for_segment(*ref, std::chrono::milliseconds(80));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::not_found);
  EXPECT_EQ(id.error().op, Op::wait);
  EXPECT_GE(elapsed, std::chrono::milliseconds(80));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(WaitForSegment, WaitsForAnFtokPathThatDoesNotExistYet) {
  auto ref = parse_segment_ref("ftok:/nonexistent/shmtool-unit-test");
  ASSERT_TRUE(ref.ok());
  auto id = wait_for_segment(*ref, std::chrono::milliseconds(30));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().kind, ErrorKind::not_found);
  EXPECT_EQ(id.error().op, Op::wait);
}

TEST(WaitForSegment, ReturnsTheSegmentThatAppearsMeanwhile) {
  const std::uint32_t key = unique_key();
  auto ref = parse_segment_ref(format_key_hex(key));
  ASSERT_TRUE(ref.ok());
  auto waiting = std::async(std::launch::async,
                            [&] { return wait_for_segment(*ref, std::chrono::seconds(10)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  SegmentGuard segment(static_cast<key_t>(key), 100);
  auto id = waiting.get();
  ASSERT_TRUE(id.ok()) << id.error().detail;
  EXPECT_EQ(*id, segment.id());
}

}  // namespace
}  // namespace shmtool
