#include "util/proc_files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "util/whole_number.hpp"

namespace shmtool {
namespace {

TEST(ProcStatField, CountsFieldsAfterACommandNameWithSpacesAndParentheses) {
  const std::string stat = "42 (a b) c) S 7 42 42 0 -1 4194304";
  EXPECT_EQ(proc_stat_field(stat, 1), "42");
  EXPECT_EQ(proc_stat_field(stat, 2), "a b) c");
  EXPECT_EQ(proc_stat_field(stat, 3), "S");
  EXPECT_EQ(proc_stat_field(stat, 4), "7");
  EXPECT_EQ(proc_stat_field(stat, 9), "4194304");
  EXPECT_EQ(proc_stat_field(stat, 10), "");
  EXPECT_EQ(proc_stat_field("no parentheses", 4), "");
}

TEST(ProcStatField, ReadsThisProcessesParent) {
  const auto stat = read_file_at(AT_FDCWD, "/proc/self/stat");
  ASSERT_TRUE(stat.has_value());
  pid_t parent = 0;
  ASSERT_TRUE(parse_whole(proc_stat_field(*stat, 4), parent));
  EXPECT_EQ(parent, getppid());
}

TEST(ReadFileAt, SaysWhyItCannotRead) {
  errno = 0;
  EXPECT_FALSE(read_file_at(AT_FDCWD, "/nonexistent/file").has_value());
  EXPECT_EQ(errno, ENOENT);
}

TEST(ParseWhole, TakesOnlyAWholeNumberInItsBase) {
  unsigned value = 0;
  EXPECT_TRUE(parse_whole("1a", value, 16));
  EXPECT_EQ(value, 26U);
  EXPECT_FALSE(parse_whole("1a", value));
  EXPECT_FALSE(parse_whole("", value));
  EXPECT_FALSE(parse_whole("-1", value));
  EXPECT_FALSE(parse_whole("99999999999", value));
}

}  // namespace
}  // namespace shmtool
