#include "render/segment_fields.hpp"

#include <array>
#include <optional>

#include <cstdio>

#include "model/segment_ref.hpp"
#include "util/human_format.hpp"
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

// stat's values: the raw value and a readable one.

std::string id_with_name(const std::optional<std::string>& name, unsigned id,
                         std::string_view id_word) {
  std::string out = name ? *name : "-";
  out += " (" + std::string(id_word) + " " + std::to_string(id) + ")";
  return out;
}

std::string time_with_epoch(const std::optional<std::int64_t>& epoch) {
  if (!epoch) return "never";
  return format_time(epoch, TimeStyle::local) + " (" + std::to_string(*epoch) + ")";
}

std::string perms_text(unsigned mode) {
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", mode);
  return format_perms(mode) + " (" + octal + ")";
}

std::string size_with_human(std::uint64_t bytes) {
  return std::to_string(bytes) + " (" + format_human_size(bytes) + ")";
}

std::string usage_text(const std::optional<std::uint64_t>& bytes) {
  if (!bytes) return "unknown";
  return size_with_human(*bytes);
}

// The kernel sets a segment's key to IPC_PRIVATE when it is marked for removal: 0 then says
// nothing about the key it had.
std::string key_text(const SegmentRecord& s) {
  if (s.key == 0 && s.dest) {
    return format_key_hex(0) +
           " (unknown: the kernel drops the key of a segment marked for removal)";
  }
  return format_key_hex(s.key) + " (" + std::to_string(s.key) + (s.key == 0 ? ", private)" : ")");
}

std::string owner_text(uid_t uid, NameResolver& names) {
  return id_with_name(names.user_name(uid), uid, "uid");
}

std::string group_text(gid_t gid, NameResolver& names) {
  return id_with_name(names.group_name(gid), gid, "gid");
}

std::string status_line(const SegmentRecord& s) {
  if (s.dest && s.locked) return "dest,locked";
  if (s.dest) return "dest";
  if (s.locked) return "locked";
  return "-";
}

using S = const SegmentRecord&;
using N = NameResolver&;

constexpr std::array<JsonField, 25> kFields{{
    {"type", [](S, N) { return JsonValue(std::string("sysv")); }},
    {"id", [](S s, N) { return signed_value(s.id); }, "id",
     [](S s, N) { return std::to_string(s.id); }},
    {"key", [](S s, N) { return unsigned_value(s.key); }, "key",
     [](S s, N) { return key_text(s); }},
    {"key_hex", [](S s, N) { return JsonValue(format_key_hex(s.key)); }},
    {"size", [](S s, N) { return unsigned_value(s.size); }, "size",
     [](S s, N) { return size_with_human(s.size); }},
    {"mode", [](S s, N) { return unsigned_value(s.mode); }, "perms",
     [](S s, N) { return perms_text(s.mode); }},
    {"perms", [](S s, N) { return JsonValue(format_perms(s.mode)); }},
    {"uid", [](S s, N) { return unsigned_value(s.uid); }, "owner",
     [](S s, N names) { return owner_text(s.uid, names); }},
    {"user", [](S s, N names) { return optional_name(names.user_name(s.uid)); }},
    {"gid", [](S s, N) { return unsigned_value(s.gid); }, "group",
     [](S s, N names) { return group_text(s.gid, names); }},
    {"group", [](S s, N names) { return optional_name(names.group_name(s.gid)); }},
    {"cuid", [](S s, N) { return unsigned_value(s.cuid); }, "cuser",
     [](S s, N names) { return owner_text(s.cuid, names); }},
    {"cuser", [](S s, N names) { return optional_name(names.user_name(s.cuid)); }},
    {"cgid", [](S s, N) { return unsigned_value(s.cgid); }, "cgroup",
     [](S s, N names) { return group_text(s.cgid, names); }},
    {"cgroup", [](S s, N names) { return optional_name(names.group_name(s.cgid)); }},
    {"cpid", [](S s, N) { return signed_value(s.cpid); }, "cpid",
     [](S s, N) { return std::to_string(s.cpid); }},
    {"lpid", [](S s, N) { return signed_value(s.lpid); }, "lpid",
     [](S s, N) { return std::to_string(s.lpid); }},
    {"nattch", [](S s, N) { return unsigned_value(s.nattch); }, "nattch",
     [](S s, N) { return std::to_string(s.nattch); }},
    {"atime", [](S s, N) { return optional_number(s.atime); }, "atime",
     [](S s, N) { return time_with_epoch(s.atime); }},
    {"dtime", [](S s, N) { return optional_number(s.dtime); }, "dtime",
     [](S s, N) { return time_with_epoch(s.dtime); }},
    {"ctime", [](S s, N) { return optional_number(s.ctime); }, "ctime",
     [](S s, N) { return time_with_epoch(s.ctime); }},
    {"dest", [](S s, N) { return JsonValue(s.dest); }, "status",
     [](S s, N) { return status_line(s); }},
    {"locked", [](S s, N) { return JsonValue(s.locked); }},
    {"rss", [](S s, N) { return optional_number(s.rss); }, "rss",
     [](S s, N) { return usage_text(s.rss); }},
    {"swap", [](S s, N) { return optional_number(s.swap); }, "swap",
     [](S s, N) { return usage_text(s.swap); }},
}};

using P = const PosixRecord&;

constexpr std::array<PosixJsonField, 15> kPosixFields{{
    {"type", [](P, N) { return JsonValue(std::string("posix")); }},
    {"name", [](P p, N) { return JsonValue(posix_display_name(p.name)); }, "name",
     [](P p, N) { return posix_display_name(p.name); }},
    {"path", [](P p, N) { return JsonValue(posix_path(p.name)); }, "path",
     [](P p, N) { return posix_path(p.name); }},
    {"size", [](P p, N) { return unsigned_value(p.size); }, "size",
     [](P p, N) { return size_with_human(p.size); }},
    {"allocated", [](P p, N) { return unsigned_value(p.allocated); }, "allocated",
     [](P p, N) { return size_with_human(p.allocated); }},
    {"mode", [](P p, N) { return unsigned_value(p.mode); }, "perms",
     [](P p, N) { return perms_text(p.mode); }},
    {"perms", [](P p, N) { return JsonValue(format_perms(p.mode)); }},
    {"uid", [](P p, N) { return unsigned_value(p.uid); }, "owner",
     [](P p, N names) { return owner_text(p.uid, names); }},
    {"user", [](P p, N names) { return optional_name(names.user_name(p.uid)); }},
    {"gid", [](P p, N) { return unsigned_value(p.gid); }, "group",
     [](P p, N names) { return group_text(p.gid, names); }},
    {"group", [](P p, N names) { return optional_name(names.group_name(p.gid)); }},
    {"atime", [](P p, N) { return optional_number(p.atime); }, "atime",
     [](P p, N) { return time_with_epoch(p.atime); }},
    {"mtime", [](P p, N) { return optional_number(p.mtime); }, "mtime",
     [](P p, N) { return time_with_epoch(p.mtime); }},
    {"ctime", [](P p, N) { return optional_number(p.ctime); }, "ctime",
     [](P p, N) { return time_with_epoch(p.ctime); }},
    {"nattch", [](P p, N) { return optional_number(p.nattch); }, "nattch",
     [](P p, N) { return p.nattch ? std::to_string(*p.nattch) : std::string("unknown"); }},
}};

}  // namespace

std::span<const JsonField> segment_json_fields() {
  return kFields;
}

std::span<const PosixJsonField> posix_json_fields() {
  return kPosixFields;
}

}  // namespace shmtool
