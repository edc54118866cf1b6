// The classic server/client example (tests/e2e/classic_client.c, plain C with ftok(path, 'A'))
// against shmtool, both ways: shmtool reads what the C server wrote, and the C client prints
// what shmtool wrote.

#include <gtest/gtest.h>

#include "functional_support.hpp"

namespace shmtool::test {
namespace {

RunResult classic(const std::vector<std::string>& args) {
  std::vector<std::string> argv{CLASSIC_CLIENT};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

TEST(ClassicFlow, ShmtoolReadsWhatTheCServerWrote) {
  const FtokFile file = make_ftok_file();
  const RunResult server = classic({"server", file.path(), "Hello from the C server"});
  SegmentGuard guard = SegmentGuard::adopt(parse_id(server.out));
  ASSERT_EQ(server.exit_code, 0) << server.err;
  ASSERT_EQ(guard.id(), id_of_key(file.key));

  const RunResult read = run_shmtool({"read", file.arg()});
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(read.out, "Hello from the C server\n");

  const RunResult json = run_shmtool({"read", file.arg(), "--json"});
  EXPECT_EQ(parse_json(json)["data"], "Hello from the C server");
  EXPECT_EQ(parse_json(json)["key"], file.key);

  const auto stat = stat_json(guard.id());
  EXPECT_EQ(stat["size"], 1024);
  EXPECT_EQ(stat["key"], file.key);
}

TEST(ClassicFlow, TheCClientPrintsWhatShmtoolWrote) {
  const FtokFile file = make_ftok_file();
  const RunResult write = run_shmtool({"write", file.arg(), "--create", "--size", "1024"},
                                      with_input("from shmtool\n"));
  SegmentGuard guard = adopt_key(file.key);
  ASSERT_EQ(write.exit_code, 0) << write.err;

  const RunResult client = classic({"client", file.path()});
  EXPECT_EQ(client.exit_code, 0) << client.err;
  EXPECT_EQ(client.out, "from shmtool\n");
}

TEST(ClassicFlow, ShorterTextOverALongerOneIsWhatTheClientSees) {
  const FtokFile file = make_ftok_file();
  const RunResult server = classic({"server", file.path(), "a rather long first message"});
  SegmentGuard guard = SegmentGuard::adopt(parse_id(server.out));
  ASSERT_EQ(server.exit_code, 0) << server.err;

  const RunResult write = run_shmtool({"write", file.arg(), "short"});
  ASSERT_EQ(write.exit_code, 0) << write.err;
  const RunResult client = classic({"client", file.path()});
  EXPECT_EQ(client.exit_code, 0) << client.err;
  EXPECT_EQ(client.out, "short\n");
}

TEST(ClassicFlow, DefaultSizedCreateHoldsExactlyTheClientString) {
  const FtokFile file = make_ftok_file();
  const RunResult write = run_shmtool({"write", file.arg(), "just fits", "--create"});
  SegmentGuard guard = adopt_key(file.key);
  ASSERT_EQ(write.exit_code, 0) << write.err;
  EXPECT_EQ(stat_json(guard.id())["size"], 10);
  const RunResult client = classic({"client", file.path()});
  EXPECT_EQ(client.out, "just fits\n");
}

TEST(ClassicFlow, ReadRmCleansUpAfterTheCServer) {
  const FtokFile file = make_ftok_file();
  const RunResult server = classic({"server", file.path(), "read once"});
  SegmentGuard guard = SegmentGuard::adopt(parse_id(server.out));
  ASSERT_EQ(server.exit_code, 0) << server.err;
  const RunResult read = run_shmtool({"read", file.arg(), "--rm"});
  EXPECT_EQ(read.out, "read once\n");
  EXPECT_FALSE(segment_exists(guard.id()));
  EXPECT_NE(classic({"client", file.path()}).exit_code, 0);
}

}  // namespace
}  // namespace shmtool::test
