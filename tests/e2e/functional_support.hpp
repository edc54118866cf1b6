#pragma once
// Helpers the functional end-to-end suites share: JSON from the binary, what the kernel says
// about a segment, its bytes, and /proc/sysvipc/shm, read independently of libshmtool.

#include <sys/types.h>

#include <gtest/gtest.h>
#include <cstdint>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "run_tool.hpp"
#include "segment_guard.hpp"

namespace shmtool::test {

/// Returns run options that feed `input` to standard input.
RunOptions with_input(std::string input);

/// Returns run options that run the binary as nobody (uid/gid 65534).
RunOptions as_nobody();

/// Returns the JSON the run printed on stdout; a test failure (and null) when it is not JSON.
nlohmann::json parse_json(const RunResult& run);

/// Succeeds when this process has an IPC namespace of its own (`unshare --ipc` gave it a new
/// one; its parent keeps the old one) holding no segment: where suites may count segments,
/// change kernel limits or run rm --all without reaching anyone else's.
::testing::AssertionResult in_private_empty_ipc_namespace();

/// Returns the segment object of `shmtool stat --json ID`: stat's output less its "lock" key
/// (which must be there), so it compares equal to what list and create print. A test failure
/// (and null) when it does not succeed.
nlohmann::json stat_json(int id);

/// Returns the entry of `list_output` ({"segments": [...]}) with this id, if any.
std::optional<nlohmann::json> find_segment(const nlohmann::json& list_output, int id);

/// Returns the key as ipcs prints it: "0x" and eight lowercase hex digits.
std::string hex_key(std::uint32_t key);

/// Returns the id the key names now, or -1 (shmget(key, 0, 0)).
int id_of_key(std::uint32_t key);

/// Returns whether segment `id` still exists (IPC_STAT succeeds).
bool segment_exists(int id);

/// Returns the segment's size from IPC_STAT.
std::size_t kernel_size(int id);

/// Returns a copy of all the segment's bytes (attaches for a moment).
std::string segment_bytes(int id);

/// Overwrites the segment's bytes from offset 0 with `bytes` (attaches for a moment).
void put_bytes(int id, const std::string& bytes);

/// Fills the whole segment with a recognizable pattern and returns it.
std::string fill_with_pattern(int id);

/// Adopts the segment a key names (if any) so it is removed when the test ends.
SegmentGuard adopt_key(std::uint32_t key);

/// Parses the decimal id the binary printed (create's plain output), -1 if it is not one.
int parse_id(const std::string& out);

/// A temporary file whose ftok(path, 'A') key names no segment when it is made.
struct FtokFile {
  std::unique_ptr<TempFile> file;
  std::uint32_t key = 0;
  const std::string& path() const { return file->path(); }
  std::string arg() const { return "ftok:" + file->path(); }
};

/// Returns a fresh FtokFile (retries a few files if a key is taken).
FtokFile make_ftok_file(const std::string& contents = "");

/// One line of /proc/sysvipc/shm, the fields parsed as the kernel prints them.
struct ProcShmLine {
  std::int64_t key = 0;  // printed signed
  int id = -1;
  unsigned perms = 0;  // includes the SHM_DEST/SHM_LOCKED state bits
  std::uint64_t size = 0;
  std::int64_t cpid = 0, lpid = 0;
  std::uint64_t nattch = 0;
  std::uint64_t uid = 0, gid = 0, cuid = 0, cgid = 0;
  std::int64_t atime = 0, dtime = 0, ctime = 0;
  std::optional<std::uint64_t> rss, swap;
};

/// Returns the lines of /proc/sysvipc/shm by id.
std::map<int, ProcShmLine> read_proc_shm();

/// Returns a JSON time as the kernel counts it: null is 0.
std::int64_t epoch_or_zero(const nlohmann::json& value);

}  // namespace shmtool::test
