#include "render/render_lock.hpp"

#include <cerrno>

#include "model/segment_ref.hpp"

namespace shmtool {
namespace {

// The set at the lock key is another program's (find_lock's EEXIST): the segment has no lock.
bool key_taken(const LockReport& report) {
  return !report.ok() && report.error().err == EEXIST;
}

}  // namespace

std::string render_lock_text(int id, const LockReport& report) {
  const std::string key = "key " + format_key_hex(lock_key_for(id));
  std::string line;
  if (key_taken(report)) {
    line += "none (" + key + " holds another program's semaphore set)";
  } else if (!report.ok()) {
    line += "exists, cannot be read (" + key + ")";
  } else if (!*report) {
    line += "none yet (" + key + ")";
  } else {
    const LockState& lock = **report;
    line += lock.held ? "held" : "free";
    line += " (" + key + ", semid " + std::to_string(lock.semid) + ", last pid " +
            std::to_string(lock.last_pid);
    if (lock.waiting > 0) line += ", " + std::to_string(lock.waiting) + " waiting";
    line += ")";
  }
  return line;
}

nlohmann::ordered_json lock_json(int id, const LockReport& report) {
  if ((report.ok() && !*report) || key_taken(report)) return nullptr;
  nlohmann::ordered_json j;
  j["key"] = lock_key_for(id);
  j["key_hex"] = format_key_hex(lock_key_for(id));
  if (report.ok()) {
    const LockState& lock = **report;
    j["semid"] = lock.semid;
    j["held"] = lock.held;
    j["waiting"] = lock.waiting;
    j["last_pid"] = lock.last_pid;
  } else {
    j["semid"] = nullptr;
    j["held"] = nullptr;
    j["waiting"] = nullptr;
    j["last_pid"] = nullptr;
  }
  return j;
}

nlohmann::ordered_json stale_lock_json(const StaleLock& lock, NameResolver& names) {
  const auto name = [](std::optional<std::string> text) {
    return text ? nlohmann::ordered_json(*text) : nlohmann::ordered_json();
  };
  nlohmann::ordered_json j;
  j["segment_id"] = lock.segment_id;
  j["key"] = lock.key;
  j["key_hex"] = format_key_hex(lock.key);
  j["semid"] = lock.semid;
  j["uid"] = lock.uid;
  j["user"] = name(names.user_name(lock.uid));
  j["cuid"] = lock.cuid;
  j["cuser"] = name(names.user_name(lock.cuid));
  j["held"] = lock.held;
  return j;
}

std::string render_flock_text(const Result<FlockState>& state) {
  if (!state.ok()) return "unknown (/proc/locks cannot be read)";
  if (!state->held) {
    return state->waiting > 0 ? "free (flock, " + std::to_string(state->waiting) + " waiting)"
                              : "free (flock)";
  }
  std::string line = "held (flock";
  if (state->pid) line += ", pid " + std::to_string(*state->pid);
  if (state->waiting > 0) line += ", " + std::to_string(state->waiting) + " waiting";
  return line + ")";
}

nlohmann::ordered_json flock_json(const Result<FlockState>& state) {
  nlohmann::ordered_json j;
  j["type"] = "flock";
  if (state.ok()) {
    j["held"] = state->held;
    j["pid"] = state->pid ? nlohmann::ordered_json(*state->pid) : nlohmann::ordered_json();
    j["waiting"] = state->waiting;
  } else {
    j["held"] = nullptr;
    j["pid"] = nullptr;
    j["waiting"] = nullptr;
  }
  return j;
}

}  // namespace shmtool
