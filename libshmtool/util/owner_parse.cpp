#include "util/owner_parse.hpp"

#include <cstdint>
#include <string>

namespace shmtool {
namespace {

// Digits only, below 2^32 - 1 (which the kernel reserves as "no id").
std::optional<std::uint32_t> numeric_id(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value >= 0xffffffffULL) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

bool looks_numeric(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Result<uid_t> parse_user(std::string_view text, std::string_view subject, NameResolver& names) {
  if (text.empty()) return usage_error(std::string(subject), "empty user name");
  if (auto by_name = names.user_id(text)) return *by_name;
  if (auto number = numeric_id(text)) return static_cast<uid_t>(*number);
  if (looks_numeric(text)) {
    return usage_error(std::string(subject), "uid " + std::string(text) + " is out of range");
  }
  return usage_error(std::string(subject), "no such user: '" + std::string(text) + "'");
}

Result<gid_t> parse_group(std::string_view text, std::string_view subject, NameResolver& names) {
  if (text.empty()) return usage_error(std::string(subject), "empty group name");
  if (auto by_name = names.group_id(text)) return *by_name;
  if (auto number = numeric_id(text)) return static_cast<gid_t>(*number);
  if (looks_numeric(text)) {
    return usage_error(std::string(subject), "gid " + std::string(text) + " is out of range");
  }
  return usage_error(std::string(subject), "no such group: '" + std::string(text) + "'");
}

Result<OwnerChange> parse_owner(std::string_view text, NameResolver& names) {
  const std::string subject(text);
  const auto colon = text.find(':');
  const std::string_view user_part = text.substr(0, colon);
  OwnerChange change;
  if (!user_part.empty()) {
    auto uid = parse_user(user_part, subject, names);
    if (!uid.ok()) return uid.error();
    change.uid = *uid;
  }
  if (colon != std::string_view::npos) {
    const std::string_view group_part = text.substr(colon + 1);
    if (!group_part.empty()) {
      auto gid = parse_group(group_part, subject, names);
      if (!gid.ok()) return gid.error();
      change.gid = *gid;
    } else if (change.uid) {
      change.gid = names.login_group(*change.uid);
      if (!change.gid) {
        return usage_error(subject, "user has no login group to use for 'USER:'");
      }
    }
  }
  if (!change.uid && !change.gid) {
    return usage_error(subject.empty() ? "OWNER" : subject,
                       "give an owner, a :group, or both (OWNER[:GROUP])");
  }
  return change;
}

}  // namespace shmtool
