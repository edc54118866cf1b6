#pragma once
// A fake /proc in a temporary directory: its `stat` (with the boot time, btime) and, per
// process, PID/stat (with the start time, field 22, in clock ticks after boot) and PID/comm.
// creator_process, creator_state and the --creator-gone filter take its path instead of
// "/proc", so tests say exactly when each process started.

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

namespace shmtool::test {

class FakeProc {
 public:
  /// A fake /proc whose `stat` says the machine booted at `btime` (epoch seconds), or that
  /// has no `stat` at all when `btime` is nullopt.
  explicit FakeProc(std::optional<std::int64_t> btime) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "shmtool-fake-proc.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
    if (btime) {
      write(path_ + "/stat", "cpu  1 2 3 4 5 6 7 8 9 10\nintr 1\nctxt 2\nbtime " +
                                 std::to_string(*btime) + "\nprocesses 3\n");
    }
  }
  FakeProc(const FakeProc&) = delete;
  FakeProc& operator=(const FakeProc&) = delete;
  ~FakeProc() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }

  /// Adds process `pid` named `comm`, in state `state` (R, S, Z...), started `seconds` after
  /// boot (in whole clock ticks of this machine's rate).
  void add_process(pid_t pid, const std::string& comm, std::int64_t seconds,
                   const std::string& state = "S") {
    const std::string dir = path_ + "/" + std::to_string(pid);
    std::filesystem::create_directory(dir);
    const long hz = sysconf(_SC_CLK_TCK);
    const std::int64_t ticks = seconds * hz;
    // Fields 3 (state) to 21, then 22: the start time.
    write(dir + "/stat", std::to_string(pid) + " (" + comm + ") " + state + " 1 " +
                             std::to_string(pid) + " " + std::to_string(pid) +
                             " 0 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 " + std::to_string(ticks) +
                             " 3133440 394 18446744073709551615\n");
    write(dir + "/comm", comm + "\n");
  }

 private:
  static void write(const std::string& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file);
  }

  std::string path_;
};

}  // namespace shmtool::test
