// shmtool create: private and keyed segments, the key forms, --mode, --exclusive, and what an
// existing key gives.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

TEST(Create, PrivateSegmentPrintsOnlyItsId) {
  const RunResult run = run_shmtool({"create", "--size", "4K"});
  const int id = parse_id(run.out);
  SegmentGuard guard = SegmentGuard::adopt(id);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_GE(id, 0) << "stdout: " << run.out;
  EXPECT_EQ(run.err, "");
  const auto stat = stat_json(id);
  EXPECT_EQ(stat["key"], 0);
  EXPECT_EQ(stat["size"], 4096);
}

TEST(Create, JsonGivesTheSegmentObjectAndCreatedTrue) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"create", key_arg(key), "--size", "1000", "--json"});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["created"], true);
  EXPECT_EQ(j["id"], guard.id());
  EXPECT_EQ(j["key"], key);
  EXPECT_EQ(j["key_hex"], hex_key(key));
  EXPECT_EQ(j["size"], 1000);
  EXPECT_EQ(j["mode"], 0600);
  EXPECT_EQ(j["perms"], "rw-------");
  EXPECT_EQ(j["uid"], getuid());
  EXPECT_EQ(j["cuid"], getuid());
  EXPECT_EQ(j["gid"], getgid());
  EXPECT_EQ(j["nattch"], 0);
  EXPECT_EQ(j["lpid"], 0);
  EXPECT_TRUE(j["cpid"].is_number_integer());
  EXPECT_NE(j["cpid"], 0);
  EXPECT_TRUE(j["atime"].is_null());
  EXPECT_TRUE(j["dtime"].is_null());
  EXPECT_TRUE(j["ctime"].is_number_integer());
  EXPECT_EQ(j["dest"], false);
  EXPECT_EQ(j["locked"], false);
}

TEST(Create, JsonMayStandBeforeTheCommand) {
  const RunResult run = run_shmtool({"--json", "create", "--size", "100"});
  const auto j = parse_json(run);
  SegmentGuard guard = SegmentGuard::adopt(j.is_object() ? j.value("id", -1) : -1);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(j["created"], true);
  EXPECT_EQ(j["key"], 0);
}

TEST(Create, HexKeyNamesThatKey) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"create", hex_key(key), "--size", "64"});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_id(run.out), guard.id());
  EXPECT_EQ(stat_json(guard.id())["key"], key);
}

TEST(Create, KeyColonAcceptsHexAndOctal) {
  const std::uint32_t hex = unique_key();
  const std::uint32_t octal = unique_key();
  char octal_text[32];
  std::snprintf(octal_text, sizeof octal_text, "key:0%o", octal);
  const RunResult by_hex = run_shmtool({"create", "key:" + hex_key(hex), "--size", "64"});
  SegmentGuard hex_guard = adopt_key(hex);
  const RunResult by_octal = run_shmtool({"create", octal_text, "--size", "64"});
  SegmentGuard octal_guard = adopt_key(octal);
  ASSERT_EQ(by_hex.exit_code, 0) << by_hex.err;
  ASSERT_EQ(by_octal.exit_code, 0) << by_octal.err;
  EXPECT_EQ(parse_id(by_hex.out), hex_guard.id());
  EXPECT_EQ(parse_id(by_octal.out), octal_guard.id());
}

TEST(Create, FtokFormUsesProjectAByDefault) {
  const FtokFile file = make_ftok_file();
  const RunResult run = run_shmtool({"create", file.arg(), "--size", "128", "--json"});
  SegmentGuard guard = adopt_key(file.key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_json(run)["key"], file.key);
  EXPECT_EQ(parse_json(run)["id"], guard.id());
}

TEST(Create, FtokFormTakesAProjectCharacterOrNumber) {
  const FtokFile file = make_ftok_file();
  const auto key_b = static_cast<std::uint32_t>(ftok(file.path().c_str(), 'B'));
  const auto key_7 = static_cast<std::uint32_t>(ftok(file.path().c_str(), 7));
  if (id_of_key(key_b) >= 0 || id_of_key(key_7) >= 0) GTEST_SKIP() << "ftok key in use";
  const RunResult by_char = run_shmtool({"create", file.arg() + ":B", "--size", "64", "--json"});
  SegmentGuard guard_b = adopt_key(key_b);
  const RunResult by_number = run_shmtool({"create", file.arg() + ":7", "--size", "64", "--json"});
  SegmentGuard guard_7 = adopt_key(key_7);
  ASSERT_EQ(by_char.exit_code, 0) << by_char.err;
  ASSERT_EQ(by_number.exit_code, 0) << by_number.err;
  EXPECT_EQ(parse_json(by_char)["key"], key_b);
  EXPECT_EQ(parse_json(by_number)["key"], key_7);
}

