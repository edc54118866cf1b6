#pragma once
// Parsing of /proc/sysvipc/shm, the table the kernel prints of every segment.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sysv/segment.hpp"
#include "util/result.hpp"

namespace shmtool {

/// Parses the text of /proc/sysvipc/shm into records, columns found by their header names.
/// rss/swap are filled where the kernel prints them. Lines that do not parse are skipped;
/// a missing or foreign header is an Error (Op::enumerate).
Result<std::vector<SegmentRecord>> parse_proc_shm(std::string_view text);

/// parse_proc_shm for text that arrives in pieces (read from the kernel as it prints it): each
/// record is handed to `take` as soon as its line is complete, and no text is kept but a
/// line not yet complete.
class ProcShmParser {
 public:
  explicit ProcShmParser(std::function<void(const SegmentRecord&)> take);
  ~ProcShmParser();
  ProcShmParser(const ProcShmParser&) = delete;
  ProcShmParser& operator=(const ProcShmParser&) = delete;
  /// Takes the next piece.
  void feed(std::string_view piece);
  /// Takes the last line, if it had no newline; fails as parse_proc_shm for a missing or
  /// foreign header.
  Status finish();

 private:
  struct State;
  void take_line(std::string_view line);
  std::function<void(const SegmentRecord&)> take_;
  std::unique_ptr<State> state_;
};

/// Returns the record of segment `id` from the text of /proc/sysvipc/shm, or nullopt when the
/// text does not list it; it parses only that line (stat of one segment among thousands).
/// A missing or foreign header is an Error (Op::enumerate).
Result<std::optional<SegmentRecord>> find_in_proc_shm(std::string_view text, int id);

/// find_in_proc_shm for text that arrives in pieces: it looks at each line once, and says when
/// it need not see more.
class ProcShmFinder {
 public:
  explicit ProcShmFinder(int id) : id_(id) {}
  /// Takes the next piece; returns true once the answer is known (found, or a foreign header).
  bool feed(std::string_view piece);
  /// Returns what find_in_proc_shm returns for all the text fed (call after the last piece).
  Result<std::optional<SegmentRecord>> result();

 private:
  bool take_line(std::string_view line);
  int id_;
  std::string pending_;  // a line not yet complete
  std::string header_;
  bool have_header_ = false;
  std::size_t id_column_ = 0;
  std::string wanted_;  // the id as the kernel prints it
  bool done_ = false;
  std::optional<SegmentRecord> found_;
};

}  // namespace shmtool
