#pragma once
// Strings from the outside world (arguments, file names, user and process names) on their way
// to a terminal: control characters are shown escaped, as `ls -b` does, so that no name can
// move the cursor, change colours or split a line. JSON keeps the exact strings.

#include <cstddef>
#include <string>
#include <string_view>

namespace shmtool {

/// Where an escaped string goes.
enum class EscapeSpaces {
  no,   // messages, aligned tables, stat lines
  yes,  // --raw lines, whose fields are split by spaces: a space is \x20
};

/// Returns whether `text` needs escape_for_terminal to change it.
bool needs_terminal_escape(std::string_view text, EscapeSpaces spaces = EscapeSpaces::no);

/// Returns `text` with every control character (C0, DEL, the C1 range U+0080..U+009F, and the
/// bidirectional overrides and isolates U+202A..U+202E, U+2066..U+2069, which reorder what a
/// terminal shows) and every byte that is not part of well-formed UTF-8 escaped: \a \b \t \n
/// \v \f \r \e by name, the rest as \xHH (each byte); a backslash becomes \\ so that the
/// escaping is unambiguous. Printable UTF-8 passes unchanged.
std::string escape_for_terminal(std::string_view text, EscapeSpaces spaces = EscapeSpaces::no);

/// Returns how many terminal columns `text` (escaped already: well-formed UTF-8) takes: 2 for
/// East Asian wide and fullwidth characters, 0 for combining marks, 1 for the rest.
std::size_t display_width(std::string_view text);

}  // namespace shmtool
