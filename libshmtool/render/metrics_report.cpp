#include "render/metrics_report.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "model/segment_ref.hpp"
#include "util/text_encoding.hpp"

namespace shmtool {

namespace {

// Appends `value` escaped as a label value.
void append_label_value(std::string& out, std::string_view value) {
  // Most values (numbers, keys, user names) are plain ASCII with nothing to escape.
  if (std::all_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80 && c != '\\' && c != '"' && c != '\n';
      })) {
    out += value;
    return;
  }
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t length = utf8_sequence_length(value, i);
    if (length == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
      continue;
    }
    const char c = value[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.append(value.substr(i, length));
    }
    i += length;
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  append_label_value(out, value);
  return out;
}

namespace {

enum class Kind { sysv, posix };

const char* type_name(Kind kind) {
  return kind == Kind::sysv ? "sysv" : "posix";
}

// One family: its name, HELP, and its samples as they are added.
class Family {
 public:
  Family(std::string_view name, std::string_view help) : name_(name) {
    text_ = "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " +
            std::string(name) + " gauge\n";
  }
  void add(std::string_view labels, std::uint64_t value) {
    add_text(labels, std::to_string(value));
  }
  void add_signed(std::string_view labels, std::int64_t value) {
    add_text(labels, std::to_string(value));
  }
  void write(std::string& out) const {
    if (samples_ > 0) out += text_;
  }

 private:
  void add_text(std::string_view labels, const std::string& value) {
    text_ += name_;
    if (!labels.empty()) {
      text_ += '{';
      text_ += labels;
      text_ += '}';
    }
    text_ += ' ';
    text_ += value;
    text_ += '\n';
    ++samples_;
  }

  std::string name_;
  std::string text_;
  std::size_t samples_ = 0;
};

std::string label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  append_label_value(out, value);
  out += '"';
  return out;
}

// Appends NAME="VALUE", after a comma unless it is the first.
void add_label(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += ',';
  out += name;
  out += "=\"";
  append_label_value(out, value);
  out += '"';
}

// The labels of one object: type, id (a segment's shmid, a POSIX object's inode), key, name,
// owner; with --all-namespaces also ns (the IPC namespace's inode) and ns_pid (its lowest
// pid). ns_pid keeps two /dev/shm of one IPC namespace apart (a process may mount its own tmpfs
// there without a namespace of its own): the same name in both would otherwise be one series
// twice, which Prometheus rejects.
std::string object_labels(RowRef row, NameResolver& names) {
  const auto user = names.user_name(row.common.uid);
  std::string labels;
  labels.reserve(128);
  if (row.sysv != nullptr) {
    const std::string key = format_key_hex(row.sysv->key);
    add_label(labels, "type", "sysv");
    add_label(labels, "id", std::to_string(row.sysv->id));
    add_label(labels, "key", key);
    add_label(labels, "name", key);
  } else {
    // A POSIX object's id is its inode: names that differ only in bytes that are not UTF-8
    // (each made U+FFFD in a label value) are still two series.
    add_label(labels, "type", "posix");
    add_label(labels, "id", std::to_string(row.posix->ino));
    add_label(labels, "key", "");
    add_label(labels, "name", posix_display_name(row.posix->name));
  }
  add_label(labels, "owner", user ? *user : std::to_string(row.common.uid));
  if (row.common.ns) {
    add_label(labels, "ns", std::to_string(row.common.ns->inode));
    add_label(labels, "ns_pid", std::to_string(row.common.ns->pid));
  }
  return labels;
}

// A sum that is unknown once one of its terms is.
struct Sum {
  std::uint64_t value = 0;
  bool known = true;

  void add(const std::optional<std::uint64_t>& term) {
    if (term) {
      value += *term;
    } else {
      known = false;
    }
  }
};

struct Totals {
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  Sum rss;
  Sum swap;
  Sum orphaned;
  std::uint64_t marked = 0;
};

}  // namespace

