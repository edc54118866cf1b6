#include "failure.hpp"

#include <cerrno>
#include <cstring>

namespace shmtool::cli {
namespace {

std::string strerror_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string permission_words(Op op) {
  switch (op) {
    case Op::attach:
      return "permission denied (the segment's mode does not let you do this)";
    case Op::remove:
      return "permission denied (only the owner, the creator or root may remove it)";
    case Op::set_owner:
    case Op::set_mode:
      return "permission denied (only the owner, the creator or root may change it)";
    case Op::create:
      return "permission denied (the mode of the segment with this key does not let you use it)";
    case Op::open_input:
      return "cannot open: permission denied";
    default:
      return "permission denied";
  }
}

std::string not_found_words(const Error& e) {
  switch (e.op) {
    case Op::resolve:
      return "no segment has this key";
    case Op::ftok:
      return "cannot make a key: no such file or directory";
    case Op::open_input:
      return "cannot open: no such file or directory";
    default:
      return "no such segment (it does not exist or has been removed)";
  }
}

std::string system_words(const Error& e) {
  if (e.op == Op::create) {
    switch (e.err) {
      case EINVAL:
        return "the size is outside the kernel's limits (see kernel.shmmax, or the size of the "
               "existing segment)";
      case ENOSPC:
        return "a kernel limit is reached: too many segments (kernel.shmmni) or too much shared "
               "memory in all (kernel.shmall)";
      case ENOMEM:
        return "not enough memory for a segment of this size";
      default:
        break;
    }
  }
  if (e.op == Op::ftok) return "cannot make a key: " + strerror_text(e.err);
  if (e.op == Op::open_input) return "cannot open: " + strerror_text(e.err);
  if (e.op == Op::read_input) return "cannot read: " + strerror_text(e.err);
  if (e.err == 0) return "failed";
  return strerror_text(e.err);
}

}  // namespace

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::usage:
      return kUsage;
    case ErrorKind::not_found:
      // Exit 3 is for a segment that does not exist; a missing --file is an I/O failure.
      if (error.op == Op::open_input || error.op == Op::read_input) return kFailure;
      return kNotFound;
    default:
      return kFailure;
  }
}

std::string explain(const Error& e) {
  if (!e.detail.empty()) return e.detail;
  switch (e.kind) {
    case ErrorKind::not_found:
      return not_found_words(e);
    case ErrorKind::permission:
      return permission_words(e.op);
    case ErrorKind::exists:
      return "a segment with this key exists already (leave out --exclusive to use it)";
    case ErrorKind::usage:
    case ErrorKind::too_large:
    case ErrorKind::system:
      break;
  }
  return system_words(e);
}

std::string format_failure(std::string_view command, const Error& error) {
  std::string line = "shmtool: ";
  line += command;
  line += ": ";
  if (!error.subject.empty()) line += error.subject + ": ";
  line += explain(error);
  return line;
}

void fail_usage(std::string subject, std::string detail) {
  throw CommandFailure(usage_error(std::move(subject), std::move(detail)));
}

}  // namespace shmtool::cli
