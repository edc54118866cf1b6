#include "posix/shm_dir.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "posix/object_lock.hpp"

namespace shmtool {
namespace {

// A directory of its own under /tmp standing in for /dev/shm (the operations work on any
// directory descriptor), removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "shm_dir_test.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  ShmDir open() const {
    return ShmDir::adopt(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  void file(const std::string& name, const std::string& content, mode_t mode = 0600) const {
    std::ofstream(path_ / name) << content;
    ::chmod((path_ / name).c_str(), mode);
  }

 private:
  std::filesystem::path path_;
};

std::string content_of(const std::filesystem::path& path) {
  std::string out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "(cannot open)";
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

std::vector<std::string> names_of(const std::vector<PosixRecord>& objects) {
  std::vector<std::string> names;
  for (const PosixRecord& p : objects)
    names.push_back(p.name);
  return names;
}

TEST(ListPosixObjects, ListsRegularFilesByNameAndNothingElse) {
  ScratchDir scratch;
  scratch.file("b", "bb");
  scratch.file("a", "a");
  scratch.file("sem.lock", "");  // a POSIX semaphore
  std::filesystem::create_directory(scratch.path() / "dir");
  std::filesystem::create_symlink(scratch.path() / "a", scratch.path() / "link");
  ASSERT_EQ(mkfifo((scratch.path() / "fifo").c_str(), 0600), 0);
  const auto objects = list_posix_objects(scratch.open());
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ(names_of(*objects), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(objects->at(1).size, 2U);
}

TEST(StatPosix, GivesWhatStatGives) {
  ScratchDir scratch;
  scratch.file("obj", std::string(5000, 'x'), 0640);
  struct stat st {};
  ASSERT_EQ(::stat((scratch.path() / "obj").c_str(), &st), 0);
  const auto record = stat_posix(scratch.open(), "obj");
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->size, 5000U);
  EXPECT_EQ(record->mode, 0640U);
  EXPECT_EQ(record->uid, st.st_uid);
  EXPECT_EQ(record->gid, st.st_gid);
  EXPECT_EQ(record->allocated, static_cast<std::uint64_t>(st.st_blocks) * 512U);
  EXPECT_EQ(record->mtime, st.st_mtim.tv_sec);
  EXPECT_EQ(record->ino, st.st_ino);
  EXPECT_FALSE(record->nattch.has_value());
}

TEST(StatPosix, MissingIsNotFound) {
  ScratchDir scratch;
  const auto record = stat_posix(scratch.open(), "none");
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.error().kind, ErrorKind::not_found);
  EXPECT_TRUE(record.error().posix);
  EXPECT_EQ(record.error().subject, "/none");
}

TEST(StatPosix, ASymbolicLinkOrDirectoryIsNotAnObject) {
  ScratchDir scratch;
  scratch.file("target", "secret");
  std::filesystem::create_symlink(scratch.path() / "target", scratch.path() / "link");
  std::filesystem::create_directory(scratch.path() / "dir");
  const auto link = stat_posix(scratch.open(), "link");
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().kind, ErrorKind::not_regular);
  EXPECT_EQ(link.error().st_mode, static_cast<std::uint32_t>(S_IFLNK));
  const auto dir = stat_posix(scratch.open(), "dir");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().st_mode, static_cast<std::uint32_t>(S_IFDIR));
}

TEST(PosixFile, NeverOpensThroughASymbolicLink) {
  ScratchDir scratch;
  scratch.file("target", "secret");
  std::filesystem::create_symlink(scratch.path() / "target", scratch.path() / "link");
  const ShmDir dir = scratch.open();
  for (Access access : {Access::read_only, Access::read_write}) {
    const auto file = PosixFile::open(dir, "link", access);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().kind, ErrorKind::not_regular);
  }
  EXPECT_EQ(content_of(scratch.path() / "target"), "secret");
}

TEST(PosixFile, RefusesAFifoWithoutWaitingForAWriter) {
  ScratchDir scratch;
  ASSERT_EQ(mkfifo((scratch.path() / "fifo").c_str(), 0600), 0);
  const auto file = PosixFile::open(scratch.open(), "fifo", Access::read_only);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().st_mode, static_cast<std::uint32_t>(S_IFIFO));
}

TEST(PosixFile, MapsTheWholeObject) {
  ScratchDir scratch;
  scratch.file("obj", "hello");
  const auto file = PosixFile::open(scratch.open(), "obj", Access::read_only);
  ASSERT_TRUE(file.ok());
  const auto mapped = file->map(Access::read_only);
  ASSERT_TRUE(mapped.ok());
  ASSERT_EQ(mapped->bytes().size(), 5U);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(mapped->bytes().data()), 5), "hello");
}

