// Peak memory over large segments: read --json streams its document, so shmtool holds the
// attached segment and a few pieces of output, never a copy of the data or of the JSON.

#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <fstream>
#include <random>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

// The segment's own pages count once (shmtool maps them). A DOM adds a copy of the data, the
// base64 text (4/3 of it) and the dump: over 200 MiB for 64 MiB, over 250 MiB under ASan.
constexpr std::size_t kLarge = 64U << 20;
#if SHMTOOL_TEST_SANITIZED
constexpr long kPeakLimitKib = 128L << 10;  // the sanitizers' runtime and shadow add some
#else
constexpr long kPeakLimitKib = 96L << 10;
#endif

struct Measured {
  RunResult run;
  long peak_kib = -1;
};

// Runs shmtool under GNU time, output to a pipe, and returns what it printed and its peak RSS.
Measured run_measured(const std::vector<std::string>& args) {
  const TempFile report;
  std::vector<std::string> argv{"/usr/bin/time", "-f", "%M", "-o", report.path(), shmtool_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout_seconds = 120;
  Measured measured;
  measured.run = run_program(argv, options);
  std::ifstream(report.path()) >> measured.peak_kib;
  return measured;
}

// Fills the segment with random bytes, which are not UTF-8, and returns them.
std::string fill_with_binary(int id, std::size_t size) {
  std::mt19937 random(11);
  std::string bytes(size, '\0');
  for (char& c : bytes)
    c = static_cast<char>(random());
  bytes[0] = '\xff';
  put_bytes(id, bytes);
  return bytes;
}

// Fills the segment with UTF-8 text that needs every kind of escape, and returns it.
std::string fill_with_text(int id, std::size_t size) {
  const std::string line =
      "caf\xc3\xa9 \"q\" back\\slash / tab\t \x01 \xe2\x82\xac\xf0\x9f\x98\x80\n";
  std::string text;
  text.reserve(size);
  while (text.size() + line.size() <= size)
    text += line;
  text.resize(size, '.');
  put_bytes(id, text);
  return text;
}

std::string base64_decode(const std::string& text) {
  const RunResult decoded = run_program({"base64", "-d"}, with_input(text));
  EXPECT_EQ(decoded.exit_code, 0) << decoded.err;
  return decoded.out;
}

// Expects `out` to be read --json's document for `bytes`, byte for byte what the DOM dumps.
void expect_document(const std::string& out, int id, const std::string& bytes,
                     const std::string& encoding) {
  ASSERT_TRUE(out.ends_with("}\n")) << out.substr(0, 200);
  const auto document = nlohmann::ordered_json::parse(out);
  EXPECT_EQ(out,
            document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n")
      << "keys in order, escaped as nlohmann/json escapes";
  std::vector<std::string> keys;
  for (const auto& item : document.items())
    keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "key", "offset", "length", "encoding", "data"}));
  EXPECT_EQ(document["id"], id);
  EXPECT_EQ(document["offset"], 0);
  EXPECT_EQ(document["length"], bytes.size());
  ASSERT_EQ(document["encoding"], encoding);
  const auto data = document["data"].get<std::string>();
  const bool same = (encoding == "base64" ? base64_decode(data) : data) == bytes;
  EXPECT_TRUE(same) << "the data is the segment's bytes";
}

// Reads a large segment filled by `fill` as --binary --json: a small peak, the exact document.
void expect_streamed(std::string (*fill)(int, std::size_t), const std::string& encoding) {
  SegmentGuard segment(IPC_PRIVATE, kLarge);
  const std::string bytes = fill(segment.id(), kLarge);
  const Measured read = run_measured({"read", segment.id_arg(), "--binary", "--json"});
  ASSERT_EQ(read.run.exit_code, 0) << read.run.err;
  EXPECT_GT(read.peak_kib, 0) << "GNU time reported no peak";
  EXPECT_LT(read.peak_kib, kPeakLimitKib) << "peak RSS in KiB for a 64 MiB segment";
  expect_document(read.run.out, segment.id(), bytes, encoding);
}

TEST(ReadJsonMemory, Base64OfALargeSegmentIsStreamed) {
  expect_streamed(fill_with_binary, "base64");
}

TEST(ReadJsonMemory, Utf8TextOfALargeSegmentIsStreamed) {
  expect_streamed(fill_with_text, "utf-8");
}

TEST(ReadJsonMemory, DocumentsAcrossSeveralPiecesAreExact) {
  // Sizes around the 64 KiB pieces, each base64 padding, and text up to the first NUL.
  for (const std::size_t size :
       {std::size_t{65535}, std::size_t{65537}, std::size_t{200002}, std::size_t{(3U << 16) + 2}}) {
    SCOPED_TRACE(size);
    SegmentGuard segment(IPC_PRIVATE, size);
    const std::string bytes = fill_with_binary(segment.id(), size);
    const RunResult binary = run_shmtool({"read", segment.id_arg(), "--binary", "--json"});
    ASSERT_EQ(binary.exit_code, 0) << binary.err;
    expect_document(binary.out, segment.id(), bytes, "base64");

    std::string text = fill_with_text(segment.id(), size);
    text[size - 7] = '\0';
    put_bytes(segment.id(), text);
    const RunResult utf8 = run_shmtool({"read", segment.id_arg(), "--json"});
    ASSERT_EQ(utf8.exit_code, 0) << utf8.err;
    expect_document(utf8.out, segment.id(), text.substr(0, size - 7), "utf-8");
  }
}

}  // namespace
}  // namespace shmtool::test
