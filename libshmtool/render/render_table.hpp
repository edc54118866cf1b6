#pragma once
// The human renderers: the aligned table (or --raw lines) of `list`, and the field lines of
// `stat`.

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "render/columns.hpp"
#include "sysv/segment.hpp"
#include "util/names.hpp"

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
  const HolderMap* holders = nullptr;  // for PIDS, when it was read
};

/// Returns the table of `segments` with `columns`, one line a segment, each ending in '\n'.
std::string render_table(std::span<const SegmentRecord> segments,
                         std::span<const Column* const> columns, NameResolver& names,
                         const TableOptions& options);

/// Appends `text` padded to `width` terminal columns (on the left for Align::right; on the
/// right unless `last`, so lines carry no trailing spaces).
void append_padded(std::string& out, std::string_view text, std::size_t width, Align align,
                   bool last);

/// Receives a table in pieces.
using TableSink = std::function<void(std::string_view)>;

/// Writes what render_table returns, in pieces of about 64 KiB.
void write_table(std::span<const SegmentRecord> segments, std::span<const Column* const> columns,
                 NameResolver& names, const TableOptions& options, const TableSink& sink);

/// Builds the table row by row, keeping only the cells' text and the columns' widths, then
/// writes it: `list` adds each segment as the kernel is read, with no record kept.
class TableBuilder {
 public:
  TableBuilder(std::span<const Column* const> columns, NameResolver& names,
               const TableOptions& options);
  /// Makes room for `rows` more rows without copying the cells as they grow; untouched room
  /// costs no memory.
  void reserve(std::size_t rows);
  void add(RowRef row);
  /// Drops every row added (the heading line stays).
  void clear();
  /// Writes the lines, in pieces of about 64 KiB.
  void write(const TableSink& sink) const;

 private:
  void add_cell(std::string_view text, std::size_t column);

  std::span<const Column* const> columns_;
  CellContext context_;
  bool raw_;
  bool headings_;
  std::string cells_;  // every cell's text followed by '\0' (cells are C strings), row by row
  std::vector<std::size_t> widths_;
  std::size_t rows_ = 0;
};

/// One line of a "label: value" listing.
struct LabelledValue {
  std::string_view label;
  std::string value;
};

/// How labels are laid out: `indent` before, `suffix` after (":"), then values start at
/// `min_width` characters past the indent, or `gap` spaces after the longest label+suffix.
struct LabelLayout {
  std::string_view indent;
  std::string_view suffix;
  std::size_t min_width;
  std::size_t gap;
};

/// Returns one line a value, values aligned, each escaped for a terminal and ending in '\n'.
/// Labels of any length fit.
std::string format_labelled_lines(std::span<const LabelledValue> lines, const LabelLayout& layout);

/// Returns `stat`'s lines for one segment: "field: value", aligned, each ending in '\n';
/// `more` (the lock, ...) follows the segment's own fields.
std::string render_stat(const SegmentRecord& segment, NameResolver& names,
                        std::span<const LabelledValue> more = {});

/// Returns `stat`'s lines for one POSIX object, as render_stat does for a segment.
std::string render_posix_stat(const PosixRecord& object, NameResolver& names,
                              std::span<const LabelledValue> more = {});

}  // namespace shmtool
