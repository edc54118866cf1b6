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

std::string na() {
  return "-";
}

// The text of a System V value, "-" for a POSIX object.
template <class F>
std::string sysv_text(RowRef r, F f) {
  return r.sysv != nullptr ? f(*r.sysv) : na();
}

// Values a kind does not have sort before every value it has.
SortKey absent_key() {
  return std::int64_t{INT64_MIN};
}

using R = RowRef;
using C = CellContext&;

// "1234,5678": the holders' pids, "-" for none or when /proc was not read.
std::string pids_text(RowRef r, const CellContext& c) {
  if (c.holders == nullptr) return na();
  const std::vector<pid_t> pids =
      r.sysv ? c.holders->segment_holders(r.sysv->id, r.common.ns ? r.common.ns->inode : 0)
             : c.holders->object_holders(r.posix->dev, r.posix->ino);
  std::string out;
  for (pid_t pid : pids) {
    if (!out.empty()) out += ',';
    out += std::to_string(pid);
  }
  return out.empty() ? na() : out;
}

// The creator's command while it runs, as lsipc shows it; "-" once it has exited (or its pid
// was reused by a later process), and for a POSIX object, which records no creator.
std::string creator_command(RowRef r) {
  if (r.sysv == nullptr || !r.sysv->ctime) return na();
  const auto creator = creator_process(r.sysv->cpid, *r.sysv->ctime);
  return creator ? creator->comm : na();
}

