#pragma once
// The one registry of table columns: names, help, alignment, and how each value is got and
// sorted. It drives -o, --sort, the help text, the table and the completions.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "procs/holders.hpp"
#include "render/any_record.hpp"
#include "sysv/segment.hpp"
#include "util/human_format.hpp"
#include "util/names.hpp"
#include "util/result.hpp"

namespace shmtool {

enum class Align { left, right };

/// How sizes are written in cells.
enum class SizeStyle { human, bytes };

/// What a cell needs besides the record.
struct CellContext {
  NameResolver& names;
  SizeStyle sizes = SizeStyle::human;
  TimeStyle times = TimeStyle::local;
  const HolderMap* holders = nullptr;  // read when a column needs_holders
};

/// A value that orders a column: numbers numerically, names as text.
using SortKey = std::variant<std::int64_t, std::uint64_t, std::string>;

/// One column of `list`.
struct Column {
  std::string_view name;  // upper case, as in headings and -o
  std::string_view help;
  Align align;
  bool needs_usage;  // reads rss/swap from /proc
  // A cell of a row of either kind; "-" where the kind has no such value.
  std::string (*text)(RowRef, CellContext&);
  SortKey (*sort_key)(RowRef, CellContext&);
};

/// Returns whether `column` needs the walk of /proc for holders (PIDS; NATTCH of a POSIX
/// object, when `posix` objects are listed).
bool needs_holders(const Column& column, bool posix);

/// Returns every column, in the SPEC's order.
std::span<const Column> all_columns();

/// Returns the columns `list` shows without -o, for the kinds `types` selects; with
/// `namespaces` (--all-namespaces), NS, NSPID and NSCOMM first.
std::vector<const Column*> default_columns(TypeSelection types = TypeSelection::sysv,
                                           bool namespaces = false);

/// Returns the column called `name` (any case), or nullptr.
const Column* find_column(std::string_view name);

/// Parses -o: "KEY,ID,SIZE" names the columns; "+RSS,SWAP" adds to the defaults (as
/// default_columns gives them). Fails with a usage Error naming the unknown column and listing
/// the known ones.
Result<std::vector<const Column*>> parse_column_list(std::string_view spec,
                                                     TypeSelection types = TypeSelection::sysv,
                                                     bool namespaces = false);

/// Parses a --sort column name, as find_column, failing with a usage Error.
Result<const Column*> parse_sort_column(std::string_view name);

/// Returns every column of `who`: the holder's (PID, USER, COMMAND, CMDLINE, MAPPED), then
/// the object's, as in `list` (but PIDS, list's COMMAND, RSS and SWAP).
std::span<const Column* const> who_columns();

/// Returns the columns `who` shows without -o: PID USER COMMAND TYPE NAME ID SIZE MAPPED
/// (after NS, NSPID and NSCOMM with `namespaces`).
std::vector<const Column*> default_who_columns(bool namespaces = false);

/// Parses `who`'s -o, as parse_column_list.
Result<std::vector<const Column*>> parse_who_column_list(std::string_view spec,
                                                         bool namespaces = false);

/// Parses `who`'s --sort, as parse_sort_column.
Result<const Column*> parse_who_sort_column(std::string_view name);

/// Returns the text of STATUS: "dest", "locked", "dest,locked" or "" (always "" for a POSIX
/// object: an unlinked one is gone from /dev/shm).
std::string status_text(RowRef row);

}  // namespace shmtool
