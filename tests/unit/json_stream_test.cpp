// The streamed JSON of list and read must be byte for byte what the nlohmann DOM dumps.

#include "render/json_stream.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <string>
#include <vector>

#include "fake_names.hpp"
#include "render/render_json.hpp"
#include "util/text_encoding.hpp"

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

TEST(AppendSegmentJson, MatchesTheDomWithTheNamespaceLast) {
  test::FakeNames names;
  SegmentRecord s = sample(32773);
  s.ns = std::make_shared<NamespaceTag>(NamespaceTag{4026532500, 40, "bad\xff\"name"});
  std::string out;
  append_segment_json(out, s, names);
  EXPECT_EQ(out, reference_dump(segment_json(s, names)));
  EXPECT_NE(out.find(R"(,"ns":{"inode":4026532500,"pid":40,"comm":"bad)"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\"}}")) << out;
  PosixRecord p;
  p.name = "frames";
  p.ns = s.ns;
  std::string streamed;
  append_posix_json(streamed, p, names);
  EXPECT_EQ(streamed, reference_dump(posix_json(p, names)));
}

TEST(AppendPosixJson, MatchesTheDomForHostileAndInvalidNames) {
  test::FakeNames names;
  for (const std::string name : {"plain", "new\nline\x1b[31m", "quote\"back\\", "bad\xff\xfe"}) {
    PosixRecord p;
    p.name = name;
    p.size = 1;
    p.mtime = 5;
    std::string streamed;
    append_posix_json(streamed, p, names);
    EXPECT_EQ(streamed,
              posix_json(p, names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

TEST(WriteObjectListJson, GivesEachKindItsOwnForm) {
  test::FakeNames names;
  SegmentRecord s;
  s.id = 3;
  PosixRecord p;
  p.name = "obj";
  const std::vector<AnyRecord> objects{s, p};
  std::string out;
  write_object_list_json(objects, names, [&out](std::string_view piece) { out += piece; });
  const auto parsed = nlohmann::json::parse(out);
  ASSERT_EQ(parsed.at("segments").size(), 2U);
  EXPECT_EQ(parsed["segments"][0]["type"], "sysv");
  EXPECT_EQ(parsed["segments"][0]["id"], 3);
  EXPECT_EQ(parsed["segments"][1]["type"], "posix");
  EXPECT_EQ(parsed["segments"][1]["name"], "/obj");
  EXPECT_FALSE(parsed["segments"][1].contains("id"));
  nlohmann::ordered_json dom;
  dom["segments"] = {segment_json(s, names), posix_json(p, names)};
  EXPECT_EQ(out, dom.dump() + "\n");
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

// What read --json printed when it built the whole document: the reference.
std::string data_dom_dump(const SegmentRecord& segment, std::uint64_t offset,
                          const std::string& data) {
  const auto bytes = std::as_bytes(std::span(data.data(), data.size()));
  nlohmann::ordered_json result;
  result["id"] = segment.id;
  result["key"] = segment.key;
  result["offset"] = offset;
  result["length"] = bytes.size();
  if (is_valid_utf8(bytes)) {
    result["encoding"] = "utf-8";
    result["data"] = data;
  } else {
    result["encoding"] = "base64";
    result["data"] = base64_encode(bytes);
  }
  return reference_dump(result) + "\n";
}

std::vector<std::string> data_pieces(const SegmentRecord& segment, std::uint64_t offset,
                                     const std::string& data, std::size_t piece_size) {
  std::vector<std::string> pieces;
  write_data_json(
      segment, offset, std::as_bytes(std::span(data.data(), data.size())),
      [&pieces](std::string_view piece) { pieces.emplace_back(piece); }, piece_size);
  return pieces;
}

std::string joined_data_json(const SegmentRecord& segment, std::uint64_t offset,
                             const std::string& data, std::size_t piece_size) {
  std::string joined;
  for (const std::string& piece : data_pieces(segment, offset, data, piece_size))
    joined += piece;
  return joined;
}

// Pieces of 1 to 7 bytes cut inside every multi-byte character and base64 group; the default
// takes each of these inputs whole.
constexpr std::size_t kPieceSizes[] = {1, 2, 3, 4, 5, 6, 7, kJsonPiece};

void expect_each_matches_dom(const std::vector<std::string>& inputs) {
  const SegmentRecord segment = sample(32773);
  for (const std::string& data : inputs) {
    for (const std::size_t piece_size : kPieceSizes) {
      EXPECT_EQ(joined_data_json(segment, 4096, data, piece_size),
                data_dom_dump(segment, 4096, data))
          << "for " << testing::PrintToString(data) << " in pieces of " << piece_size;
    }
  }
}

TEST(WriteDataJson, MatchesTheDomForTextThatNeedsEveryEscape) {
  std::string ascii;
  for (int c = 0; c < 0x80; ++c)
    ascii += static_cast<char>(c);
  expect_each_matches_dom({
      "",
      "plain",
      ascii,
      "quote\" backslash\\ slash/ del\x7f",
      std::string("controls \x01\x1f\b\f\n\r\t \0 end", 22),
      "\"\\\n\x01",
  });
}

TEST(WriteDataJson, CutsInsideMultiByteCharactersAndEscapesAlike) {
  expect_each_matches_dom({
      "\xc3\xa9",
      "\xe2\x82\xac",
      "\xf0\x9f\x98\x80",
      "caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80!",
      "\xf4\x8f\xbf\xbf\x01\xc2\x80\"\xef\xbf\xbd\\",
  });
}

TEST(WriteDataJson, MatchesTheDomForBytesThatAreNotUtf8) {
  expect_each_matches_dom({
      "\xff",
      "invalid \xff\xfe utf-8",
      "truncated \xe2\x82",
      "overlong \xc0\xaf",
      "surrogate \xed\xa0\x80",
      "past U+10FFFF \xf4\x90\x80\x80",
  });
}

TEST(WriteDataJson, PadsBase64OnlyAtTheEndForEveryLength) {
  std::vector<std::string> inputs;
  for (std::size_t length = 0; length <= 10; ++length) {
    std::string data;
    for (std::size_t i = 0; i < length; ++i)
      data += static_cast<char>(0xff - i);  // never UTF-8 (length 0 is empty text)
    inputs.push_back(data);
  }
  expect_each_matches_dom(inputs);
}

TEST(WriteDataJson, MatchesTheDomForRandomMixesCutAnywhere) {
  const std::vector<std::string> tokens{
      "a", "/", "\"", "\\", "\n", "\x01", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  std::mt19937 random(7);
  const SegmentRecord segment = sample(9);
  for (int round = 0; round < 500; ++round) {
    std::string data;
    const std::size_t count = random() % 40;
    for (std::size_t i = 0; i < count; ++i)
      data += tokens[random() % tokens.size()];
    if (round % 4 == 0 && !data.empty()) data[random() % data.size()] = '\xfe';
    const std::size_t piece_size = 1 + random() % 13;
    const auto offset = static_cast<std::uint64_t>(round);
    EXPECT_EQ(joined_data_json(segment, offset, data, piece_size),
              data_dom_dump(segment, offset, data))
        << "for " << testing::PrintToString(data) << " in pieces of " << piece_size;
  }
}

TEST(WriteDataJson, MatchesTheDomAtTheEdgesOfTheNumbers) {
  SegmentRecord segment = sample(INT_MAX);
  segment.key = UINT32_MAX;
  EXPECT_EQ(joined_data_json(segment, UINT64_MAX, "x", kJsonPiece),
            data_dom_dump(segment, UINT64_MAX, "x"));
}

TEST(WriteDataJson, SendsLargeDataInPiecesOfAbout64KiB) {
  const std::string line = "caf\xc3\xa9 \"q\" \\ \x01\t/ \xf0\x9f\x98\x80\n";
  std::string text;
  while (text.size() < (1U << 20))
    text += line;
  std::string binary = text;
  binary[0] = '\xff';
  for (const std::string& data : {text, binary}) {
    const std::vector<std::string> pieces = data_pieces(sample(1), 0, data, kJsonPiece);
    EXPECT_GT(pieces.size(), 10U);
    std::string joined;
    for (const std::string& piece : pieces) {
      // A piece holds one 64 KiB chunk of data, escaped (each byte at most 6) or base64.
      EXPECT_LE(piece.size(), 6 * kJsonPiece + 128);
      joined += piece;
    }
    EXPECT_EQ(joined, data_dom_dump(sample(1), 0, data));
  }
}

}  // namespace
}  // namespace shmtool
