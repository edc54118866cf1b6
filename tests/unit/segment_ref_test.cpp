#include "model/segment_ref.hpp"

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace shmtool {
namespace {

SegmentRef parsed(std::string_view text) {
  auto result = parse_segment_ref(text);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().detail);
  return result.ok() ? *result : SegmentRef{};
}

std::uint32_t key_named_by(std::string_view text) {
  const SegmentRef ref = parsed(text);
  EXPECT_EQ(ref.form, RefForm::key) << text;
  return ref.key;
}

Error refused(std::string_view text) {
  auto result = parse_segment_ref(text);
  EXPECT_FALSE(result.ok()) << "'" << text << "' was accepted";
  if (result.ok()) return Error{};
  EXPECT_EQ(result.error().kind, ErrorKind::usage) << text;
  EXPECT_EQ(result.error().op, Op::parse) << text;
  EXPECT_FALSE(result.error().detail.empty()) << text;
  return result.error();
}

TEST(ParseSegmentRef, ReadsABareNumberAsAnId) {
  const SegmentRef ref = parsed("1234");
  EXPECT_EQ(ref.form, RefForm::id);
  EXPECT_EQ(ref.id, 1234);
  EXPECT_EQ(ref.text, "1234");
}

TEST(ParseSegmentRef, ReadsIdZero) {
  const SegmentRef ref = parsed("0");
  EXPECT_EQ(ref.form, RefForm::id);
  EXPECT_EQ(ref.id, 0);
}

TEST(ParseSegmentRef, ReadsTheIdPrefix) {
  const SegmentRef ref = parsed("id:32773");
  EXPECT_EQ(ref.form, RefForm::id);
  EXPECT_EQ(ref.id, 32773);
  EXPECT_EQ(ref.text, "id:32773");
}

TEST(ParseSegmentRef, AcceptsTheLargestId) {
  EXPECT_EQ(parsed("2147483647").id, 2147483647);
  EXPECT_EQ(parsed("id:2147483647").id, 2147483647);
}

TEST(ParseSegmentRef, RejectsIdsOutOfRange) {
  refused("2147483648");
  refused("id:2147483648");
  refused("99999999999999999999");
}

TEST(ParseSegmentRef, RejectsMalformedIds) {
  for (const char* bad : {"id:", "id:-1", "-1", "12a", "id:0x10", "1 2", " 12", "id:+5"}) {
    SCOPED_TRACE(bad);
    refused(bad);
  }
}

TEST(ParseSegmentRef, RejectsAnEmptyArgument) {
  refused("");
}

TEST(ParseSegmentRef, ReadsAHexKeyAsIpcsPrintsIt) {
  const SegmentRef ref = parsed("0x0000162e");
  EXPECT_EQ(ref.form, RefForm::key);
  EXPECT_EQ(ref.key, 0x162eU);
  EXPECT_EQ(ref.text, "0x0000162e");
}

TEST(ParseSegmentRef, ReadsShortAndUpperCaseHexKeys) {
  EXPECT_EQ(key_named_by("0x162e"), 0x162eU);
  EXPECT_EQ(key_named_by("0X162E"), 0x162eU);
  EXPECT_EQ(key_named_by("0xffffffff"), 0xffffffffU);
  EXPECT_EQ(key_named_by("0xDEADBEEF"), 0xdeadbeefU);
}

TEST(ParseSegmentRef, RejectsHexKeysWiderThan32Bits) {
  refused("0x100000000");
  refused("0xfffffffff");
}

TEST(ParseSegmentRef, RejectsMalformedHexKeys) {
  refused("0x");
  refused("0xg1");
  refused("0x12 ");
  refused("0x-5");
}

TEST(ParseSegmentRef, ReadsKeyFormInDecimal) {
  EXPECT_EQ(key_named_by("key:5678"), 5678U);
  EXPECT_EQ(key_named_by("key:+5678"), 5678U);
  EXPECT_EQ(key_named_by("key:4294967295"), 4294967295U);
}

TEST(ParseSegmentRef, ReadsKeyFormInHex) {
  EXPECT_EQ(key_named_by("key:0x162e"), 0x162eU);
  EXPECT_EQ(key_named_by("key:0X162E"), 0x162eU);
  EXPECT_EQ(key_named_by("key:0xffffffff"), 0xffffffffU);
}

TEST(ParseSegmentRef, ReadsKeyFormInOctal) {
  EXPECT_EQ(key_named_by("key:0644"), 0644U);
  EXPECT_EQ(key_named_by("key:010"), 8U);
}

TEST(ParseSegmentRef, ReadsNegativeKeysAsTheirUnsigned32BitValue) {
  EXPECT_EQ(key_named_by("key:-5"), 0xfffffffbU);
  EXPECT_EQ(key_named_by("key:-1"), 0xffffffffU);
  EXPECT_EQ(key_named_by("key:-2147483648"), 0x80000000U);
  EXPECT_EQ(key_named_by("key:-0x10"), 0xfffffff0U);
}

TEST(ParseSegmentRef, RefusesKeyZeroBecauseItIsPrivate) {
  for (const char* zero : {"key:0", "key:00", "key:0x0", "key:-0", "0x0", "0x00000000"}) {
    SCOPED_TRACE(zero);
    const Error error = refused(zero);
    EXPECT_NE(error.detail.find("IPC_PRIVATE"), std::string::npos) << error.detail;
  }
}

TEST(ParseSegmentRef, RejectsKeysOutOfRange) {
  refused("key:4294967296");
  refused("key:0x100000000");
  refused("key:-2147483649");
  refused("key:99999999999999999999999");
}

TEST(ParseSegmentRef, RejectsMalformedKeys) {
  for (const char* bad :
       {"key:", "key:-", "key:0x", "key:08", "key:12z", "key: 5", "key:5 ", "key:--5", "key:1.5"}) {
    SCOPED_TRACE(bad);
    refused(bad);
  }
}

TEST(ParseSegmentRef, ReadsFtokWithTheDefaultProject) {
  const SegmentRef ref = parsed("ftok:/tmp/server");
  EXPECT_EQ(ref.form, RefForm::ftok);
  EXPECT_EQ(ref.path, "/tmp/server");
  EXPECT_EQ(ref.proj, 'A');
  EXPECT_EQ(ref.text, "ftok:/tmp/server");
}

TEST(ParseSegmentRef, ReadsFtokWithACharacterProject) {
  const SegmentRef ref = parsed("ftok:/tmp/server:x");
  EXPECT_EQ(ref.path, "/tmp/server");
  EXPECT_EQ(ref.proj, 'x');
}

TEST(ParseSegmentRef, ReadsFtokWithANumericProject) {
  EXPECT_EQ(parsed("ftok:/tmp/server:1").proj, 1);
  EXPECT_EQ(parsed("ftok:/tmp/server:65").proj, 65);
  EXPECT_EQ(parsed("ftok:/tmp/server:255").proj, 255);
  EXPECT_EQ(parsed("ftok:/tmp/server:255").path, "/tmp/server");
}

TEST(ParseSegmentRef, KeepsColonsInsideTheFtokPath) {
  const SegmentRef ref = parsed("ftok:/tmp/a:b:7");
  EXPECT_EQ(ref.path, "/tmp/a:b");
  EXPECT_EQ(ref.proj, 7);
}

TEST(ParseSegmentRef, RefusesFtokProjectsOutsideOneTo255) {
  refused("ftok:/tmp/server:0");
  refused("ftok:/tmp/server:256");
  refused("ftok:/tmp/server:1000");
}

TEST(ParseSegmentRef, RefusesFtokWithoutAPath) {
  refused("ftok:");
  refused("ftok::5");
}

TEST(ParseKeyRef, RefusesABareNumberWithAHint) {
  auto result = parse_key_ref("5678");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::usage);
  EXPECT_NE(result.error().detail.find("key:5678"), std::string::npos) << result.error().detail;
}

