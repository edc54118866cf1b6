// Segments that change under the binary's feet: list under heavy churn, commands on an id that
// is gone, on a key whose segment was replaced, on a segment marked for removal, and on a key
// that comes and goes while they run. Exit 3 means "not found" and nothing else may come of a
// segment vanishing. ctest runs each test under `unshare --ipc` (see functional.cmake), so the
// churn reaches no one else's segments.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

// The semids of every semaphore set in this IPC namespace (/proc/sysvipc/sem).
std::vector<int> semaphore_sets() {
  std::ifstream in("/proc/sysvipc/sem");
  std::string line;
  std::getline(in, line);  // the header
  std::vector<int> ids;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    long long key = 0;
    int semid = -1;
    if (fields >> key >> semid) ids.push_back(semid);
  }
  return ids;
}

// Removes every semaphore set of this (private) namespace: the locks the commands made.
class SemaphoreSweep {
 public:
  SemaphoreSweep() = default;
  SemaphoreSweep(const SemaphoreSweep&) = delete;
  SemaphoreSweep& operator=(const SemaphoreSweep&) = delete;
  ~SemaphoreSweep() {
    for (int semid : semaphore_sets())
      semctl(semid, 0, IPC_RMID);
  }
};

class Races : public ::testing::Test {
 protected:
  void SetUp() override {
    // The churn below makes and removes segments as fast as it can and the checks count
    // segments and semaphore sets: refuse unless this process has a private IPC namespace
    // (`unshare --ipc` gave it a new one, its parent keeps the old one) with nothing in it.
    ASSERT_TRUE(in_private_empty_ipc_namespace());
    ASSERT_TRUE(semaphore_sets().empty()) << "the IPC namespace has semaphore sets";
  }

  SemaphoreSweep sweep_;
};

// A thread that makes and removes segments as fast as it can until destroyed: a ring of live
// ones (private and keyed, of several sizes and modes), some attached while removed so they pass
// through "marked for removal". Every segment it made is gone when it stops.
class Churn {
 public:
  Churn() : thread_([this] { run(); }) {}
  Churn(const Churn&) = delete;
  Churn& operator=(const Churn&) = delete;
  ~Churn() { stop(); }

  // Stops the thread; returns how many segments it made.
  long stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return made_;
  }

 private:
  void run() {
    std::deque<int> live;
    for (long n = 0; !stop_; ++n) {
      const key_t key = n % 2 == 0 ? IPC_PRIVATE : static_cast<key_t>(0x5E7F0000 + n % 64);
      const int mode = n % 3 == 0 ? 0600 : 0644;
      const std::size_t size = 4096 * static_cast<std::size_t>(1 + n % 5);
      const int id = shmget(key, size, IPC_CREAT | IPC_EXCL | mode);
      if (id >= 0) {
        ++made_;
        live.push_back(id);
      }
      if (live.size() > 16 || (id < 0 && !live.empty())) {
        const int oldest = live.front();
        live.pop_front();
        void* address = n % 4 == 0 ? shmat(oldest, nullptr, SHM_RDONLY) : nullptr;
        shmctl(oldest, IPC_RMID, nullptr);
        if (address != nullptr && address != reinterpret_cast<void*>(-1)) shmdt(address);
      }
    }
    for (int id : live)
      shmctl(id, IPC_RMID, nullptr);
  }

  std::atomic<bool> stop_{false};
  std::atomic<long> made_{0};
  std::thread thread_;
};