TEST(PosixFile, AnEmptyObjectMapsToNothing) {
  ScratchDir scratch;
  scratch.file("empty", "");
  const auto file = PosixFile::open(scratch.open(), "empty", Access::read_write);
  ASSERT_TRUE(file.ok());
  const auto mapped = file->map(Access::read_write);
  ASSERT_TRUE(mapped.ok());
  EXPECT_TRUE(mapped->bytes().empty());
}

TEST(CreatePosix, MakesTheSizeAndExactlyTheModeWhateverTheUmask) {
  ScratchDir scratch;
  const mode_t old = umask(077);
  PosixCreateRequest request;
  request.name = "new";
  request.size = 12345;
  request.mode = 0664;
  const auto outcome = create_posix(scratch.open(), request);
  umask(old);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->created);
  struct stat st {};
  ASSERT_EQ(::stat((scratch.path() / "new").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0664U);
  EXPECT_EQ(st.st_size, 12345);
  EXPECT_EQ(outcome->object.size, 12345U);
}

TEST(CreatePosix, ReportsAnExistingObjectThatIsLargeEnough) {
  ScratchDir scratch;
  scratch.file("old", std::string(100, 'x'));
  PosixCreateRequest request;
  request.name = "old";
  request.size = 100;
  const auto outcome = create_posix(scratch.open(), request);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->created);
  EXPECT_EQ(content_of(scratch.path() / "old"), std::string(100, 'x'));
}

TEST(CreatePosix, RefusesASmallerExistingObjectOrAnyWithExclusive) {
  ScratchDir scratch;
  scratch.file("old", "xx");
  PosixCreateRequest request;
  request.name = "old";
  request.size = 100;
  auto outcome = create_posix(scratch.open(), request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, ErrorKind::too_large);
  request.size = 1;
  request.exclusive = Exclusive::yes;
  outcome = create_posix(scratch.open(), request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, ErrorKind::exists);
  EXPECT_EQ(content_of(scratch.path() / "old"), "xx");
}

TEST(CreatePosix, ADanglingSymbolicLinkIsNotFollowedToMakeAFile) {
  ScratchDir scratch;
  const auto outside = scratch.path() / "outside";
  std::filesystem::create_symlink(outside, scratch.path() / "link");
  PosixCreateRequest request;
  request.name = "link";
  request.size = 10;
  const auto outcome = create_posix(scratch.open(), request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().kind, ErrorKind::not_regular);
  EXPECT_FALSE(std::filesystem::exists(outside));
}

TEST(RemovePosix, UnlinksTheObjectOnly) {
  ScratchDir scratch;
  scratch.file("obj", "x");
  scratch.file("target", "keep");
  std::filesystem::create_symlink(scratch.path() / "target", scratch.path() / "link");
  const ShmDir dir = scratch.open();
  ASSERT_TRUE(remove_posix(dir, "obj").ok());
  EXPECT_FALSE(std::filesystem::exists(scratch.path() / "obj"));
  const auto link = remove_posix(dir, "link");
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().kind, ErrorKind::not_regular);
  EXPECT_TRUE(std::filesystem::is_symlink(scratch.path() / "link"));
  EXPECT_EQ(content_of(scratch.path() / "target"), "keep");
}

TEST(RemovePosix, WithAnExpectedRecordLeavesAReplacementAlone) {
  ScratchDir scratch;
  scratch.file("obj", "first");
  const ShmDir dir = scratch.open();
  const auto first = stat_posix(dir, "obj");
  ASSERT_TRUE(first.ok());
  // Kept open, the first file keeps its inode number: the second cannot be given it.
  const int keep = ::open((scratch.path() / "obj").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(keep, 0);
  scratch.file("tmp", "second");
  std::filesystem::rename(scratch.path() / "tmp", scratch.path() / "obj");
  const auto removed = remove_posix(dir, "obj", &*first);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().kind, ErrorKind::not_found);
  EXPECT_EQ(content_of(scratch.path() / "obj"), "second");
  close(keep);
}

TEST(SetPosixMode, ChangesTheFileNotALinkTarget) {
  ScratchDir scratch;
  scratch.file("obj", "x", 0600);
  scratch.file("target", "x", 0600);
  std::filesystem::create_symlink(scratch.path() / "target", scratch.path() / "link");
  const ShmDir dir = scratch.open();
  const auto changed = set_posix_mode(dir, "obj", 0640);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->mode, 0640U);
  EXPECT_FALSE(set_posix_mode(dir, "link", 0666).ok());
  struct stat st {};
  ASSERT_EQ(::stat((scratch.path() / "target").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0600U);
}