TEST(ParseKeyRef, RefusesAnIdForm) {
  auto result = parse_key_ref("id:5");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::usage);
}

TEST(ParseKeyRef, AcceptsKeyAndFtokForms) {
  auto hex = parse_key_ref("0x162e");
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(hex->form, RefForm::key);
  EXPECT_EQ(hex->key, 0x162eU);
  auto decimal = parse_key_ref("key:-5");
  ASSERT_TRUE(decimal.ok());
  EXPECT_EQ(decimal->key, 0xfffffffbU);
  auto path = parse_key_ref("ftok:/tmp/x:9");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->form, RefForm::ftok);
  EXPECT_EQ(path->proj, 9);
}

TEST(ParseKeyRef, TellsHowToAskForAPrivateSegmentWhenGivenKeyZero) {
  auto result = parse_key_ref("key:0");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::usage);
  EXPECT_NE(result.error().detail.find("private"), std::string::npos) << result.error().detail;
}

TEST(ParseKeyRef, RejectsJunkWithoutMentioningIds) {
  auto result = parse_key_ref("server");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::usage);
  EXPECT_EQ(result.error().detail.find("id"), std::string::npos) << result.error().detail;
}

TEST(KeyOf, ReturnsTheKeyOfAKeyForm) {
  auto key = key_of(parsed("key:0x162e"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, 0x162eU);
}

TEST(KeyOf, CallsFtokForAnFtokForm) {
  const key_t expected_default = ftok("/", 'A');
  const key_t expected_x = ftok("/", 'x');
  const key_t expected_200 = ftok("/", 200);
  ASSERT_NE(expected_default, -1);
  auto by_default = key_of(parsed("ftok:/"));
  auto by_char = key_of(parsed("ftok:/:x"));
  auto by_number = key_of(parsed("ftok:/:200"));
  ASSERT_TRUE(by_default.ok());
  ASSERT_TRUE(by_char.ok());
  ASSERT_TRUE(by_number.ok());
  EXPECT_EQ(*by_default, static_cast<std::uint32_t>(expected_default));
  EXPECT_EQ(*by_char, static_cast<std::uint32_t>(expected_x));
  EXPECT_EQ(*by_number, static_cast<std::uint32_t>(expected_200));
  EXPECT_NE(*by_default, *by_char);
}

TEST(KeyOf, FailsWithTheErrnoWhenThePathDoesNotExist) {
  auto key = key_of(parsed("ftok:/nonexistent/shmtool-unit-test"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().op, Op::ftok);
  EXPECT_EQ(key.error().err, ENOENT);
  EXPECT_EQ(key.error().kind, ErrorKind::not_found);
  EXPECT_EQ(key.error().subject, "ftok:/nonexistent/shmtool-unit-test");
}

TEST(KeyOf, HintsAtTheProjWhenAFileNamedWithTheColonExists) {
  char dir[] = "/tmp/shmtool-unit-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string file = std::string(dir) + "/x:1";
  FILE* made = std::fopen(file.c_str(), "w");
  ASSERT_NE(made, nullptr);
  std::fclose(made);
  auto key = key_of(parsed("ftok:" + file));  // read as PATH dir/x and PROJ 1
  auto meant = key_of(parsed("ftok:" + file + ":A"));
  std::remove(file.c_str());
  rmdir(dir);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().err, ENOENT);
  EXPECT_NE(key.error().detail.find("write ftok:" + file + ":A"), std::string::npos)
      << key.error().detail;
  EXPECT_TRUE(meant.ok());
}

TEST(KeyOf, RefusesAnIdForm) {
  auto key = key_of(parsed("42"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().kind, ErrorKind::usage);
}

TEST(FormatKeyHex, WritesEightLowerCaseDigits) {
  EXPECT_EQ(format_key_hex(0), "0x00000000");
  EXPECT_EQ(format_key_hex(0x162e), "0x0000162e");
  EXPECT_EQ(format_key_hex(0xdeadbeef), "0xdeadbeef");
  EXPECT_EQ(format_key_hex(0xffffffff), "0xffffffff");
}

TEST(FormatKeyHex, RoundTripsThroughParseSegmentRef) {
  for (std::uint32_t key : {1U, 0x162eU, 0x7fffffffU, 0x80000000U, 0xffffffffU}) {
    EXPECT_EQ(key_named_by(format_key_hex(key)), key);
  }
}

TEST(Describe, NamesAnIdByNumber) {
  EXPECT_EQ(describe(parsed("id:42")), "id 42");
  EXPECT_EQ(describe(parsed("42")), "id 42");
}

TEST(Describe, NamesAKeyInHexWhateverFormItWasGivenIn) {
  EXPECT_EQ(describe(parsed("key:5678")), "key 0x0000162e");
  EXPECT_EQ(describe(parsed("0x162E")), "key 0x0000162e");
  EXPECT_EQ(describe(parsed("key:-1")), "key 0xffffffff");
}

TEST(Describe, NamesAnFtokFormAsGiven) {
  EXPECT_EQ(describe(parsed("ftok:/tmp/server:x")), "ftok:/tmp/server:x");
}

}  // namespace
}  // namespace shmtool
