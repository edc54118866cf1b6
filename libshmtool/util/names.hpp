#pragma once
// User and group names. The interface lets unit tests supply a fixed table; the system
// implementation asks the name service once per distinct id or name in a run.

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace shmtool {

/// Maps ids to names and back.
class NameResolver {
 public:
  virtual ~NameResolver() = default;
  /// Returns the user name of `uid`, or nullopt when it has none.
  virtual std::optional<std::string> user_name(uid_t uid) = 0;
  /// Returns the group name of `gid`, or nullopt when it has none.
  virtual std::optional<std::string> group_name(gid_t gid) = 0;
  /// Returns the uid of user `name`, or nullopt when there is no such user.
  virtual std::optional<uid_t> user_id(std::string_view name) = 0;
  /// Returns the gid of group `name`, or nullopt when there is no such group.
  virtual std::optional<gid_t> group_id(std::string_view name) = 0;
  /// Returns the login group of `uid`, or nullopt when the user is unknown.
  virtual std::optional<gid_t> login_group(uid_t uid) = 0;
};

/// The name service (getpwuid_r and friends), with every answer cached for the run.
class SystemNames final : public NameResolver {
 public:
  std::optional<std::string> user_name(uid_t uid) override;
  std::optional<std::string> group_name(gid_t gid) override;
  std::optional<uid_t> user_id(std::string_view name) override;
  std::optional<gid_t> group_id(std::string_view name) override;
  std::optional<gid_t> login_group(uid_t uid) override;

 private:
  struct UserEntry {
    std::optional<std::string> name;
    std::optional<gid_t> login_group;
  };
  const UserEntry& user(uid_t uid);

  std::unordered_map<uid_t, UserEntry> users_;
  std::unordered_map<gid_t, std::optional<std::string>> groups_;
};

}  // namespace shmtool
