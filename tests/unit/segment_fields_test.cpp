#include "render/segment_fields.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "fake_names.hpp"

namespace shmtool {
namespace {

TEST(SegmentJsonFields, AreTheSpecsKeysInItsOrderEachOnce) {
  std::vector<std::string> keys;
  for (const JsonField& field : segment_json_fields())
    keys.emplace_back(field.key);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "id",     "key",   "key_hex", "size",  "mode", "perms",  "uid",  "user",
                      "gid",    "group", "cuid",    "cuser", "cgid", "cgroup", "cpid", "lpid",
                      "nattch", "atime", "dtime",   "ctime", "dest", "locked", "rss",  "swap"}));
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
}

TEST(SegmentJsonFields, GiveTypedValuesAndNullForWhatIsUnknown) {
  test::FakeNames names;
  SegmentRecord s;
  s.id = 7;
  s.key = 0xffffffffU;
  s.size = 1ULL << 40;
  s.mode = 0640;
  s.uid = 1000;
  s.gid = 4242;  // no name
  s.cpid = 12;
  s.atime = -5;
  s.rss = 4096;
  std::map<std::string, JsonValue> values;
  for (const JsonField& field : segment_json_fields())
    values.emplace(field.key, field.value(s, names));
  EXPECT_EQ(std::get<std::uint64_t>(values.at("key")), 0xffffffffU);
  EXPECT_EQ(std::get<std::int64_t>(values.at("id")), 7);
  EXPECT_EQ(std::get<std::uint64_t>(values.at("size")), 1ULL << 40);
  EXPECT_EQ(std::get<std::string>(values.at("perms")), "rw-r-----");
  EXPECT_EQ(std::get<std::string>(values.at("user")), "alice");
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(values.at("group")));
  EXPECT_EQ(std::get<std::int64_t>(values.at("atime")), -5);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(values.at("dtime")));
  EXPECT_EQ(std::get<std::uint64_t>(values.at("rss")), 4096U);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(values.at("swap")));
  EXPECT_EQ(std::get<bool>(values.at("dest")), false);
}

}  // namespace
}  // namespace shmtool
