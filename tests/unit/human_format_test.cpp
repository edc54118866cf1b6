#include "util/human_format.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "scoped_time_zone.hpp"

namespace shmtool {
namespace {

constexpr std::uint64_t kKi = 1024;
constexpr std::uint64_t kMi = kKi * kKi;
constexpr std::uint64_t kGi = kMi * kKi;
constexpr std::uint64_t kTi = kGi * kKi;

TEST(FormatHumanSize, WritesSmallSizesInBytes) {
  EXPECT_EQ(format_human_size(0), "0B");
  EXPECT_EQ(format_human_size(1), "1B");
  EXPECT_EQ(format_human_size(512), "512B");
  EXPECT_EQ(format_human_size(1023), "1023B");
}

TEST(FormatHumanSize, SwitchesToKibibytesAt1024) {
  EXPECT_EQ(format_human_size(1024), "1K");
  EXPECT_EQ(format_human_size(4096), "4K");
  EXPECT_EQ(format_human_size(64 * kKi), "64K");
}

TEST(FormatHumanSize, ShowsOneDecimalOnlyWhenItIsNotZero) {
  EXPECT_EQ(format_human_size(1536), "1.5K");
  EXPECT_EQ(format_human_size(kMi + kMi / 2), "1.5M");
  EXPECT_EQ(format_human_size(3 * kMi + kMi / 10 * 3), "3.3M");
  EXPECT_EQ(format_human_size(100 * kMi), "100M");
}

TEST(FormatHumanSize, RoundsToTheNearestTenth) {
  EXPECT_EQ(format_human_size(1024 + 51), "1K");            // 1.0498K
  EXPECT_EQ(format_human_size(1024 + 52), "1.1K");          // 1.0508K
  EXPECT_EQ(format_human_size(2 * kGi + kGi / 4), "2.3G");  // 2.25G, half rounds up
  EXPECT_EQ(format_human_size(10 * kKi - 1), "10K");        // 9.999K
  EXPECT_EQ(format_human_size(1048514), "1023.9K");         // 1023.939K
}

TEST(FormatHumanSize, MovesToTheNextUnitWhenRoundingReaches1024) {
  EXPECT_EQ(format_human_size(1048525), "1M");  // 1023.95K would read 1024K
  EXPECT_EQ(format_human_size(kMi - 1), "1M");
  EXPECT_EQ(format_human_size(kMi), "1M");
  EXPECT_EQ(format_human_size(kGi - 1), "1G");
}

TEST(FormatHumanSize, UsesEveryBinaryUnitUpToExbibytes) {
  EXPECT_EQ(format_human_size(kGi), "1G");
  EXPECT_EQ(format_human_size(kTi), "1T");
  EXPECT_EQ(format_human_size(1536 * kTi), "1.5P");
  EXPECT_EQ(format_human_size(kTi * kMi), "1E");
  EXPECT_EQ(format_human_size(UINT64_MAX), "16E");
}

using test::ScopedTimeZone;

TEST(FormatTime, WritesADashForNever) {
  EXPECT_EQ(format_time(std::nullopt, TimeStyle::local), "-");
  EXPECT_EQ(format_time(std::nullopt, TimeStyle::packed), "-");
}

TEST(FormatTime, WritesLocalIsoTime) {
  ScopedTimeZone utc("UTC0");
  EXPECT_EQ(format_time(1763806451, TimeStyle::local), "2025-11-22 10:14:11");
  EXPECT_EQ(format_time(253402300799, TimeStyle::local), "9999-12-31 23:59:59");
}

TEST(FormatTime, PacksDateAndTimeWithATForRawOutput) {
  ScopedTimeZone utc("UTC0");
  EXPECT_EQ(format_time(1763806451, TimeStyle::packed), "2025-11-22T10:14:11");
}

TEST(FormatTime, FollowsTheLocalTimeZone) {
  ScopedTimeZone eastern("EST5");
  EXPECT_EQ(format_time(0, TimeStyle::local), "1969-12-31 19:00:00");
  EXPECT_EQ(format_time(1763806451, TimeStyle::local), "2025-11-22 05:14:11");
}

}  // namespace
}  // namespace shmtool
