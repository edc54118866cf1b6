#include "failure.hpp"

#include "sysv/kernel_limits.hpp"
#include "util/human_format.hpp"
#include "util/terminal_text.hpp"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shmtool::cli {
namespace {

std::string permission_words(Op op) {
  switch (op) {
    case Op::attach:
      return "permission denied (the segment's mode does not let you attach it: reading needs "
             "read permission, writing needs read and write)";
    case Op::ftok:
      return "cannot make a key: permission denied (a directory on the path cannot be searched)";
    case Op::remove:
      return "permission denied (only the owner, the creator or root may remove it)";
    case Op::set_owner:
    case Op::set_mode:
      return "permission denied (only the owner, the creator or root may change it)";
    case Op::create:
      return "permission denied (a segment with this key exists and its mode does not let you "
             "read it)";
    case Op::open_input:
      return "cannot open: permission denied";
    default:
      return "permission denied";
  }
}

std::string posix_permission_words(Op op) {
  switch (op) {
    case Op::attach:
      return "permission denied (the object's mode does not let you open it: reading needs read "
             "permission, writing needs write permission)";
    case Op::remove:
      return "permission denied (/dev/shm is sticky: only the object's owner or root may remove "
             "it)";
    case Op::set_owner:
      return "permission denied (only root may give an object away; its owner may change its "
             "group to one of their own)";
    case Op::set_mode:
      return "permission denied (only the object's owner or root may change it)";
    case Op::create:
      return "permission denied (/dev/shm does not let you create it)";
    default:
      return "permission denied";
  }
}

std::string file_type_words(std::uint32_t type) {
  switch (type) {
    case S_IFLNK:
      return "a symbolic link (shmtool never follows one in /dev/shm)";
    case S_IFDIR:
      return "a directory";
    case S_IFIFO:
      return "a FIFO";
    case S_IFSOCK:
      return "a socket";
    case S_IFCHR:
    case S_IFBLK:
      return "a device";
    default:
      return "not a regular file";
  }
}

std::string shm_dir_words(const Error& e) {
  if (e.err == EMEDIUMTYPE) {
    return "not a tmpfs, so it is not where shm_open keeps POSIX shared memory objects (mount "
           "one: mount -t tmpfs -o mode=1777 tmpfs /dev/shm)";
  }
  if (e.err == ENOENT) {
    return "does not exist: POSIX shared memory needs a tmpfs mounted there";
  }
  if (e.err == ELOOP) {
    // Only under another process's root (--ns): a link there may lead to the host's files.
    return "is a symbolic link, or the path to it passes through one, in the namespace's root: "
           "refused, so that nothing outside that root is read or changed";
  }
  return "cannot open: " + errno_text(e.err);
}

std::string seconds_text(std::int64_t ms) {
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    std::string fraction = std::to_string(1000 + ms % 1000).substr(1);
    while (fraction.back() == '0')
      fraction.pop_back();
    text += "." + fraction;
  }
  return text + " s";
}

// The words of a fact the library reported with its numbers.
std::string fact_words(const Error& e) {
  const char* noun = e.posix ? "object" : "segment";
  switch (e.fact) {
    case Fact::offset_past_end:
      return "offset " + std::to_string(e.offset) + " is past the end (size " +
             std::to_string(e.have) + ", see --offset)";
    case Fact::length_past_end:
      return "--length " + std::to_string(e.size) + ": only " +
             std::to_string(e.have - std::min(e.have, e.offset)) + " bytes lie between offset " +
             std::to_string(e.offset) + " and the end (size " + std::to_string(e.have) + ")";
    case Fact::existing_smaller:
      return std::string("exists") + (e.id >= 0 ? " as id " + std::to_string(e.id) : "") +
             " with size " + std::to_string(e.have) + " bytes, smaller than the " +
             std::to_string(e.size) + " bytes asked for";
    case Fact::lock_timeout:
      return "still held by another process after " + seconds_text(e.waited_ms) + " (--timeout)";
    case Fact::wait_timeout:
      return std::string("no ") + noun + " appeared within the timeout";
    case Fact::none:
      break;
  }
  return {};
}

std::string not_found_words(const Error& e) {
  if (e.posix) return "no such object (there is no file of this name in /dev/shm)";
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

std::string bytes_text(std::uint64_t bytes) {
  std::string text = std::to_string(bytes) + " bytes";
  if (bytes >= 1024) text += " (" + format_human_size(bytes) + ")";
  return text;
}

// RLIMIT_MEMLOCK of this process, as ulimit -l shows it.
std::string memlock_text() {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0) return "unknown";
  if (limit.rlim_cur == RLIM_INFINITY) return "unlimited";
  return bytes_text(static_cast<std::uint64_t>(limit.rlim_cur));
}

std::string pin_words(const Error& e) {
  if (e.err == ENOMEM) {
    return "cannot pin: RLIMIT_MEMLOCK (ulimit -l) is " + memlock_text() +
           ", too little for this segment and what this user has pinned already (raise it, "
           "or pin as a process with CAP_IPC_LOCK)";
  }
  if (e.err == EPERM || e.err == EACCES) {
    if (e.op == Op::unpin) {
      return "permission denied (unpinning needs CAP_IPC_LOCK, or being the segment's owner "
             "or creator)";
    }
    return "permission denied (pinning needs CAP_IPC_LOCK, or being the segment's owner or "
           "creator within RLIMIT_MEMLOCK, which is " +
           memlock_text() + " here)";
  }
  return errno_text(e.err);
}

