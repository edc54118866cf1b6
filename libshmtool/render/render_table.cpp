#include "render/render_table.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "model/segment_ref.hpp"
#include "util/human_format.hpp"
#include "util/mode_parse.hpp"
#include "util/terminal_text.hpp"

namespace shmtool {
namespace {

void append_padded(std::string& out, std::string_view text, std::size_t width, Align align,
                   bool last) {
  const std::size_t shown = display_width(text);
  const std::size_t pad = width > shown ? width - shown : 0;
  if (align == Align::right) out.append(pad, ' ');
  out += text;
  if (align == Align::left && !last) out.append(pad, ' ');
}

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

// The kernel sets a segment's key to IPC_PRIVATE when it is marked for removal: 0 then says
// nothing about the key it had.
std::string key_text(const SegmentRecord& s) {
  if (s.key == 0 && s.dest) {
    return format_key_hex(0) +
           " (unknown: the kernel drops the key of a segment marked for removal)";
  }
  return format_key_hex(s.key) + " (" + std::to_string(s.key) + (s.key == 0 ? ", private)" : ")");
}

std::string usage_text(const std::optional<std::uint64_t>& bytes) {
  if (!bytes) return "unknown";
  return std::to_string(*bytes) + " (" + format_human_size(*bytes) + ")";
}

}  // namespace

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
               options.layout == Layout::raw ? TimeStyle::packed : TimeStyle::local},
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

void TableBuilder::add(const SegmentRecord& segment) {
  if (columns_.empty()) return;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::string text = columns_[i]->text(segment, context_);
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

std::string render_stat(const SegmentRecord& s, NameResolver& names,
                        std::span<const LabelledValue> more) {
  const std::string status = status_text(s);
  std::vector<LabelledValue> fields = {
      {"id", std::to_string(s.id)},
      {"key", key_text(s)},
      {"size", std::to_string(s.size) + " (" + format_human_size(s.size) + ")"},
      {"perms", format_perms(s.mode) + " (" +
                    [&] {
                      char octal[8];
                      std::snprintf(octal, sizeof octal, "%04o", s.mode);
                      return std::string(octal);
                    }() +
                    ")"},
      {"owner", id_with_name(names.user_name(s.uid), s.uid, "uid")},
      {"group", id_with_name(names.group_name(s.gid), s.gid, "gid")},
      {"cuser", id_with_name(names.user_name(s.cuid), s.cuid, "uid")},
      {"cgroup", id_with_name(names.group_name(s.cgid), s.cgid, "gid")},
      {"cpid", std::to_string(s.cpid)},
      {"lpid", std::to_string(s.lpid)},
      {"nattch", std::to_string(s.nattch)},
      {"status", status.empty() ? "-" : status},
      {"atime", time_with_epoch(s.atime)},
      {"dtime", time_with_epoch(s.dtime)},
      {"ctime", time_with_epoch(s.ctime)},
      {"rss", usage_text(s.rss)},
      {"swap", usage_text(s.swap)},
  };
  fields.insert(fields.end(), more.begin(), more.end());
  return format_labelled_lines(fields, LabelLayout{"", ":", 9, 1});
}

}  // namespace shmtool