constexpr std::array<Column, 26> kColumns{{
    {"KEY", "key, as 0x and eight hex digits", Align::left, false,
     [](R r, C) {
       return sysv_text(r, [](const SegmentRecord& s) { return format_key_hex(s.key); });
     },
     [](R r, C) -> SortKey { return r.sysv ? SortKey(std::uint64_t{r.sysv->key}) : absent_key(); }},
    {"ID", "segment id (shmid)", Align::right, false,
     [](R r, C) {
       return sysv_text(r, [](const SegmentRecord& s) { return std::to_string(s.id); });
     },
     [](R r, C) -> SortKey { return r.sysv ? std::int64_t{r.sysv->id} : INT64_MIN; }},
    {"OWNER", "owner's user name (uid if it has none)", Align::left, false,
     [](R r, C c) { return user_text(r.common.uid, c); },
     [](R r, C c) -> SortKey { return user_text(r.common.uid, c); }},
    {"GROUP", "owner's group name", Align::left, false,
     [](R r, C c) { return group_text(r.common.gid, c); },
     [](R r, C c) -> SortKey { return group_text(r.common.gid, c); }},
    {"CUSER", "creator's user name (segments)", Align::left, false,
     [](R r, C c) { return r.sysv ? user_text(r.sysv->cuid, c) : na(); },
     [](R r, C c) -> SortKey { return r.sysv ? user_text(r.sysv->cuid, c) : na(); }},
    {"CGROUP", "creator's group name (segments)", Align::left, false,
     [](R r, C c) { return r.sysv ? group_text(r.sysv->cgid, c) : na(); },
     [](R r, C c) -> SortKey { return r.sysv ? group_text(r.sysv->cgid, c) : na(); }},
    {"PERMS", "permissions, as rwx letters", Align::left, false,
     [](R r, C) { return format_perms(r.common.mode); },
     [](R r, C) -> SortKey { return std::uint64_t{r.common.mode}; }},
    {"SIZE", "size (bytes with --bytes or --raw)", Align::right, false,
     [](R r, C c) { return size_text(r.common.size, c); },
     [](R r, C) -> SortKey { return r.common.size; }},
    {"NATTCH", "number of attached processes", Align::right, false,
     [](R r, C) {
       if (r.sysv) return std::to_string(r.sysv->nattch);
       return r.posix->nattch ? std::to_string(*r.posix->nattch) : na();
     },
     [](R r, C) -> SortKey {
       if (r.sysv) return r.sysv->nattch;
       return r.posix->nattch ? SortKey(*r.posix->nattch) : absent_key();
     }},
    {"STATUS", "dest (marked for removal), locked, or both", Align::left, false,
     [](R r, C) { return status_text(r); }, [](R r, C) -> SortKey { return status_text(r); }},
    {"CPID", "creator's process id (segments)", Align::right, false,
     [](R r, C) {
       return sysv_text(r, [](const SegmentRecord& s) { return std::to_string(s.cpid); });
     },
     [](R r, C) -> SortKey { return r.sysv ? std::int64_t{r.sysv->cpid} : INT64_MIN; }},
    {"LPID", "last process to attach or detach (segments)", Align::right, false,
     [](R r, C) {
       return sysv_text(r, [](const SegmentRecord& s) { return std::to_string(s.lpid); });
     },
     [](R r, C) -> SortKey { return r.sysv ? std::int64_t{r.sysv->lpid} : INT64_MIN; }},
    {"ATIME", "last attach time (POSIX: last access)", Align::left, false,
     [](R r, C c) { return format_time(r.common.atime, c.times); },
     [](R r, C) { return time_key(r.common.atime); }},
    {"DTIME", "last detach time (segments)", Align::left, false,
     [](R r, C c) { return r.sysv ? format_time(r.sysv->dtime, c.times) : na(); },
     [](R r, C) { return r.sysv ? time_key(r.sysv->dtime) : absent_key(); }},
    {"CTIME", "last change time", Align::left, false,
     [](R r, C c) { return format_time(r.common.ctime, c.times); },
     [](R r, C) { return time_key(r.common.ctime); }},
    {"RSS", "resident memory (segments)", Align::right, true,
     [](R r, C c) { return r.sysv ? optional_size_text(r.sysv->rss, c) : na(); },
     [](R r, C) { return r.sysv ? usage_key(r.sysv->rss) : absent_key(); }},
    {"SWAP", "swapped-out memory (segments)", Align::right, true,
     [](R r, C c) { return r.sysv ? optional_size_text(r.sysv->swap, c) : na(); },
     [](R r, C) { return r.sysv ? usage_key(r.sysv->swap) : absent_key(); }},
    {"TYPE", "sysv (System V segment) or posix (POSIX object in /dev/shm)", Align::left, false,
     [](R r, C) { return std::string(r.sysv ? "sysv" : "posix"); },
     [](R r, C) -> SortKey { return std::string(r.sysv ? "sysv" : "posix"); }},
    {"NAME", "key 0x... of a segment, /NAME of a POSIX object", Align::left, false,
     [](R r, C) {
       return r.sysv ? format_key_hex(r.sysv->key) : posix_display_name(r.posix->name);
     },
     [](R r, C) -> SortKey {
       return r.sysv ? format_key_hex(r.sysv->key) : posix_display_name(r.posix->name);
     }},
    {"ALLOCATED", "memory a POSIX object occupies (pages touched)", Align::right, false,
     [](R r, C c) { return r.posix ? size_text(r.posix->allocated, c) : na(); },
     [](R r, C) -> SortKey { return r.posix ? SortKey(r.posix->allocated) : absent_key(); }},
    {"MTIME", "last write time (POSIX objects)", Align::left, false,
     [](R r, C c) { return r.posix ? format_time(r.posix->mtime, c.times) : na(); },
     [](R r, C) { return r.posix ? time_key(r.posix->mtime) : absent_key(); }},
    {"PIDS", "the attached processes' ids (read from /proc)", Align::left, false,
     [](R r, C c) { return pids_text(r, c); }, [](R r, C c) -> SortKey { return pids_text(r, c); }},
    {"COMMAND", "the creator's command, while it runs (segments)", Align::left, false,
     [](R r, C) { return creator_command(r); },
     [](R r, C) -> SortKey { return creator_command(r); }},
    {"NS", "the IPC namespace's inode (--all-namespaces)", Align::right, false,
     [](R r, C) { return r.common.ns ? std::to_string(r.common.ns->inode) : na(); },
     [](R r, C) -> SortKey { return r.common.ns ? SortKey(r.common.ns->inode) : absent_key(); }},
    {"NSPID", "its lowest pid (a POSIX object: the lowest that sees its /dev/shm)", Align::right,
     false, [](R r, C) { return r.common.ns ? std::to_string(r.common.ns->pid) : na(); },
     [](R r, C) -> SortKey {
       return r.common.ns ? SortKey(std::int64_t{r.common.ns->pid}) : absent_key();
     }},
    {"NSCOMM", "that process's command (--all-namespaces)", Align::left, false,
     [](R r, C) { return r.common.ns ? r.common.ns->comm : na(); },
     [](R r, C) -> SortKey { return r.common.ns ? r.common.ns->comm : na(); }},
}};

