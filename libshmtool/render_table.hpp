#pragma once
// The human renderers: the aligned table (or --raw lines) of `list`, and the field lines of
// `stat`.

#include <functional>
#include <span>
#include <string>

#include "columns.hpp"
#include "names.hpp"
#include "segment.hpp"

namespace shmtool {

enum class Headings { show, hide };

/// How `list` lays its rows out.
enum class Layout {
  aligned,  // padded columns, human sizes unless SizeStyle::bytes
  raw,      // fields split by one space, no padding, sizes in bytes, "-" for empty
};

struct TableOptions {
  Headings headings = Headings::show;
  Layout layout = Layout::aligned;
  SizeStyle sizes = SizeStyle::human;
};

/// Returns the table of `segments` with `columns`, one line a segment, each ending in '\n'.
std::string render_table(std::span<const SegmentRecord> segments,
                         std::span<const Column* const> columns, NameResolver& names,
                         const TableOptions& options);

/// Receives a table in pieces.
using TableSink = std::function<void(std::string_view)>;

/// Writes what render_table returns, in pieces of about 64 KiB.
void write_table(std::span<const SegmentRecord> segments, std::span<const Column* const> columns,
                 NameResolver& names, const TableOptions& options, const TableSink& sink);

/// Returns `stat`'s lines for one segment: "field: value", aligned, each ending in '\n'.
std::string render_stat(const SegmentRecord& segment, NameResolver& names);

}  // namespace shmtool
