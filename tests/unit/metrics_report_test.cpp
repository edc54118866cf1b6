#include "render/metrics_report.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "fake_names.hpp"

namespace shmtool {
namespace {

TEST(EscapeLabelValue, EscapesWhatTheFormatRequiresAndReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(escape_label_value("plain /name"), "plain /name");
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label_value("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(escape_label_value("x\xff"
                               "y"),
            "x\xef\xbf\xbdy");
  EXPECT_EQ(escape_label_value("\xc3"), "\xef\xbf\xbd");
  // A tab or an escape byte is valid in a label value and stays.
  EXPECT_EQ(escape_label_value("\t\x1b"), "\t\x1b");
}

struct Objects {
  std::vector<SegmentRecord> segments;
  std::vector<PosixRecord> posix;
};

Objects objects() {
  SegmentRecord s;
  s.id = 3;
  s.key = 0x162e;
  s.size = 8192;
  s.nattch = 2;
  s.dest = true;
  s.rss = 4096;
  s.swap = 0;
  s.ctime = 100;
  s.uid = 1000;
  PosixRecord p;
  p.name = "fr\"ames";
  p.ino = 55;
  p.size = 10;
  p.allocated = 4096;
  p.nattch = 0;
  p.ctime = 200;
  return {{s}, {p}};
}

TEST(RenderMetrics, EveryFamilyHasHelpAndTypeBeforeItsSamplesWhichStayTogether) {
  test::FakeNames names;
  const Objects records = objects();
  std::vector<LimitRow> limits{{"shmmni", "segments", 4096, 1, "segments"},
                               {"shmall", "pages", 8192, 4096, "bytes"},
                               {"shm_rmid_forced", "flag", 1, std::nullopt, "flag"}};
  MetricsInput input;
  input.segments = records.segments;
  input.posix = records.posix;
  input.limits = limits;
  input.posix_read = true;
  const std::string text = render_metrics(input, names);
  std::istringstream lines(text);
  std::string line;
  std::string current;
  std::set<std::string> done;
  bool typed = false;
  while (std::getline(lines, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      const std::string family = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(done.count(family), 0U) << family << " appears twice";
      if (!current.empty()) done.insert(current);
      current = family;
      typed = false;
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      EXPECT_EQ(line, "# TYPE " + current + " gauge");
      typed = true;
      continue;
    }
    const std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_EQ(name, current) << line;
    EXPECT_TRUE(typed) << line;
  }
  EXPECT_NE(text.find("shmtool_objects_marked{type=\"sysv\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("shmtool_objects_orphaned{type=\"posix\"} 1\n"), std::string::npos);
  EXPECT_NE(
      text.find("shmtool_segment_attached_processes{type=\"sysv\",id=\"3\",key=\"0x0000162e\","
                "name=\"0x0000162e\",owner=\"alice\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("shmtool_segment_size_bytes{type=\"posix\",id=\"55\",key=\"\",name=\"/fr\\\"ames\","
                "owner=\"root\"} 10\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("shmtool_limit_bytes{resource=\"shmall\"} 8192\n"), std::string::npos);
  EXPECT_NE(text.find("shmtool_shm_rmid_forced 1\n"), std::string::npos);
  // A family with no sample (no segment was ever attached: no attach time) is left out.
  EXPECT_EQ(text.find("shmtool_segment_last_attach_time_seconds"), std::string::npos);
}

TEST(RenderMetrics, ObjectsOfEveryNamespaceAreLabelledWithItsInodeAndLowestPid) {
  test::FakeNames names;
  Objects records = objects();
  const auto box = std::make_shared<NamespaceTag>(NamespaceTag{4026532500, 40, "postgres"});
  records.segments[0].ns = box;
  MetricsInput input;
  input.segments = records.segments;
  input.posix = records.posix;
  const std::string text = render_metrics(input, names);
  EXPECT_NE(text.find("owner=\"alice\",ns=\"4026532500\",ns_pid=\"40\"} "), std::string::npos)
      << text;
  // An object found without --all-namespaces has no such labels.
  EXPECT_NE(text.find("name=\"/fr\\\"ames\",owner=\"root\"} "), std::string::npos) << text;
}

TEST(RenderMetrics, NamesThatDifferOnlyInBytesThatAreNotUtf8AreTwoSeries) {
  test::FakeNames names;
  PosixRecord a;
  a.name = "a\xff";
  a.ino = 7;
  PosixRecord b;
  b.name = "a\xfe";
  b.ino = 8;
  const std::vector<PosixRecord> objects{a, b};
  MetricsInput input;
  input.posix = objects;
  const std::string text = render_metrics(input, names);
  const std::string size = "shmtool_segment_size_bytes{type=\"posix\",id=\"";
  EXPECT_NE(text.find(size + "7\",key=\"\",name=\"/a\xef\xbf\xbd\""), std::string::npos) << text;
  EXPECT_NE(text.find(size + "8\",key=\"\",name=\"/a\xef\xbf\xbd\""), std::string::npos) << text;
}

TEST(RenderMetrics, UnknownValuesAreLeftOutNotZero) {
  test::FakeNames names;
  Objects records = objects();
  records.segments[0].rss.reset();
  records.posix[0].nattch.reset();
  MetricsInput input;
  input.segments = records.segments;
  input.posix = records.posix;
  input.posix_read = true;
  const std::string text = render_metrics(input, names);
  EXPECT_EQ(text.find("shmtool_objects_rss_bytes{type=\"sysv\"}"), std::string::npos) << text;
  EXPECT_EQ(text.find("shmtool_objects_orphaned{type=\"posix\"}"), std::string::npos) << text;
  EXPECT_EQ(text.find("shmtool_segment_attached_processes{type=\"posix\""), std::string::npos);
}

}  // namespace
}  // namespace shmtool
