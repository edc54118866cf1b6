#include "render/render_table.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "render/segment_fields.hpp"
#include "util/human_format.hpp"
#include "util/mode_parse.hpp"
#include "util/terminal_text.hpp"

namespace shmtool {

void append_padded(std::string& out, std::string_view text, std::size_t width, Align align,
                   bool last) {
  const std::size_t shown = display_width(text);
  const std::size_t pad = width > shown ? width - shown : 0;
  if (align == Align::right) out.append(pad, ' ');
  out += text;
  if (align == Align::left && !last) out.append(pad, ' ');
}

std::string render_table(std::span<const SegmentRecord> segments,
                         std::span<const Column* const> columns, NameResolver& names,
                         const TableOptions& options) {
  std::string out;
  write_table(segments, columns, names, options, [&out](std::string_view piece) { out += piece; });
  return out;
}

void write_table(std::span<const SegmentRecord> segments, std::span<const Column* const> columns,
                 NameResolver& names, const TableOptions& options, const TableSink& sink) {
  TableBuilder builder(columns, names, options);
  for (const SegmentRecord& segment : segments)
    builder.add(segment);
  builder.write(sink);
}

TableBuilder::TableBuilder(std::span<const Column* const> columns, NameResolver& names,
                           const TableOptions& options)
    : columns_(columns),
      context_{names, options.layout == Layout::raw ? SizeStyle::bytes : options.sizes,
               options.layout == Layout::raw ? TimeStyle::packed : TimeStyle::local,
               options.holders},
      raw_(options.layout == Layout::raw),
      headings_(options.headings == Headings::show),
      widths_(columns.size(), 0) {
  clear();
}

void TableBuilder::clear() {
  cells_.clear();
  rows_ = 0;
  std::fill(widths_.begin(), widths_.end(), 0);
  if (!headings_ || columns_.empty()) return;
  for (std::size_t i = 0; i < columns_.size(); ++i)
    add_cell(columns_[i]->name, i);
  ++rows_;
}

void TableBuilder::reserve(std::size_t rows) {
  // Generous: a cell is rarely over 15 bytes, and pages that are never written are never mapped.
  cells_.reserve(cells_.size() + rows * columns_.size() * 16);
}

void TableBuilder::add_cell(std::string_view text, std::size_t column) {
  // A NUL ends each cell: names from the outside world are escaped (a NUL in one becomes
  // \x00, a control character cannot reach the terminal, a space cannot split a --raw line).
  const EscapeSpaces spaces = raw_ ? EscapeSpaces::yes : EscapeSpaces::no;
  std::string escaped;
  if (needs_terminal_escape(text, spaces)) {
    escaped = escape_for_terminal(text, spaces);
    text = escaped;
  }
  cells_ += text;
  cells_ += '\0';
  if (!raw_) widths_[column] = std::max(widths_[column], display_width(text));
}

void TableBuilder::add(RowRef row) {
  if (columns_.empty()) return;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::string text = columns_[i]->text(row, context_);
    add_cell(raw_ && text.empty() ? std::string_view("-") : std::string_view(text), i);
  }
  ++rows_;
}

void TableBuilder::write(const TableSink& sink) const {
  // Lines go out in pieces of about 64 KiB: no second copy of the whole table in memory.
  constexpr std::size_t kPiece = 1 << 16;
  std::string out;
  out.reserve(std::min(cells_.size() * 2, kPiece) + 4096);
  const char* cell = cells_.data();
  for (std::size_t row = 0; row < rows_; ++row) {
    const std::size_t line_start = out.size();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string_view text(cell);
      cell += text.size() + 1;
      if (i > 0) out += ' ';
      append_padded(out, text, widths_[i], columns_[i]->align, i + 1 == columns_.size());
    }
    // An empty last cell (STATUS, say) would leave its separator and padding at the line's end.
    while (out.size() > line_start && out.back() == ' ')
      out.pop_back();
    out += '\n';
    if (out.size() >= kPiece) {
      sink(out);
      out.clear();
    }
  }
  if (!out.empty()) sink(out);
}

std::string format_labelled_lines(std::span<const LabelledValue> lines, const LabelLayout& layout) {
  std::size_t longest = 0;
  for (const LabelledValue& line : lines)
    longest = std::max(longest, line.label.size() + layout.suffix.size());
  const std::size_t width = std::max(layout.min_width, longest + layout.gap);
  std::string out;
  for (const LabelledValue& line : lines) {
    out += layout.indent;
    out += line.label;
    out += layout.suffix;
    out.append(width - line.label.size() - layout.suffix.size(), ' ');
    out += escape_for_terminal(line.value);
    out += '\n';
  }
  return out;
}

namespace {

// stat's lines: the fields of the record's kind that have one, then `more`.
template <class R>
std::string stat_lines(const R& record, NameResolver& names, std::span<const LabelledValue> more) {
  std::vector<LabelledValue> lines;
  for (const auto& field : json_fields_of(record)) {
    if (field.text != nullptr) lines.push_back({field.label, field.text(record, names)});
  }
  lines.insert(lines.end(), more.begin(), more.end());
  return format_labelled_lines(lines, LabelLayout{"", ":", 9, 1});
}

}  // namespace

std::string render_stat(const SegmentRecord& segment, NameResolver& names,
                        std::span<const LabelledValue> more) {
  return stat_lines(segment, names, more);
}

std::string render_posix_stat(const PosixRecord& object, NameResolver& names,
                              std::span<const LabelledValue> more) {
  return stat_lines(object, names, more);
}

}  // namespace shmtool