TEST(Create, DefaultModeIs0600) {
  const RunResult run = run_shmtool({"create", "--size", "100"});
  SegmentGuard guard = SegmentGuard::adopt(parse_id(run.out));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  struct shmid_ds ds {};
  ASSERT_EQ(shmctl(guard.id(), IPC_STAT, &ds), 0);
  EXPECT_EQ(ds.shm_perm.mode & 0777, 0600);
}

TEST(Create, ModeOptionSetsThePermissionBits) {
  const RunResult run = run_shmtool({"create", "--size", "100", "--mode", "640", "--json"});
  const auto j = parse_json(run);
  SegmentGuard guard = SegmentGuard::adopt(j.is_object() ? j.value("id", -1) : -1);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(j["mode"], 0640);
  EXPECT_EQ(j["perms"], "rw-r-----");
  struct shmid_ds ds {};
  ASSERT_EQ(shmctl(guard.id(), IPC_STAT, &ds), 0);
  EXPECT_EQ(ds.shm_perm.mode & 0777, 0640);
}

TEST(Create, ExistingKeyIsReportedWhenTheSizeFits) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 1000, 0640);
  const RunResult run = run_shmtool({"create", key_arg(key), "--size", "500", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = parse_json(run);
  EXPECT_EQ(j["created"], false);
  EXPECT_EQ(j["id"], existing.id());
  EXPECT_EQ(j["size"], 1000);
  EXPECT_EQ(j["mode"], 0640);
  const RunResult plain = run_shmtool({"create", key_arg(key), "--size", "1000"});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(parse_id(plain.out), existing.id());
}

TEST(Create, ExistingKeyTooSmallFailsNamingBothSizes) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 1000);
  const RunResult run = run_shmtool({"create", key_arg(key), "--size", "2000"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("1000"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("2000"), std::string::npos) << run.err;
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  EXPECT_EQ(id_of_key(key), existing.id());
  EXPECT_EQ(kernel_size(existing.id()), 1000U);
}

TEST(Create, ExclusiveRefusesAnExistingKey) {
  const std::uint32_t key = unique_key();
  SegmentGuard existing(static_cast<key_t>(key), 100);
  const RunResult run = run_shmtool({"create", key_arg(key), "--size", "100", "--exclusive"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("exists"), std::string::npos) << run.err;
  EXPECT_EQ(id_of_key(key), existing.id());
}

TEST(Create, ExclusiveCreatesAFreeKey) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"create", key_arg(key), "--size", "100", "--exclusive"});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(parse_id(run.out), guard.id());
}

TEST(Create, BareNumberIsRefusedWithAHintToWriteKeyN) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"create", std::to_string(key), "--size", "100"});
  SegmentGuard guard = adopt_key(key);  // in case it was created after all
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("key:" + std::to_string(key)), std::string::npos) << run.err;
  EXPECT_EQ(guard.id(), -1) << "a segment was created for the bare number";
}

TEST(Create, JsonObjectIsTheOneStatPrints) {
  const std::uint32_t key = unique_key();
  const RunResult run = run_shmtool({"create", key_arg(key), "--size", "8K", "--json"});
  SegmentGuard guard = adopt_key(key);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto created = parse_json(run);
  ASSERT_TRUE(created.is_object());
  created.erase("created");
  EXPECT_EQ(created, stat_json(guard.id()));
}

TEST(Create, NoreserveMakesAnOrdinarySegment) {
  const RunResult run = run_shmtool({"create", "--size", "64K", "--noreserve"});
  SegmentGuard guard = SegmentGuard::adopt(parse_id(run.out));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(kernel_size(guard.id()), 65536U);
}

TEST(Create, HugetlbMakesAHugePageSegmentOrSaysWhyNot) {
  // Whether huge pages are available depends on the machine (vm.nr_hugepages).
  const RunResult run = run_shmtool({"create", "--size", "2M", "--hugetlb"});
  SegmentGuard guard = SegmentGuard::adopt(parse_id(run.out));
  if (run.exit_code == 0) {
    EXPECT_GE(kernel_size(guard.id()), 2U << 20);
  } else {
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(count_lines(run.err), 1) << run.err;
    EXPECT_EQ(run.err.rfind("shmtool: create: ", 0), 0U) << run.err;
  }
}

}  // namespace
}  // namespace shmtool::test
