#pragma once
// Helpers of the CLI contract suites: what a refused command must leave alone, and the shape of
// the one line it prints on stderr.

#include <sys/types.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace shmtool::test {

/// The parts of a segment a refused command must not change: identity, owner, mode, bytes.
struct SegmentSnapshot {
  bool exists = false;
  std::int64_t key = 0;
  std::uint64_t size = 0;
  unsigned mode = 0;  // permission bits plus the SHM_DEST and SHM_LOCKED state bits
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t cuid = 0;
  std::uint32_t cgid = 0;
  std::int64_t ctime = 0;  // moves with every IPC_SET (to the second)
  std::string bytes;
  bool operator==(const SegmentSnapshot&) const = default;
};

/// Returns the snapshot of segment `id` (`exists` false if it is gone); attaches read-only.
SegmentSnapshot snapshot_segment(int id);

/// Prints the snapshot's fields and a digest of its bytes, for failure messages.
std::ostream& operator<<(std::ostream& os, const SegmentSnapshot& snapshot);

/// Fills segment `id` with `bytes` from offset 0; throws if it cannot attach.
void fill_segment(int id, const std::string& bytes);

/// Returns true if a live segment has key `key`.
bool key_in_use(std::uint32_t key);

/// Returns the key as ipcs prints it: "0x" and eight hex digits.
std::string hex_key(std::uint32_t key);

/// Returns true when this process has an IPC namespace of its own: CTest started it through
/// `unshare --ipc env SHMTOOL_TEST_PRIVATE_IPC=1` and its namespace differs from its parent's.
/// Only then is counting every segment, or running `rm --all`, safe.
bool in_private_ipc_namespace();

/// Returns the number of segments in this IPC namespace (from /proc/sysvipc/shm).
int count_segments();

/// Replaces the placeholders "@SEG", "@KEY" (a key form) and so on in `args` by their values.
std::vector<std::string> substitute(std::vector<std::string> args,
                                    const std::vector<std::pair<std::string, std::string>>& values);

/// Returns the text of `args` joined by spaces, for failure messages.
std::string joined(const std::vector<std::string>& args);

}  // namespace shmtool::test
