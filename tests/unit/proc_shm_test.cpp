#include "sysv/proc_shm.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shmtool {
namespace {

// The header and lines as Linux 6.x prints them (ipc/shm.c, sysvipc_shm_proc_show).
constexpr std::string_view kHeader =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  "
    "cgid      atime      dtime      ctime                   rss                  swap\n";
constexpr std::string_view kPlainLine =
    "      5678      32773   640                  1024  4702     0      0     0     0  1000   "
    "100 1763806451          0 1763806450                  4096                     0\n";
constexpr std::string_view kNegativeKeyLine =
    "        -5      32774   600                  5000  4703  4710      2  1000   100     0     "
    "0 1763806460 1763806470 1763806455                  8192                  4096\n";
constexpr std::string_view kDestLine =
    "         0          7  1640                  5000  7416  7416      1     0     0     0     "
    "0 1795344519          0 1795344519                  8192                     0\n";

std::vector<SegmentRecord> parsed(std::string_view text) {
  auto result = parse_proc_shm(text);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().detail);
  return result.ok() ? *result : std::vector<SegmentRecord>{};
}

TEST(ParseProcShm, ReadsEveryFieldOfALine) {
  const auto records = parsed(std::string(kHeader) + std::string(kPlainLine));
  ASSERT_EQ(records.size(), 1U);
  const SegmentRecord& r = records[0];
  EXPECT_EQ(r.key, 5678U);
  EXPECT_EQ(r.id, 32773);
  EXPECT_EQ(r.mode, 0640U);
  EXPECT_FALSE(r.dest);
  EXPECT_FALSE(r.locked);
  EXPECT_EQ(r.size, 1024U);
  EXPECT_EQ(r.cpid, 4702);
  EXPECT_EQ(r.lpid, 0);
  EXPECT_EQ(r.nattch, 0U);
  EXPECT_EQ(r.uid, 0U);
  EXPECT_EQ(r.gid, 0U);
  EXPECT_EQ(r.cuid, 1000U);
  EXPECT_EQ(r.cgid, 100U);
  EXPECT_EQ(r.atime, std::optional<std::int64_t>(1763806451));
  EXPECT_EQ(r.dtime, std::nullopt);
  EXPECT_EQ(r.ctime, std::optional<std::int64_t>(1763806450));
  EXPECT_EQ(r.rss, std::optional<std::uint64_t>(4096));
  EXPECT_EQ(r.swap, std::optional<std::uint64_t>(0));
}

TEST(ParseProcShm, ReadsNegativeKeysAsUnsigned) {
  const auto records = parsed(std::string(kHeader) + std::string(kNegativeKeyLine));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].key, 0xfffffffbU);
  EXPECT_EQ(records[0].uid, 1000U);
  EXPECT_EQ(records[0].gid, 100U);
  EXPECT_EQ(records[0].lpid, 4710);
  EXPECT_EQ(records[0].nattch, 2U);
  EXPECT_EQ(records[0].dtime, std::optional<std::int64_t>(1763806470));
  EXPECT_EQ(records[0].swap, std::optional<std::uint64_t>(4096));
}

TEST(ParseProcShm, ReadsTheExtremeKeys) {
  const std::string text = std::string(kHeader) +
                           "-2147483648 1 600 1 1 1 0 0 0 0 0 0 0 1 0 0\n"
                           "4294967295 2 600 1 1 1 0 0 0 0 0 0 0 1 0 0\n"
                           "2147483647 3 600 1 1 1 0 0 0 0 0 0 0 1 0 0\n";
  const auto records = parsed(text);
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].key, 0x80000000U);
  EXPECT_EQ(records[1].key, 0xffffffffU);
  EXPECT_EQ(records[2].key, 0x7fffffffU);
}

TEST(ParseProcShm, ReadsTheDestBitOfPermsAsDest) {
  const auto records = parsed(std::string(kHeader) + std::string(kDestLine));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].key, 0U);
  EXPECT_EQ(records[0].mode, 0640U);
  EXPECT_TRUE(records[0].dest);
  EXPECT_FALSE(records[0].locked);
}

TEST(ParseProcShm, ReadsTheLockedBitOfPermsAsLocked) {
  const std::string text = std::string(kHeader) +
                           "1 10 2600 1 1 1 0 0 0 0 0 0 0 1 0 0\n"
                           "2 11 3777 1 1 1 0 0 0 0 0 0 0 1 0 0\n";
  const auto records = parsed(text);
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].mode, 0600U);
  EXPECT_TRUE(records[0].locked);
  EXPECT_FALSE(records[0].dest);
  EXPECT_EQ(records[1].mode, 0777U);
  EXPECT_TRUE(records[1].locked);
  EXPECT_TRUE(records[1].dest);
}

