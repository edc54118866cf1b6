#pragma once
// The NAME of a POSIX shared memory object: what shm_open("/NAME") opens, the file
// /dev/shm/NAME. The SEGMENT forms /NAME, posix:NAME and posix:/NAME all name it.

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace shmtool {

/// The prefix of the POSIX object forms of SEGMENT: posix:NAME.
inline constexpr std::string_view kPosixPrefix = "posix:";

/// Returns whether SEGMENT `text` is in a POSIX object form (/NAME or posix:...), so that
/// parse_posix_object is the parser to call.
bool is_posix_form(std::string_view text);

/// Parses a POSIX object form (/NAME, posix:NAME, posix:/NAME) and returns NAME, without the
/// slash. NAME is 1..255 bytes with no '/' and no NUL, and is not "." or ".."; a name starting
/// with "sem." is a POSIX semaphore, not shared memory. Fails with a usage Error naming `text`
/// that says what a NAME may be.
Result<std::string> parse_posix_object(std::string_view text);

}  // namespace shmtool
