#include "sysv/proc_shm.hpp"

#include <cstdint>
#include <string>

#include "util/whole_number.hpp"

namespace shmtool {
namespace {

enum class Field {
  key,
  shmid,
  perms,
  size,
  cpid,
  lpid,
  nattch,
  uid,
  gid,
  cuid,
  cgid,
  atime,
  dtime,
  ctime,
  rss,
  swap,
  other
};

Field field_named(std::string_view name) {
  static constexpr std::pair<std::string_view, Field> kNames[] = {
      {"key", Field::key},       {"shmid", Field::shmid}, {"perms", Field::perms},
      {"size", Field::size},     {"cpid", Field::cpid},   {"lpid", Field::lpid},
      {"nattch", Field::nattch}, {"uid", Field::uid},     {"gid", Field::gid},
      {"cuid", Field::cuid},     {"cgid", Field::cgid},   {"atime", Field::atime},
      {"dtime", Field::dtime},   {"ctime", Field::ctime}, {"rss", Field::rss},
      {"swap", Field::swap},
  };
  for (const auto& [n, f] : kNames) {
    if (n == name) return f;
  }
  return Field::other;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
      ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t')
      ++pos;
    if (pos > start) words.push_back(line.substr(start, pos - start));
  }
  return words;
}

std::optional<std::int64_t> time_or_never(std::int64_t value) {
  if (value == 0) return std::nullopt;
  return value;
}

bool apply(Field field, std::string_view word, SegmentRecord& r) {
  std::int64_t s = 0;
  std::uint64_t u = 0;
  switch (field) {
    case Field::key:
      if (!parse_whole(word, s) || s < INT32_MIN || s > UINT32_MAX) return false;
      r.key = static_cast<std::uint32_t>(s);
      return true;
    case Field::perms: {
      unsigned mode = 0;
      if (!parse_whole(word, mode, 8)) return false;
      r.mode = mode & 0777U;
      r.dest = (mode & 01000U) != 0;
      r.locked = (mode & 02000U) != 0;
      return true;
    }
    case Field::shmid:
    case Field::cpid:
    case Field::lpid: {
      int v = 0;
      if (!parse_whole(word, v)) return false;
      (field == Field::shmid ? r.id : field == Field::cpid ? r.cpid : r.lpid) = v;
      return true;
    }
    case Field::uid:
    case Field::gid:
    case Field::cuid:
    case Field::cgid: {
      std::uint32_t v = 0;
      if (!parse_whole(word, v)) return false;
      if (field == Field::uid) r.uid = v;
      if (field == Field::gid) r.gid = v;
      if (field == Field::cuid) r.cuid = v;
      if (field == Field::cgid) r.cgid = v;
      return true;
    }
    case Field::size:
    case Field::nattch:
    case Field::rss:
    case Field::swap:
      if (!parse_whole(word, u)) return false;
      if (field == Field::size) r.size = u;
      if (field == Field::nattch) r.nattch = u;
      if (field == Field::rss) r.rss = u;
      if (field == Field::swap) r.swap = u;
      return true;
    case Field::atime:
    case Field::dtime:
    case Field::ctime:
      if (!parse_whole(word, s)) return false;
      (field == Field::atime   ? r.atime
       : field == Field::dtime ? r.dtime
                               : r.ctime) = time_or_never(s);
      return true;
    case Field::other:
      return true;
  }
  return false;
}

}  // namespace

namespace {

struct Header {
  std::vector<Field> fields;
  std::size_t id_column = 0;
  std::size_t body = 0;  // offset of the first line after the header
};

Result<Header> parse_header(std::string_view text) {
  const auto header_end = text.find('\n');
  Header header;
  bool has_id = false;
  for (std::string_view name : split_words(text.substr(0, header_end))) {
    header.fields.push_back(field_named(name));
    if (header.fields.back() == Field::shmid) {
      has_id = true;
      header.id_column = header.fields.size() - 1;
    }
  }
  if (!has_id) {
    return Error{ErrorKind::system, Op::enumerate, 0, "/proc/sysvipc/shm",
                 "unexpected format (no shmid column)"};
  }
  header.body = header_end == std::string_view::npos ? text.size() : header_end + 1;
  return header;
}

// Parses one line: as many words as the header has fields, each applied as it is found.
std::optional<SegmentRecord> parse_line(const Header& header, std::string_view line) {
  SegmentRecord record;
  std::size_t pos = 0;
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  for (const Field field : header.fields) {
    while (pos < line.size() && blank(line[pos]))
      ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && !blank(line[pos]))
      ++pos;
    if (pos == start || !apply(field, line.substr(start, pos - start), record)) {
      return std::nullopt;
    }
  }
  while (pos < line.size() && blank(line[pos]))
    ++pos;
  if (pos != line.size()) return std::nullopt;  // more words than fields
  return record;
}