namespace {

// A value of one object in a family of per-object gauges.
struct Sample {
  bool known = false;
  bool is_signed = false;
  std::uint64_t value = 0;
  std::int64_t signed_value = 0;
};

Sample unsigned_sample(std::uint64_t v) {
  return {true, false, v, 0};
}
Sample unsigned_sample(const std::optional<std::uint64_t>& v) {
  return v ? unsigned_sample(*v) : Sample{};
}
Sample signed_sample(const std::optional<std::int64_t>& v) {
  return v ? Sample{true, true, 0, *v} : Sample{};
}

// A family of one gauge per object: its name, HELP, and the value of a row (if it has one).
struct ObjectFamily {
  std::string_view name;
  std::string_view help;
  Sample (*value)(RowRef row);
};

constexpr std::array<ObjectFamily, 7> kObjectFamilies{{
    {"shmtool_segment_size_bytes", "Size of a shared memory segment or object.",
     [](RowRef r) { return unsigned_sample(r.common.size); }},
    {"shmtool_segment_rss_bytes", "Resident memory of a System V segment.",
     [](RowRef r) { return r.sysv ? unsigned_sample(r.sysv->rss) : Sample{}; }},
    {"shmtool_segment_swap_bytes", "Swapped-out memory of a System V segment.",
     [](RowRef r) { return r.sysv ? unsigned_sample(r.sysv->swap) : Sample{}; }},
    {"shmtool_segment_allocated_bytes",
     "Memory a POSIX object occupies in /dev/shm (resident or swapped).",
     [](RowRef r) { return r.posix ? unsigned_sample(r.posix->allocated) : Sample{}; }},
    {"shmtool_segment_attached_processes",
     "Processes attached to a segment, or mapping or holding open a POSIX object.",
     [](RowRef r) {
       return r.sysv ? unsigned_sample(r.sysv->nattch) : unsigned_sample(r.posix->nattch);
     }},
    {"shmtool_segment_last_attach_time_seconds",
     "Last attach time of a System V segment (Unix time; absent if never).",
     [](RowRef r) { return r.sysv ? signed_sample(r.sysv->atime) : Sample{}; }},
    {"shmtool_segment_last_change_time_seconds",
     "Last change time of a segment or object (Unix time).",
     [](RowRef r) { return signed_sample(r.common.ctime); }},
}};

// Appends `value` in decimal.
template <class T>
void append_decimal(std::string& out, T value) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

}  // namespace

