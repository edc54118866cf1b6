#include "util/names.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace shmtool {
namespace {

std::size_t buffer_size(int which) {
  const long hint = sysconf(which);
  return hint > 0 ? static_cast<std::size_t>(hint) : 4096;
}

// Calls a get*_r function, growing the buffer on ERANGE. Returns the entry or nullptr.
template <class Entry, class Call>
Entry* lookup(Entry& entry, std::vector<char>& buffer, Call call) {
  for (;;) {
    Entry* result = nullptr;
    const int rc = call(&entry, buffer.data(), buffer.size(), &result);
    if (rc == ERANGE && buffer.size() < (1U << 20)) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    return rc == 0 ? result : nullptr;
  }
}

}  // namespace

const SystemNames::UserEntry& SystemNames::user(uid_t uid) {
  auto found = users_.find(uid);
  if (found != users_.end()) return found->second;
  passwd entry{};
  std::vector<char> buffer(buffer_size(_SC_GETPW_R_SIZE_MAX));
  UserEntry value;
  if (passwd* pw = lookup(entry, buffer, [uid](passwd* e, char* b, std::size_t n, passwd** r) {
        return getpwuid_r(uid, e, b, n, r);
      })) {
    value.name = pw->pw_name;
    value.login_group = pw->pw_gid;
  }
  return users_.emplace(uid, std::move(value)).first->second;
}

std::optional<std::string> SystemNames::user_name(uid_t uid) {
  return user(uid).name;
}

std::optional<gid_t> SystemNames::login_group(uid_t uid) {
  return user(uid).login_group;
}

std::optional<std::string> SystemNames::group_name(gid_t gid) {
  auto found = groups_.find(gid);
  if (found != groups_.end()) return found->second;
  group entry{};
  std::vector<char> buffer(buffer_size(_SC_GETGR_R_SIZE_MAX));
  std::optional<std::string> name;
  if (group* gr = lookup(entry, buffer, [gid](group* e, char* b, std::size_t n, group** r) {
        return getgrgid_r(gid, e, b, n, r);
      })) {
    name = gr->gr_name;
  }
  return groups_.emplace(gid, std::move(name)).first->second;
}

std::optional<uid_t> SystemNames::user_id(std::string_view name) {
  passwd entry{};
  std::vector<char> buffer(buffer_size(_SC_GETPW_R_SIZE_MAX));
  const std::string key(name);
  if (passwd* pw = lookup(entry, buffer, [&key](passwd* e, char* b, std::size_t n, passwd** r) {
        return getpwnam_r(key.c_str(), e, b, n, r);
      })) {
    return pw->pw_uid;
  }
  return std::nullopt;
}

std::optional<gid_t> SystemNames::group_id(std::string_view name) {
  group entry{};
  std::vector<char> buffer(buffer_size(_SC_GETGR_R_SIZE_MAX));
  const std::string key(name);
  if (group* gr = lookup(entry, buffer, [&key](group* e, char* b, std::size_t n, group** r) {
        return getgrnam_r(key.c_str(), e, b, n, r);
      })) {
    return gr->gr_gid;
  }
  return std::nullopt;
}

}  // namespace shmtool
