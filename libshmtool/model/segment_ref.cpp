#include "model/segment_ref.hpp"

#include "model/posix_name.hpp"
#include "util/path_root.hpp"

#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

namespace shmtool {
namespace {

constexpr std::string_view kFtokPrefix = "ftok:";

constexpr std::string_view kForms =
    "a SEGMENT is an id (1234 or id:1234), a hex key (0x0000162e), key:N, ftok:PATH[:PROJ], or "
    "a POSIX object /NAME";

bool all_digits(std::string_view text, int base) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool digit = c >= '0' && c <= '9' && (c - '0') < base;
    const bool hex = base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    if (!digit && !hex) return false;
  }
  return true;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Accumulates digits of `base`; returns false past `limit`.
bool accumulate(std::string_view digits, int base, std::uint64_t limit, std::uint64_t& out) {
  out = 0;
  for (char c : digits) {
    out = out * static_cast<unsigned>(base) + static_cast<unsigned>(digit_value(c));
    if (out > limit) return false;
  }
  return true;
}

bool starts_with_hex_prefix(std::string_view text) {
  return text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

Error private_key(std::string_view text) {
  return usage_error(std::string(text),
                     "key 0 is IPC_PRIVATE, which names no segment (use the id instead)");
}

Result<SegmentRef> finish_key(std::string_view text, std::uint32_t key) {
  if (key == 0) return private_key(text);
  SegmentRef ref;
  ref.form = RefForm::key;
  ref.key = key;
  ref.text = std::string(text);
  return ref;
}

// 0x + 1..8 hex digits.
Result<SegmentRef> parse_hex_key(std::string_view text) {
  const std::string_view digits = text.substr(2);
  std::uint64_t value = 0;
  if (!all_digits(digits, 16)) {
    return usage_error(std::string(text), "not a hex key (e.g. 0x0000162e)");
  }
  if (!accumulate(digits, 16, std::numeric_limits<std::uint32_t>::max(), value)) {
    return usage_error(std::string(text), "key is larger than 32 bits");
  }
  return finish_key(text, static_cast<std::uint32_t>(value));
}

// key:N with an optional sign and a C base prefix (0x hex, 0 octal).
Result<SegmentRef> parse_key_form(std::string_view text) {
  std::string_view body = text.substr(4);
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  int base = 10;
  if (starts_with_hex_prefix(body)) {
    base = 16;
    body.remove_prefix(2);
  } else if (body.size() > 1 && body[0] == '0') {
    base = 8;
    body.remove_prefix(1);
  }
  std::uint64_t value = 0;
  if (!all_digits(body, base)) {
    return usage_error(std::string(text), "not a key (e.g. key:5678, key:0x162e or key:-5)");
  }
  const std::uint64_t limit = negative ? 0x80000000ULL : 0xffffffffULL;
  if (!accumulate(body, base, limit, value)) {
    return usage_error(std::string(text), "key does not fit in 32 bits");
  }
  const auto key = static_cast<std::uint32_t>(negative ? (0x100000000ULL - value) : value);
  return finish_key(text, key);
}

Result<SegmentRef> parse_id_digits(std::string_view text, std::string_view digits) {
  std::uint64_t value = 0;
  if (!all_digits(digits, 10)) return usage_error(std::string(text), std::string(kForms));
  if (!accumulate(digits, 10, std::numeric_limits<int>::max(), value)) {
    return usage_error(std::string(text), "id is out of range");
  }
  SegmentRef ref;
  ref.form = RefForm::id;
  ref.id = static_cast<int>(value);
  ref.text = std::string(text);
  return ref;
}

// PROJ: 1..255 in decimal, or one character.
bool parse_proj(std::string_view text, int& proj) {
  if (text.size() == 1 && !(text[0] >= '0' && text[0] <= '9')) {
    proj = static_cast<unsigned char>(text[0]);
    return true;
  }
  std::uint64_t value = 0;
  if (!all_digits(text, 10) || text.size() > 3 || !accumulate(text, 10, 255, value) || value == 0) {
    return false;
  }
  proj = static_cast<int>(value);
  return true;
}

Result<SegmentRef> parse_ftok_form(std::string_view text) {
  std::string_view body = text.substr(kFtokPrefix.size());
  // ftok(3) reads a C string: a NUL would cut PATH short, or make a one-character PROJ 0.
  if (body.find('\0') != std::string_view::npos) {
    return usage_error(std::string(text), "PATH and PROJ cannot contain a NUL byte");
  }
  SegmentRef ref;
  ref.form = RefForm::ftok;
  ref.text = std::string(text);
  const auto colon = body.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view proj_text = body.substr(colon + 1);
    int proj = 0;
    if (parse_proj(proj_text, proj)) {
      ref.proj = proj;
      body = body.substr(0, colon);
    } else if (!proj_text.empty() && all_digits(proj_text, 10)) {
      return usage_error(std::string(text), "PROJ must be 1..255 or a single character");
    }
  }
  if (body.empty()) return usage_error(std::string(text), "ftok: needs a PATH (ftok:PATH[:PROJ])");
  ref.path = std::string(body);
  return ref;
}

}  // namespace

