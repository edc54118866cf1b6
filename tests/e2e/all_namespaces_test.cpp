// --all-namespaces (list, who, metrics): every IPC namespace and every /dev/shm of the host.
// The suite runs as if on a host of its own (tests/support/private_host.sh: a PID namespace with
// its own /proc, private IPC and mount namespaces, a fresh tmpfs on /dev/shm), so every
// namespace a walk of /proc finds is one a test made: "containers" are processes started with
// unshare, and the test's own namespace is the "host" (pid 1 is the shell of private_host.sh).

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "posix_support.hpp"

namespace shmtool::test {
namespace {

const std::string kPython = SHMTOOL_TEST_PYTHON;

std::string link_of(const std::string& path) {
  std::error_code error;
  return std::filesystem::read_symlink(path, error).string();
}

// The inode of process `pid`'s IPC namespace, from its "ipc:[INODE]" link.
std::uint64_t ipc_inode(const std::string& pid) {
  const std::string link = link_of("/proc/" + pid + "/ns/ipc");
  EXPECT_TRUE(link.starts_with("ipc:[")) << link;
  return link.size() > 6 ? std::stoull(link.substr(5, link.size() - 6)) : 0;
}

// Succeeds only under private_host.sh: in a PID namespace other than the one the suite was
// started from, whose /proc is this namespace's, and with a private, empty IPC namespace and
// /dev/shm. Then nothing the walk of /proc finds is the real host's.
::testing::AssertionResult on_a_private_host() {
  const char* outer = std::getenv("SHMTOOL_OUTER_PID_NS");
  const std::string own = link_of("/proc/self/ns/pid");
  if (outer == nullptr || own.empty() || own == outer) {
    return ::testing::AssertionFailure()
           << "refusing to run: not in a PID namespace of its own; run this suite under "
              "tests/support/private_host.sh (ctest does)";
  }
  if (link_of("/proc/1/ns/pid") != own) {
    return ::testing::AssertionFailure() << "refusing to run: /proc is not this PID namespace's";
  }
  if (!read_proc_shm().empty() || !shm_entries().empty()) {
    return ::testing::AssertionFailure() << "refusing to run: shared memory is here already";
  }
  return ::testing::AssertionSuccess();
}

// A container: its own IPC namespace (and with `own_shm`, its own mount namespace and tmpfs on
// /dev/shm holding object "inside"); python makes segment KEY of SIZE bytes (none for key 0),
// stays attached, prints "ready" and sleeps. Its process is the lowest (the only) pid in its
// namespace.
class Container {
 public:
  Container(unsigned key, unsigned size, bool own_shm) {
    std::string python = "import sysv_ipc, time\n";
    if (key != 0) {
      python += "m = sysv_ipc.SharedMemory(" + std::to_string(key) +
                ", sysv_ipc.IPC_CREX, size=" + std::to_string(size) + ")\n";
    }
    python += "print('ready', flush=True)\ntime.sleep(60)\n";
    std::vector<std::string> argv{"unshare", "--ipc"};
    if (own_shm) argv.push_back("--mount");
    argv.insert(argv.end(), {"sh", "-c",
                             std::string(own_shm ? "mount -t tmpfs tmpfs /dev/shm && echo in > "
                                                   "/dev/shm/inside && "
                                                 : "") +
                                 "exec \"$0\" -c \"$1\"",
                             kPython, python});
    process_.emplace(argv);
    ready_ = process_->read_line() == "ready";
  }
  bool ready() const { return ready_; }
  pid_t pid() const { return process_->pid(); }
  std::uint64_t inode() const { return ipc_inode(std::to_string(pid())); }

 private:
  std::optional<Background> process_;
  bool ready_ = false;
};

class AllNamespaces : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(on_a_private_host()); }
};

// The segments of `list --all-namespaces --json`, by namespace inode and key.
std::map<std::pair<std::uint64_t, std::uint64_t>, nlohmann::json> by_namespace_and_key(
    const nlohmann::json& list) {
  std::map<std::pair<std::uint64_t, std::uint64_t>, nlohmann::json> out;
  for (const auto& s : list["segments"]) {
    const auto at = std::pair(s["ns"]["inode"].get<std::uint64_t>(), s["key"].get<std::uint64_t>());
    EXPECT_EQ(out.count(at), 0U) << "listed twice: " << s.dump();
    out[at] = s;
  }
  return out;
}

