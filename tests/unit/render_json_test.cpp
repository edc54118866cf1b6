#include "render/render_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_names.hpp"

namespace shmtool {
namespace {

using test::FakeNames;

// Version 2 puts "type" first, as in the POSIX object.
const std::vector<std::string> kSpecKeys{
    "type",  "id",    "key",   "key_hex", "size",   "mode",   "perms", "uid",  "user",
    "gid",   "group", "cuid",  "cuser",   "cgid",   "cgroup", "cpid",  "lpid", "nattch",
    "atime", "dtime", "ctime", "dest",    "locked", "rss",    "swap"};

SegmentRecord known_record() {
  SegmentRecord s;
  s.id = 32773;
  s.key = 5678;
  s.size = 1024;
  s.mode = 0640;
  s.uid = 0;
  s.gid = 0;
  s.cuid = 1000;
  s.cgid = 100;
  s.cpid = 4702;
  s.lpid = 0;
  s.nattch = 0;
  s.atime = 1763806451;
  s.ctime = 1763806450;
  s.rss = 4096;
  s.swap = 0;
  return s;
}

TEST(SegmentJson, HasEverySpecKeyInOrder) {
  FakeNames names;
  const auto j = segment_json(known_record(), names);
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items())
    keys.push_back(key);
  EXPECT_EQ(keys, kSpecKeys);
}

TEST(SegmentJson, MatchesTheSpecExample) {
  FakeNames names;
  names.users[0] = "root";
  names.groups[0] = "root";
  names.users[1000] = "alice";
  const auto j = segment_json(known_record(), names);
  EXPECT_EQ(j.dump(),
            R"({"type":"sysv","id":32773,"key":5678,"key_hex":"0x0000162e","size":1024,"mode":416,)"
            R"("perms":"rw-r-----","uid":0,"user":"root","gid":0,"group":"root",)"
            R"("cuid":1000,"cuser":"alice","cgid":100,"cgroup":"users","cpid":4702,"lpid":0,)"
            R"("nattch":0,"atime":1763806451,"dtime":null,"ctime":1763806450,"dest":false,)"
            R"("locked":false,"rss":4096,"swap":0})");
}

TEST(SegmentJson, GivesEveryValueItsJsonType) {
  FakeNames names;
  const auto j = segment_json(known_record(), names);
  for (const char* number : {"id", "key", "size", "mode", "uid", "gid", "cuid", "cgid", "cpid",
                             "lpid", "nattch", "atime", "ctime", "rss", "swap"}) {
    EXPECT_TRUE(j.at(number).is_number_integer()) << number << " is " << j.at(number).type_name();
  }
  for (const char* text : {"key_hex", "perms", "user", "group", "cuser", "cgroup"}) {
    EXPECT_TRUE(j.at(text).is_string()) << text << " is " << j.at(text).type_name();
  }
  for (const char* flag : {"dest", "locked"}) {
    EXPECT_TRUE(j.at(flag).is_boolean()) << flag << " is " << j.at(flag).type_name();
  }
  EXPECT_TRUE(j.at("dtime").is_null());
}

TEST(SegmentJson, WritesTheKeyAsUnsigned) {
  FakeNames names;
  SegmentRecord s = known_record();
  s.key = 0xfffffffb;  // key:-5
  const auto j = segment_json(s, names);
  EXPECT_TRUE(j.at("key").is_number_unsigned());
  EXPECT_EQ(j.at("key").get<std::uint64_t>(), 4294967291U);
  EXPECT_NE(j.dump().find(R"("key":4294967291,)"), std::string::npos) << j.dump();
  EXPECT_EQ(j.at("key_hex"), "0xfffffffb");
}

TEST(SegmentJson, KeepsSizesExactNotHuman) {
  FakeNames names;
  SegmentRecord s = known_record();
  s.size = 18446744073709551615U;
  s.rss = 1536;
  const auto j = segment_json(s, names);
  EXPECT_EQ(j.at("size").get<std::uint64_t>(), 18446744073709551615U);
  EXPECT_EQ(j.at("rss").get<std::uint64_t>(), 1536U);
}

TEST(SegmentJson, HoldsOnlyPermissionBitsInModeAndStateInFlags) {
  FakeNames names;
  SegmentRecord s = known_record();
  s.dest = true;
  s.locked = true;
  const auto j = segment_json(s, names);
  EXPECT_EQ(j.at("mode").get<unsigned>(), 0640U);
  EXPECT_EQ(j.at("perms"), "rw-r-----");
  EXPECT_EQ(j.at("dest"), true);
  EXPECT_EQ(j.at("locked"), true);
}

TEST(SegmentJson, WritesNullForNamesThatDoNotResolve) {
  FakeNames names;
  SegmentRecord s = known_record();
  s.uid = 4000;
  s.gid = 4001;
  s.cuid = 4002;
  s.cgid = 4003;
  const auto j = segment_json(s, names);
  for (const char* name : {"user", "group", "cuser", "cgroup"}) {
    EXPECT_TRUE(j.at(name).is_null()) << name << " is " << j.at(name).dump();
  }
  EXPECT_EQ(j.at("uid"), 4000);
  EXPECT_EQ(j.at("cgid"), 4003);
}

TEST(SegmentJson, WritesNullForUnknownUsageAndNeverTimes) {
  FakeNames names;
  SegmentRecord s = known_record();
  s.rss.reset();
  s.swap.reset();
  s.atime.reset();
  s.ctime.reset();
  const auto j = segment_json(s, names);
  for (const char* key : {"rss", "swap", "atime", "dtime", "ctime"}) {
    EXPECT_TRUE(j.at(key).is_null()) << key << " is " << j.at(key).dump();
  }
}

TEST(SegmentJson, WritesZeroUsageAsZeroNotNull) {
  FakeNames names;
  SegmentRecord s = known_record();
  s.rss = 0;
  const auto j = segment_json(s, names);
  EXPECT_TRUE(j.at("rss").is_number());
  EXPECT_EQ(j.at("rss"), 0);
}

TEST(SegmentListJson, WrapsObjectsInTheOrderGiven) {
  FakeNames names;
  SegmentRecord a = known_record(), b = known_record(), c = known_record();
  a.id = 30;
  b.id = 10;
  c.id = 20;
  const std::vector<SegmentRecord> segments{a, b, c};
  const auto j = segment_list_json(segments, names);
  ASSERT_TRUE(j.is_object());
  ASSERT_EQ(j.size(), 1U);
  ASSERT_TRUE(j.at("segments").is_array());
  ASSERT_EQ(j.at("segments").size(), 3U);
  EXPECT_EQ(j.at("segments")[0].at("id"), 30);
  EXPECT_EQ(j.at("segments")[1].at("id"), 10);
  EXPECT_EQ(j.at("segments")[2].at("id"), 20);
  EXPECT_EQ(j.at("segments")[1], segment_json(b, names));
}

TEST(SegmentListJson, WritesAnEmptyArrayForNoSegments) {
  FakeNames names;
  EXPECT_EQ(segment_list_json({}, names).dump(), R"({"segments":[]})");
}

}  // namespace
}  // namespace shmtool
