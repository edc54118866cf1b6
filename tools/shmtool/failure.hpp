#pragma once
// The one place that turns library Errors into words and exit codes.

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "util/result.hpp"

namespace shmtool::cli {

enum ExitCode : int { kSuccess = 0, kFailure = 1, kUsage = 2, kNotFound = 3 };

/// Thrown by a command to end with `error`; main prints it and exits with its code.
class CommandFailure : public std::exception {
 public:
  explicit CommandFailure(Error error) : error_(std::move(error)) {}
  const Error& error() const { return error_; }
  const char* what() const noexcept override { return "command failure"; }

 private:
  Error error_;
};

/// Returns the exit code for `error`: 2 usage, 3 not found, else 1.
int exit_code_for(const Error& error);

/// Returns strerror(err) as messages write it: "no space left on device".
std::string errno_text(int err);

/// Returns why `error` happened, in words a user can act on (no subject, no prefix).
std::string explain(const Error& error);

/// Returns the whole stderr line: "shmtool: COMMAND: WHAT: WHY" (no newline), with control
/// characters escaped.
std::string format_failure(std::string_view command, const Error& error);

/// Returns the value, or throws CommandFailure with the error.
template <class T>
T unwrap(Result<T> result) {
  if (!result.ok()) throw CommandFailure(std::move(result).error());
  return std::move(result).value();
}

/// What kernel.shm_rmid_forced = 1 does to a segment shmtool created just now.
std::string rmid_forced_created_words();

/// What kernel.shm_rmid_forced = 1 did to a segment nobody else had attached.
std::string rmid_forced_detached_words();

/// Throws a usage CommandFailure.
[[noreturn]] void fail_usage(std::string subject, std::string detail);

}  // namespace shmtool::cli
