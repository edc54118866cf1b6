#include "util/text_encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shmtool {
namespace {

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (unsigned v : values)
    out.push_back(static_cast<std::byte>(v));
  return out;
}

std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> out;
  for (char c : text)
    out.push_back(static_cast<std::byte>(c));
  return out;
}

bool valid(std::initializer_list<unsigned> values) {
  return is_valid_utf8(bytes(values));
}

TEST(IsValidUtf8, AcceptsEmptyAndAsciiText) {
  EXPECT_TRUE(is_valid_utf8({}));
  EXPECT_TRUE(is_valid_utf8(bytes_of("hello, world\n")));
  EXPECT_TRUE(valid({0x00, 0x7f}));  // NUL and DEL are ASCII
}

TEST(IsValidUtf8, AcceptsEachSequenceLength) {
  EXPECT_TRUE(is_valid_utf8(bytes_of("\xc3\xa9")));          // é U+00E9
  EXPECT_TRUE(is_valid_utf8(bytes_of("\xe2\x82\xac")));      // € U+20AC
  EXPECT_TRUE(is_valid_utf8(bytes_of("\xf0\x9f\x98\x80")));  // 😀 U+1F600
  EXPECT_TRUE(is_valid_utf8(bytes_of("caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80!")));
}

TEST(IsValidUtf8, AcceptsTheBoundariesOfEachLength) {
  EXPECT_TRUE(valid({0xc2, 0x80}));              // U+0080
  EXPECT_TRUE(valid({0xdf, 0xbf}));              // U+07FF
  EXPECT_TRUE(valid({0xe0, 0xa0, 0x80}));        // U+0800
  EXPECT_TRUE(valid({0xed, 0x9f, 0xbf}));        // U+D7FF, just below the surrogates
  EXPECT_TRUE(valid({0xee, 0x80, 0x80}));        // U+E000, just above them
  EXPECT_TRUE(valid({0xef, 0xbf, 0xbf}));        // U+FFFF
  EXPECT_TRUE(valid({0xf0, 0x90, 0x80, 0x80}));  // U+10000
  EXPECT_TRUE(valid({0xf4, 0x8f, 0xbf, 0xbf}));  // U+10FFFF
}

TEST(IsValidUtf8, RejectsOverlongEncodings) {
  EXPECT_FALSE(valid({0xc0, 0x80}));              // NUL in two bytes
  EXPECT_FALSE(valid({0xc1, 0xbf}));              // U+007F in two bytes
  EXPECT_FALSE(valid({0xe0, 0x80, 0x80}));        // NUL in three bytes
  EXPECT_FALSE(valid({0xe0, 0x9f, 0xbf}));        // U+07FF in three bytes
  EXPECT_FALSE(valid({0xf0, 0x80, 0x80, 0x80}));  // NUL in four bytes
  EXPECT_FALSE(valid({0xf0, 0x8f, 0xbf, 0xbf}));  // U+FFFF in four bytes
}

TEST(IsValidUtf8, RejectsSurrogates) {
  EXPECT_FALSE(valid({0xed, 0xa0, 0x80}));                    // U+D800
  EXPECT_FALSE(valid({0xed, 0xbf, 0xbf}));                    // U+DFFF
  EXPECT_FALSE(valid({0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80}));  // a CESU-8 pair
}

TEST(IsValidUtf8, RejectsValuesPastU10FFFF) {
  EXPECT_FALSE(valid({0xf4, 0x90, 0x80, 0x80}));  // U+110000
  EXPECT_FALSE(valid({0xf5, 0x80, 0x80, 0x80}));
  EXPECT_FALSE(valid({0xf7, 0xbf, 0xbf, 0xbf}));
  EXPECT_FALSE(valid({0xf8, 0x88, 0x80, 0x80, 0x80}));  // old five-byte form
  EXPECT_FALSE(valid({0xfe}));
  EXPECT_FALSE(valid({0xff}));
}

TEST(IsValidUtf8, RejectsLoneContinuationBytes) {
  EXPECT_FALSE(valid({0x80}));
  EXPECT_FALSE(valid({0xbf}));
  EXPECT_FALSE(valid({0x41, 0x80, 0x41}));
  EXPECT_FALSE(valid({0xc3, 0xa9, 0xa9}));  // one continuation too many
}

TEST(IsValidUtf8, RejectsSequencesCutShortAtTheEnd) {
  EXPECT_FALSE(valid({0xc3}));
  EXPECT_FALSE(valid({0xe2, 0x82}));
  EXPECT_FALSE(valid({0xf0, 0x9f, 0x98}));
  EXPECT_FALSE(valid({0x41, 0xf0}));
}

TEST(IsValidUtf8, RejectsSequencesInterruptedByOtherBytes) {
  EXPECT_FALSE(valid({0xc3, 0x28}));
  EXPECT_FALSE(valid({0xe2, 0x28, 0xa1}));
  EXPECT_FALSE(valid({0xe2, 0x82, 0x28}));
  EXPECT_FALSE(valid({0xf0, 0x9f, 0x98, 0x28}));
  EXPECT_FALSE(valid({0xc3, 0xc3, 0xa9}));
}

std::string base64(std::string_view text) {
  return base64_encode(bytes_of(text));
}

TEST(Base64Encode, MatchesTheRfc4648TestVectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(Base64Encode, UsesPlusAndSlashForTheLastTwoDigits) {
  EXPECT_EQ(base64_encode(bytes({0xfb, 0xff, 0xbf})), "+/+/");
  EXPECT_EQ(base64_encode(bytes({0xff})), "/w==");
  EXPECT_EQ(base64_encode(bytes({0xff, 0xff})), "//8=");
}

TEST(Base64Encode, EncodesNulBytes) {
  EXPECT_EQ(base64_encode(bytes({0, 0, 0})), "AAAA");
  EXPECT_EQ(base64_encode(bytes({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})), "AAECAwQFBgcICQ==");
}

TEST(Base64Encode, WritesFourDigitsForEveryThreeBytesStarted) {
  for (std::size_t n = 0; n < 50; ++n) {
    const std::string encoded = base64_encode(std::vector<std::byte>(n, std::byte{0x5a}));
    EXPECT_EQ(encoded.size(), (n + 2) / 3 * 4) << n;
    EXPECT_EQ(encoded.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
              std::string::npos);
  }
}

TEST(AppendBase64, AppendsAfterWhatIsThereAndJoinsGroupsOfThree) {
  std::string out = "data:";
  append_base64(out, bytes_of("foo"));
  append_base64(out, bytes_of("bar"));
  append_base64(out, bytes_of("ba"));
  EXPECT_EQ(out, "data:" + base64("foobarba"));
}

TEST(Utf8SequenceLength, CountsWellFormedSequencesAndRejectsTheRest) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1U);
  EXPECT_EQ(utf8_sequence_length("\xc3\xa9", 0), 2U);
  EXPECT_EQ(utf8_sequence_length("\xe6\x97\xa5", 0), 3U);
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80", 0), 4U);
  EXPECT_EQ(utf8_sequence_length("\xf4\x90\x80\x80", 0), 0U);
  EXPECT_EQ(utf8_sequence_length("\x80", 0), 0U);
}

}  // namespace
}  // namespace shmtool
