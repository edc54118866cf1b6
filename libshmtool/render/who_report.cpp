#include "render/who_report.hpp"

#include <algorithm>
#include <unordered_map>

#include "model/segment_ref.hpp"

namespace shmtool {

std::vector<WhoRow> join_holders(const HolderMap& holders, std::span<const AnyRecord> objects) {
  std::unordered_map<int, const AnyRecord*> segments;
  std::unordered_map<ino_t, const AnyRecord*> posix;
  for (const AnyRecord& object : objects) {
    if (const auto* s = std::get_if<SegmentRecord>(&object)) {
      segments.emplace(s->id, &object);
    } else {
      posix.emplace(std::get<PosixRecord>(object).ino, &object);
    }
  }
  std::vector<WhoRow> rows;
  rows.reserve(holders.holdings.size());
  for (const Holding& h : holders.holdings) {
    const AnyRecord* object = nullptr;
    if (h.sysv) {
      const auto it = segments.find(h.shmid);
      if (it != segments.end()) object = it->second;
    } else {
      const auto it = posix.find(h.ino);
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
    j["segment"] = std::move(segment);
    j["mapped"] = row.holding->mapped;
    list.push_back(std::move(j));
  }
  json out;
  out["attachments"] = std::move(list);
  return out;
}

}  // namespace shmtool
