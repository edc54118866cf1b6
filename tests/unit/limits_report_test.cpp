#include "render/limits_report.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace shmtool {
namespace {

SegmentRecord segment(std::uint64_t size, std::uint64_t nattch, bool dest) {
  SegmentRecord s;
  s.size = size;
  s.nattch = nattch;
  s.dest = dest;
  s.rss = size;
  s.swap = 0;
  return s;
}

LimitFacts facts() {
  LimitFacts f;
  f.shm.shmmni = 4096;
  f.shm.shmall = 18446744073692774399ULL;  // the kernel's defaults
  f.shm.shmmax = 18446744073692774399ULL;
  f.shm.rmid_forced = 0;
  f.shm.page_size = 4096;
  f.huge_pages.total = 10;
  f.huge_pages.free = 4;
  f.dev_shm = FsUsage{1000, 250};
  return f;
}

std::map<std::string, LimitRow> by_name(const std::vector<LimitRow>& rows) {
  std::map<std::string, LimitRow> out;
  for (const LimitRow& row : rows)
    out.emplace(std::string(row.resource), row);
  return out;
}

TEST(LimitRows, AreTheSpecsResourcesInOrder) {
  std::vector<std::string> names;
  for (const LimitRow& row : limit_rows(facts(), {}))
    names.emplace_back(row.resource);
  EXPECT_EQ(names, (std::vector<std::string>{"shmmni", "shmall", "shmmax", "dev_shm", "hugepages",
                                             "shm_rmid_forced"}));
}

TEST(LimitRows, CountUseFromTheSegmentsWhenTheKernelDidNotSay) {
  const std::vector<SegmentRecord> segments{segment(5000, 0, false), segment(100, 2, true)};
  const auto rows = by_name(limit_rows(facts(), segments));
  EXPECT_EQ(rows.at("shmmni").used, 2U);
  EXPECT_EQ(rows.at("shmall").used, 3U * 4096U);  // 2 pages + 1 page
  EXPECT_EQ(rows.at("shmmax").used, 5000U);
  EXPECT_EQ(rows.at("dev_shm").used, 250U);
  EXPECT_EQ(use_percent(rows.at("dev_shm")), 25U);
  EXPECT_EQ(rows.at("hugepages").used, 6U);
  EXPECT_EQ(use_percent(rows.at("hugepages")), 60U);
  EXPECT_EQ(rows.at("shm_rmid_forced").limit, 0U);
  EXPECT_FALSE(use_percent(rows.at("shm_rmid_forced")).has_value());
}

TEST(LimitRows, TheKernelsDefaultsAreUnlimitedButKeepTheirNumber) {
  const auto rows = by_name(limit_rows(facts(), {}));
  EXPECT_TRUE(rows.at("shmmax").unlimited);
  EXPECT_TRUE(rows.at("shmall").unlimited);
  EXPECT_FALSE(rows.at("shmmni").unlimited);
  EXPECT_EQ(rows.at("shmmax").limit, 18446744073692774399ULL);
  EXPECT_FALSE(use_percent(rows.at("shmmax")).has_value());
  const std::string table = render_limits(limit_rows(facts(), {}), total_of({}), false);
  EXPECT_NE(table.find("unlimited"), std::string::npos) << table;
}

TEST(LimitRows, ASmallShmallIsAPercentageOfItsBytes) {
  LimitFacts f = facts();
  f.shm.shmall = 8;  // pages
  f.shm.used_pages = 2;
  const auto rows = by_name(limit_rows(f, {}));
  EXPECT_EQ(rows.at("shmall").limit, 8U * 4096U);
  EXPECT_EQ(rows.at("shmall").used, 2U * 4096U);
  EXPECT_EQ(use_percent(rows.at("shmall")), 25U);
  EXPECT_FALSE(rows.at("shmall").unlimited);
}

TEST(SegmentTotals, AddUpAndSayWhenRssIsUnknown) {
  std::vector<SegmentRecord> segments{segment(10, 0, false), segment(20, 1, true)};
  SegmentTotals totals = total_of(segments);
  EXPECT_EQ(totals.segments, 2U);
  EXPECT_EQ(totals.bytes, 30U);
  EXPECT_EQ(totals.rss, 30U);
  EXPECT_EQ(totals.marked, 1U);
  EXPECT_EQ(totals.orphaned, 1U);
  segments[0].rss.reset();
  EXPECT_FALSE(total_of(segments).rss.has_value());
}

TEST(LimitsJson, IsTyped) {
  const auto j = limits_json(limit_rows(facts(), {}), total_of({}));
  ASSERT_EQ(j.at("limits").size(), 6U);
  const auto& dev_shm = j["limits"][3];
  EXPECT_EQ(dev_shm["resource"], "dev_shm");
  EXPECT_EQ(dev_shm["limit"], 1000);
  EXPECT_EQ(dev_shm["used"], 250);
  EXPECT_EQ(dev_shm["use_percent"], 25);
  EXPECT_EQ(dev_shm["unit"], "bytes");
  EXPECT_TRUE(j["limits"][5]["used"].is_null());
  EXPECT_EQ(j["totals"]["segments"], 0);
  EXPECT_EQ(j["totals"]["rss"], 0);
}

}  // namespace
}  // namespace shmtool