TEST_F(AllNamespaces, ListShowsEveryNamespacesSegmentsWithItsInodeAndLowestPid) {
  SegmentGuard ours(0x11, 4096);
  // Two containers with the same key (and, first in a fresh namespace, the same id 0), and one
  // with nothing: it prints nothing.
  Container a(0x77, 8192, true);
  Container b(0x77, 100, false);
  Container empty(0, 0, false);
  ASSERT_TRUE(a.ready() && b.ready() && empty.ready());

  const RunResult run = run_shmtool({"list", "--all-namespaces", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json list = parse_json(run);
  ASSERT_EQ(list["segments"].size(), 3U) << run.out;
  const auto segments = by_namespace_and_key(list);
  const std::uint64_t host = ipc_inode("self");
  ASSERT_EQ(segments.count({host, 0x11}), 1U) << run.out;
  ASSERT_EQ(segments.count({a.inode(), 0x77}), 1U) << run.out;
  ASSERT_EQ(segments.count({b.inode(), 0x77}), 1U) << run.out;
  const auto& mine = segments.at({host, 0x11});
  EXPECT_EQ(mine["ns"]["pid"], 1);
  EXPECT_EQ(mine["ns"]["comm"], "sh");
  EXPECT_EQ(mine["size"], 4096);
  const auto& in_a = segments.at({a.inode(), 0x77});
  EXPECT_EQ(in_a["ns"]["pid"], a.pid());
  EXPECT_EQ(in_a["ns"]["comm"], "python3");
  EXPECT_EQ(in_a["size"], 8192);
  EXPECT_EQ(in_a["nattch"], 1);
  EXPECT_EQ(segments.at({b.inode(), 0x77})["size"], 100);
  // By namespace, lowest pid first: the host's (pid 1) before the containers'.
  EXPECT_EQ(list["segments"][0]["ns"]["pid"], 1);
  // "ns" is the last member, after every member of the segment object.
  EXPECT_NE(run.out.find(R"("swap":null,"ns":{"inode":)"), std::string::npos) << run.out;

  // The table: NS, NSPID and NSCOMM first, a row per segment; PIDS matched per namespace (both
  // containers hold an id 0, our own id 0 is held by nobody).
  const RunResult table =
      run_shmtool({"list", "-A", "--raw", "--noheadings", "-o", "NS,NSPID,NSCOMM,KEY,ID,PIDS"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const std::string a_row = std::to_string(a.inode()) + " " + std::to_string(a.pid()) +
                            " python3 0x00000077 0 " + std::to_string(a.pid()) + "\n";
  EXPECT_NE(table.out.find(a_row), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(std::to_string(host) + " 1 sh 0x00000011 " + std::to_string(ours.id()) +
                           " -\n"),
            std::string::npos)
      << table.out;
  EXPECT_EQ(table.out.find(std::to_string(empty.inode())), std::string::npos) << table.out;
  const RunResult headed = run_shmtool({"list", "--all-namespaces"});
  EXPECT_TRUE(headed.out.find("NS") < headed.out.find("NSPID") &&
              headed.out.find("NSPID") < headed.out.find("NSCOMM") &&
              headed.out.find("NSCOMM") < headed.out.find("KEY"))
      << headed.out;
  // Without --all-namespaces, only our own.
  EXPECT_EQ(parse_json(run_shmtool({"list", "--json"}))["segments"].size(), 1U);
}

TEST_F(AllNamespaces, PosixObjectsOfEachDevShmOnceTaggedWithTheNamespaceThatSeesIt) {
  ShmEntry ours = make_object("ours", 10);
  Container a(0x77, 8192, true);  // its own /dev/shm, holding "inside"
  Container b(0x78, 100, false);  // our /dev/shm
  ASSERT_TRUE(a.ready() && b.ready());
  const RunResult run = run_shmtool({"list", "-A", "--type", "posix", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json list = parse_json(run);
  ASSERT_EQ(list["segments"].size(), 2U) << run.out;
  EXPECT_EQ(list["segments"][0]["name"], "/ours");
  EXPECT_EQ(list["segments"][0]["ns"]["pid"], 1);
  EXPECT_EQ(list["segments"][0]["ns"]["inode"], ipc_inode("self"));
  EXPECT_EQ(list["segments"][1]["name"], "/inside");
  EXPECT_EQ(list["segments"][1]["ns"]["pid"], a.pid());
  EXPECT_EQ(list["segments"][1]["ns"]["inode"], a.inode());
  // Both kinds: each namespace's segments, then its objects.
  const RunResult all = run_shmtool(
      {"list", "-A", "--type", "all", "--raw", "--noheadings", "-o", "NSPID,TYPE,NAME"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const std::string a_pid = std::to_string(a.pid());
  const std::string b_pid = std::to_string(b.pid());
  EXPECT_EQ(all.out, "1 posix /ours\n" + a_pid + " sysv 0x00000077\n" + a_pid + " posix /inside\n" +
                         b_pid + " sysv 0x00000078\n");
}

// Containers whose /dev/shm are directories of one tmpfs, bind-mounted: one device, two
// /dev/shm, each read.
TEST_F(AllNamespaces, DirectoriesOfOneTmpfsMountedAsTwoDevShmAreBothRead) {
  struct SharedTmpfs {
    std::string dir = "/tmp/shmtool-allns-fs-XXXXXX";
    bool mounted = false;
    SharedTmpfs() {
      if (mkdtemp(dir.data()) == nullptr) return;
      // This suite's mount namespace is its own (private_host.sh): the mount stays here.
      mounted = run_program({"mount", "-t", "tmpfs", "tmpfs", dir}).exit_code == 0;
      if (mounted) std::filesystem::create_directories(dir + "/c1");
      if (mounted) std::filesystem::create_directories(dir + "/c2");
    }
    ~SharedTmpfs() {
      if (mounted) run_program({"umount", dir});
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } shared;
  ASSERT_TRUE(shared.mounted);
  const auto container = [&shared](const std::string& sub, const std::string& name) {
    return std::make_unique<Background>(std::vector<std::string>{
        "unshare", "--ipc", "--mount", "sh", "-c",
        "mount --bind \"$0\" /dev/shm && echo x > \"/dev/shm/$1\" && echo ready && exec sleep 60",
        shared.dir + "/" + sub, name});
  };
  auto one = container("c1", "one");
  auto two = container("c2", "two");
  ASSERT_EQ(one->read_line(), "ready");
  ASSERT_EQ(two->read_line(), "ready");
  const RunResult run =
      run_shmtool({"list", "-A", "--type", "posix", "--raw", "-n", "-o", "NSPID,NAME"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            std::to_string(one->pid()) + " /one\n" + std::to_string(two->pid()) + " /two\n");
  EXPECT_EQ(run.err, "");
}

TEST_F(AllNamespaces, WhoMatchesHoldersWithinTheirOwnNamespace) {
  SegmentGuard ours(0x11, 4096);  // id 0 here too, attached by nobody
  Container a(0x77, 8192, true);
  Container b(0x77, 100, false);
  ASSERT_TRUE(a.ready() && b.ready());
  const RunResult run = run_shmtool({"who", "--all-namespaces", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json who = parse_json(run);
  ASSERT_EQ(who["attachments"].size(), 2U) << run.out;
  std::map<pid_t, nlohmann::json> rows;
  for (const auto& row : who["attachments"])
    rows[row["pid"].get<pid_t>()] = row;
  ASSERT_EQ(rows.count(a.pid()), 1U) << run.out;
  ASSERT_EQ(rows.count(b.pid()), 1U) << run.out;
  EXPECT_EQ(rows[a.pid()]["segment"]["size"], 8192);
  EXPECT_EQ(rows[a.pid()]["segment"]["ns"]["inode"], a.inode());
  EXPECT_EQ(rows[b.pid()]["segment"]["size"], 100);
  EXPECT_EQ(rows[b.pid()]["segment"]["ns"]["inode"], b.inode());
  // The table leads with the namespace's columns.
  const RunResult table = run_shmtool(
      {"who", "-A", "--type", "sysv", "--raw", "--noheadings", "-o", "NSPID,PID,KEY,SIZE"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const std::string a_pid = std::to_string(a.pid());
  const std::string b_pid = std::to_string(b.pid());
  EXPECT_EQ(table.out,
            a_pid + " " + a_pid + " 0x00000077 8192\n" + b_pid + " " + b_pid + " 0x00000077 100\n");
}

TEST_F(AllNamespaces, MetricsLabelEachObjectWithItsNamespace) {
  SegmentGuard ours(0x11, 4096);
  Container a(0x77, 8192, true);
  ASSERT_TRUE(a.ready());
  const RunResult run = run_shmtool({"metrics", "--all-namespaces"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string a_series =
      "shmtool_segment_size_bytes{type=\"sysv\",id=\"0\",key=\"0x00000077\","
      "name=\"0x00000077\",owner=\"root\",ns=\"" +
      std::to_string(a.inode()) + "\",ns_pid=\"" + std::to_string(a.pid()) + "\"} 8192\n";
  EXPECT_NE(run.out.find(a_series), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("name=\"/inside\",owner=\"root\",ns=\"" + std::to_string(a.inode())),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("shmtool_objects{type=\"sysv\"} 2\n"), std::string::npos) << run.out;
  // The limits are this namespace's: one segment used here.
  EXPECT_NE(run.out.find("shmtool_used_segments{resource=\"shmmni\"} 1\n"), std::string::npos)
      << run.out;
  const std::string file = "/dev/shm/metrics.prom";
  ShmEntry cleanup("metrics.prom");
  { std::ofstream(file) << run.out; }
  const RunResult check = run_program({"sh", "-c", "promtool check metrics < \"$0\" 2>&1", file});
  EXPECT_EQ(check.exit_code, 0) << check.out << run.out;
  // Without --all-namespaces: no ns label.
  EXPECT_EQ(run_shmtool({"metrics"}).out.find("ns=\""), std::string::npos);
}

TEST_F(AllNamespaces, RefusalsAreOneLineWithTheSpecsExitCodes) {
  Container a(0x77, 8192, false);
  ASSERT_TRUE(a.ready());
  RunResult run = run_shmtool({"--ns", std::to_string(a.pid()), "list", "--all-namespaces"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  run = run_shmtool({"who", "--all-namespaces", "0x77"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(count_lines(run.err), 1) << run.err;
  for (const char* command : {"list", "who", "metrics"}) {
    run = run_shmtool({command, "--all-namespaces"}, as_nobody());
    EXPECT_EQ(run.exit_code, 1) << command << ": " << run.err;
    EXPECT_EQ(run.out, "") << command;
    EXPECT_EQ(run.err, std::string("shmtool: ") + command +
                           ": --all-namespaces: permission denied: reading other IPC namespaces "
                           "needs CAP_SYS_ADMIN (run as root)\n");
  }
}

// A hostile container: its /dev/shm is a symbolic link to a directory of ours.
TEST_F(AllNamespaces, ADevShmThatLinksOutIsSkippedWithAWarningAndNothingOutsideIsRead) {
  ShmEntry ours = make_object("ours", 10);
  HostileContainer hostile;
  ASSERT_TRUE(hostile.ready());
  for (const char* command : {"list", "who", "metrics"}) {
    std::vector<std::string> args{command, "--all-namespaces"};
    if (std::string(command) != "metrics") args.insert(args.end(), {"--type", "posix", "--json"});
    const RunResult run = run_shmtool(args);
    EXPECT_EQ(run.exit_code, 0) << command << ": " << run.err;
    EXPECT_EQ(run.out.find("victim"), std::string::npos) << command << ": " << run.out;
    EXPECT_EQ(run.err, std::string("shmtool: ") + command + ": /proc/" +
                           std::to_string(hostile.pid()) +
                           "/root/dev/shm: is a symbolic link, or the path to it passes through "
                           "one, in that process's root: not read, so that nothing outside that "
                           "root is; its POSIX objects are left out\n");
  }
  EXPECT_NE(run_shmtool({"list", "-A", "--type", "posix"}).out.find("/ours"), std::string::npos);
  EXPECT_EQ(file_bytes(hostile.victim()), "keep");
}

}  // namespace
}  // namespace shmtool::test
