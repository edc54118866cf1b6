#pragma once
// How `stat` shows a segment's cooperative lock (segment_lock.hpp) and a POSIX object's flock
// (object_lock.hpp), as text and as JSON.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "posix/object_lock.hpp"
#include "sysv/segment_lock.hpp"
#include "sysv/stale_locks.hpp"
#include "util/names.hpp"
#include "util/result.hpp"

namespace shmtool {

/// What inspect_lock said: a lock, no lock yet, or an Error (it exists but cannot be read).
using LockReport = Result<std::optional<LockState>>;

/// Returns the value of stat's "lock:" line for segment `id`, e.g. "free (key 0xffd5ffd9,
/// semid 3, last pid 4702)".
std::string render_lock_text(int id, const LockReport& report);

/// Returns null when there is no lock (none yet, or its key holds another program's set); else
/// {"key", "key_hex", "semid", "held", "waiting", "last_pid"}, the last three null when the lock
/// cannot be read.
nlohmann::ordered_json lock_json(int id, const LockReport& report);

/// Returns a stale lock as rm --stale-locks prints it with --json: {"segment_id", "key",
/// "key_hex", "semid", "uid", "user", "cuid", "cuser", "held"}.
nlohmann::ordered_json stale_lock_json(const StaleLock& lock, NameResolver& names);

/// Returns the value of stat's "lock:" line for a POSIX object: "held (flock, pid 4702, 1
/// waiting)", "free (flock)", or "unknown (/proc/locks cannot be read)".
std::string render_flock_text(const Result<FlockState>& state);

/// Returns {"type": "flock", "held", "pid", "waiting"}, the last three null when /proc/locks
/// cannot be read.
nlohmann::ordered_json flock_json(const Result<FlockState>& state);

}  // namespace shmtool
