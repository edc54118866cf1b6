#pragma once
// The progress bar of large transfers, on standard error.

#include <chrono>
#include <cstdint>
#include <string>

namespace shmtool::cli {

/// Whether a transfer shows a bar: asked for, or 64 MiB and more with stderr a terminal.
enum class ProgressRequest { asked, automatic };

/// Returns whether a transfer of `total` bytes shows a bar.
bool wants_progress(ProgressRequest request, std::uint64_t total);

/// "shmtool: write: [=======>      ]  52%  532.0M / 1.0G  1.2G/s", redrawn in place at most
/// ten times a second, and ended with a newline. Draws nothing when not enabled.
class ProgressBar {
 public:
  ProgressBar(std::string command, std::uint64_t total, bool enabled);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();

  /// Records `done` bytes; redraws if a tenth of a second has passed.
  void update(std::uint64_t done);
  /// Draws the last state and ends the line (also done by the destructor).
  void finish();

 private:
  void draw(std::uint64_t done);
  std::string command_;
  std::uint64_t total_;
  bool enabled_;
  bool finished_ = false;
  std::uint64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace shmtool::cli
