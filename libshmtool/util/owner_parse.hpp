#pragma once
// OWNER[:GROUP] for chown, and USER|UID for list filters.

#include <sys/types.h>

#include <optional>
#include <string_view>

#include "util/names.hpp"
#include "util/result.hpp"

namespace shmtool {

/// The ids a chown asks for; an absent field is left as it is.
struct OwnerChange {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

/// Parses USER or UID. Digits are a uid (0..4294967294); anything else must be a known user.
/// Fails with a usage Error naming `subject`.
Result<uid_t> parse_user(std::string_view text, std::string_view subject, NameResolver& names);

/// Parses GROUP or GID, like parse_user.
Result<gid_t> parse_group(std::string_view text, std::string_view subject, NameResolver& names);

/// Parses OWNER[:GROUP] as chown(1) does: "user", "user:group", ":group", or "user:" (the
/// user's login group). Fails with a usage Error for an empty spec or an unknown name.
Result<OwnerChange> parse_owner(std::string_view text, NameResolver& names);

}  // namespace shmtool
