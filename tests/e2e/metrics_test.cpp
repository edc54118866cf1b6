// `metrics`: the Prometheus text format, checked by promtool (Debian's prometheus package) and
// against `list --json`; --output replaces a file whole and never a device. Each test runs in
// private IPC and mount namespaces with a fresh tmpfs on /dev/shm (tests/support/private_shm.sh).

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "posix_support.hpp"

namespace shmtool::test {
namespace {

const std::string kPeer = POSIX_PEER;

// A temporary directory, removed with what is in it.
class TempDir {
 public:
  TempDir() {
    std::string path = "/tmp/shmtool-metrics-XXXXXX";
    if (mkdtemp(path.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = path;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Creates (or truncates) the file at `path` holding `text`.
void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// The samples of the exposition: "name{labels}" -> value, and the families' TYPE lines.
struct Exposition {
  std::map<std::string, std::string> samples;
  std::map<std::string, std::string> types;
  std::map<std::string, int> helps;
};

Exposition parse_exposition(const std::string& text) {
  Exposition e;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      const auto space = line.find(' ', 7);
      e.types[line.substr(7, space - 7)] = line.substr(space + 1);
    } else if (line.rfind("# HELP ", 0) == 0) {
      ++e.helps[line.substr(7, line.find(' ', 7) - 7)];
    } else if (!line.empty()) {
      const auto space = line.rfind(' ');
      e.samples[line.substr(0, space)] = line.substr(space + 1);
    }
  }
  return e;
}

// Runs promtool check metrics on `text`; returns its exit code and output.
RunResult promtool_check(const std::string& text, const std::string& dir) {
  const std::string file = dir + "/check.prom";
  write_file(file, text);
  return run_program({"sh", "-c", "promtool check metrics < \"$0\" 2>&1", file});
}

class Metrics : public PrivateShm {};

TEST_F(Metrics, PromtoolAcceptsItAndItAgreesWithList) {
  TempDir dir;
  SegmentGuard big(0x5eed, 3 * 4096, 0640);
  SegmentGuard small(IPC_PRIVATE, 100);
  ShmEntry object = make_object("frames", 10000, 0600, "some data");
  // A name that needs escaping in a label value: a quote, a backslash and a newline.
  ShmEntry odd = make_object("we\"ird\\na\nme", 10, 0600);
  Background mapper({kPeer, "map", "/frames", "30000"});
  ASSERT_EQ(mapper.read_line(), "mapped");

  const RunResult run = run_shmtool({"metrics"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const RunResult check = promtool_check(run.out, dir.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << run.out;

  const Exposition e = parse_exposition(run.out);
  for (const auto& [family, type] : e.types) {
    EXPECT_EQ(type, "gauge") << family;
    EXPECT_EQ(e.helps.count(family), 1U) << family << " has no HELP";
  }
  const auto list = parse_json(run_shmtool({"list", "--type", "all", "--json", "-o", "+RSS"}));
  std::uint64_t sysv_bytes = 0;
  int sysv_count = 0;
  for (const auto& s : list["segments"]) {
    if (s["type"] != "sysv") continue;
    ++sysv_count;
    sysv_bytes += s["size"].get<std::uint64_t>();
    const std::string key = s["key_hex"];
    const std::string labels = "{type=\"sysv\",id=\"" + std::to_string(s["id"].get<int>()) +
                               "\",key=\"" + key + "\",name=\"" + key + "\",owner=\"root\"}";
    EXPECT_EQ(e.samples.at("shmtool_segment_size_bytes" + labels),
              std::to_string(s["size"].get<std::uint64_t>()));
    EXPECT_EQ(e.samples.at("shmtool_segment_attached_processes" + labels), "0");
    EXPECT_EQ(e.samples.at("shmtool_segment_rss_bytes" + labels),
              std::to_string(s["rss"].get<std::uint64_t>()));
  }
  EXPECT_EQ(sysv_count, 2);
  EXPECT_EQ(e.samples.at("shmtool_objects{type=\"sysv\"}"), "2");
  EXPECT_EQ(e.samples.at("shmtool_objects_size_bytes{type=\"sysv\"}"), std::to_string(sysv_bytes));
  EXPECT_EQ(e.samples.at("shmtool_objects{type=\"posix\"}"), "2");
  EXPECT_EQ(e.samples.at("shmtool_objects_size_bytes{type=\"posix\"}"), "10010");
  // The mapped object is not orphaned; the other is.
  EXPECT_EQ(e.samples.at("shmtool_objects_orphaned{type=\"posix\"}"), "1");
  EXPECT_EQ(e.samples.at("shmtool_objects_orphaned{type=\"sysv\"}"), "2");
  // A POSIX object's id is its inode.
  const std::string frames_id = std::to_string(lstat_of(object.path()).st_ino);
  const std::string odd_id = std::to_string(lstat_of(odd.path()).st_ino);
  EXPECT_EQ(e.samples.at("shmtool_segment_attached_processes{type=\"posix\",id=\"" + frames_id +
                         "\",key=\"\",name=\"/frames\",owner=\"root\"}"),
            "1");
  EXPECT_EQ(e.samples.count("shmtool_segment_size_bytes{type=\"posix\",id=\"" + odd_id +
                            "\",key=\"\",name=\"/we\\\"ird\\\\na\\nme\",owner=\"root\"}"),
            1U)
      << run.out;

  // The limits are those of `limits`.
  const auto limits = parse_json(run_shmtool({"limits", "--json"}));
  for (const auto& row : limits["limits"]) {
    const std::string unit = row["unit"];
    if (unit == "flag" || row["limit"].is_null()) continue;
    EXPECT_EQ(e.samples.at("shmtool_limit_" + unit + "{resource=\"" +
                           row["resource"].get<std::string>() + "\"}"),
              std::to_string(row["limit"].get<std::uint64_t>()))
        << row.dump();
  }
}

TEST_F(Metrics, ChangedLimitsAndMarkedSegmentsShow) {
  TempDir dir;
  SegmentGuard segment(IPC_PRIVATE, 4096);
  put_file_bytes("/proc/sys/kernel/shmmni", "77");
  void* at = shmat(segment.id(), nullptr, 0);
  ASSERT_NE(at, reinterpret_cast<void*>(-1));
  ASSERT_EQ(shmctl(segment.id(), IPC_RMID, nullptr), 0);
  const RunResult run = run_shmtool({"metrics"});
  shmdt(at);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Exposition e = parse_exposition(run.out);
  EXPECT_EQ(e.samples.at("shmtool_limit_segments{resource=\"shmmni\"}"), "77");
  EXPECT_EQ(e.samples.at("shmtool_objects_marked{type=\"sysv\"}"), "1");
  EXPECT_EQ(promtool_check(run.out, dir.path()).exit_code, 0);
}

TEST_F(Metrics, OutputReplacesTheFileWholeAndLeavesNothingElse) {
  TempDir dir;
  SegmentGuard segment(IPC_PRIVATE, 4096);
  const std::string file = dir.path() + "/shm.prom";
  write_file(file, "old contents that are longer than nothing\n");
  const RunResult run = run_shmtool({"metrics", "--output", file});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  const std::string written = file_bytes(file);
  EXPECT_NE(written.find("shmtool_objects{type=\"sysv\"} 1\n"), std::string::npos) << written;
  EXPECT_EQ(written.find("old contents"), std::string::npos);
  EXPECT_EQ(lstat_of(file).st_mode & 07777, 0644U);
  // Only the file: no temporary file left beside it.
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1U);
}

TEST_F(Metrics, OutputRefusesWhatIsNotARegularFile) {
  TempDir dir;
  // A device: never replaced.
  struct stat before = lstat_of("/dev/null");
  RunResult run = run_shmtool({"metrics", "--output", "/dev/null"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err,
            "shmtool: metrics: --output /dev/null: exists and is a device, not a file metrics may "
            "replace; nothing was written\n");
  struct stat after = lstat_of("/dev/null");
  EXPECT_TRUE(S_ISCHR(after.st_mode));
  EXPECT_EQ(before.st_rdev, after.st_rdev);
  // A symbolic link (to a file that must stay as it is) and a directory.
  const std::string target = dir.path() + "/target";
  write_file(target, "keep");
  const std::string link = dir.path() + "/link.prom";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  run = run_shmtool({"metrics", "--output", link});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("a symbolic link"), std::string::npos) << run.err;
  EXPECT_EQ(file_bytes(target), "keep");
  run = run_shmtool({"metrics", "--output", dir.path()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("a directory"), std::string::npos) << run.err;
  // A directory that does not exist, or that the caller may not write: exit 1, one line.
  run = run_shmtool({"metrics", "--output", dir.path() + "/missing/x.prom"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(lines_of(run.err).size(), 1U) << run.err;
  run = run_shmtool({"metrics", "--output", dir.path() + "/x.prom"}, as_nobody());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("permission denied"), std::string::npos) << run.err;
  EXPECT_FALSE(path_exists(dir.path() + "/x.prom"));
  // --json does not apply.
  EXPECT_EQ(run_shmtool({"metrics", "--json"}).exit_code, 2);
}

}  // namespace
}  // namespace shmtool::test
