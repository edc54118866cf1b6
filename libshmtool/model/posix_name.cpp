#include "model/posix_name.hpp"

namespace shmtool {
namespace {

// NAME_MAX: a file name in /dev/shm.
constexpr std::size_t kLongestName = 255;

Error bad_name(std::string_view text, const std::string& why) {
  return usage_error(std::string(text),
                     why +
                         " (a POSIX object is /NAME or posix:NAME: NAME is 1 to 255 bytes, no "
                         "'/' and no NUL, not . or ..)");
}

}  // namespace

bool is_posix_form(std::string_view text) {
  return text.starts_with('/') || text.starts_with(kPosixPrefix);
}

Result<std::string> parse_posix_object(std::string_view text) {
  std::string_view name = text;
  if (name.starts_with(kPosixPrefix)) name.remove_prefix(kPosixPrefix.size());
  if (name.starts_with('/')) name.remove_prefix(1);
  if (name.empty()) return bad_name(text, "the name is empty");
  if (name.size() > kLongestName) {
    return bad_name(text, "the name is " + std::to_string(name.size()) + " bytes long");
  }
  if (name.find('/') != std::string_view::npos) return bad_name(text, "the name holds a '/'");
  if (name.find('\0') != std::string_view::npos) return bad_name(text, "the name holds a NUL");
  if (name == "." || name == "..")
    return bad_name(text, "'" + std::string(name) + "' names a directory, not an object");
  if (name.starts_with("sem.")) {
    return usage_error(std::string(text),
                       "/dev/shm/" + std::string(name) +
                           " is a POSIX semaphore (sem_open), not shared memory; shmtool leaves "
                           "semaphores alone");
  }
  return std::string(name);
}

}  // namespace shmtool
