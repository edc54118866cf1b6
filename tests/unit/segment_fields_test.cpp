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
  EXPECT_EQ(keys,
            (std::vector<std::string>{
                "type",  "id",    "key",   "key_hex", "size",   "mode",   "perms", "uid",  "user",
                "gid",   "group", "cuid",  "cuser",   "cgid",   "cgroup", "cpid",  "lpid", "nattch",
                "atime", "dtime", "ctime", "dest",    "locked", "rss",    "swap"}));
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

TEST(PosixJsonFields, AreTheSpecsKeysInItsOrderEachOnce) {
  std::vector<std::string> keys;
  for (const PosixJsonField& field : posix_json_fields())
    keys.emplace_back(field.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"type", "name", "path", "size", "allocated", "mode",
                                            "perms", "uid", "user", "gid", "group", "atime",
                                            "mtime", "ctime", "nattch"}));
}

TEST(PosixJsonFields, GiveTypedValuesAndNullForAnUnreadAttachCount) {
  test::FakeNames names;
  PosixRecord p;
  p.name = "obj";
  p.size = 10;
  p.allocated = 4096;
  p.mode = 0600;
  p.uid = 1000;
  p.mtime = 77;
  std::map<std::string, JsonValue> values;
  for (const PosixJsonField& field : posix_json_fields())
    values.emplace(field.key, field.value(p, names));
  EXPECT_EQ(std::get<std::string>(values.at("type")), "posix");
  EXPECT_EQ(std::get<std::string>(values.at("name")), "/obj");
  EXPECT_EQ(std::get<std::string>(values.at("path")), "/dev/shm/obj");
  EXPECT_EQ(std::get<std::uint64_t>(values.at("allocated")), 4096U);
  EXPECT_EQ(std::get<std::int64_t>(values.at("mtime")), 77);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(values.at("nattch")));
  p.nattch = 2;
  for (const PosixJsonField& field : posix_json_fields()) {
    if (field.key == "nattch") {
      EXPECT_EQ(std::get<std::uint64_t>(field.value(p, names)), 2U);
    }
  }
}

// Every field stat shows has a label and a text; labels are unique within a kind.
template <class Fields>
void expect_stat_lines_well_formed(Fields fields) {
  std::set<std::string_view> labels;
  for (const auto& field : fields) {
    EXPECT_EQ(field.label.empty(), field.text == nullptr) << field.key;
    if (!field.label.empty()) {
      EXPECT_TRUE(labels.insert(field.label).second) << field.label;
    }
  }
}

TEST(StatLines, EachKindLabelsItsLinesOnce) {
  expect_stat_lines_well_formed(segment_json_fields());
  expect_stat_lines_well_formed(posix_json_fields());
}

}  // namespace
}  // namespace shmtool
