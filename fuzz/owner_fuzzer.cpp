// Fuzzes parse_user, parse_group and parse_owner with a fixed table of names, so no run asks the
// system's name service: names win over numbers, numbers stay below 2^32 - 1 (chown's "leave
// as is"), and OWNER[:GROUP] fills exactly the fields it names.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "fuzz_check.hpp"
#include "util/owner_parse.hpp"

namespace shmtool::fuzz {
namespace {

struct Entry {
  std::string_view name;
  std::uint32_t id;
};

// "4242" is a user whose name is all digits; "nologin" has no login group.
constexpr std::array<Entry, 5> kUsers{
    {{"root", 0}, {"alice", 1000}, {"bob", 1001}, {"4242", 7}, {"nologin", 2000}}};
constexpr std::array<Entry, 4> kGroups{{{"root", 0}, {"users", 100}, {"alice", 1000}, {"7", 42}}};
// Login groups by uid; "nologin" (2000) has none.
constexpr std::array<std::pair<std::uint32_t, std::uint32_t>, 4> kLoginGroups{
    {{0, 0}, {1000, 1000}, {1001, 100}, {7, 42}}};

template <std::size_t N>
std::optional<std::uint32_t> id_named(const std::array<Entry, N>& table, std::string_view name) {
  for (const Entry& e : table) {
    if (e.name == name) return e.id;
  }
  return std::nullopt;
}

template <std::size_t N>
std::optional<std::string> name_of(const std::array<Entry, N>& table, std::uint32_t id) {
  for (const Entry& e : table) {
    if (e.id == id) return std::string(e.name);
  }
  return std::nullopt;
}

/// A deterministic NameResolver over the tables above.
class FakeNames final : public NameResolver {
 public:
  std::optional<std::string> user_name(uid_t uid) override { return name_of(kUsers, uid); }
  std::optional<std::string> group_name(gid_t gid) override { return name_of(kGroups, gid); }
  std::optional<uid_t> user_id(std::string_view name) override { return id_named(kUsers, name); }
  std::optional<gid_t> group_id(std::string_view name) override { return id_named(kGroups, name); }
  std::optional<gid_t> login_group(uid_t uid) override {
    for (const auto& [user, group] : kLoginGroups) {
      if (user == uid) return group;
    }
    return std::nullopt;
  }
};

constexpr std::string_view kSubject = "USER";
constexpr std::uint32_t kNoId = 0xffffffffU;  // chown(2)'s "leave as is"

// What USER|UID or GROUP|GID should be: a known name first, else 1..10 digits below 2^32 - 1.
template <std::size_t N>
std::optional<std::uint32_t> expected_id(const std::array<Entry, N>& table, std::string_view text) {
  if (auto named = id_named(table, text)) return named;
  if (!all_decimal(text) || text.size() > 10) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text)
    value = value * 10 + static_cast<unsigned>(c - '0');
  if (value >= kNoId) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

void check_usage_error(const Error& error) {
  FUZZ_CHECK(error.kind == ErrorKind::usage);
  FUZZ_CHECK(!error.subject.empty());
  FUZZ_CHECK(!error.detail.empty());
}

template <class Id, std::size_t N>
void check_id(const Result<Id>& parsed, const std::array<Entry, N>& table, std::string_view text) {
  const auto expected = expected_id(table, text);
  if (!parsed.ok()) {
    check_usage_error(parsed.error());
    FUZZ_CHECK(!expected);
    return;
  }
  FUZZ_CHECK(*parsed != kNoId);
  FUZZ_CHECK(expected && *expected == *parsed);
}

void check_owner(std::string_view text, FakeNames& names) {
  const auto change = parse_owner(text, names);
  if (!change.ok()) {
    check_usage_error(change.error());
    return;
  }
  FUZZ_CHECK(change->uid || change->gid);
  const auto colon = text.find(':');
  const std::string_view user_part = text.substr(0, colon);
  // A user is set exactly when one is named, and it is what parse_user makes of it.
  FUZZ_CHECK(change->uid.has_value() == !user_part.empty());
  if (change->uid) {
    const auto uid = parse_user(user_part, kSubject, names);
    FUZZ_CHECK(uid.ok() && *uid == *change->uid && *uid != kNoId);
  }
  if (colon == std::string_view::npos) {
    FUZZ_CHECK(!change->gid);
    return;
  }
  const std::string_view group_part = text.substr(colon + 1);
  FUZZ_CHECK(change->gid.has_value());
  FUZZ_CHECK(*change->gid != kNoId);
  if (group_part.empty()) {
    // "user:" is the user's login group.
    FUZZ_CHECK(change->uid && names.login_group(*change->uid) == change->gid);
  } else {
    const auto gid = parse_group(group_part, kSubject, names);
    FUZZ_CHECK(gid.ok() && *gid == *change->gid);
  }
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shmtool::fuzz;
  const std::string_view text = as_text(data, size);
  FakeNames names;
  check_id(shmtool::parse_user(text, kSubject, names), kUsers, text);
  check_id(shmtool::parse_group(text, kSubject, names), kGroups, text);
  check_owner(text, names);
  return 0;
}
