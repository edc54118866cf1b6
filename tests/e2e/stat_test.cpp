// shmtool stat: the segment object's fields and types, by every SEGMENT form, and the text form.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <ctime>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

const char* const kFields[] = {"id",    "key",    "key_hex", "size",   "mode",   "perms",
                               "uid",   "user",   "gid",     "group",  "cuid",   "cuser",
                               "cgid",  "cgroup", "cpid",    "lpid",   "nattch", "atime",
                               "dtime", "ctime",  "dest",    "locked", "rss",    "swap"};

TEST(Stat, JsonHasEveryFieldOfTheSegmentObject) {
  const std::uint32_t key = unique_key();
  const std::int64_t before = std::time(nullptr);
  SegmentGuard segment(static_cast<key_t>(key), 5000, 0640);
  const auto j = stat_json(segment.id());
  ASSERT_TRUE(j.is_object());
  for (const char* field : kFields)
    EXPECT_TRUE(j.contains(field)) << field;
  EXPECT_EQ(j["id"], segment.id());
  EXPECT_EQ(j["key"], key);
  EXPECT_EQ(j["key_hex"], hex_key(key));
  EXPECT_EQ(j["size"], 5000);
  EXPECT_EQ(j["mode"], 0640);
  EXPECT_EQ(j["perms"], "rw-r-----");
  EXPECT_EQ(j["uid"], geteuid());
  EXPECT_EQ(j["user"], "root");
  EXPECT_EQ(j["gid"], getegid());
  EXPECT_EQ(j["group"], "root");
  EXPECT_EQ(j["cuid"], geteuid());
  EXPECT_EQ(j["cuser"], "root");
  EXPECT_EQ(j["cgid"], getegid());
  EXPECT_EQ(j["cgroup"], "root");
  EXPECT_EQ(j["cpid"], getpid());
  EXPECT_EQ(j["lpid"], 0);
  EXPECT_EQ(j["nattch"], 0);
  EXPECT_TRUE(j["atime"].is_null());
  EXPECT_TRUE(j["dtime"].is_null());
  ASSERT_TRUE(j["ctime"].is_number_integer());
  EXPECT_GE(j["ctime"].get<std::int64_t>(), before);
  EXPECT_LE(j["ctime"].get<std::int64_t>(), std::time(nullptr));
  EXPECT_EQ(j["dest"], false);
  EXPECT_EQ(j["locked"], false);
  EXPECT_TRUE(j["rss"].is_number_unsigned()) << j["rss"];
  EXPECT_TRUE(j["swap"].is_number_unsigned()) << j["swap"];
}

TEST(Stat, AttachShowsInNattchLpidAndAtime) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  Attached attached(segment.id());
  attached.data()[0] = 'x';  // touch a page, so it is resident
  const auto j = stat_json(segment.id());
  EXPECT_EQ(j["nattch"], 1);
  EXPECT_EQ(j["lpid"], getpid());
  EXPECT_TRUE(j["atime"].is_number_integer());
  EXPECT_TRUE(j["dtime"].is_null());
  EXPECT_GE(j["rss"].get<std::uint64_t>(), 1U);
}

TEST(Stat, MarkedSegmentShowsDest) {
  SegmentGuard segment(IPC_PRIVATE, 100);
  Attached attached(segment.id());
  ASSERT_EQ(shmctl(segment.id(), IPC_RMID, nullptr), 0);
  const auto j = stat_json(segment.id());
  EXPECT_EQ(j["dest"], true);
  EXPECT_EQ(j["mode"], 0600);  // the state bit is not in mode
}

TEST(Stat, AMarkedSegmentsKeyIsUnknownNotPrivate) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 100);
  Attached attached(segment.id());
  ASSERT_EQ(shmctl(segment.id(), IPC_RMID, nullptr), 0);
  const RunResult run = run_shmtool({"stat", segment.id_arg()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("key:     0x00000000 (unknown: "), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("private"), std::string::npos) << run.out;
}

TEST(Stat, EveryFormNamesTheSameSegment) {
  const FtokFile file = make_ftok_file();
  SegmentGuard segment(static_cast<key_t>(file.key), 64);
  for (const std::string& form :
       {segment.id_arg(), "id:" + segment.id_arg(), hex_key(file.key), key_arg(file.key),
        "key:" + hex_key(file.key), file.arg(), file.arg() + ":A", file.arg() + ":65"}) {
    const RunResult run = run_shmtool({"stat", "--json", form});
    EXPECT_EQ(run.exit_code, 0) << form << ": " << run.err;
    EXPECT_EQ(parse_json(run)["id"], segment.id()) << form;
  }
}

TEST(Stat, TextHasOneFieldValueLineEach) {
  const std::uint32_t key = unique_key();
  SegmentGuard segment(static_cast<key_t>(key), 64);
  const RunResult run = run_shmtool({"stat", key_arg(key)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* field : {"id", "key", "size", "perms", "nattch", "cpid", "lpid", "ctime"}) {
    EXPECT_NE(("\n" + run.out).find(std::string("\n") + field + ":"), std::string::npos) << field;
  }
  EXPECT_EQ(run.out.rfind("id:", 0), 0U) << run.out;
  EXPECT_NE(run.out.find(hex_key(key)), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(std::to_string(segment.id())), std::string::npos);
}

TEST(Stat, MissingKeyIsNotFound) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"stat", key_arg(key)});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
}

TEST(Stat, RemovedIdIsNotFound) {
  int id = -1;
  {
    SegmentGuard segment(IPC_PRIVATE, 16);
    id = segment.id();
  }
  const RunResult run = run_shmtool({"stat", std::to_string(id)});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace shmtool::test
