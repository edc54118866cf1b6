// The command-line contract, as util-linux's tools/checkusage.sh checks it: help and version go
// to stdout with exit 0 and nothing on stderr; an unknown option or command gives exit 2, nothing
// on stdout, and one short line on stderr that points to --help; --json may stand before or
// after the command.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "contract_support.hpp"
#include "run_tool.hpp"
#include "segment_guard.hpp"

namespace shmtool::test {
namespace {

const std::vector<std::string> kCommands = {"create", "write", "read",  "stat",
                                            "list",   "rm",    "chown", "chmod"};

struct Invocation {
  std::string name;
  std::vector<std::string> args;
  std::string mentions;  // stdout (help) or stderr (misuse) must contain this
};

std::string capitalized(std::string text) {
  text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

// CTest names each test after what this prints (gtest_discover_tests' pretty values).
void PrintTo(const Invocation& row, std::ostream* os) {
  *os << row.name;
}

// Help and version requests.

std::vector<Invocation> help_requests() {
  std::vector<Invocation> rows = {
      {"LongHelp", {"--help"}, "Usage:"},
      {"ShortHelp", {"-h"}, "Usage:"},
      {"LongVersion", {"--version"}, "shmtool "},
      {"ShortVersion", {"-V"}, "shmtool "},
      {"JsonThenHelp", {"--json", "--help"}, "Usage:"},
  };
  for (const std::string& command : kCommands) {
    rows.push_back({capitalized(command) + "LongHelp", {command, "--help"}, "shmtool " + command});
    rows.push_back({capitalized(command) + "ShortHelp", {command, "-h"}, "shmtool " + command});
  }
  return rows;
}

class HelpRequests : public testing::TestWithParam<Invocation> {};

TEST_P(HelpRequests, PrintToStdoutAndExitZero) {
  const RunResult result = run_shmtool(GetParam().args);
  SCOPED_TRACE(joined(GetParam().args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "");
  ASSERT_FALSE(result.out.empty());
  EXPECT_EQ(result.out.back(), '\n');
  EXPECT_NE(result.out.find(GetParam().mentions), std::string::npos) << result.out;
  if (GetParam().name.ends_with("Version")) {
    EXPECT_TRUE(result.out.starts_with("shmtool ")) << result.out;
    EXPECT_EQ(count_lines(result.out), 1) << result.out;
  }
}

INSTANTIATE_TEST_SUITE_P(contract, HelpRequests, testing::ValuesIn(help_requests()));

// Misuse of the command line itself: unknown options and commands, no command.

std::vector<Invocation> misuses() {
  std::vector<Invocation> rows = {
      {"UnknownTopLevelOption", {"--no-such-option"}, "--no-such-option"},
      {"UnknownTopLevelShortOption", {"-Z"}, "-Z"},
      {"UnknownOptionBeforeACommand", {"--no-such-option", "list"}, "--no-such-option"},
      {"UnknownCommand", {"frobnicate"}, "frobnicate"},
      {"NoCommand", {}, "command"},
      {"OnlyJson", {"--json"}, "command"},
      {"OptionOfReadGivenToList", {"list", "--hex"}, "--hex"},
      {"UnknownOptionAfterGoodArguments",
       {"stat", "2147483646", "--no-such-option"},
       "--no-such-option"},
      {"UnknownOptionAfterJson", {"list", "--json", "--no-such-option"}, "--no-such-option"},
  };
  for (const std::string& command : kCommands) {
    rows.push_back({capitalized(command) + "UnknownOption",
                    {command, "--no-such-option"},
                    "--no-such-option"});
    rows.push_back({capitalized(command) + "UnknownShortOption", {command, "-Z"}, "-Z"});
  }
  return rows;
}

class Misuse : public testing::TestWithParam<Invocation> {};

TEST_P(Misuse, ExitsTwoWithOneShortLinePointingToHelp) {
  const RunResult result = run_shmtool(GetParam().args);
  SCOPED_TRACE(joined(GetParam().args));
  EXPECT_EQ(result.signal, 0);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(count_lines(result.err), 1) << result.err;
  EXPECT_TRUE(result.err.starts_with("shmtool: ")) << result.err;
  EXPECT_TRUE(result.err.ends_with("\n")) << result.err;
  EXPECT_LE(result.err.size(), 100U) << "not short: " << result.err;
  EXPECT_NE(result.err.find("--help"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(GetParam().mentions), std::string::npos) << result.err;
}

INSTANTIATE_TEST_SUITE_P(contract, Misuse, testing::ValuesIn(misuses()));

// --json before and after the command gives the same JSON. The runs use a segment of their own;
// list shows other segments too, which may come and go between the two runs.

struct JsonCommand {
  std::string name;
  std::vector<std::string> args;  // @SEG the segment's id, @KEY its key
};

void PrintTo(const JsonCommand& row, std::ostream* os) {
  *os << row.name;
}

class JsonPlacement : public testing::TestWithParam<JsonCommand> {};

TEST_P(JsonPlacement, IsAcceptedBeforeAndAfterTheCommand) {
  const std::uint32_t key = unique_key();
  const SegmentGuard segment(static_cast<key_t>(key), 4096);
  fill_segment(segment.id(), std::string("hello", 6));
  const std::vector<std::string> args =
      substitute(GetParam().args, {{"@SEG", segment.id_arg()}, {"@KEY", key_arg(key)}});

  std::vector<std::string> before{"--json"};
  before.insert(before.end(), args.begin(), args.end());
  std::vector<std::string> after = args;
  after.push_back("--json");
  std::vector<nlohmann::json> outputs;
  for (const auto& form : {before, after}) {
    SCOPED_TRACE(joined(form));
    const RunResult result = run_shmtool(form);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    const auto parsed = nlohmann::json::parse(result.out, nullptr, false);
    ASSERT_TRUE(parsed.is_object()) << result.out;
    outputs.push_back(parsed);
  }
  if (args.front() == "list") {
    for (const auto& output : outputs) {
      ASSERT_TRUE(output["segments"].is_array());
      int found = 0;
      for (const auto& s : output["segments"])
        found += s["id"] == segment.id() ? 1 : 0;
      EXPECT_EQ(found, 1) << output;
    }
  } else {
    EXPECT_EQ(outputs[0]["id"], segment.id());
    EXPECT_EQ(outputs[0], outputs[1]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    contract, JsonPlacement,
    testing::Values(JsonCommand{"List", {"list"}}, JsonCommand{"Stat", {"stat", "@SEG"}},
                    JsonCommand{"Read", {"read", "@SEG"}},
                    JsonCommand{"CreateOfAnExistingKey", {"create", "@KEY", "--size", "4096"}}));

}  // namespace
}  // namespace shmtool::test