Result<SegmentRef> parse_segment_ref(std::string_view text) {
  if (text.empty()) return usage_error("SEGMENT", "empty argument; " + std::string(kForms));
  if (is_posix_form(text)) {
    auto name = parse_posix_object(text);
    if (!name.ok()) return std::move(name).error();
    SegmentRef ref;
    ref.form = RefForm::posix;
    ref.name = std::move(*name);
    ref.text = std::string(text);
    return ref;
  }
  if (text.starts_with("id:")) return parse_id_digits(text, text.substr(3));
  if (text.starts_with("key:")) return parse_key_form(text);
  if (text.starts_with(kFtokPrefix)) return parse_ftok_form(text);
  if (starts_with_hex_prefix(text)) return parse_hex_key(text);
  return parse_id_digits(text, text);
}

Result<SegmentRef> parse_key_ref(std::string_view text) {
  if (text.starts_with("id:")) {
    return usage_error(std::string(text), "a KEY is a key (e.g. key:5678 or 0x162e), not an id");
  }
  if (all_digits(text, 10)) {
    return usage_error(std::string(text), "a bare number is ambiguous as a key; write key:" +
                                              std::string(text) + " (or a hex key like 0x162e)");
  }
  auto ref = parse_segment_ref(text);
  if (!ref.ok()) {
    Error error = std::move(ref).error();
    if (error.detail.starts_with("key 0 is IPC_PRIVATE")) {
      error.detail =
          "key 0 is IPC_PRIVATE, which names no segment (to create a private one, leave KEY out)";
    } else if (error.detail == kForms) {
      error.detail = "a KEY is a hex key (0x0000162e), key:N, ftok:PATH[:PROJ], or /NAME";
    }
    return error;
  }
  return ref;
}

namespace {

// ftok(3), with PATH resolved under the path root (--ns) when one is set: the key glibc makes
// from the file's inode and device, as the process whose root it is would get it.
key_t ftok_in_root(const std::string& path, int proj) {
  if (!has_path_root()) return ftok(path.c_str(), proj);
  const int fd = open_in_root(path.c_str(), O_PATH | O_CLOEXEC, Links::follow);
  if (fd < 0) return -1;
  struct stat st {};
  const int stat_result = fstat(fd, &st);
  const int err = errno;
  close(fd);
  if (stat_result != 0) {
    errno = err;
    return -1;
  }
  const auto bits = (static_cast<std::uint32_t>(st.st_ino) & 0xffffU) |
                    ((static_cast<std::uint32_t>(st.st_dev) & 0xffU) << 16) |
                    ((static_cast<std::uint32_t>(proj) & 0xffU) << 24);
  return static_cast<key_t>(bits);
}

}  // namespace

Result<std::uint32_t> key_of(const SegmentRef& ref) {
  switch (ref.form) {
    case RefForm::key:
      return ref.key;
    case RefForm::ftok: {
      errno = 0;
      const key_t key = ftok_in_root(ref.path, ref.proj);
      if (key == -1) {
        Error error = errno_error(Op::ftok, errno, ref.text);
        // ftok:/tmp/x:1 read as PATH /tmp/x and PROJ 1; a file called "x:1" needs its PROJ.
        const std::string whole = ref.text.substr(kFtokPrefix.size());
        struct stat st {};
        if (error.err == ENOENT && whole != ref.path && !has_path_root() &&
            ::stat(whole.c_str(), &st) == 0) {
          error.detail = "cannot make a key: no such file or directory: " + ref.path +
                         " (a last :PART is read as PROJ; for the file " + whole +
                         " write ftok:" + whole + ":A)";
        }
        return error;
      }
      if (key == 0) return private_key(ref.text);
      return static_cast<std::uint32_t>(key);
    }
    case RefForm::id:
      break;
    case RefForm::posix:
      return usage_error(ref.text, "a POSIX object has a name, not a key");
  }
  return usage_error(ref.text, "an id names no key");
}

std::string format_key_hex(std::uint32_t key) {
  // By hand: it is called for every row of list, and snprintf costs ten times as much.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(10, '0');
  out[1] = 'x';
  for (int i = 9; i >= 2; --i) {
    out[static_cast<std::size_t>(i)] = kHex[key & 15U];
    key >>= 4;
  }
  return out;
}

std::string describe(const SegmentRef& ref) {
  switch (ref.form) {
    case RefForm::id:
      return "id " + std::to_string(ref.id);
    case RefForm::key:
      return "key " + format_key_hex(ref.key);
    case RefForm::ftok:
      return ref.text;
    case RefForm::posix:
      return "/" + ref.name;
  }
  return ref.text;
}

}  // namespace shmtool