// The n-th blank-separated word of `line`, without splitting the rest.
std::string_view nth_word(std::string_view line, std::size_t n) {
  std::size_t pos = 0;
  for (std::size_t i = 0;; ++i) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
      ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t')
      ++pos;
    if (i == n || pos == start) return line.substr(start, pos - start);
  }
}

}  // namespace

struct ProcShmParser::State {
  std::optional<Result<Header>> header;  // once its line is complete
  std::string pending;                   // a line not yet complete
};

ProcShmParser::ProcShmParser(std::function<void(const SegmentRecord&)> take)
    : take_(std::move(take)), state_(std::make_unique<State>()) {}

ProcShmParser::~ProcShmParser() = default;

void ProcShmParser::take_line(std::string_view line) {
  if (!state_->header) {
    state_->header = parse_header(line);
    return;
  }
  if (!state_->header->ok()) return;
  if (auto record = parse_line(**state_->header, line)) take_(*record);
}

void ProcShmParser::feed(std::string_view piece) {
  while (!piece.empty()) {
    const auto newline = piece.find('\n');
    if (newline == std::string_view::npos) {
      state_->pending += piece;
      return;
    }
    if (state_->pending.empty()) {
      take_line(piece.substr(0, newline));
    } else {
      state_->pending += piece.substr(0, newline);
      take_line(state_->pending);
      state_->pending.clear();
    }
    piece.remove_prefix(newline + 1);
  }
}

Status ProcShmParser::finish() {
  if (!state_->pending.empty()) {
    take_line(state_->pending);
    state_->pending.clear();
  }
  if (!state_->header) return parse_header("").error();
  if (!state_->header->ok()) return state_->header->error();
  return Done{};
}

Result<std::vector<SegmentRecord>> parse_proc_shm(std::string_view text) {
  std::vector<SegmentRecord> records;
  // About 200 bytes a line: room for every record at once.
  records.reserve(text.size() / 160);
  ProcShmParser parser([&records](const SegmentRecord& r) { records.push_back(r); });
  parser.feed(text);
  if (auto done = parser.finish(); !done.ok()) return done.error();
  return records;
}

bool ProcShmFinder::take_line(std::string_view line) {
  if (!have_header_) {
    header_ = std::string(line) + "\n";
    have_header_ = true;
    auto header = parse_header(header_);
    if (!header.ok()) return true;
    id_column_ = header->id_column;
    wanted_ = std::to_string(id_);
    return false;
  }
  // Only the line whose id column matches is parsed in full.
  if (nth_word(line, id_column_) != wanted_) return false;
  auto found = find_in_proc_shm(header_ + std::string(line) + "\n", id_);
  if (found.ok() && *found) {
    found_ = *found;
    return true;
  }
  return false;
}

bool ProcShmFinder::feed(std::string_view piece) {
  while (!done_ && !piece.empty()) {
    const auto newline = piece.find('\n');
    if (newline == std::string_view::npos) {
      pending_ += piece;
      break;
    }
    std::string_view line = piece.substr(0, newline);
    std::string joined;
    if (!pending_.empty()) {
      joined = pending_ + std::string(line);
      pending_.clear();
      line = joined;
    }
    done_ = take_line(line);
    piece.remove_prefix(newline + 1);
  }
  return done_;
}

Result<std::optional<SegmentRecord>> ProcShmFinder::result() {
  if (!done_ && !pending_.empty()) {
    done_ = take_line(pending_);
    pending_.clear();
  }
  if (!have_header_) return find_in_proc_shm("", id_);
  if (found_) return found_;
  return find_in_proc_shm(header_, id_);
}

Result<std::optional<SegmentRecord>> find_in_proc_shm(std::string_view text, int id) {
  auto header = parse_header(text);
  if (!header.ok()) return header.error();
  const std::string wanted = std::to_string(id);
  std::size_t pos = header->body;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (nth_word(line, header->id_column) == wanted) {
      if (auto record = parse_line(*header, line)) {
        return std::optional<SegmentRecord>(*record);
      }
    }
    pos = end + 1;
  }
  return std::optional<SegmentRecord>{};
}

}  // namespace shmtool
