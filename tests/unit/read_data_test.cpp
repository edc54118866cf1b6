#include "sysv/read_data.hpp"

#include <gtest/gtest.h>
#include <sys/ipc.h>

#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "segment_guard.hpp"
#include "sysv/segment_table.hpp"

namespace shmtool {
namespace {

using test::SegmentGuard;

std::string text_of(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A private 64-byte segment holding "hello\0world\0" then zeros.
class ReadWindowTest : public ::testing::Test {
 protected:
  ReadWindowTest() : segment_(IPC_PRIVATE, 64, 0600) {
    test::Attached attached(segment_.id());
    std::memcpy(attached.data(), "hello\0world", 12);
    auto stat = stat_segment(system_kernel(), segment_.id(), Usage::skip);
    if (!stat.ok()) throw std::runtime_error("cannot stat the test segment");
    record_ = *stat;
  }

  Result<ReadWindow> window(std::uint64_t offset, std::optional<std::uint64_t> length,
                            ReadExtent extent) {
    ReadRequest request;
    request.offset = offset;
    request.length = length;
    request.extent = extent;
    return open_read_window(record_, request);
  }

  SegmentGuard segment_;
  SegmentRecord record_;
};

TEST_F(ReadWindowTest, ReadsAStringUpToTheFirstNul) {
  auto w = window(0, std::nullopt, ReadExtent::c_string);
  ASSERT_TRUE(w.ok()) << w.error().detail;
  EXPECT_EQ(text_of(w->bytes), "hello");
}

TEST_F(ReadWindowTest, ReadsAStringFromAnOffset) {
  auto w = window(6, std::nullopt, ReadExtent::c_string);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(text_of(w->bytes), "world");
}

TEST_F(ReadWindowTest, StopsAStringAtTheLengthAsked) {
  auto w = window(0, 3, ReadExtent::c_string);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(text_of(w->bytes), "hel");
}

TEST_F(ReadWindowTest, ClipsAStringLengthAtTheEnd) {
  auto w = window(60, 100, ReadExtent::c_string);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->bytes.empty());  // zeros: the string is empty
}

TEST_F(ReadWindowTest, ReadsExactBytesToTheEndByDefault) {
  auto w = window(0, std::nullopt, ReadExtent::exact);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->bytes.size(), 64U);
  EXPECT_EQ(text_of(w->bytes.first(12)), std::string("hello\0world\0", 12));
  auto tail = window(10, std::nullopt, ReadExtent::exact);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail->bytes.size(), 54U);
}

TEST_F(ReadWindowTest, ReadsExactBytesOfTheLengthAsked) {
  auto w = window(4, 4, ReadExtent::exact);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(text_of(w->bytes), std::string("o\0wo", 4));
}

TEST_F(ReadWindowTest, GivesNothingAtTheEnd) {
  auto w = window(64, std::nullopt, ReadExtent::exact);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->bytes.empty());
}

TEST_F(ReadWindowTest, RefusesAnOffsetPastTheEnd) {
  auto w = window(65, std::nullopt, ReadExtent::c_string);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::usage);
  // Facts, which the front end words (naming --offset there).
  EXPECT_EQ(w.error().fact, Fact::offset_past_end);
  EXPECT_EQ(w.error().offset, 65U);
  EXPECT_EQ(w.error().have, 64U);
}

TEST_F(ReadWindowTest, RefusesAnExactLengthPastTheEnd) {
  auto w = window(60, 5, ReadExtent::exact);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::usage);
  EXPECT_EQ(w.error().fact, Fact::length_past_end);
  EXPECT_EQ(w.error().offset, 60U);
  EXPECT_EQ(w.error().size, 5U);
  EXPECT_EQ(w.error().have, 64U);  // 4 bytes lie between the offset and the end
}

TEST_F(ReadWindowTest, RefusesAnOffsetThatWouldWrapAround) {
  auto w = window(UINT64_MAX, 2, ReadExtent::exact);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::usage);
}

TEST(OpenReadWindow, ReportsNotFoundForAGoneSegment) {
  SegmentRecord gone;
  {
    SegmentGuard segment(IPC_PRIVATE, 16);
    gone.id = segment.id();
    gone.size = 16;
  }
  auto w = open_read_window(gone, ReadRequest{});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().kind, ErrorKind::not_found);
  EXPECT_EQ(w.error().op, Op::attach);
}

}  // namespace
}  // namespace shmtool