// The holder's columns of `who`: one row is a process's hold of one object.
template <class F>
std::string process_text(RowRef r, F f) {
  return r.process != nullptr ? f(*r.process) : na();
}

constexpr std::array<Column, 5> kHolderColumns{{
    {"PID", "the process's id", Align::right, false,
     [](R r, C) {
       return process_text(r, [](const ProcessInfo& p) { return std::to_string(p.pid); });
     },
     [](R r, C) -> SortKey { return r.process ? std::int64_t{r.process->pid} : INT64_MIN; }},
    {"USER", "the process's user name (effective uid)", Align::left, false,
     [](R r, C c) { return r.process ? user_text(r.process->uid, c) : na(); },
     [](R r, C c) -> SortKey { return r.process ? user_text(r.process->uid, c) : na(); }},
    {"COMMAND", "the process's command name", Align::left, false,
     [](R r, C) { return process_text(r, [](const ProcessInfo& p) { return p.comm; }); },
     [](R r, C) -> SortKey {
       return process_text(r, [](const ProcessInfo& p) { return p.comm; });
     }},
    {"CMDLINE", "the process's command line", Align::left, false,
     [](R r, C) { return process_text(r, [](const ProcessInfo& p) { return p.cmdline; }); },
     [](R r, C) -> SortKey {
       return process_text(r, [](const ProcessInfo& p) { return p.cmdline; });
     }},
    {"MAPPED", "bytes the process maps of it (0: only an open descriptor)", Align::right, false,
     [](R r, C c) { return r.holding ? size_text(r.holding->mapped, c) : na(); },
     [](R r, C) -> SortKey { return r.holding ? SortKey(r.holding->mapped) : absent_key(); }},
}};

constexpr std::array<std::string_view, 9> kDefaultNames{
    "KEY", "ID", "OWNER", "PERMS", "SIZE", "NATTCH", "STATUS", "CPID", "LPID"};

constexpr std::array<std::string_view, 7> kPosixDefaultNames{"NAME", "OWNER",     "GROUP", "PERMS",
                                                             "SIZE", "ALLOCATED", "MTIME"};

constexpr std::array<std::string_view, 10> kAllDefaultNames{
    "TYPE", "NAME", "ID", "OWNER", "PERMS", "SIZE", "NATTCH", "STATUS", "CPID", "LPID"};

constexpr std::array<std::string_view, 8> kWhoDefaultNames{"PID",  "USER", "COMMAND", "TYPE",
                                                           "NAME", "ID",   "SIZE",    "MAPPED"};

// The columns --all-namespaces puts first: which namespace a row is of.
constexpr std::array<std::string_view, 3> kNamespaceNames{"NS", "NSPID", "NSCOMM"};

// The object's columns `who` does not take: PIDS (the row is one holder) and list's COMMAND
// (the creator's: who's COMMAND is the holder's), RSS and SWAP (read from another file).
constexpr std::array<std::string_view, 4> kNotInWho{"PIDS", "COMMAND", "RSS", "SWAP"};

bool same_name(std::string_view column, std::string_view name) {
  return std::equal(column.begin(), column.end(), name.begin(), name.end(), [](char a, char b) {
    return a == std::toupper(static_cast<unsigned char>(b));
  });
}

std::vector<const Column*> pick(std::span<const std::string_view> names,
                                const std::vector<const Column*>& from) {
  std::vector<const Column*> out;
  for (std::string_view name : names) {
    for (const Column* c : from) {
      if (c->name == name) out.push_back(c);
    }
  }
  return out;
}

// A set of columns: every one a command takes, and those it shows without -o.
struct ColumnSet {
  std::vector<const Column*> columns;
  std::vector<const Column*> defaults;

  const Column* find(std::string_view name) const {
    for (const Column* c : columns) {
      if (same_name(c->name, name)) return c;
    }
    return nullptr;
  }

