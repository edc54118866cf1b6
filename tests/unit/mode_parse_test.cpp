#include "util/mode_parse.hpp"

#include <gtest/gtest.h>

namespace shmtool {
namespace {

unsigned mode_of(std::string_view text) {
  auto result = parse_mode(text, "--mode");
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().detail);
  return result.ok() ? *result : 07777U;
}

void expect_refused(std::string_view text) {
  auto result = parse_mode(text, "--mode");
  ASSERT_FALSE(result.ok()) << "'" << text << "' was accepted as " << std::oct << *result;
  EXPECT_EQ(result.error().kind, ErrorKind::usage) << text;
  EXPECT_EQ(result.error().subject, "--mode") << text;
  EXPECT_NE(result.error().detail.find(std::string(text)), std::string::npos)
      << result.error().detail;
}

TEST(ParseMode, ReadsOctalWithOrWithoutALeadingZero) {
  EXPECT_EQ(mode_of("640"), 0640U);
  EXPECT_EQ(mode_of("0640"), 0640U);
  EXPECT_EQ(mode_of("600"), 0600U);
  EXPECT_EQ(mode_of("00640"), 0640U);
}

TEST(ParseMode, AcceptsTheWholeRangeOfPermissionBits) {
  EXPECT_EQ(mode_of("0"), 0U);
  EXPECT_EQ(mode_of("7"), 07U);
  EXPECT_EQ(mode_of("777"), 0777U);
  EXPECT_EQ(mode_of("0777"), 0777U);
}

TEST(ParseMode, RejectsBitsBeyond0777) {
  expect_refused("1000");
  expect_refused("1777");
  expect_refused("4755");
  expect_refused("7777");
}

TEST(ParseMode, RejectsNonOctalDigits) {
  expect_refused("8");
  expect_refused("649");
  expect_refused("0x1ff");
}

TEST(ParseMode, RejectsSymbolicAndMalformedModes) {
  for (const char* bad : {"u+rw", "rw-r-----", "-640", "+640", " 640", "640 ", "6 4 0"}) {
    SCOPED_TRACE(bad);
    expect_refused(bad);
  }
}

TEST(ParseMode, RejectsAnEmptyMode) {
  auto result = parse_mode("", "--mode");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::usage);
}

TEST(ParseMode, RejectsLongModesThatWouldWrapToSmallOnes) {
  // Taken modulo 2^16 (the width of shm_perm.mode) these would be 0640 and 0.
  expect_refused("200640");
  expect_refused("01000000640");
  expect_refused("37777777777777");
}

TEST(FormatPerms, WritesNineLetters) {
  EXPECT_EQ(format_perms(0), "---------");
  EXPECT_EQ(format_perms(0640), "rw-r-----");
  EXPECT_EQ(format_perms(0600), "rw-------");
  EXPECT_EQ(format_perms(0777), "rwxrwxrwx");
  EXPECT_EQ(format_perms(0421), "r---w---x");
  EXPECT_EQ(format_perms(0124), "--x-w-r--");
}

TEST(FormatPerms, IgnoresBitsAbovePermissions) {
  EXPECT_EQ(format_perms(01640), "rw-r-----");
  EXPECT_EQ(format_perms(03777), "rwxrwxrwx");
}

TEST(FormatPerms, SetsEachLetterFromItsOwnBit) {
  const char letters[] = "rwxrwxrwx";
  for (unsigned bit = 0; bit < 9; ++bit) {
    std::string expected(9, '-');
    expected[bit] = letters[bit];
    EXPECT_EQ(format_perms(1U << (8 - bit)), expected) << "bit " << bit;
  }
}

}  // namespace
}  // namespace shmtool
