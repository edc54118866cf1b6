#include "util/result.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

namespace shmtool {
namespace {

TEST(KindOfErrno, ClassifiesSegmentErrors) {
  EXPECT_EQ(kind_of_errno(ENOENT), ErrorKind::not_found);
  EXPECT_EQ(kind_of_errno(EIDRM), ErrorKind::not_found);
  EXPECT_EQ(kind_of_errno(EACCES), ErrorKind::permission);
  EXPECT_EQ(kind_of_errno(EPERM), ErrorKind::permission);
  EXPECT_EQ(kind_of_errno(EEXIST), ErrorKind::exists);
  EXPECT_EQ(kind_of_errno(ENOSPC), ErrorKind::system);
  EXPECT_EQ(kind_of_errno(ENOMEM), ErrorKind::system);
  EXPECT_EQ(kind_of_errno(EIO), ErrorKind::system);
}

TEST(ErrnoError, CarriesTheOperationErrnoAndSubject) {
  const Error error = errno_error(Op::remove, EPERM, "id 42");
  EXPECT_EQ(error.kind, ErrorKind::permission);
  EXPECT_EQ(error.op, Op::remove);
  EXPECT_EQ(error.err, EPERM);
  EXPECT_EQ(error.subject, "id 42");
  EXPECT_TRUE(error.detail.empty());
}

TEST(UsageError, IsAParseErrorWithoutErrno) {
  const Error error = usage_error("--size", "too big");
  EXPECT_EQ(error.kind, ErrorKind::usage);
  EXPECT_EQ(error.op, Op::parse);
  EXPECT_EQ(error.err, 0);
  EXPECT_EQ(error.subject, "--size");
  EXPECT_EQ(error.detail, "too big");
}

TEST(Result, HoldsAValueOrAnError) {
  Result<int> value = 7;
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(static_cast<bool>(value));
  EXPECT_EQ(*value, 7);
  Result<int> error = usage_error("x", "y");
  ASSERT_FALSE(error.ok());
  EXPECT_FALSE(static_cast<bool>(error));
  EXPECT_EQ(error.error().subject, "x");
}

TEST(Result, MovesItsValueOut) {
  Result<std::string> text = std::string(100, 'a');
  const std::string taken = std::move(text).value();
  EXPECT_EQ(taken.size(), 100U);
}

}  // namespace
}  // namespace shmtool