TEST(ParseProcShm, ReadsSizesBeyond32Bits) {
  const std::string text =
      std::string(kHeader) + "1 10 600 17179869184 1 1 0 0 0 0 0 0 0 1 17179869184 0\n";
  const auto records = parsed(text);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].size, 17179869184U);
  EXPECT_EQ(records[0].rss, std::optional<std::uint64_t>(17179869184U));
}

TEST(ParseProcShm, KeepsTheKernelsOrder) {
  const auto records = parsed(std::string(kHeader) + std::string(kDestLine) +
                              std::string(kPlainLine) + std::string(kNegativeKeyLine));
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].id, 7);
  EXPECT_EQ(records[1].id, 32773);
  EXPECT_EQ(records[2].id, 32774);
}

TEST(ParseProcShm, ReadsAnEmptyTable) {
  EXPECT_TRUE(parsed(kHeader).empty());
}

TEST(ParseProcShm, LeavesUsageUnknownWhenTheHeaderHasNoRssOrSwap) {
  // Kernels before 2.6.27 printed no rss/swap columns.
  const std::string text =
      "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      "
      "atime      dtime      ctime\n"
      "      5678      32773   640       1024  4702     0      0     0     0  1000   100 "
      "1763806451          0 1763806450\n";
  const auto records = parsed(text);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].id, 32773);
  EXPECT_EQ(records[0].size, 1024U);
  EXPECT_EQ(records[0].ctime, std::optional<std::int64_t>(1763806450));
  EXPECT_FALSE(records[0].rss.has_value());
  EXPECT_FALSE(records[0].swap.has_value());
}

TEST(ParseProcShm, FindsColumnsByTheirHeaderNames) {
  const std::string text =
      "shmid size key perms future_column uid gid cuid cgid cpid lpid nattch atime dtime ctime\n"
      "42 8192 -1 1600 whatever 5 6 7 8 9 10 11 0 0 12\n";
  const auto records = parsed(text);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].id, 42);
  EXPECT_EQ(records[0].size, 8192U);
  EXPECT_EQ(records[0].key, 0xffffffffU);
  EXPECT_EQ(records[0].mode, 0600U);
  EXPECT_TRUE(records[0].dest);
  EXPECT_EQ(records[0].uid, 5U);
  EXPECT_EQ(records[0].cgid, 8U);
  EXPECT_EQ(records[0].cpid, 9);
  EXPECT_EQ(records[0].nattch, 11U);
  EXPECT_EQ(records[0].ctime, std::optional<std::int64_t>(12));
}

TEST(ParseProcShm, SkipsMalformedLines) {
  const std::string text = std::string(kHeader) + std::string(kPlainLine) +
                           "\n"                                             // empty
                           "garbage\n"                                      // too few fields
                           "1 2 600 1 1 1 0 0 0 0 0 0 0 1 0 0 extra\n"      // too many
                           "x 3 600 1 1 1 0 0 0 0 0 0 0 1 0 0\n"            // key not a number
                           "4294967296 4 600 1 1 1 0 0 0 0 0 0 0 1 0 0\n"   // key past 32 bits
                           "-2147483649 5 600 1 1 1 0 0 0 0 0 0 0 1 0 0\n"  // key below int32
                           "1 6 680 1 1 1 0 0 0 0 0 0 0 1 0 0\n"            // perms not octal
                           "1 7 600 -1 1 1 0 0 0 0 0 0 0 1 0 0\n"           // negative size
                           "1 8 600 1 1 1 0 4294967296 0 0 0 0 0 1 0 0\n"   // uid past 32 bits
                           "1 9 600 1 1 1 0 0 0 0 0 0 0 1x 0 0\n" +         // junk in ctime
                           std::string(kNegativeKeyLine);
  const auto records = parsed(text);
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].id, 32773);
  EXPECT_EQ(records[1].id, 32774);
}

TEST(ParseProcShm, ReadsALastLineWithoutANewline) {
  std::string text = std::string(kHeader) + std::string(kPlainLine);
  text.pop_back();
  const auto records = parsed(text);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].swap, std::optional<std::uint64_t>(0));
}