  Error unknown(std::string_view name, std::string_view subject) const {
    std::string known;
    for (const Column* c : columns) {
      if (!known.empty()) known += ", ";
      known += c->name;
    }
    return usage_error(std::string(subject),
                       "unknown column '" + std::string(name) + "' (known: " + known + ")");
  }

  // The defaults, after the namespace's columns when `namespaces` (--all-namespaces).
  std::vector<const Column*> defaults_of(bool namespaces) const {
    if (!namespaces) return defaults;
    std::vector<const Column*> out = pick(kNamespaceNames, columns);
    out.insert(out.end(), defaults.begin(), defaults.end());
    return out;
  }

  Result<std::vector<const Column*>> parse(std::string_view spec, bool namespaces) const {
    std::vector<const Column*> out;
    if (!spec.empty() && spec.front() == '+') {
      out = defaults_of(namespaces);
      spec.remove_prefix(1);
    }
    if (spec.empty()) return usage_error("-o", "no columns named");
    std::size_t pos = 0;
    while (pos <= spec.size()) {
      auto comma = spec.find(',', pos);
      if (comma == std::string_view::npos) comma = spec.size();
      const std::string_view name = spec.substr(pos, comma - pos);
      if (name.empty()) {
        return usage_error("-o", "empty column name in '" + std::string(spec) + "'");
      }
      const Column* column = find(name);
      if (column == nullptr) return unknown(name, "-o");
      if (std::find(out.begin(), out.end(), column) == out.end()) out.push_back(column);
      pos = comma + 1;
    }
    return out;
  }

  Result<const Column*> parse_sort(std::string_view name) const {
    const Column* column = find(name);
    if (column == nullptr) return unknown(name, "--sort");
    return column;
  }
};

const ColumnSet& list_set(TypeSelection types) {
  static const std::array<ColumnSet, 3> sets = [] {
    std::vector<const Column*> every;
    for (const Column& c : kColumns)
      every.push_back(&c);
    return std::array<ColumnSet, 3>{ColumnSet{every, pick(kDefaultNames, every)},
                                    ColumnSet{every, pick(kPosixDefaultNames, every)},
                                    ColumnSet{every, pick(kAllDefaultNames, every)}};
  }();
  if (types == TypeSelection::posix) return sets[1];
  if (types == TypeSelection::all) return sets[2];
  return sets[0];
}

const ColumnSet& who_set() {
  static const ColumnSet set = [] {
    std::vector<const Column*> every;
    for (const Column& c : kHolderColumns)
      every.push_back(&c);
    for (const Column& c : kColumns) {
      if (std::find(kNotInWho.begin(), kNotInWho.end(), c.name) == kNotInWho.end()) {
        every.push_back(&c);
      }
    }
    return ColumnSet{every, pick(kWhoDefaultNames, every)};
  }();
  return set;
}

}  // namespace

bool needs_holders(const Column& column, bool posix) {
  return column.name == "PIDS" || (posix && column.name == "NATTCH");
}

std::span<const Column> all_columns() {
  return kColumns;
}

std::vector<const Column*> default_columns(TypeSelection types, bool namespaces) {
  return list_set(types).defaults_of(namespaces);
}

const Column* find_column(std::string_view name) {
  return list_set(TypeSelection::sysv).find(name);
}

Result<std::vector<const Column*>> parse_column_list(std::string_view spec, TypeSelection types,
                                                     bool namespaces) {
  return list_set(types).parse(spec, namespaces);
}

Result<const Column*> parse_sort_column(std::string_view name) {
  return list_set(TypeSelection::sysv).parse_sort(name);
}

std::span<const Column* const> who_columns() {
  return who_set().columns;
}

std::vector<const Column*> default_who_columns(bool namespaces) {
  return who_set().defaults_of(namespaces);
}

Result<std::vector<const Column*>> parse_who_column_list(std::string_view spec, bool namespaces) {
  return who_set().parse(spec, namespaces);
}

Result<const Column*> parse_who_sort_column(std::string_view name) {
  return who_set().parse_sort(name);
}

std::string status_text(RowRef row) {
  if (row.sysv == nullptr) return "";
  const SegmentRecord& record = *row.sysv;
  if (record.dest && record.locked) return "dest,locked";
  if (record.dest) return "dest";
  if (record.locked) return "locked";
  return "";
}

}  // namespace shmtool
