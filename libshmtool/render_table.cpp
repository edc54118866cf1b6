#include "render_table.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "human_format.hpp"
#include "mode_parse.hpp"
#include "segment_ref.hpp"

namespace shmtool {
namespace {

void append_padded(std::string& out, const std::string& text, std::size_t width, Align align,
                   bool last) {
  const std::size_t pad = width > text.size() ? width - text.size() : 0;
  if (align == Align::right) out.append(pad, ' ');
  out += text;
  if (align == Align::left && !last) out.append(pad, ' ');
}

std::string raw_field(std::string text) {
  return text.empty() ? "-" : text;
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
  const bool raw = options.layout == Layout::raw;
  CellContext context{names, raw ? SizeStyle::bytes : options.sizes,
                      raw ? TimeStyle::packed : TimeStyle::local};
  std::vector<std::vector<std::string>> rows;
  rows.reserve(segments.size() + 1);
  if (options.headings == Headings::show) {
    auto& heading = rows.emplace_back();
    for (const Column* c : columns)
      heading.emplace_back(c->name);
  }
  for (const SegmentRecord& segment : segments) {
    auto& row = rows.emplace_back();
    row.reserve(columns.size());
    for (const Column* c : columns) {
      row.push_back(raw ? raw_field(c->text(segment, context)) : c->text(segment, context));
    }
  }
  std::string out;
  if (raw) {
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) out += ' ';
        out += row[i];
      }
      out += '\n';
    }
    return out;
  }
  std::vector<std::size_t> widths(columns.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ' ';
      append_padded(out, row[i], widths[i], columns[i]->align, i + 1 == row.size());
    }
    // An empty last cell (STATUS, say) would leave its separator and padding at the line's end.
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    out += '\n';
  }
  return out;
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