std::string huge_page_words(const Error& e) {
  const HugePageInfo huge = read_huge_page_info();
  if (e.err == EPERM || e.err == EACCES) {
    std::string text = "not allowed to use huge pages: that needs CAP_IPC_LOCK";
    if (huge.shm_group) {
      text +=
          " or membership of group " + std::to_string(*huge.shm_group) + " (vm.hugetlb_shm_group)";
    }
    return text;
  }
  std::string text = "not enough free huge pages for " + bytes_text(e.size);
  if (huge.free && huge.total) {
    text += ": " + std::to_string(*huge.free) + " of " + std::to_string(*huge.total) + " free";
    if (huge.page_bytes) text += ", " + format_human_size(*huge.page_bytes) + " each";
  }
  return text + " (raise vm.nr_hugepages)";
}

// Which of the kernel's limits refused a new segment, with its value (read now).
std::string create_limit_words(const Error& e) {
  if (e.hugetlb && (e.err == ENOMEM || e.err == EPERM || e.err == EACCES)) {
    return huge_page_words(e);
  }
  const ShmLimits limits = read_shm_limits();
  switch (e.err) {
    case EINVAL:
      if (limits.shmmax && e.size > *limits.shmmax) {
        return "size " + bytes_text(e.size) +
               " exceeds kernel.shmmax, the largest segment: " + bytes_text(*limits.shmmax);
      }
      return "the kernel refused size " + bytes_text(e.size);
    case ENOSPC: {
      if (limits.shmmni && limits.used_segments && *limits.used_segments >= *limits.shmmni) {
        return "all " + std::to_string(*limits.shmmni) +
               " segments that kernel.shmmni allows are in use";
      }
      if (limits.shmall) {
        const std::uint64_t pages = (e.size + limits.page_size - 1) / limits.page_size;
        std::string text = "kernel.shmall, the total of all segments, is " +
                           std::to_string(*limits.shmall) + " pages";
        if (limits.used_pages) {
          text += "; " + std::to_string(*limits.used_pages) + " are in use and this needs " +
                  std::to_string(pages) + " more";
        }
        return text;
      }
      return "a kernel limit on segments (kernel.shmmni or kernel.shmall) is reached";
    }
    case ENOMEM:
      return "not enough memory for " + bytes_text(e.size);
    default:
      return errno_text(e.err);
  }
}

std::string system_words(const Error& e) {
  if (e.posix && e.err == ENOSPC) {
    return "no space left on device (/dev/shm is full); nothing was written";
  }
  if (e.op == Op::create && e.err != 0 && !e.posix) return create_limit_words(e);
  if (e.op == Op::ftok && (e.err == EACCES || e.err == EPERM)) return permission_words(Op::ftok);
  if (e.op == Op::ftok) return "cannot make a key: " + errno_text(e.err);
  if (e.op == Op::open_input) return "cannot open: " + errno_text(e.err);
  if (e.op == Op::read_input) return "cannot read: " + errno_text(e.err);
  if (e.err == 0) return "failed";
  return errno_text(e.err);
}

}  // namespace

std::string errno_text(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

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
  if (e.fact != Fact::none) return fact_words(e);
  if (e.op == Op::shm_dir) return shm_dir_words(e);
  if ((e.op == Op::pin || e.op == Op::unpin) && e.kind != ErrorKind::not_found &&
      e.kind != ErrorKind::usage) {
    return pin_words(e);
  }
  if (e.kind == ErrorKind::not_regular) {
    return "is " + file_type_words(e.st_mode) +
           ", not a shared memory object; shmtool acts only on regular files in /dev/shm";
  }
  if (e.posix && e.kind == ErrorKind::permission) return posix_permission_words(e.op);
  if (e.posix && e.kind == ErrorKind::exists) {
    return "an object with this name exists already (leave out --exclusive to use it)";
  }
  if (e.op == Op::create && e.hugetlb && e.kind == ErrorKind::permission) {
    return huge_page_words(e);
  }
  switch (e.kind) {
    case ErrorKind::not_found:
      return not_found_words(e);
    case ErrorKind::permission:
      return permission_words(e.op);
    case ErrorKind::exists:
      return "a segment with this key exists already (leave out --exclusive to use it)";
    case ErrorKind::usage:
    case ErrorKind::too_large:
    case ErrorKind::not_regular:
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
  // Subjects and details quote arguments, paths and names: none may reach a terminal raw.
  return escape_for_terminal(line);
}

std::string rmid_forced_created_words() {
  return "warning: kernel.shm_rmid_forced is 1, so the kernel removes this segment as shmtool "
         "exits, since no process has it attached (create it from the program that uses it, or "
         "set kernel.shm_rmid_forced to 0)";
}

std::string rmid_forced_detached_words() {
  return "warning: kernel.shm_rmid_forced is 1 and no other process had the segment "
         "attached, so the kernel removed it when shmtool detached";
}

void fail_usage(std::string subject, std::string detail) {
  throw CommandFailure(usage_error(std::move(subject), std::move(detail)));
}

}  // namespace shmtool::cli