TEST(SetPosixOwner, ChangesOwnerAndGroupOrOnlyTheGroup) {
  if (geteuid() != 0) GTEST_FAIL() << "needs root to give a file away";
  ScratchDir scratch;
  scratch.file("obj", "x");
  const ShmDir dir = scratch.open();
  OwnerChange change;
  change.gid = 65534;
  auto changed = set_posix_owner(dir, "obj", change);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->gid, 65534U);
  EXPECT_EQ(changed->uid, 0U);
  change.uid = 65534;
  changed = set_posix_owner(dir, "obj", change);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->uid, 65534U);
}

TEST(WaitForPosix, ReturnsWhenItExistsAndTimesOutOtherwise) {
  ScratchDir scratch;
  const ShmDir dir = scratch.open();
  const auto start = std::chrono::steady_clock::now();
  const auto missing = wait_for_posix(dir, "later", std::chrono::milliseconds(50));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_EQ(missing.error().op, Op::wait);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  scratch.file("later", "x");
  EXPECT_TRUE(wait_for_posix(dir, "later", std::chrono::milliseconds(50)).ok());
}

TEST(ObjectLock, IsAnExclusiveFlockOfTheFile) {
  ScratchDir scratch;
  scratch.file("obj", "x");
  const ShmDir dir = scratch.open();
  auto held = ObjectLock::take(dir, "obj", std::chrono::milliseconds(0));
  ASSERT_TRUE(held.ok());
  const int other = ::open((scratch.path() / "obj").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(other, 0);
  errno = 0;
  EXPECT_NE(flock(other, LOCK_EX | LOCK_NB), 0);
  EXPECT_EQ(errno, EWOULDBLOCK);
  const auto second = ObjectLock::take(dir, "obj", std::chrono::milliseconds(20));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().op, Op::lock);
  { const ObjectLock released = std::move(*held); }
  EXPECT_EQ(flock(other, LOCK_EX | LOCK_NB), 0);
  close(other);
}

TEST(ObjectLock, FindsAnInheritedLockOfTheSameFileOnly) {
  ScratchDir scratch;
  scratch.file("obj", "x");
  scratch.file("other", "x");
  const ShmDir dir = scratch.open();
  auto held = ObjectLock::take(dir, "obj", std::nullopt);
  ASSERT_TRUE(held.ok());
  const std::string entries = "1:2:3," + held->entry();
  const auto nested = ObjectLock::take(dir, "obj", std::chrono::milliseconds(0), entries);
  EXPECT_TRUE(nested.ok());
  const auto unrelated = ObjectLock::take(dir, "other", std::chrono::milliseconds(0), entries);
  EXPECT_TRUE(unrelated.ok());  // not held by anyone: taken for itself
  // A malformed or stale list is no proof: the lock is waited for, and here it is held.
  const auto forged = ObjectLock::take(dir, "obj", std::chrono::milliseconds(0), "x:y:z,,1:2");
  EXPECT_FALSE(forged.ok());
}

TEST(ParseProcLocks, FindsTheFlockOfOneFileAndItsWaiters) {
  const dev_t dev = makedev(0, 0x1a);
  const std::string text =
      "1: POSIX  ADVISORY  WRITE 99 00:1a:5678 0 EOF\n"  // fcntl lock: not ours
      "2: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF\n"
      "2: -> FLOCK  ADVISORY  WRITE 1300 00:1a:5678 0 EOF\n"
      "2: -> FLOCK  ADVISORY  WRITE 1301 00:1a:5678 0 EOF\n"
      "3: FLOCK  ADVISORY  WRITE 77 00:1b:5678 0 EOF\n"  // another device
      "4: FLOCK  ADVISORY  WRITE 78 00:1a:56789 0 EOF\n"
      "garbage line\n";
  const FlockState state = parse_proc_locks(text, dev, 5678);
  EXPECT_TRUE(state.held);
  EXPECT_EQ(state.pid, 1234);
  EXPECT_EQ(state.waiting, 2U);
  const FlockState none = parse_proc_locks(text, dev, 1);
  EXPECT_FALSE(none.held);
  EXPECT_FALSE(none.pid.has_value());
  EXPECT_EQ(none.waiting, 0U);
}

TEST(ReadFlockState, SeesALockThisProcessHolds) {
  ScratchDir scratch;
  scratch.file("obj", "x");
  const ShmDir dir = scratch.open();
  const auto record = stat_posix(dir, "obj");
  ASSERT_TRUE(record.ok());
  auto before = read_flock_state(*record);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->held);
  auto held = ObjectLock::take(dir, "obj", std::nullopt);
  ASSERT_TRUE(held.ok());
  auto during = read_flock_state(*record);
  ASSERT_TRUE(during.ok());
  EXPECT_TRUE(during->held);
  EXPECT_EQ(during->pid, getpid());
}

}  // namespace
}  // namespace shmtool
