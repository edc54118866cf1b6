#include "util/size_parse.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace shmtool {
namespace {

constexpr std::uint64_t kKi = 1024;
constexpr std::uint64_t kMi = kKi * kKi;
constexpr std::uint64_t kGi = kMi * kKi;
constexpr std::uint64_t kTi = kGi * kKi;

std::uint64_t size_of(std::string_view text) {
  auto result = parse_size(text, "--size");
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().detail);
  return result.ok() ? *result : 0;
}

void expect_usage_error(std::string_view text) {
  auto result = parse_size(text, "--size");
  ASSERT_FALSE(result.ok()) << "'" << text << "' was accepted as " << *result;
  EXPECT_EQ(result.error().kind, ErrorKind::usage) << text;
  EXPECT_EQ(result.error().op, Op::parse) << text;
  EXPECT_EQ(result.error().subject, "--size") << text;
  EXPECT_FALSE(result.error().detail.empty()) << text;
}

TEST(ParseSize, ReadsPlainBytes) {
  EXPECT_EQ(size_of("1"), 1U);
  EXPECT_EQ(size_of("4096"), 4096U);
  EXPECT_EQ(size_of("007"), 7U);
  EXPECT_EQ(size_of("12B"), 12U);
}

TEST(ParseSize, ReadsBinarySuffixesAsPowersOf1024) {
  EXPECT_EQ(size_of("1K"), kKi);
  EXPECT_EQ(size_of("64K"), 64 * kKi);
  EXPECT_EQ(size_of("2KiB"), 2 * kKi);
  EXPECT_EQ(size_of("3M"), 3 * kMi);
  EXPECT_EQ(size_of("3MiB"), 3 * kMi);
  EXPECT_EQ(size_of("5G"), 5 * kGi);
  EXPECT_EQ(size_of("5GiB"), 5 * kGi);
  EXPECT_EQ(size_of("2T"), 2 * kTi);
  EXPECT_EQ(size_of("2TiB"), 2 * kTi);
}

TEST(ParseSize, ReadsDecimalSuffixesAsPowersOf1000) {
  EXPECT_EQ(size_of("1KB"), 1000U);
  EXPECT_EQ(size_of("7MB"), 7'000'000U);
  EXPECT_EQ(size_of("2GB"), 2'000'000'000U);
  EXPECT_EQ(size_of("3TB"), 3'000'000'000'000U);
}

TEST(ParseSize, IgnoresTheCaseOfSuffixes) {
  EXPECT_EQ(size_of("4k"), 4 * kKi);
  EXPECT_EQ(size_of("4kib"), 4 * kKi);
  EXPECT_EQ(size_of("4KIB"), 4 * kKi);
  EXPECT_EQ(size_of("4kB"), 4000U);
  EXPECT_EQ(size_of("1m"), kMi);
  EXPECT_EQ(size_of("1gb"), 1'000'000'000U);
  EXPECT_EQ(size_of("1t"), kTi);
  EXPECT_EQ(size_of("1tb"), 1'000'000'000'000U);
}

TEST(ParseSize, ReadsFractionsThatComeToWholeBytes) {
  EXPECT_EQ(size_of("1.5M"), kMi + kMi / 2);
  EXPECT_EQ(size_of("1.5K"), 1536U);
  EXPECT_EQ(size_of("0.5K"), 512U);
  EXPECT_EQ(size_of("2.25G"), 2 * kGi + kGi / 4);
  EXPECT_EQ(size_of("1.5KB"), 1500U);
  EXPECT_EQ(size_of("1.0"), 1U);
}

TEST(ParseSize, RejectsFractionsOfAByte) {
  expect_usage_error("1.5");
  expect_usage_error("0.3K");  // 307.2 bytes
  expect_usage_error("1.0001K");
}

TEST(ParseSize, RejectsZero) {
  expect_usage_error("0");
  expect_usage_error("0K");
  expect_usage_error("0.0M");
}

TEST(ParseSize, RejectsNegativeSizes) {
  expect_usage_error("-1");
  expect_usage_error("-4K");
}

TEST(ParseSize, AcceptsTheLargestByteCount) {
  EXPECT_EQ(size_of("18446744073709551615"), UINT64_MAX);
}

TEST(ParseSize, RejectsOverflowingDigits) {
  expect_usage_error("18446744073709551616");
  expect_usage_error("99999999999999999999999999999999999999999");
}

TEST(ParseSize, RejectsOverflowingSuffix) {
  expect_usage_error("16777216T");  // 2^64
  expect_usage_error("17179869184G");
  expect_usage_error("18446744073709551615K");
  expect_usage_error("18446744073709551616TB");
}

TEST(ParseSize, RejectsAFractionThatCarriesPastTheLargestCount) {
  // 18446744 TB fits in 64 bits; the fraction brings it to exactly 2^64.
  EXPECT_EQ(size_of("18446744.073709551615TB"), UINT64_MAX);
  expect_usage_error("18446744.073709551616TB");
}

TEST(ParseSize, RejectsJunk) {
  for (const char* junk :
       {"",   "K",   "abc",   "12abc", "4 K",  " 4",    "4 ", "1e3", "0x10", "+5",
        "1.", ".5K", "1..5K", "4KK",   "4Kb2", "4KiBB", "4P", "4E",  "4Mi",  "4iB"}) {
    SCOPED_TRACE(junk);
    expect_usage_error(junk);
  }
}

TEST(ParseByteCount, AcceptsZeroForOffsets) {
  auto zero = parse_byte_count("0", "--offset");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, 0U);
  auto suffixed = parse_byte_count("0K", "--offset");
  ASSERT_TRUE(suffixed.ok());
  EXPECT_EQ(*suffixed, 0U);
}

TEST(ParseByteCount, TakesTheSameSuffixesAsSizes) {
  auto value = parse_byte_count("3KiB", "--length");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 3 * kKi);
}

TEST(ParseByteCount, NamesTheSubjectInErrors) {
  auto result = parse_byte_count("-1", "--offset");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::usage);
  EXPECT_EQ(result.error().subject, "--offset");
  EXPECT_NE(result.error().detail.find("-1"), std::string::npos) << result.error().detail;
}

}  // namespace
}  // namespace shmtool