TEST_F(Races, ListJsonUnderChurnAlwaysSucceedsWithValidJson) {
  constexpr int kLists = 200;
  int failures = 0, listed = 0;
  {
    Churn churn;
    for (int i = 0; i < kLists; ++i) {
      // Every fourth list as nobody, who may read only some of the segments.
      const RunOptions options = i % 4 == 3 ? as_nobody() : RunOptions{};
      const RunResult run = run_shmtool({"list", "--json"}, options);
      if (run.exit_code != 0 || !run.err.empty()) {
        ++failures;
        ADD_FAILURE() << "list " << i << " exited " << run.exit_code << ": " << run.err;
        continue;
      }
      const auto j = parse_json(run);
      ASSERT_TRUE(j.is_object() && j.contains("segments") && j["segments"].is_array()) << run.out;
      std::set<int> ids;
      for (const auto& segment : j["segments"]) {
        ASSERT_TRUE(segment.is_object() && segment["id"].is_number_integer()) << segment;
        EXPECT_TRUE(ids.insert(segment["id"].get<int>()).second) << "listed twice: " << segment;
        EXPECT_TRUE(segment["size"].is_number_unsigned()) << segment;
        EXPECT_TRUE(segment["dest"].is_boolean()) << segment;
      }
      listed += static_cast<int>(ids.size());
    }
    const long made = churn.stop();
    std::cout << kLists << " lists under churn: " << made << " segments made and removed, "
              << listed << " listed in all\n";
    EXPECT_GE(made, kLists) << "the churn hardly ran";
  }
  EXPECT_EQ(failures, 0);
  EXPECT_TRUE(read_proc_shm().empty()) << "the churn removed what it made";
}

TEST_F(Races, TableAndRawListsUnderChurnAlwaysSucceed) {
  Churn churn;
  for (int i = 0; i < 50; ++i) {
    const RunResult table = run_shmtool({"list"});
    EXPECT_EQ(table.exit_code, 0) << table.err;
    EXPECT_EQ(table.err, "");
    const RunResult raw = run_shmtool({"list", "--raw", "--noheadings", "-o", "+RSS,SWAP"});
    EXPECT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(raw.err, "");
  }
}

// Every command that acts on one segment, for SEGMENT `target`.
std::vector<std::vector<std::string>> commands_on(const std::string& target) {
  return {{"stat", target},
          {"stat", "--json", target},
          {"read", target},
          {"read", "--binary", target},
          {"read", "--lock", target},
          {"write", target, "data"},
          {"write", "--lock", target, "data"},
          {"chmod", "644", target},
          {"chown", "65534", target},
          {"rm", target},
          {"lock", target, "--", "true"}};
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words)
    text += (text.empty() ? "" : " ") + word;
  return text;
}

TEST_F(Races, EveryCommandOnAnIdThatIsGoneIsNotFound) {
  const std::uint32_t key = 0x5E7F1000;
  int gone_id = -1;
  {
    SegmentGuard segment(static_cast<key_t>(key), 4096);
    gone_id = segment.id();
  }
  ASSERT_FALSE(segment_exists(gone_id));
  for (const std::string& target :
       {std::to_string(gone_id), "id:" + std::to_string(gone_id), key_arg(key), hex_key(key)}) {
    for (const auto& command : commands_on(target)) {
      const RunResult run = run_shmtool(command);
      EXPECT_EQ(run.exit_code, 3) << joined(command) << ": " << run.err;
      EXPECT_EQ(run.out, "") << joined(command);
      EXPECT_EQ(count_lines(run.err), 1) << joined(command) << ": " << run.err;
    }
  }
  EXPECT_TRUE(semaphore_sets().empty()) << "a lock was made for a segment that is gone";
  EXPECT_TRUE(read_proc_shm().empty()) << "write made a segment without --create";
}

TEST_F(Races, AReplacedKeyNamesTheNewSegmentAndTheOldIdIsGone) {
  const std::uint32_t key = 0x5E7F2000;
  int old_id = -1;
  {
    SegmentGuard old_segment(static_cast<key_t>(key), 4096, 0600);
    old_id = old_segment.id();
    put_bytes(old_id, std::string("old\0", 4));
  }
  SegmentGuard replacement(static_cast<key_t>(key), 4096, 0600);
  ASSERT_NE(replacement.id(), old_id);
  put_bytes(replacement.id(), std::string("new\0", 4));

  // The key is resolved again at every run.
  const RunResult stat = run_shmtool({"stat", "--json", key_arg(key)});
  ASSERT_EQ(stat.exit_code, 0) << stat.err;
  EXPECT_EQ(parse_json(stat)["id"], replacement.id());
  EXPECT_EQ(run_shmtool({"read", hex_key(key)}).out, "new\n");

  // The old id never reaches the new segment.
  for (const auto& command : commands_on(std::to_string(old_id))) {
    const RunResult run = run_shmtool(command);
    EXPECT_EQ(run.exit_code, 3) << joined(command) << ": " << run.err;
  }
  ASSERT_TRUE(segment_exists(replacement.id()));
  EXPECT_EQ(segment_bytes(replacement.id()).substr(0, 4), std::string("new\0", 4));
  const auto j = stat_json(replacement.id());
  EXPECT_EQ(j["mode"], 0600);
  EXPECT_EQ(j["uid"], 0);
  EXPECT_TRUE(semaphore_sets().empty()) << "a lock was made for the old id or the new one";
}

