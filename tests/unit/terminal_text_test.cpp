#include "util/terminal_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace shmtool {
namespace {

using namespace std::string_literals;

TEST(EscapeForTerminal, PrintableTextPassesUnchanged) {
  for (const std::string text : {"", "root", "/tmp/server.key", "naïve ünïcödé", "日本語", "a b"}) {
    EXPECT_FALSE(needs_terminal_escape(text)) << text;
    EXPECT_EQ(escape_for_terminal(text), text);
  }
}

TEST(EscapeForTerminal, NamedControlsAreShownByName) {
  EXPECT_EQ(escape_for_terminal("\x1b[31mRED"), "\\e[31mRED");
  EXPECT_EQ(escape_for_terminal("two\nlines\r\t\a\b\v\f"), "two\\nlines\\r\\t\\a\\b\\v\\f");
}

TEST(EscapeForTerminal, OtherControlsAndDelAreHex) {
  EXPECT_EQ(escape_for_terminal("\x01\x7f"s), "\\x01\\x7f");
  EXPECT_EQ(escape_for_terminal("a\0b"s), "a\\x00b");
}

TEST(EscapeForTerminal, BackslashIsDoubledSoEscapesAreUnambiguous) {
  EXPECT_EQ(escape_for_terminal("a\\nb"), "a\\\\nb");
  EXPECT_TRUE(needs_terminal_escape("\\"));
}

TEST(EscapeForTerminal, C1ControlsAreEscapedByteByByte) {
  // U+009B is CSI: some terminals act on it as on ESC [.
  EXPECT_EQ(escape_for_terminal("x\xc2\x9b"
                                "31m"),
            "x\\xc2\\x9b31m");
  // U+00A0 (no-break space) is printable.
  EXPECT_EQ(escape_for_terminal("\xc2\xa0"), "\xc2\xa0");
}

TEST(EscapeForTerminal, BytesThatAreNotUtf8AreHex) {
  EXPECT_EQ(escape_for_terminal("\x9b"), "\\x9b");
  EXPECT_EQ(escape_for_terminal("ab\xff"), "ab\\xff");
  EXPECT_EQ(escape_for_terminal("\xe6\x97"), "\\xe6\\x97");           // cut short
  EXPECT_EQ(escape_for_terminal("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(escape_for_terminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
}

TEST(EscapeForTerminal, SpacesAreEscapedOnlyWhenAsked) {
  EXPECT_EQ(escape_for_terminal("a b", EscapeSpaces::yes), "a\\x20b");
  EXPECT_EQ(escape_for_terminal("a b", EscapeSpaces::no), "a b");
}

TEST(EscapeForTerminal, TheResultNeverHoldsAControlCharacter) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c)
    every_byte += static_cast<char>(c);
  const std::string shown = escape_for_terminal(every_byte + every_byte);
  for (char c : shown) {
    EXPECT_TRUE(c >= 0x20 && c != 0x7f) << static_cast<int>(c);
  }
}

TEST(EscapeForTerminal, BidirectionalOverridesAreEscaped) {
  // U+202E RIGHT-TO-LEFT OVERRIDE would show "txt.exe" as "exe.txt".
  EXPECT_EQ(escape_for_terminal("a\xe2\x80\xaetxt.exe"), "a\\xe2\\x80\\xaetxt.exe");
  EXPECT_EQ(escape_for_terminal("\xe2\x81\xa6x"), "\\xe2\\x81\\xa6x");  // U+2066
  EXPECT_EQ(escape_for_terminal("\xe2\x80\x94"), "\xe2\x80\x94");       // an em dash stays
}

TEST(DisplayWidth, CountsColumnsNotBytes) {
  EXPECT_EQ(display_width(""), 0U);
  EXPECT_EQ(display_width("root"), 4U);
  EXPECT_EQ(display_width("jos\xc3\xa9"), 4U);               // é: two bytes, one column
  EXPECT_EQ(display_width("\xe6\x97\xa5\xe6\x9c\xac"), 4U);  // 日本: two wide columns each
  EXPECT_EQ(display_width("e\xcc\x81"), 1U);                 // e and a combining acute accent
  EXPECT_EQ(display_width("\\xff"), 4U);                     // an escape is plain ASCII
}

}  // namespace
}  // namespace shmtool
