#pragma once
// Permission bits: parsing MODE arguments and showing them as rwx strings.

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace shmtool {

/// Parses an octal MODE such as 640 or 0640 (at most 0777). Fails with a usage Error naming
/// `subject` otherwise.
Result<unsigned> parse_mode(std::string_view text, std::string_view subject);

/// Returns the nine-letter form of the permission bits of `mode`, e.g. "rw-r-----".
std::string format_perms(unsigned mode);

}  // namespace shmtool