TEST(ParseProcShm, TreatsAForeignHeaderAsAnError) {
  for (std::string_view text : {std::string_view("Name Size Used\nfoo 1 2\n"), std::string_view(""),
                                std::string_view("\n"), kPlainLine}) {
    auto result = parse_proc_shm(text);
    ASSERT_FALSE(result.ok()) << "'" << text << "' parsed";
    EXPECT_EQ(result.error().op, Op::enumerate);
    EXPECT_FALSE(result.error().detail.empty());
  }
}

}  // namespace
}  // namespace shmtool

namespace shmtool {
namespace {

std::string three_lines() {
  return std::string(kHeader) + std::string(kPlainLine) + std::string(kNegativeKeyLine) +
         std::string(kDestLine);
}

TEST(FindInProcShm, FindsEachLineAsTheFullParseReadsIt) {
  const std::string text = three_lines();
  const auto all = parse_proc_shm(text);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3U);
  for (const SegmentRecord& expected : *all) {
    const auto found = find_in_proc_shm(text, expected.id);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value()) << "id " << expected.id;
    EXPECT_EQ((*found)->id, expected.id);
    EXPECT_EQ((*found)->key, expected.key);
    EXPECT_EQ((*found)->size, expected.size);
    EXPECT_EQ((*found)->rss, expected.rss);
    EXPECT_EQ((*found)->swap, expected.swap);
    EXPECT_EQ((*found)->dest, expected.dest);
  }
}

TEST(FindInProcShm, SaysNothingOfAnIdItDoesNotList) {
  const auto found = find_in_proc_shm(three_lines(), 424242);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST(FindInProcShm, MatchesTheWholeIdNotAPrefixOrAnotherColumn) {
  // A line whose key, size or pid equals the id asked for is not that segment.
  const std::string text = std::string(kHeader) + "7 70 600 7 7 7 0 0 0 0 0 0 0 1 4096 0\n" +
                           "70 7 600 4096 1 1 0 0 0 0 0 0 0 1 8192 0\n";
  const auto found = find_in_proc_shm(text, 7);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->key, 70U);
  EXPECT_EQ((*found)->rss, 8192U);
}

TEST(FindInProcShm, RefusesAForeignHeader) {
  EXPECT_FALSE(find_in_proc_shm("a b c\n1 2 3\n", 2).ok());
}

}  // namespace
}  // namespace shmtool

namespace shmtool {
namespace {

// Feeds `text` to a finder in pieces of `size` bytes; returns its result and how much it took.
std::pair<Result<std::optional<SegmentRecord>>, std::size_t> find_in_pieces(std::string_view text,
                                                                            int id,
                                                                            std::size_t size) {
  ProcShmFinder finder(id);
  std::size_t fed = 0;
  while (fed < text.size()) {
    const std::string_view piece = text.substr(fed, size);
    fed += piece.size();
    if (finder.feed(piece)) break;
  }
  return {finder.result(), fed};
}

TEST(ProcShmFinder, AgreesWithTheWholeTextForAnyPieceSize) {
  const std::string text = three_lines();
  for (int id : {32773, 32774, 7, 424242}) {
    const auto whole = find_in_proc_shm(text, id);
    ASSERT_TRUE(whole.ok());
    for (std::size_t size : {1UL, 2UL, 7UL, 64UL, 100000UL}) {
      SCOPED_TRACE("id " + std::to_string(id) + ", pieces of " + std::to_string(size));
      const auto [found, fed] = find_in_pieces(text, id, size);
      ASSERT_TRUE(found.ok());
      ASSERT_EQ(found->has_value(), whole->has_value());
      if (*found) {
        EXPECT_EQ((*found)->key, (**whole).key);
        EXPECT_EQ((*found)->rss, (**whole).rss);
      }
    }
  }
}

TEST(ProcShmFinder, StopsReadingAtTheLineItWants) {
  const std::string text = three_lines();
  const auto [found, fed] = find_in_pieces(text, 32773, 1);  // the first segment line
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(fed, kHeader.size() + kPlainLine.size());
}

TEST(ProcShmFinder, FindsALastLineWithoutANewline) {
  std::string text = three_lines();
  text.pop_back();
  const auto [found, fed] = find_in_pieces(text, 7, 5);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
}

TEST(ProcShmFinder, RefusesAForeignHeaderAtOnce) {
  const auto [found, fed] = find_in_pieces("a b c\n1 2 3\n4 5 6\n", 2, 1);
  EXPECT_FALSE(found.ok());
  EXPECT_EQ(fed, 6U) << "no need to read past the header";
}

}  // namespace
}  // namespace shmtool
