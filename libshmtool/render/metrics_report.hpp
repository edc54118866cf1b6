#pragma once
// `metrics`: the Prometheus text exposition format (0.0.4) that node_exporter's textfile
// collector reads: totals per type, the kernel's limits, and one gauge per object and value.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "render/any_record.hpp"
#include "render/limits_report.hpp"
#include "util/names.hpp"

namespace shmtool {

/// What the metrics are made of: the segments, then the POSIX objects. Segments' rss and swap
/// are read (Usage::read); POSIX objects' nattch is set from the walk of /proc (an object
/// without it counts as unknown).
struct MetricsInput {
  std::span<const SegmentRecord> segments;
  std::span<const PosixRecord> posix;
  std::span<const LimitRow> limits;
  bool posix_read = false;  // POSIX objects were looked for (a tmpfs at /dev/shm)
};

/// Receives the exposition in pieces.
using MetricsSink = std::function<void(std::string_view)>;

/// The size of the pieces a sink receives: about 64 KiB.
inline constexpr std::size_t kMetricsPiece = 1 << 16;

/// Writes the exposition: every family with HELP and TYPE, each family's samples together, in
/// pieces of about kMetricsPiece (the text of thousands of objects is never held whole).
void write_metrics(const MetricsInput& input, NameResolver& names, const MetricsSink& sink);

/// Returns what write_metrics writes, whole.
std::string render_metrics(const MetricsInput& input, NameResolver& names);

/// Returns `value` escaped as a label value: \\, \" and \n, and bytes that are not UTF-8 as
/// U+FFFD (the format is UTF-8).
std::string escape_label_value(std::string_view value);

}  // namespace shmtool
