#include "render/columns.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

#include "model/segment_ref.hpp"
#include "util/mode_parse.hpp"

namespace shmtool {
namespace {

std::string user_text(uid_t uid, CellContext& c) {
  auto name = c.names.user_name(uid);
  return name ? *name : std::to_string(uid);
}

std::string group_text(gid_t gid, CellContext& c) {
  auto name = c.names.group_name(gid);
  return name ? *name : std::to_string(gid);
}

std::string size_text(std::uint64_t bytes, const CellContext& c) {
  return c.sizes == SizeStyle::human ? format_human_size(bytes) : std::to_string(bytes);
}

std::string optional_size_text(const std::optional<std::uint64_t>& bytes, const CellContext& c) {
  return bytes ? size_text(*bytes, c) : "-";
}

SortKey time_key(const std::optional<std::int64_t>& t) {
  return t ? *t : INT64_MIN;
}

// Unknown sorts before every known value: variant order puts int64 before uint64.
SortKey usage_key(const std::optional<std::uint64_t>& v) {
  if (!v) return std::int64_t{-1};
  return *v;
}

using R = const SegmentRecord&;
using C = CellContext&;

constexpr std::array<Column, 17> kColumns{{
    {"KEY", "key, as 0x and eight hex digits", Align::left, false,
     [](R r, C) { return format_key_hex(r.key); },
     [](R r, C) -> SortKey { return std::uint64_t{r.key}; }},
    {"ID", "segment id (shmid)", Align::right, false, [](R r, C) { return std::to_string(r.id); },
     [](R r, C) -> SortKey { return std::int64_t{r.id}; }},
    {"OWNER", "owner's user name (uid if it has none)", Align::left, false,
     [](R r, C c) { return user_text(r.uid, c); },
     [](R r, C c) -> SortKey { return user_text(r.uid, c); }},
    {"GROUP", "owner's group name", Align::left, false,
     [](R r, C c) { return group_text(r.gid, c); },
     [](R r, C c) -> SortKey { return group_text(r.gid, c); }},
    {"CUSER", "creator's user name", Align::left, false,
     [](R r, C c) { return user_text(r.cuid, c); },
     [](R r, C c) -> SortKey { return user_text(r.cuid, c); }},
    {"CGROUP", "creator's group name", Align::left, false,
     [](R r, C c) { return group_text(r.cgid, c); },
     [](R r, C c) -> SortKey { return group_text(r.cgid, c); }},
    {"PERMS", "permissions, as rwx letters", Align::left, false,
     [](R r, C) { return format_perms(r.mode); },
     [](R r, C) -> SortKey { return std::uint64_t{r.mode}; }},
    {"SIZE", "size (bytes with --bytes or --raw)", Align::right, false,
     [](R r, C c) { return size_text(r.size, c); }, [](R r, C) -> SortKey { return r.size; }},
    {"NATTCH", "number of attached processes", Align::right, false,
     [](R r, C) { return std::to_string(r.nattch); }, [](R r, C) -> SortKey { return r.nattch; }},
    {"STATUS", "dest (marked for removal), locked, or both", Align::left, false,
     [](R r, C) { return status_text(r); }, [](R r, C) -> SortKey { return status_text(r); }},
    {"CPID", "creator's process id", Align::right, false,
     [](R r, C) { return std::to_string(r.cpid); },
     [](R r, C) -> SortKey { return std::int64_t{r.cpid}; }},
    {"LPID", "last process to attach or detach", Align::right, false,
     [](R r, C) { return std::to_string(r.lpid); },
     [](R r, C) -> SortKey { return std::int64_t{r.lpid}; }},
    {"ATIME", "last attach time", Align::left, false,
     [](R r, C c) { return format_time(r.atime, c.times); },
     [](R r, C) { return time_key(r.atime); }},
    {"DTIME", "last detach time", Align::left, false,
     [](R r, C c) { return format_time(r.dtime, c.times); },
     [](R r, C) { return time_key(r.dtime); }},
    {"CTIME", "last change time", Align::left, false,
     [](R r, C c) { return format_time(r.ctime, c.times); },
     [](R r, C) { return time_key(r.ctime); }},
    {"RSS", "resident memory", Align::right, true,
     [](R r, C c) { return optional_size_text(r.rss, c); },
     [](R r, C) { return usage_key(r.rss); }},
    {"SWAP", "swapped-out memory", Align::right, true,
     [](R r, C c) { return optional_size_text(r.swap, c); },
     [](R r, C) { return usage_key(r.swap); }},
}};

constexpr std::array<std::string_view, 9> kDefaultNames{
    "KEY", "ID", "OWNER", "PERMS", "SIZE", "NATTCH", "STATUS", "CPID", "LPID"};

std::string known_names() {
  std::string out;
  for (const Column& c : kColumns) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

Error unknown_column(std::string_view name, std::string_view subject) {
  return usage_error(std::string(subject),
                     "unknown column '" + std::string(name) + "' (known: " + known_names() + ")");
}

}  // namespace

std::span<const Column> all_columns() {
  return kColumns;
}

std::vector<const Column*> default_columns() {
  std::vector<const Column*> out;
  for (std::string_view name : kDefaultNames)
    out.push_back(find_column(name));
  return out;
}

const Column* find_column(std::string_view name) {
  for (const Column& c : kColumns) {
    if (std::equal(c.name.begin(), c.name.end(), name.begin(), name.end(), [](char a, char b) {
          return a == std::toupper(static_cast<unsigned char>(b));
        })) {
      return &c;
    }
  }
  return nullptr;
}

Result<std::vector<const Column*>> parse_column_list(std::string_view spec) {
  std::vector<const Column*> out;
  if (!spec.empty() && spec.front() == '+') {
    out = default_columns();
    spec.remove_prefix(1);
  }
  if (spec.empty()) return usage_error("-o", "no columns named");
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    auto comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    const std::string_view name = spec.substr(pos, comma - pos);
    if (name.empty()) return usage_error("-o", "empty column name in '" + std::string(spec) + "'");
    const Column* column = find_column(name);
    if (column == nullptr) return unknown_column(name, "-o");
    if (std::find(out.begin(), out.end(), column) == out.end()) out.push_back(column);
    pos = comma + 1;
  }
  return out;
}

Result<const Column*> parse_sort_column(std::string_view name) {
  const Column* column = find_column(name);
  if (column == nullptr) return unknown_column(name, "--sort");
  return column;
}

std::string status_text(const SegmentRecord& record) {
  if (record.dest && record.locked) return "dest,locked";
  if (record.dest) return "dest";
  if (record.locked) return "locked";
  return "";
}

}  // namespace shmtool
