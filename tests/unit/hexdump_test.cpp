#include "util/hexdump.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace shmtool {
namespace {

std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> out;
  for (char c : text)
    out.push_back(static_cast<std::byte>(c));
  return out;
}

std::vector<std::byte> repeated(char c, std::size_t n) {
  return bytes_of(std::string(n, c));
}

std::vector<std::byte> joined(std::initializer_list<std::vector<std::byte>> parts) {
  std::vector<std::byte> out;
  for (const auto& part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

std::string dump(std::span<const std::byte> bytes, std::uint64_t start = 0) {
  HexDumper dumper(start);
  std::string out;
  dumper.append(bytes, out);
  dumper.finish(out);
  return out;
}

// The bytes are put in a file and `hexdump -C -s SKIP` dumps them from offset `skip`.
std::string real_hexdump(std::span<const std::byte> bytes, std::size_t skip = 0) {
  char path[] = "/tmp/shmtool-hexdump-test-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  const bool written = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  close(fd);
  std::string out;
  if (written) {
    const std::string command =
        "hexdump -C -s " + std::to_string(skip) + " " + std::string(path) + " 2>&1";
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char buffer[4096];
      for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        out.append(buffer, n);
      pclose(pipe);
    }
  }
  unlink(path);
  if (!written) throw std::runtime_error("cannot write the temporary file");
  return out;
}

void expect_same_as_hexdump(const std::vector<std::byte>& bytes) {
  const std::string expected = real_hexdump(bytes);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(dump(bytes), expected);
}

TEST(HexDumper, WritesAPartialLineAsHexdumpDoes) {
  EXPECT_EQ(dump(bytes_of("abc")),
            "00000000  61 62 63                                          |abc|\n"
            "00000003\n");
  expect_same_as_hexdump(bytes_of("abc"));
}

TEST(HexDumper, WritesAFullLineWithTwoGroupsOfEight) {
  EXPECT_EQ(dump(bytes_of("ABCDEFGHIJKLMNOP")),
            "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n"
            "00000010\n");
  expect_same_as_hexdump(bytes_of("ABCDEFGHIJKLMNOP"));
}

TEST(HexDumper, MatchesHexdumpForEveryByteValue) {
  std::vector<std::byte> all;
  for (unsigned i = 0; i < 256; ++i)
    all.push_back(static_cast<std::byte>(i));
  expect_same_as_hexdump(all);
  const std::string text = dump(all);
  EXPECT_NE(text.find("|................|"), std::string::npos);  // 0x00..0x0f
  EXPECT_NE(text.find("|pqrstuvwxyz{|}~.|"), std::string::npos);  // 0x7f is not printable
}

TEST(HexDumper, SqueezesRepeatedLinesIntoAStar) {
  const auto zeros = repeated('\0', 40);
  EXPECT_EQ(dump(zeros),
            "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
            "*\n"
            "00000020  00 00 00 00 00 00 00 00                           |........|\n"
            "00000028\n");
  expect_same_as_hexdump(zeros);
}

TEST(HexDumper, EndsASqueezedRunWithTheEndOffset) {
  expect_same_as_hexdump(repeated('\0', 48));
  expect_same_as_hexdump(repeated('z', 16 * 100));
}

TEST(HexDumper, ShowsEachRunOfRepeatsWithItsOwnStar) {
  const auto a = repeated('A', 16);
  const auto b = repeated('B', 16);
  const auto data = joined({a, a, a, b, a, a, a, a, repeated('A', 5)});
  expect_same_as_hexdump(data);
  const std::string text = dump(data);
  EXPECT_EQ(std::count(text.begin(), text.end(), '*'), 2);
}

TEST(HexDumper, DoesNotSqueezeTwoDifferentLines) {
  const auto data = joined({repeated('A', 16), repeated('B', 16), repeated('A', 16)});
  expect_same_as_hexdump(data);
  const std::string text = dump(data);
  EXPECT_EQ(text.find('*'), std::string::npos);
}

TEST(HexDumper, NeverSqueezesAPartialLastLine) {
  const auto data = joined({repeated('Q', 16), repeated('Q', 15)});
  expect_same_as_hexdump(data);
  EXPECT_EQ(dump(data).find('*'), std::string::npos);
}

TEST(HexDumper, CountsOffsetsFromANonZeroStart) {
  std::vector<std::byte> file;
  for (unsigned i = 0; i < 100; ++i)
    file.push_back(static_cast<std::byte>('a' + i % 26));
  for (std::size_t skip : {1U, 5U, 16U, 17U, 99U}) {
    SCOPED_TRACE(skip);
    const std::span<const std::byte> tail = std::span(file).subspan(skip);
    EXPECT_EQ(dump(tail, skip), real_hexdump(file, skip));
  }
}

TEST(HexDumper, SqueezesFromANonZeroStartAsHexdumpDoes) {
  const auto file = joined({bytes_of("header"), repeated('\0', 70), bytes_of("trailer")});
  EXPECT_EQ(dump(std::span(file).subspan(6), 6), real_hexdump(file, 6));
}

TEST(HexDumper, WritesOffsetsPast32Bits) {
  // hexdump prints at least eight digits; the same line 4 GiB on has a ninth.
  std::string expected = real_hexdump(bytes_of("ab"));
  ASSERT_EQ(expected.substr(0, 8), "00000000");
  expected.replace(0, 8, "100000000");
  const auto end = expected.rfind("00000002");
  ASSERT_NE(end, std::string::npos);
  expected.replace(end, 8, "100000002");
  EXPECT_EQ(dump(bytes_of("ab"), 0x100000000ULL), expected);
}

TEST(HexDumper, WritesOnlyTheEndOffsetForNoBytes) {
  EXPECT_EQ(dump({}, 26), "0000001a\n");
  EXPECT_EQ(dump({}, 26), real_hexdump(bytes_of("abcdefghijklmnopqrstuvwxyz"), 26));
  EXPECT_EQ(dump({}), "00000000\n");
}

TEST(HexDumper, GivesTheSameTextForChunkedAppends) {
  // Data with runs to squeeze and lines that differ, cut at many places.
  std::vector<std::byte> data;
  std::uint32_t state = 12345;
  for (int block = 0; block < 40; ++block) {
    state = state * 1103515245U + 12345U;
    const std::size_t length = 1 + (state >> 16) % 70;
    const bool run = (state >> 8) % 3 == 0;
    for (std::size_t i = 0; i < length; ++i) {
      state = state * 1103515245U + 12345U;
      data.push_back(run ? std::byte{0} : static_cast<std::byte>(state >> 24));
    }
  }
  const std::string whole = dump(data);
  EXPECT_EQ(whole, real_hexdump(data));
  for (std::size_t chunk : {1U, 2U, 3U, 7U, 15U, 16U, 17U, 31U, 33U, 100U, 1000U}) {
    SCOPED_TRACE(chunk);
    HexDumper dumper(0);
    std::string out;
    for (std::size_t at = 0; at < data.size(); at += chunk) {
      dumper.append(std::span(data).subspan(at, std::min(chunk, data.size() - at)), out);
    }
    dumper.finish(out);
    EXPECT_EQ(out, whole);
  }
}

TEST(HexDumper, AppendsEmptyChunksHarmlessly) {
  const auto data = bytes_of("hello, world");
  HexDumper dumper(0);
  std::string out;
  dumper.append({}, out);
  dumper.append(std::span(data).first(5), out);
  dumper.append({}, out);
  dumper.append(std::span(data).subspan(5), out);
  dumper.finish(out);
  EXPECT_EQ(out, dump(data));
}

TEST(HexDumper, KeepsAPartialLineUntilFinish) {
  HexDumper dumper(0);
  std::string out;
  const auto data = bytes_of("0123456789abcdefXYZ");
  dumper.append(data, out);
  EXPECT_EQ(out,
            "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n");
  dumper.finish(out);
  EXPECT_EQ(out, dump(data));
}

}  // namespace
}  // namespace shmtool
