#include "render/segment_fields.hpp"

#include <array>
#include <optional>

#include "model/segment_ref.hpp"
#include "util/mode_parse.hpp"

namespace shmtool {
namespace {

JsonValue signed_value(std::int64_t value) {
  return value;
}

JsonValue unsigned_value(std::uint64_t value) {
  return value;
}

// A time or a byte count the kernel may not give: null then.
template <class T>
JsonValue optional_number(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

JsonValue optional_name(std::optional<std::string> name) {
  if (!name) return nullptr;
  return std::move(*name);
}

using S = const SegmentRecord&;
using N = NameResolver&;

constexpr std::array<JsonField, 24> kFields{{
    {"id", [](S s, N) { return signed_value(s.id); }},
    {"key", [](S s, N) { return unsigned_value(s.key); }},
    {"key_hex", [](S s, N) { return JsonValue(format_key_hex(s.key)); }},
    {"size", [](S s, N) { return unsigned_value(s.size); }},
    {"mode", [](S s, N) { return unsigned_value(s.mode); }},
    {"perms", [](S s, N) { return JsonValue(format_perms(s.mode)); }},
    {"uid", [](S s, N) { return unsigned_value(s.uid); }},
    {"user", [](S s, N names) { return optional_name(names.user_name(s.uid)); }},
    {"gid", [](S s, N) { return unsigned_value(s.gid); }},
    {"group", [](S s, N names) { return optional_name(names.group_name(s.gid)); }},
    {"cuid", [](S s, N) { return unsigned_value(s.cuid); }},
    {"cuser", [](S s, N names) { return optional_name(names.user_name(s.cuid)); }},
    {"cgid", [](S s, N) { return unsigned_value(s.cgid); }},
    {"cgroup", [](S s, N names) { return optional_name(names.group_name(s.cgid)); }},
    {"cpid", [](S s, N) { return signed_value(s.cpid); }},
    {"lpid", [](S s, N) { return signed_value(s.lpid); }},
    {"nattch", [](S s, N) { return unsigned_value(s.nattch); }},
    {"atime", [](S s, N) { return optional_number(s.atime); }},
    {"dtime", [](S s, N) { return optional_number(s.dtime); }},
    {"ctime", [](S s, N) { return optional_number(s.ctime); }},
    {"dest", [](S s, N) { return JsonValue(s.dest); }},
    {"locked", [](S s, N) { return JsonValue(s.locked); }},
    {"rss", [](S s, N) { return optional_number(s.rss); }},
    {"swap", [](S s, N) { return optional_number(s.swap); }},
}};

}  // namespace

std::span<const JsonField> segment_json_fields() {
  return kFields;
}

}  // namespace shmtool
