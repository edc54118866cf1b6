#include "util/duration_parse.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace shmtool {
namespace {

using std::chrono::milliseconds;

milliseconds duration_of(std::string_view text, milliseconds longest = kLongestTimeout) {
  auto result = parse_duration(text, "--timeout", longest);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().detail);
  return result.ok() ? *result : milliseconds(-1);
}

void expect_bad_duration(std::string_view text, milliseconds longest = kLongestTimeout) {
  auto result = parse_duration(text, "--timeout", longest);
  ASSERT_FALSE(result.ok()) << "'" << text << "' was accepted as " << result->count() << " ms";
  EXPECT_EQ(result.error().kind, ErrorKind::usage) << text;
  EXPECT_EQ(result.error().subject, "--timeout") << text;
  EXPECT_NE(result.error().detail.find(std::string(text)), std::string::npos)
      << result.error().detail;
}

TEST(ParseDuration, ReadsWholeSecondsWithoutAUnit) {
  EXPECT_EQ(duration_of("0"), milliseconds(0));
  EXPECT_EQ(duration_of("5"), milliseconds(5000));
  EXPECT_EQ(duration_of("120"), milliseconds(120000));
}

TEST(ParseDuration, ReadsFractionsOfSeconds) {
  EXPECT_EQ(duration_of("0.25"), milliseconds(250));
  EXPECT_EQ(duration_of("1.5"), milliseconds(1500));
  EXPECT_EQ(duration_of(".5"), milliseconds(500));
  EXPECT_EQ(duration_of("2."), milliseconds(2000));
  EXPECT_EQ(duration_of("0.001"), milliseconds(1));
}

TEST(ParseDuration, ReadsEveryUnit) {
  EXPECT_EQ(duration_of("250ms"), milliseconds(250));
  EXPECT_EQ(duration_of("1s"), milliseconds(1000));
  EXPECT_EQ(duration_of("90s"), milliseconds(90000));
  EXPECT_EQ(duration_of("30m"), milliseconds(30LL * 60 * 1000));
  EXPECT_EQ(duration_of("12h"), milliseconds(12LL * 3600 * 1000));
  EXPECT_EQ(duration_of("7d"), milliseconds(7LL * 24 * 3600 * 1000));
}

TEST(ParseDuration, ReadsFractionsOfEveryUnit) {
  EXPECT_EQ(duration_of("1.5m"), milliseconds(90000));
  EXPECT_EQ(duration_of("0.5h"), milliseconds(1800000));
  EXPECT_EQ(duration_of(".25d"), milliseconds(6LL * 3600 * 1000));
  EXPECT_EQ(duration_of("2.5ms"), milliseconds(2));
}

TEST(ParseDuration, DropsWhatIsFinerThanAMillisecondExactly) {
  EXPECT_EQ(duration_of("0.0019"), milliseconds(1));
  EXPECT_EQ(duration_of("1.23456789"), milliseconds(1234));
  // 1/60000 of a minute is 1 ms: 0.0000166... falls short of it, a digit more reaches it.
  EXPECT_EQ(duration_of("0.00001666666666666666666666m"), milliseconds(0));
  EXPECT_EQ(duration_of("0.00001666666666666666666667m"), milliseconds(1));
  EXPECT_EQ(duration_of("0.999999999999999999999999s"), milliseconds(999));
}

TEST(ParseDuration, AcceptsTheLongestAndRefusesMore) {
  EXPECT_EQ(duration_of("366d"), kLongestTimeout);
  EXPECT_EQ(duration_of("31622400"), kLongestTimeout);
  expect_bad_duration("366.001d");
  expect_bad_duration("367d");
  expect_bad_duration("100000000");
  expect_bad_duration("99999999999999999999999999");
  expect_bad_duration("99999999999999999999999999d");
  EXPECT_EQ(duration_of("10s", milliseconds(10000)), milliseconds(10000));
  expect_bad_duration("10.001s", milliseconds(10000));
}

TEST(ParseDuration, NamesTheLimitWhenTooLong) {
  auto result = parse_duration("400d", "--timeout", kLongestTimeout);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().detail.find("366 days"), std::string::npos) << result.error().detail;
}

TEST(ParseDuration, RejectsNegativeAndMalformedValues) {
  for (const char* bad :
       {"",    "-1",   "-0.5", ".",  "abc", "s",    "ms",    "1.2.3", " 1",   "1 ", "+1",
        "1e3", "0x10", "1,5",  "5S", "5 s", "5sec", "1h30m", "5mss",  "1.s.", "d"}) {
    SCOPED_TRACE(bad);
    expect_bad_duration(bad);
  }
}

}  // namespace
}  // namespace shmtool
