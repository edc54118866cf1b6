#include "render/who_report.hpp"

#include <algorithm>
#include <unordered_map>

#include "model/segment_ref.hpp"
#include "render/render_json.hpp"

namespace shmtool {

namespace {

// A segment by namespace and id, or an object by device and inode.
struct ObjectKey {
  std::uint64_t space = 0;   // the IPC namespace's inode (0: the caller's), or the device
  std::uint64_t number = 0;  // the shmid, or the inode
  bool operator==(const ObjectKey&) const = default;
};

struct ObjectKeyHash {
  std::size_t operator()(const ObjectKey& k) const {
    return std::hash<std::uint64_t>()(k.space * 1000003U ^ k.number);
  }
};

}  // namespace

std::vector<WhoRow> join_holders(const HolderMap& holders, std::span<const AnyRecord> objects) {
  std::unordered_map<ObjectKey, const AnyRecord*, ObjectKeyHash> segments;
  std::unordered_map<ObjectKey, const AnyRecord*, ObjectKeyHash> posix;
  for (const AnyRecord& object : objects) {
    if (const auto* s = std::get_if<SegmentRecord>(&object)) {
      const std::uint64_t ns = s->ns ? s->ns->inode : 0;
      segments.emplace(ObjectKey{ns, static_cast<std::uint64_t>(s->id)}, &object);
    } else {
      const auto& p = std::get<PosixRecord>(object);
      posix.emplace(ObjectKey{p.dev, p.ino}, &object);
    }
  }
  std::vector<WhoRow> rows;
  rows.reserve(holders.holdings.size());
  for (const Holding& h : holders.holdings) {
    const AnyRecord* object = nullptr;
    if (h.sysv) {
      const auto it = segments.find(ObjectKey{h.ipc_ns, static_cast<std::uint64_t>(h.shmid)});
      if (it != segments.end()) object = it->second;
    } else {
      const auto it = posix.find(ObjectKey{h.dev, h.ino});
      if (it != posix.end()) object = it->second;
    }
    const ProcessInfo* process = holders.process(h.pid);
    if (object != nullptr && process != nullptr) rows.push_back(WhoRow{object, process, &h});
  }
  return rows;
}

nlohmann::ordered_json who_json(std::span<const WhoRow> rows, NameResolver& names) {
  using json = nlohmann::ordered_json;
  json list = json::array();
  for (const WhoRow& row : rows) {
    const ProcessInfo& p = *row.process;
    json j;
    j["pid"] = p.pid;
    j["uid"] = p.uid;
    const auto user = names.user_name(p.uid);
    j["user"] = user ? json(*user) : json();
    j["comm"] = p.comm;
    j["cmdline"] = p.cmdline;
    json segment;
    if (const auto* s = std::get_if<SegmentRecord>(row.object)) {
      segment["type"] = "sysv";
      segment["id"] = s->id;
      segment["key"] = s->key;
      segment["key_hex"] = format_key_hex(s->key);
      segment["name"] = nullptr;
      segment["size"] = s->size;
    } else {
      const auto& o = std::get<PosixRecord>(*row.object);
      segment["type"] = "posix";
      segment["id"] = nullptr;
      segment["key"] = nullptr;
      segment["key_hex"] = nullptr;
      segment["name"] = posix_display_name(o.name);
      segment["size"] = o.size;
    }
    const ObjectStat& common =
        std::visit([](const auto& r) -> const ObjectStat& { return r; }, *row.object);
    if (common.ns) segment["ns"] = namespace_json(*common.ns);
    j["segment"] = std::move(segment);
    j["mapped"] = row.holding->mapped;
    list.push_back(std::move(j));
  }
  json out;
  out["attachments"] = std::move(list);
  return out;
}

}  // namespace shmtool