void write_metrics(const MetricsInput& input, NameResolver& names, const MetricsSink& sink) {
  Totals sysv;
  Totals posix;
  // Each object's labels, made once: every per-object family repeats them.
  std::vector<std::string> object_label_sets;
  const std::size_t objects = input.segments.size() + input.posix.size();
  // The i-th object: the segments first, then the POSIX objects.
  const auto row_of = [&input](std::size_t i) {
    return i < input.segments.size() ? RowRef(input.segments[i])
                                     : RowRef(input.posix[i - input.segments.size()]);
  };
  object_label_sets.reserve(objects);
  for (std::size_t i = 0; i < objects; ++i) {
    const RowRef row = row_of(i);
    object_label_sets.push_back(object_labels(row, names));
    if (row.sysv != nullptr) {
      const SegmentRecord& s = *row.sysv;
      ++sysv.count;
      sysv.bytes += s.size;
      sysv.rss.add(s.rss);
      sysv.swap.add(s.swap);
      sysv.orphaned.add(std::uint64_t{s.nattch == 0});
      sysv.marked += s.dest ? 1 : 0;
    } else {
      const PosixRecord& p = *row.posix;
      ++posix.count;
      posix.bytes += p.size;
      posix.rss.add(p.allocated);
      posix.orphaned.add(p.nattch ? std::optional<std::uint64_t>(*p.nattch == 0) : std::nullopt);
    }
  }

  Family count("shmtool_objects", "Shared memory segments or objects, by type.");
  Family bytes("shmtool_objects_size_bytes", "Sum of the sizes of the segments or objects.");
  Family total_rss("shmtool_objects_rss_bytes",
                   "Resident memory of all System V segments; of POSIX objects, the memory they "
                   "occupy (resident or swapped).");
  Family total_swap("shmtool_objects_swap_bytes", "Swapped-out memory of all System V segments.");
  Family orphaned("shmtool_objects_orphaned",
                  "Segments no process is attached to; POSIX objects no process maps or holds.");
  Family marked("shmtool_objects_marked",
                "System V segments marked for removal, still attached by some process.");
  const auto add_totals = [&](Kind kind, const Totals& t) {
    const std::string labels = label("type", type_name(kind));
    count.add(labels, t.count);
    bytes.add(labels, t.bytes);
    if (t.rss.known) total_rss.add(labels, t.rss.value);
    if (t.swap.known && kind == Kind::sysv) total_swap.add(labels, t.swap.value);
    if (t.orphaned.known) orphaned.add(labels, t.orphaned.value);
    if (kind == Kind::sysv) marked.add(labels, t.marked);
  };
  add_totals(Kind::sysv, sysv);
  if (input.posix_read) add_totals(Kind::posix, posix);

  // The limits, one family per unit, each resource a label: as `limits` reports them.
  Family limit_segments("shmtool_limit_segments", "The kernel's limit on the number of segments.");
  Family used_segments("shmtool_used_segments", "Segments counted against that limit.");
  Family limit_bytes("shmtool_limit_bytes",
                     "A limit in bytes: shmall (all segments), shmmax (one segment), dev_shm "
                     "(the /dev/shm filesystem).");
  Family used_bytes("shmtool_used_bytes",
                    "Bytes used of that limit (shmmax: the largest segment there is).");
  Family limit_pages("shmtool_limit_pages", "Huge pages the kernel has (hugepages).");
  Family used_pages("shmtool_used_pages", "Huge pages in use.");
  Family rmid_forced("shmtool_shm_rmid_forced",
                     "1 when kernel.shm_rmid_forced removes segments whose last user exits.");
  for (const LimitRow& row : input.limits) {
    const std::string labels = label("resource", row.resource);
    Family* limit = nullptr;
    Family* used = nullptr;
    if (row.unit == "segments") {
      limit = &limit_segments;
      used = &used_segments;
    } else if (row.unit == "bytes") {
      limit = &limit_bytes;
      used = &used_bytes;
    } else if (row.unit == "pages") {
      limit = &limit_pages;
      used = &used_pages;
    } else {
      if (row.limit) rmid_forced.add("", *row.limit);
      continue;
    }
    if (row.limit) limit->add(labels, *row.limit);
    if (row.used) used->add(labels, *row.used);
  }

  std::string out;
  for (const Family* f :
       {&count, &bytes, &total_rss, &total_swap, &orphaned, &marked, &limit_segments,
        &used_segments, &limit_bytes, &used_bytes, &limit_pages, &used_pages, &rmid_forced}) {
    f->write(out);
  }
  // Then one family at a time over every object, in pieces: no copy of the whole text.
  out.reserve(kMetricsPiece + 4096);
  for (const ObjectFamily& family : kObjectFamilies) {
    bool any = false;
    for (std::size_t i = 0; i < objects; ++i) {
      const Sample sample = family.value(row_of(i));
      if (!sample.known) continue;
      if (!any) {
        any = true;
        out += "# HELP ";
        out += family.name;
        out += ' ';
        out += family.help;
        out += "\n# TYPE ";
        out += family.name;
        out += " gauge\n";
      }
      out += family.name;
      out += '{';
      out += object_label_sets[i];
      out += "} ";
      if (sample.is_signed) {
        append_decimal(out, sample.signed_value);
      } else {
        append_decimal(out, sample.value);
      }
      out += '\n';
      if (out.size() >= kMetricsPiece) {
        sink(out);
        out.clear();
      }
    }
  }
  sink(out);
}

std::string render_metrics(const MetricsInput& input, NameResolver& names) {
  std::string text;
  write_metrics(input, names, [&text](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace shmtool
