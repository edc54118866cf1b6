#include "render/who_report.hpp"

#include <gtest/gtest.h>

#include "fake_names.hpp"
#include "render/columns.hpp"
#include "render/list_filter.hpp"
#include "render/render_table.hpp"

namespace shmtool {
namespace {

SegmentRecord segment(int id, std::uint32_t key, std::uint64_t size) {
  SegmentRecord s;
  s.id = id;
  s.key = key;
  s.size = size;
  s.mode = 0600;
  return s;
}

PosixRecord object(std::string name, ino_t ino, std::uint64_t size) {
  PosixRecord p;
  p.name = std::move(name);
  p.ino = ino;
  p.size = size;
  p.mode = 0640;
  return p;
}

// Process 10 (alice) attaches segment 7 and maps object /frames (inode 55); process 20 (root)
// holds segment 9, which is not among the objects, and object inode 56 (unlinked).
HolderMap holders() {
  HolderMap map;
  map.processes = {{10, 1000, "viewer", "viewer --fast"}, {20, 0, "daemon", ""}};
  map.holdings = {{.pid = 10, .sysv = true, .shmid = 7, .mapped = 8192},
                  {.pid = 10, .sysv = false, .ino = 55, .mapped = 4096},
                  {.pid = 20, .sysv = true, .shmid = 9, .mapped = 4096},
                  {.pid = 20, .sysv = false, .ino = 56, .mapped = 4096}};
  return map;
}

std::vector<AnyRecord> objects() {
  return {segment(7, 0x162e, 8192), object("frames", 55, 10000)};
}

TEST(JoinHolders, JoinsEachHoldWithItsObjectAndDropsUnknownObjects) {
  const HolderMap map = holders();
  const std::vector<AnyRecord> records = objects();
  const std::vector<WhoRow> rows = join_holders(map, records);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].process->pid, 10);
  EXPECT_EQ(std::get<SegmentRecord>(*rows[0].object).id, 7);
  EXPECT_EQ(rows[0].holding->mapped, 8192U);
  EXPECT_EQ(std::get<PosixRecord>(*rows[1].object).name, "frames");
}

TEST(JoinHolders, MatchesASegmentWithinItsNamespaceAndAnObjectOnItsDevice) {
  // Two namespaces with a segment 7 each, two /dev/shm with an inode 55 each.
  const auto host = std::make_shared<NamespaceTag>(NamespaceTag{4026531839, 1, "init"});
  const auto box = std::make_shared<NamespaceTag>(NamespaceTag{4026532500, 40, "postgres"});
  SegmentRecord host_segment = segment(7, 0x1, 100);
  host_segment.ns = host;
  SegmentRecord box_segment = segment(7, 0x2, 200);
  box_segment.ns = box;
  PosixRecord host_object = object("a", 55, 300);
  host_object.dev = 21;
  PosixRecord box_object = object("b", 55, 400);
  box_object.dev = 22;
  const std::vector<AnyRecord> records{host_segment, box_segment, host_object, box_object};
  HolderMap map;
  map.processes = {{10, 0, "viewer", ""}, {41, 0, "postgres", ""}};
  map.holdings = {{.pid = 10, .sysv = true, .shmid = 7, .ipc_ns = 4026531839},
                  {.pid = 10, .sysv = false, .dev = 21, .ino = 55},
                  {.pid = 41, .sysv = true, .shmid = 7, .ipc_ns = 4026532500},
                  {.pid = 41, .sysv = false, .dev = 22, .ino = 55}};
  const std::vector<WhoRow> rows = join_holders(map, records);
  ASSERT_EQ(rows.size(), 4U);
  EXPECT_EQ(std::get<SegmentRecord>(*rows[0].object).key, 0x1U);
  EXPECT_EQ(std::get<PosixRecord>(*rows[1].object).name, "a");
  EXPECT_EQ(std::get<SegmentRecord>(*rows[2].object).key, 0x2U);
  EXPECT_EQ(std::get<PosixRecord>(*rows[3].object).name, "b");
  EXPECT_EQ(map.segment_holders(7, 4026532500), std::vector<pid_t>{41});
  EXPECT_EQ(map.object_holders(21, 55), std::vector<pid_t>{10});
  test::FakeNames names;
  const auto j = who_json(rows, names);
  EXPECT_EQ(j["attachments"][2]["segment"]["ns"].dump(),
            R"({"inode":4026532500,"pid":40,"comm":"postgres"})");
}

TEST(WhoJson, HasTheSpecsKeysTypedForEachKind) {
  test::FakeNames names;
  const HolderMap map = holders();
  const std::vector<AnyRecord> records = objects();
  const auto j = who_json(join_holders(map, records), names);
  ASSERT_EQ(j["attachments"].size(), 2U);
  const auto& sysv = j["attachments"][0];
  EXPECT_EQ(sysv.dump(),
            R"({"pid":10,"uid":1000,"user":"alice","comm":"viewer","cmdline":"viewer --fast",)"
            R"("segment":{"type":"sysv","id":7,"key":5678,"key_hex":"0x0000162e","name":null,)"
            R"("size":8192},"mapped":8192})");
  const auto& posix = j["attachments"][1]["segment"];
  EXPECT_EQ(
      posix.dump(),
      R"({"type":"posix","id":null,"key":null,"key_hex":null,"name":"/frames","size":10000})");
}

TEST(WhoColumns, HaveTheHoldersColumnsFirstAndTheObjectsAfter) {
  std::vector<std::string> names;
  for (const Column* c : default_who_columns())
    names.emplace_back(c->name);
  EXPECT_EQ(names, (std::vector<std::string>{"PID", "USER", "COMMAND", "TYPE", "NAME", "ID", "SIZE",
                                             "MAPPED"}));
  ASSERT_TRUE(parse_who_column_list("cmdline,perms").ok());
  EXPECT_EQ((*parse_who_column_list("+PERMS")).size(), 9U);
  // PIDS, RSS and SWAP are list's only; list does not take who's PID or MAPPED.
  for (const char* other : {"PIDS", "RSS", "SWAP"}) {
    const auto refused = parse_who_column_list(other);
    ASSERT_FALSE(refused.ok()) << other;
    EXPECT_NE(refused.error().detail.find("known: PID, USER, COMMAND, CMDLINE, MAPPED, KEY"),
              std::string::npos)
        << refused.error().detail;
  }
  EXPECT_FALSE(parse_column_list("PID").ok());
  EXPECT_FALSE(parse_sort_column("MAPPED").ok());
}

TEST(WhoColumns, ShowTheHolderAndTheObjectOfARow) {
  test::FakeNames names;
  const HolderMap map = holders();
  const std::vector<AnyRecord> records = objects();
  std::vector<WhoRow> rows = join_holders(map, records);
  sort_who_rows(rows, **parse_who_sort_column("name"), Order::ascending, names);
  TableOptions options;
  options.layout = Layout::raw;
  const std::vector<const Column*> columns = *parse_who_column_list("+CMDLINE,PERMS");
  TableBuilder table(columns, names, options);
  for (const WhoRow& row : rows)
    table.add(row);
  std::string out;
  table.write([&out](std::string_view piece) { out += piece; });
  // Sorted by NAME: "/" sorts before "0", so the object comes first, against pid order.
  EXPECT_EQ(out,
            "PID USER COMMAND TYPE NAME ID SIZE MAPPED CMDLINE PERMS\n"
            "10 alice viewer posix /frames - 10000 4096 viewer\\x20--fast rw-r-----\n"
            "10 alice viewer sysv 0x0000162e 7 8192 8192 viewer\\x20--fast rw-------\n");
}

}  // namespace
}  // namespace shmtool
