#pragma once
// The one registry of table columns: names, help, alignment, and how each value is got and
// sorted. It drives -o, --sort, the help text, the table and the completions.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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
};

/// A value that orders a column: numbers numerically, names as text.
using SortKey = std::variant<std::int64_t, std::uint64_t, std::string>;

/// One column of `list`.
struct Column {
  std::string_view name;  // upper case, as in headings and -o
  std::string_view help;
  Align align;
  bool needs_usage;  // reads rss/swap from /proc
  std::string (*text)(const SegmentRecord&, CellContext&);
  SortKey (*sort_key)(const SegmentRecord&, CellContext&);
};

/// Returns every column, in the SPEC's order.
std::span<const Column> all_columns();

/// Returns the columns `list` shows without -o.
std::vector<const Column*> default_columns();

/// Returns the column called `name` (any case), or nullptr.
const Column* find_column(std::string_view name);

/// Parses -o: "KEY,ID,SIZE" names the columns; "+RSS,SWAP" adds to the defaults. Fails with a
/// usage Error naming the unknown column and listing the known ones.
Result<std::vector<const Column*>> parse_column_list(std::string_view spec);

/// Parses a --sort column name, as find_column, failing with a usage Error.
Result<const Column*> parse_sort_column(std::string_view name);

/// Returns the text of STATUS: "dest", "locked", "dest,locked" or "".
std::string status_text(const SegmentRecord& record);

}  // namespace shmtool
