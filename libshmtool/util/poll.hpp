#pragma once
// Polling until something appears: a short pause that doubles up to 50 ms, bounded by an
// optional timeout.

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

namespace shmtool {

/// Calls `attempt` (returning a Result) until it succeeds or fails with an error `absent`
/// does not accept, and returns that; when `timeout` runs out first, returns `timed_out()`.
template <class Attempt, class Absent, class TimedOut>
auto poll_until(std::optional<std::chrono::milliseconds> timeout, Attempt attempt, Absent absent,
                TimedOut timed_out) -> decltype(attempt()) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    auto result = attempt();
    if (result.ok() || !absent(result.error())) return result;
    const auto elapsed = Clock::now() - start;
    if (timeout && elapsed >= *timeout) return timed_out();
    auto sleep_for = pause;
    if (timeout) {
      sleep_for = std::min(
          sleep_for, std::chrono::duration_cast<std::chrono::milliseconds>(*timeout - elapsed) +
                         std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(sleep_for);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace shmtool
