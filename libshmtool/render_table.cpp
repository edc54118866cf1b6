#include "render_table.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "human_format.hpp"
#include "mode_parse.hpp"
#include "segment_ref.hpp"

namespace shmtool {
namespace {

void append_padded(std::string& out, std::string_view text, std::size_t width, Align align,
                   bool last) {
  const std::size_t pad = width > text.size() ? width - text.size() : 0;
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
  const bool raw = options.layout == Layout::raw;
  CellContext context{names, raw ? SizeStyle::bytes : options.sizes,
                      raw ? TimeStyle::packed : TimeStyle::local};
  const bool headings = options.headings == Headings::show;
  // Every cell's text in one buffer, found by its end offset: no allocation per cell or row
  // (list renders thousands of rows).
  std::string cells;
  std::vector<std::size_t> ends;
  cells.reserve((segments.size() + 1) * columns.size() * 8);
  ends.reserve((segments.size() + 1) * columns.size());
  if (headings) {
    for (const Column* c : columns) {
      cells += c->name;
      ends.push_back(cells.size());
    }
  }
  for (const SegmentRecord& segment : segments) {
    for (const Column* c : columns) {
      const std::string text = c->text(segment, context);
      cells += raw && text.empty() ? std::string_view("-") : std::string_view(text);
      ends.push_back(cells.size());
    }
  }
  const std::size_t rows = columns.empty() ? 0 : ends.size() / columns.size();
  auto cell = [&](std::size_t row, std::size_t column) {
    const std::size_t index = row * columns.size() + column;
    const std::size_t begin = index == 0 ? 0 : ends[index - 1];
    return std::string_view(cells).substr(begin, ends[index] - begin);
  };
  std::vector<std::size_t> widths(columns.size(), 0);
  if (!raw) {
    for (std::size_t row = 0; row < rows; ++row) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        widths[i] = std::max(widths[i], cell(row, i).size());
      }
    }
  }
  // Lines go out in pieces of about 64 KiB: no second copy of the whole table in memory.
  constexpr std::size_t kPiece = 1 << 16;
  std::string out;
  out.reserve(kPiece + 4096);
  for (std::size_t row = 0; row < rows; ++row) {
    const std::size_t line_start = out.size();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += ' ';
      append_padded(out, cell(row, i), widths[i], columns[i]->align, i + 1 == columns.size());
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

std::string render_stat(const SegmentRecord& s, NameResolver& names) {
  const std::string status = status_text(s);
  const std::pair<std::string_view, std::string> fields[] = {
      {"id", std::to_string(s.id)},
      {"key",
       format_key_hex(s.key) + " (" + std::to_string(s.key) + (s.key == 0 ? ", private)" : ")")},
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
  std::string out;
  for (const auto& [name, value] : fields) {
    out += name;
    out += ':';
    out.append(8 - name.size(), ' ');
    out += value;
    out += '\n';
  }
  return out;
}

}  // namespace shmtool