TEST_F(Races, AMarkedSegmentIsStillReachableByIdButNoLongerByKey) {
  const std::uint32_t key = 0x5E7F3000;
  SegmentGuard segment(static_cast<key_t>(key), 4096);
  const std::string id = segment.id_arg();
  put_bytes(segment.id(), std::string("hello\0", 6));
  {
    Attached attached(segment.id());
    const RunResult rm = run_shmtool({"rm", key_arg(key)});
    ASSERT_EQ(rm.exit_code, 0) << rm.err;
    // Version 2 names the holder: this test's own process.
    EXPECT_EQ(rm.out, "marked id " + id + " for removal: 1 process still attached (" +
                          std::to_string(getpid()) + " races_test)\n");

    const auto j = stat_json(segment.id());
    EXPECT_EQ(j["dest"], true);
    EXPECT_EQ(j["key"], 0) << "the kernel takes the key of a marked segment";
    EXPECT_EQ(run_shmtool({"read", id}).out, "hello\n");
    EXPECT_EQ(run_shmtool({"stat", key_arg(key)}).exit_code, 3);
    EXPECT_EQ(run_shmtool({"read", key_arg(key)}).exit_code, 3);
    EXPECT_EQ(run_shmtool({"write", id, "again"}).exit_code, 0);
    EXPECT_EQ(std::string(attached.data(), 6), std::string("again\0", 6));
    const RunResult again = run_shmtool({"rm", id});
    EXPECT_EQ(again.exit_code, 0) << again.err;
  }
  EXPECT_FALSE(segment_exists(segment.id())) << "gone at the last detach";
  for (const auto& command : commands_on(id)) {
    EXPECT_EQ(run_shmtool(command).exit_code, 3) << joined(command);
  }
}

TEST_F(Races, AKeyThatComesAndGoesGivesSuccessOrNotFoundOnly) {
  // The segment behind the key is removed and made again as fast as a thread can: any command
  // may find it, or find it gone between resolving the key and acting on the id. Either way
  // the answer is 0 or 3, with one line on stderr for 3.
  const std::uint32_t key = 0x5E7F4000;
  std::atomic<bool> stop{false};
  std::atomic<long> cycles{0};
  std::thread churn([&] {
    while (!stop) {
      const int id = shmget(static_cast<key_t>(key), 4096, IPC_CREAT | 0644);
      // Alive for a moment (a command finds it about half the time), then gone.
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      if (id >= 0) shmctl(id, IPC_RMID, nullptr);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      ++cycles;
    }
  });
  std::map<int, int> codes;
  for (int round = 0; round < 40; ++round) {
    for (const auto& command : commands_on(key_arg(key))) {
      const RunResult run = run_shmtool(command);
      ++codes[run.exit_code];
      if (run.exit_code == 3) {
        EXPECT_EQ(count_lines(run.err), 1) << joined(command) << ": " << run.err;
      } else {
        EXPECT_EQ(run.exit_code, 0) << joined(command) << ": " << run.err;
      }
    }
  }
  stop = true;
  churn.join();
  std::cout << "under key churn (" << cycles << " cycles):";
  for (const auto& [code, count] : codes)
    std::cout << " exit " << code << " x" << count;
  // The churn removes segments with shmctl, which knows nothing of their locks: those stay
  // (until the sweep), as they would after ipcrm.
  std::cout << "; " << semaphore_sets().size() << " locks outlived segments removed by shmctl\n";
  EXPECT_GE(cycles, 100);
  const int id = shmget(static_cast<key_t>(key), 0, 0);
  if (id >= 0) shmctl(id, IPC_RMID, nullptr);
}

}  // namespace
}  // namespace shmtool::test
