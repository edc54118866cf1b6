#include "util/owner_parse.hpp"

#include <gtest/gtest.h>

#include "fake_names.hpp"

namespace shmtool {
namespace {

using test::FakeNames;

TEST(ParseUser, FindsAUserByName) {
  FakeNames names;
  auto uid = parse_user("alice", "--owner", names);
  ASSERT_TRUE(uid.ok());
  EXPECT_EQ(*uid, 1000U);
}

TEST(ParseUser, TakesDigitsAsAUidEvenWithoutAName) {
  FakeNames names;
  auto known = parse_user("1001", "--owner", names);
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(*known, 1001U);
  auto unknown = parse_user("4242", "--owner", names);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(*unknown, 4242U);
  auto zero = parse_user("0", "--owner", names);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, 0U);
}

TEST(ParseUser, AcceptsTheLargestUid) {
  FakeNames names;
  auto uid = parse_user("4294967294", "--owner", names);
  ASSERT_TRUE(uid.ok());
  EXPECT_EQ(*uid, 4294967294U);
}

TEST(ParseUser, RefusesUid4294967295WhichMeansNoUser) {
  FakeNames names;
  auto uid = parse_user("4294967295", "--owner", names);
  ASSERT_FALSE(uid.ok());
  EXPECT_EQ(uid.error().kind, ErrorKind::usage);
  EXPECT_EQ(uid.error().subject, "--owner");
}

TEST(ParseUser, RefusesUidsThatDoNotFitIn32Bits) {
  FakeNames names;
  for (const char* big : {"4294967296", "99999999999", "123456789012345678901234567890"}) {
    auto uid = parse_user(big, "--owner", names);
    EXPECT_FALSE(uid.ok()) << big << " gave " << (uid.ok() ? *uid : 0U);
  }
}

TEST(ParseUser, RefusesAnUnknownName) {
  FakeNames names;
  auto uid = parse_user("mallory", "--owner", names);
  ASSERT_FALSE(uid.ok());
  EXPECT_EQ(uid.error().kind, ErrorKind::usage);
  EXPECT_EQ(uid.error().subject, "--owner");
  EXPECT_NE(uid.error().detail.find("mallory"), std::string::npos) << uid.error().detail;
}

TEST(ParseUser, RefusesAnEmptyName) {
  FakeNames names;
  EXPECT_FALSE(parse_user("", "--owner", names).ok());
}

TEST(ParseUser, RefusesNegativeUids) {
  FakeNames names;
  EXPECT_FALSE(parse_user("-1", "--owner", names).ok());
}

TEST(ParseUser, PrefersAUserWhoseNameIsDigitsAsChownDoes) {
  FakeNames names;
  names.users[2000] = "123";
  auto uid = parse_user("123", "--owner", names);
  ASSERT_TRUE(uid.ok());
  EXPECT_EQ(*uid, 2000U);
}

TEST(ParseGroup, FindsAGroupByNameOrNumber) {
  FakeNames names;
  auto by_name = parse_group("users", "GROUP", names);
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(*by_name, 100U);
  auto by_number = parse_group("555", "GROUP", names);
  ASSERT_TRUE(by_number.ok());
  EXPECT_EQ(*by_number, 555U);
}

TEST(ParseGroup, RefusesAnUnknownNameAndGid4294967295) {
  FakeNames names;
  auto unknown = parse_group("wheel", "GROUP", names);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::usage);
  EXPECT_NE(unknown.error().detail.find("wheel"), std::string::npos);
  auto reserved = parse_group("4294967295", "GROUP", names);
  ASSERT_FALSE(reserved.ok());
  EXPECT_EQ(reserved.error().kind, ErrorKind::usage);
}

TEST(ParseOwner, ChangesOnlyTheUserWhenGivenAUser) {
  FakeNames names;
  auto change = parse_owner("alice", names);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->uid, std::optional<uid_t>(1000));
  EXPECT_FALSE(change->gid.has_value());
}

TEST(ParseOwner, ChangesBothForUserColonGroup) {
  FakeNames names;
  auto change = parse_owner("bob:alice", names);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->uid, std::optional<uid_t>(1001));
  EXPECT_EQ(change->gid, std::optional<gid_t>(1000));
}

TEST(ParseOwner, TakesNumbersOnBothSides) {
  FakeNames names;
  auto change = parse_owner("4000:5000", names);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->uid, std::optional<uid_t>(4000));
  EXPECT_EQ(change->gid, std::optional<gid_t>(5000));
}

TEST(ParseOwner, ChangesOnlyTheGroupForColonGroup) {
  FakeNames names;
  auto change = parse_owner(":users", names);
  ASSERT_TRUE(change.ok());
  EXPECT_FALSE(change->uid.has_value());
  EXPECT_EQ(change->gid, std::optional<gid_t>(100));
}

TEST(ParseOwner, UsesTheLoginGroupForUserColon) {
  FakeNames names;
  auto change = parse_owner("bob:", names);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->uid, std::optional<uid_t>(1001));
  EXPECT_EQ(change->gid, std::optional<gid_t>(100));
}

TEST(ParseOwner, RefusesUserColonWhenTheUserHasNoLoginGroup) {
  FakeNames names;
  auto change = parse_owner("4000:", names);
  ASSERT_FALSE(change.ok());
  EXPECT_EQ(change.error().kind, ErrorKind::usage);
}

TEST(ParseOwner, RefusesUnknownNamesOnEitherSide) {
  FakeNames names;
  for (const char* bad : {"mallory", "mallory:users", "alice:wheel", ":wheel"}) {
    auto change = parse_owner(bad, names);
    ASSERT_FALSE(change.ok()) << bad;
    EXPECT_EQ(change.error().kind, ErrorKind::usage) << bad;
  }
}

TEST(ParseOwner, RefusesReservedIdsOnEitherSide) {
  FakeNames names;
  EXPECT_FALSE(parse_owner("4294967295", names).ok());
  EXPECT_FALSE(parse_owner("alice:4294967295", names).ok());
  EXPECT_FALSE(parse_owner(":4294967295", names).ok());
}

TEST(ParseOwner, RefusesAnEmptySpec) {
  FakeNames names;
  for (const char* empty : {"", ":"}) {
    auto change = parse_owner(empty, names);
    ASSERT_FALSE(change.ok()) << "'" << empty << "'";
    EXPECT_EQ(change.error().kind, ErrorKind::usage);
    EXPECT_FALSE(change.error().subject.empty());
  }
}

}  // namespace
}  // namespace shmtool
