#pragma once
// A fixed table of user and group names, so tests of parsing and rendering do not depend on the
// machine's passwd and group files.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/names.hpp"

namespace shmtool::test {

/// Users root (0), alice (1000, login group 1000) and bob (1001, login group 100); groups root
/// (0), users (100) and alice (1000). Every other id has no name.
class FakeNames : public NameResolver {
 public:
  std::map<uid_t, std::string> users{{0, "root"}, {1000, "alice"}, {1001, "bob"}};
  std::map<gid_t, std::string> groups{{0, "root"}, {100, "users"}, {1000, "alice"}};
  std::map<uid_t, gid_t> login_groups{{0, 0}, {1000, 1000}, {1001, 100}};

  std::optional<std::string> user_name(uid_t uid) override {
    const auto found = users.find(uid);
    if (found == users.end()) return std::nullopt;
    return found->second;
  }
  std::optional<std::string> group_name(gid_t gid) override {
    const auto found = groups.find(gid);
    if (found == groups.end()) return std::nullopt;
    return found->second;
  }
  std::optional<uid_t> user_id(std::string_view name) override {
    for (const auto& [uid, user] : users) {
      if (user == name) return uid;
    }
    return std::nullopt;
  }
  std::optional<gid_t> group_id(std::string_view name) override {
    for (const auto& [gid, group] : groups) {
      if (group == name) return gid;
    }
    return std::nullopt;
  }
  std::optional<gid_t> login_group(uid_t uid) override {
    const auto found = login_groups.find(uid);
    if (found == login_groups.end()) return std::nullopt;
    return found->second;
  }
};

}  // namespace shmtool::test
