#pragma once
// Parsing of SIZE and N (offset, length) arguments. Every value is range-checked;
// nothing wraps around.

#include <cstdint>
#include <string_view>

#include "util/result.hpp"

namespace shmtool {

/// Parses a byte count: digits, optionally with a fraction and a unit suffix
/// (K/KiB/M/MiB/G/GiB/T/TiB are powers of 1024, KB/MB/GB/TB powers of 1000, B is bytes;
/// case-insensitive). Fails with a usage Error naming `subject` when malformed, fractional in
/// bytes, or over UINT64_MAX.
Result<std::uint64_t> parse_byte_count(std::string_view text, std::string_view subject);

/// Parses SIZE: a byte count that must be at least 1. Fails as parse_byte_count, or on zero.
Result<std::uint64_t> parse_size(std::string_view text, std::string_view subject);

}  // namespace shmtool
