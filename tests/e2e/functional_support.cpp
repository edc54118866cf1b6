#include "functional_support.hpp"

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace shmtool::test {

RunOptions with_input(std::string input) {
  // The binary may stop reading early (data that does not fit): writing the rest must fail
  // with EPIPE in run_program, not kill the test with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  RunOptions options;
  options.input = std::move(input);
  return options;
}

RunOptions as_nobody() {
  RunOptions options;
  options.as = As::nobody;
  return options;
}

nlohmann::json parse_json(const RunResult& run) {
  try {
    return nlohmann::json::parse(run.out);
  } catch (const nlohmann::json::parse_error& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "): stdout [" << run.out << "] stderr [" << run.err
                  << "]";
    return nullptr;
  }
}

::testing::AssertionResult in_private_empty_ipc_namespace() {
  auto namespace_of = [](const std::string& pid) {
    std::error_code error;
    return std::filesystem::read_symlink("/proc/" + pid + "/ns/ipc", error).string();
  };
  const std::string own = namespace_of("self");
  if (own.empty()) return ::testing::AssertionFailure() << "cannot read /proc/self/ns/ipc";
  if (own == namespace_of(std::to_string(getppid()))) {
    return ::testing::AssertionFailure()
           << "not in a private IPC namespace: run this suite under unshare --ipc (ctest does)";
  }
  if (!read_proc_shm().empty()) {
    return ::testing::AssertionFailure() << "the IPC namespace is not empty";
  }
  return ::testing::AssertionSuccess();
}

nlohmann::json stat_json(int id) {
  const RunResult run = run_shmtool({"stat", "--json", std::to_string(id)});
  if (run.exit_code != 0) {
    ADD_FAILURE() << "stat --json " << id << " exited " << run.exit_code << ": " << run.err;
    return nullptr;
  }
  nlohmann::json object = parse_json(run);
  // stat's keys beyond the segment object: the lock (checked by the lock tests) and the
  // attached processes (checked by the holder tests).
  for (const char* key : {"lock", "attached", "attached_unseen"}) {
    if (!object.is_object() || !object.contains(key)) {
      ADD_FAILURE() << "stat --json " << id << " has no \"" << key << "\" key";
      return object;
    }
    object.erase(key);
  }
  return object;
}

std::optional<nlohmann::json> find_segment(const nlohmann::json& list_output, int id) {
  if (!list_output.is_object() || !list_output.contains("segments")) return std::nullopt;
  for (const auto& segment : list_output["segments"]) {
    if (segment.value("id", -1) == id) return segment;
  }
  return std::nullopt;
}

std::string hex_key(std::uint32_t key) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", key);
  return text;
}

int id_of_key(std::uint32_t key) {
  return shmget(static_cast<key_t>(key), 0, 0);
}

bool segment_exists(int id) {
  struct shmid_ds ds {};
  return shmctl(id, IPC_STAT, &ds) == 0;
}

std::size_t kernel_size(int id) {
  struct shmid_ds ds {};
  if (shmctl(id, IPC_STAT, &ds) != 0) {
    throw std::runtime_error(std::string("IPC_STAT: ") + std::strerror(errno));
  }
  return ds.shm_segsz;
}

std::string segment_bytes(int id) {
  const std::size_t size = kernel_size(id);
  Attached attached(id);
  return std::string(attached.data(), size);
}

void put_bytes(int id, const std::string& bytes) {
  Attached attached(id);
  std::memcpy(attached.data(), bytes.data(), bytes.size());
}

std::string fill_with_pattern(int id) {
  const std::size_t size = kernel_size(id);
  std::string pattern(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    pattern[i] = static_cast<char>('a' + i % 26);
  put_bytes(id, pattern);
  return pattern;
}

SegmentGuard adopt_key(std::uint32_t key) {
  return SegmentGuard::adopt(id_of_key(key));
}

int parse_id(const std::string& out) {
  if (out.empty() || out.back() != '\n') return -1;
  const std::string digits = out.substr(0, out.size() - 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(digits);
}

FtokFile make_ftok_file(const std::string& contents) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    FtokFile made;
    made.file = std::make_unique<TempFile>(contents);
    const key_t key = ftok(made.file->path().c_str(), 'A');
    if (key == -1) throw std::runtime_error("ftok failed on a fresh temporary file");
    made.key = static_cast<std::uint32_t>(key);
    if (id_of_key(made.key) < 0 && errno == ENOENT) return made;
  }
  throw std::runtime_error("no temporary file with an unused ftok key");
}

std::map<int, ProcShmLine> read_proc_shm() {
  std::ifstream in("/proc/sysvipc/shm");
  std::map<int, ProcShmLine> lines;
  std::string text;
  std::getline(in, text);  // heading
  while (std::getline(in, text)) {
    std::istringstream fields(text);
    ProcShmLine line;
    std::string perms;
    fields >> line.key >> line.id >> perms >> line.size >> line.cpid >> line.lpid >> line.nattch >>
        line.uid >> line.gid >> line.cuid >> line.cgid >> line.atime >> line.dtime >> line.ctime;
    if (!fields) continue;
    line.perms = static_cast<unsigned>(std::stoul(perms, nullptr, 8));
    std::uint64_t rss = 0, swap = 0;
    if (fields >> rss >> swap) {
      line.rss = rss;
      line.swap = swap;
    }
    lines[line.id] = line;
  }
  return lines;
}

std::int64_t epoch_or_zero(const nlohmann::json& value) {
  return value.is_null() ? 0 : value.get<std::int64_t>();
}

}  // namespace shmtool::test
