#include "progress.hpp"

#include <unistd.h>

#include <algorithm>

#include "util/human_format.hpp"

namespace shmtool::cli {
namespace {
constexpr std::uint64_t kAutomaticFrom = std::uint64_t{64} << 20;
constexpr int kBarWidth = 30;
}  // namespace

bool wants_progress(ProgressRequest request, std::uint64_t total) {
  if (request == ProgressRequest::asked) return true;
  return total >= kAutomaticFrom && isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(std::string command, std::uint64_t total, bool enabled)
    : command_(std::move(command)),
      total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::update(std::uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(done);
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  draw(done_);
  (void)!::write(STDERR_FILENO, "\n", 1);
}

void ProgressBar::draw(std::uint64_t done) {
  const double fraction =
      total_ == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string line = "\rshmtool: " + command_ + ": [";
  for (int i = 0; i < kBarWidth; ++i) {
    line += i < filled ? '=' : (i == filled ? '>' : ' ');
  }
  const int percent = static_cast<int>(fraction * 100.0);
  line += "] " +
          std::string(percent < 10    ? "  "
                      : percent < 100 ? " "
                                      : "") +
          std::to_string(percent) + "%  " + format_human_size(done) + " / " +
          format_human_size(total_);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (seconds > 0.05) {
    line += "  " +
            format_human_size(static_cast<std::uint64_t>(static_cast<double>(done) / seconds)) +
            "/s";
  }
  line += "\033[K";  // clear what a longer earlier line left
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace shmtool::cli
