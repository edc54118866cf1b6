#pragma once
// A POSIX object is a file that any process allowed to write it may shrink (ftruncate) while
// shmtool copies through its mapping; touching a page past the new end raises SIGBUS. While a
// BusErrorGuard lives, that ends the program with one failure line and exit 1 instead of a
// crash. System V segments cannot shrink, so they need none.

#include <string>
#include <string_view>

namespace shmtool::cli {

/// What the failure line says after the subject: the object shrank during the copy.
std::string shrank_words();

class BusErrorGuard {
 public:
  /// Installs the handler; its line names `command` and `subject` (escaped for a terminal).
  BusErrorGuard(std::string_view command, const std::string& subject);
  BusErrorGuard(const BusErrorGuard&) = delete;
  BusErrorGuard& operator=(const BusErrorGuard&) = delete;
  /// Restores the handler there was.
  ~BusErrorGuard();
};

}  // namespace shmtool::cli
