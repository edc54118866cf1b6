#include "model/posix_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shmtool {
namespace {

using namespace std::string_literals;

std::string name_of(std::string_view text) {
  auto result = parse_posix_object(text);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().detail);
  return result.ok() ? *result : std::string();
}

void expect_refused(std::string_view text, std::string_view words) {
  auto result = parse_posix_object(text);
  ASSERT_FALSE(result.ok()) << "'" << text << "' was accepted as " << *result;
  EXPECT_EQ(result.error().kind, ErrorKind::usage);
  EXPECT_EQ(result.error().subject, std::string(text));
  EXPECT_NE(result.error().detail.find(words), std::string::npos) << result.error().detail;
}

TEST(IsPosixForm, KnowsTheSlashAndThePrefix) {
  EXPECT_TRUE(is_posix_form("/frames"));
  EXPECT_TRUE(is_posix_form("posix:frames"));
  EXPECT_TRUE(is_posix_form("posix:/frames"));
  EXPECT_FALSE(is_posix_form("42"));
  EXPECT_FALSE(is_posix_form("0x0000162e"));
  EXPECT_FALSE(is_posix_form("key:5"));
  EXPECT_FALSE(is_posix_form("ftok:/tmp/x"));
}

TEST(ParsePosixObject, EveryFormNamesTheSameObject) {
  EXPECT_EQ(name_of("/frames"), "frames");
  EXPECT_EQ(name_of("posix:frames"), "frames");
  EXPECT_EQ(name_of("posix:/frames"), "frames");
}

TEST(ParsePosixObject, TakesAnyBytesButSlashAndNul) {
  EXPECT_EQ(name_of("/a b"), "a b");
  EXPECT_EQ(name_of("/\x1b[31mred"), "\x1b[31mred");
  EXPECT_EQ(name_of("/.hidden"), ".hidden");
  EXPECT_EQ(name_of("/..."), "...");
  EXPECT_EQ(name_of("/semaphore"), "semaphore");
  EXPECT_EQ(name_of("/" + std::string(255, 'x')), std::string(255, 'x'));
}

TEST(ParsePosixObject, RefusesWhatIsNoName) {
  expect_refused("/", "empty");
  expect_refused("posix:", "empty");
  expect_refused("posix:/", "empty");
  expect_refused("/a/b", "'/'");
  expect_refused("//a", "'/'");
  expect_refused("/a\0b"s, "NUL");
  expect_refused("/.", "directory");
  expect_refused("posix:..", "directory");
  expect_refused("/" + std::string(256, 'x'), "256 bytes");
}

TEST(ParsePosixObject, RefusesSemaphores) {
  expect_refused("/sem.lock", "POSIX semaphore");
  expect_refused("posix:sem.x", "POSIX semaphore");
}

TEST(ParsePosixObject, SaysWhatANameMayBe) {
  auto result = parse_posix_object("/a/b");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().detail.find("1 to 255 bytes, no '/' and no NUL"), std::string::npos);
}

}  // namespace
}  // namespace shmtool
