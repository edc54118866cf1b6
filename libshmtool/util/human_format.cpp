#include "util/human_format.hpp"

#include <ctime>

namespace shmtool {

std::string format_human_size(std::uint64_t bytes) {
  static constexpr char kUnits[] = "BKMGTPE";
  if (bytes < 1024) return std::to_string(bytes) + "B";
  unsigned unit = 0;
  unsigned __int128 scale = 1;
  while (unit + 1 < sizeof kUnits - 1 && bytes >= scale * 1024) {
    scale *= 1024;
    ++unit;
  }
  // Tenths of the unit, rounded to nearest.
  auto tenths =
      static_cast<std::uint64_t>((static_cast<unsigned __int128>(bytes) * 10 + scale / 2) / scale);
  if (tenths >= 10240 && unit + 1 < sizeof kUnits - 1) {
    ++unit;
    tenths = (tenths + 512) / 1024;
  }
  std::string out = std::to_string(tenths / 10);
  if (tenths % 10 != 0) out += "." + std::to_string(tenths % 10);
  out += kUnits[unit];
  return out;
}

std::string format_time(std::optional<std::int64_t> epoch, TimeStyle style) {
  if (!epoch) return "-";
  const auto value = static_cast<time_t>(*epoch);
  struct tm parts {};
  if (localtime_r(&value, &parts) == nullptr) return std::to_string(*epoch);
  char buffer[64];
  const std::size_t n = style == TimeStyle::local
                            ? std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &parts)
                            : std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
  if (n == 0) return std::to_string(*epoch);
  return buffer;
}

}  // namespace shmtool
