// The streamed JSON of list must be byte for byte what the nlohmann DOM dumps.

#include "json_stream.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <string>
#include <vector>

#include "fake_names.hpp"
#include "render_json.hpp"

namespace shmtool {
namespace {

std::string reference_dump(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

SegmentRecord sample(int id) {
  SegmentRecord r;
  r.id = id;
  r.key = 0x0000162eU;
  r.size = 4096;
  r.mode = 0640;
  r.uid = 1000;
  r.gid = 100;
  r.cuid = 0;
  r.cgid = 0;
  r.cpid = 4702;
  r.lpid = 0;
  r.nattch = 2;
  r.ctime = 1763806451;
  return r;
}

TEST(AppendSegmentJson, MatchesTheDomForATypicalSegment) {
  test::FakeNames names;
  std::string out;
  append_segment_json(out, sample(32773), names);
  EXPECT_EQ(out, reference_dump(segment_json(sample(32773), names)));
}

TEST(AppendSegmentJson, MatchesTheDomAtTheEdgesOfEveryField) {
  test::FakeNames names;
  SegmentRecord r = sample(INT_MAX);
  r.key = UINT32_MAX;
  r.size = UINT64_MAX;
  r.mode = 0777;
  r.uid = 4294967294U;  // no name: null
  r.gid = 4294967294U;
  r.cpid = INT_MAX;
  r.lpid = 1;
  r.nattch = UINT64_MAX;
  r.atime = INT64_MAX;
  r.dtime = INT64_MIN;
  r.ctime = std::nullopt;
  r.dest = true;
  r.locked = true;
  r.rss = UINT64_MAX;
  r.swap = 0;
  std::string out;
  append_segment_json(out, r, names);
  EXPECT_EQ(out, reference_dump(segment_json(r, names)));
}

TEST(AppendJsonString, EscapesAsNlohmannDoes) {
  const std::vector<std::string> texts{
      "",
      "plain",
      "quote\" backslash\\ slash/",
      std::string("controls \x01\x1f\b\f\n\r\t end"),
      "del \x7f and utf-8 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
      "invalid \xff\xfe utf-8",
      "truncated \xe2\x82",
      std::string("nul \0 inside", 12),
  };
  for (const std::string& text : texts) {
    std::string out;
    append_json_string(out, text);
    EXPECT_EQ(out,
              nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        << "for " << testing::PrintToString(text);
  }
}

TEST(AppendSegmentJson, MatchesTheDomForNamesThatNeedEscaping) {
  test::FakeNames names;
  names.users[1000] = "we\"ird\\name\n";
  names.groups[100] = "gr\xc3\xb6up";
  names.users[0] = "bad \xff";
  std::string out;
  append_segment_json(out, sample(7), names);
  EXPECT_EQ(out, reference_dump(segment_json(sample(7), names)));
}

TEST(WriteSegmentListJson, MatchesTheDomForManySegmentsAcrossPieces) {
  test::FakeNames names;
  std::mt19937_64 random(42);
  std::vector<SegmentRecord> segments;
  for (int i = 0; i < 2000; ++i) {  // enough for several 64 KiB pieces
    SegmentRecord r = sample(i);
    r.key = static_cast<std::uint32_t>(random());
    r.size = random() % (1ULL << 40);
    r.uid = static_cast<uid_t>(random() % 1100);
    r.nattch = random() % 3;
    if (random() % 2) r.atime = static_cast<std::int64_t>(random() % 2000000000);
    if (random() % 3 == 0) r.rss = random() % (1ULL << 30);
    r.dest = random() % 5 == 0;
    segments.push_back(r);
  }
  std::vector<std::string> pieces;
  write_segment_list_json(segments, names, [&](std::string_view p) { pieces.emplace_back(p); });
  EXPECT_GT(pieces.size(), 3U);
  std::string joined;
  for (const std::string& p : pieces) {
    EXPECT_LE(p.size(), (1U << 16) + 1024) << "pieces stay near 64 KiB";
    joined += p;
  }
  EXPECT_EQ(joined, reference_dump(segment_list_json(segments, names)) + "\n");
}

TEST(WriteSegmentListJson, WritesAnEmptyList) {
  test::FakeNames names;
  std::string out;
  append_segment_list_json(out, {}, names);
  EXPECT_EQ(out, "{\"segments\":[]}\n");
}

}  // namespace
}  // namespace shmtool
