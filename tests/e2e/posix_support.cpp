#include "posix_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace shmtool::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_words(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

std::string shm_path(const std::string& name) {
  return "/dev/shm/" + name;
}

::testing::AssertionResult in_private_fresh_shm() {
  const auto refuse = [](const std::string& why) {
    return ::testing::AssertionFailure()
           << "refusing to run: " << why
           << ". These tests need /dev/shm to be a fresh tmpfs of their own: run them under "
              "tests/support/private_shm.sh (ctest does).";
  };
  if (const auto ipc = in_private_empty_ipc_namespace(); !ipc) return refuse(ipc.message());
  std::error_code error;
  const std::string parent = std::to_string(getppid());
  const auto own_mounts = std::filesystem::read_symlink("/proc/self/ns/mnt", error).string();
  const auto parent_mounts = std::filesystem::read_symlink("/proc/" + parent + "/ns/mnt", error);
  if (own_mounts.empty() || error) return refuse("cannot read the mount namespaces");
  if (own_mounts == parent_mounts.string()) {
    return refuse("this process shares its parent's mount namespace");
  }
  struct statfs fs {};
  if (statfs("/dev/shm", &fs) != 0) return refuse(errno_words("statfs /dev/shm"));
  if (static_cast<unsigned long>(fs.f_type) != TMPFS_MAGIC) {
    return refuse("/dev/shm is not a tmpfs");
  }
  // The parent's /dev/shm, seen through its root: it must be another filesystem than ours.
  struct stat ours {};
  struct stat theirs {};
  if (stat("/dev/shm", &ours) != 0) return refuse(errno_words("stat /dev/shm"));
  if (stat(("/proc/" + parent + "/root/dev/shm").c_str(), &theirs) != 0) {
    return refuse(errno_words("stat the parent's /dev/shm"));
  }
  if (theirs.st_dev == ours.st_dev) {
    return refuse("/dev/shm is the same filesystem as the parent process's /dev/shm");
  }
  if (const auto entries = shm_entries(); !entries.empty()) {
    return refuse("/dev/shm is not empty (it holds " + entries.front() + ")");
  }
  return ::testing::AssertionSuccess();
}

ShmEntry::~ShmEntry() {
  if (name_.empty()) return;
  const std::string path = shm_path(name_);
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    rmdir(path.c_str());
  } else {
    unlink(path.c_str());
  }
}

ShmEntry make_object(const std::string& name, std::size_t size, mode_t mode,
                     const std::string& bytes) {
  const std::string path = shm_path(name);
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error(errno_words("make_object " + path));
  ShmEntry entry(name);
  const bool made = fchmod(fd, mode) == 0 && ftruncate(fd, static_cast<off_t>(size)) == 0 &&
                    pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size());
  const std::string why = errno_words("make_object " + path);
  close(fd);
  if (!made) throw std::runtime_error(why);
  return entry;
}

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) ADD_FAILURE() << errno_words("lstat " + path);
  return st;
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::string file_bytes(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    ADD_FAILURE() << errno_words("open " + path);
    return {};
  }
  std::string bytes;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return bytes;
}

void put_file_bytes(const std::string& path, const std::string& bytes, off_t offset) {
  const int fd = open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(errno_words("open " + path));
  const ssize_t n = pwrite(fd, bytes.data(), bytes.size(), offset);
  close(fd);
  if (n != static_cast<ssize_t>(bytes.size())) throw std::runtime_error("pwrite " + path);
}

std::string fill_file_with_pattern(const std::string& path) {
  const auto size = static_cast<std::size_t>(lstat_of(path).st_size);
  std::string pattern(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    pattern[i] = static_cast<char>('a' + i % 26);
  put_file_bytes(path, pattern);
  return pattern;
}

std::vector<std::string> shm_entries() {
  std::vector<std::string> names;
  DIR* dir = opendir("/dev/shm");
  if (dir == nullptr) return {"(cannot open /dev/shm)"};
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool flock_is_held(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);  // releases it if we took it
  return held;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::map<std::string, std::string> stat_fields(const std::string& text) {
  std::map<std::string, std::string> fields;
  for (const std::string& line : lines_of(text)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto value = line.find_first_not_of(' ', colon + 1);
    fields[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
  }
  return fields;
}

std::string raw_time(std::int64_t epoch) {
  const auto seconds = static_cast<time_t>(epoch);
  struct tm local {};
  localtime_r(&seconds, &local);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  return text;
}

Background::Background(const std::vector<std::string>& argv_in) {
  std::vector<std::string> argv = argv_in;
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> raw;
  for (auto& word : argv)
    raw.push_back(word.data());
  raw.push_back(nullptr);
  const int rc = posix_spawnp(&pid_, raw[0], &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    pid_ = -1;
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  out_ = out[0];
}

Background::~Background() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) close(out_);
}

std::string Background::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto newline = buffered_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || out_ < 0) return "";
    pollfd fd{out_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(out_, buffer, sizeof buffer);
    if (n <= 0) {
      close(out_);
      out_ = -1;
      continue;
    }
    buffered_.append(buffer, static_cast<std::size_t>(n));
  }
}

void Background::signal(int signal_number) const {
  if (pid_ > 0) kill(pid_, signal_number);
}

int Background::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) {
      ADD_FAILURE() << "process " << pid_ << " still runs after the timeout: killed";
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

HostileContainer::HostileContainer() {
  std::string made = "/tmp/shmtool-host-dir-XXXXXX";
  if (mkdtemp(made.data()) == nullptr) return;
  dir_ = made;
  { std::ofstream(victim()) << "keep"; }
  process_.emplace(std::vector<std::string>{
      "unshare", "--mount", "sh", "-c",
      "mount -t tmpfs tmpfs /dev && ln -s \"$0\" /dev/shm && echo ready && exec sleep 60", dir_});
  ready_ = process_->read_line() == "ready";
}

HostileContainer::~HostileContainer() {
  process_.reset();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

}  // namespace shmtool::test
