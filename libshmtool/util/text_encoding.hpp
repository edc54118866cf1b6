#pragma once
// How bytes travel in JSON: as UTF-8 text when they are, else base64.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace shmtool {

/// Returns the length of the well-formed UTF-8 sequence at `text[at]` (1 for ASCII), or 0 when
/// the bytes there are not one (overlong, surrogate, past U+10FFFF, cut short).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

/// Returns whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past
/// U+10FFFF).
bool is_valid_utf8(std::span<const std::byte> bytes);

/// Returns `bytes` in standard base64 with padding.
std::string base64_encode(std::span<const std::byte> bytes);

/// Appends `bytes` in standard base64 to `out`, padded when their size is not a multiple of 3
/// (so pieces of whole 3-byte groups, appended in turn, give the base64 of the whole).
void append_base64(std::string& out, std::span<const std::byte> bytes);

}  // namespace shmtool
