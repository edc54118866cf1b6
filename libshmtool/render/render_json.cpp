#include "render/render_json.hpp"

#include "model/segment_ref.hpp"
#include "util/mode_parse.hpp"

namespace shmtool {
namespace {

template <class T>
nlohmann::ordered_json or_null(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

}  // namespace

nlohmann::ordered_json segment_json(const SegmentRecord& s, NameResolver& names) {
  nlohmann::ordered_json j;
  j["id"] = s.id;
  j["key"] = s.key;
  j["key_hex"] = format_key_hex(s.key);
  j["size"] = s.size;
  j["mode"] = s.mode;
  j["perms"] = format_perms(s.mode);
  j["uid"] = s.uid;
  j["user"] = or_null(names.user_name(s.uid));
  j["gid"] = s.gid;
  j["group"] = or_null(names.group_name(s.gid));
  j["cuid"] = s.cuid;
  j["cuser"] = or_null(names.user_name(s.cuid));
  j["cgid"] = s.cgid;
  j["cgroup"] = or_null(names.group_name(s.cgid));
  j["cpid"] = s.cpid;
  j["lpid"] = s.lpid;
  j["nattch"] = s.nattch;
  j["atime"] = or_null(s.atime);
  j["dtime"] = or_null(s.dtime);
  j["ctime"] = or_null(s.ctime);
  j["dest"] = s.dest;
  j["locked"] = s.locked;
  j["rss"] = or_null(s.rss);
  j["swap"] = or_null(s.swap);
  return j;
}

nlohmann::ordered_json segment_list_json(std::span<const SegmentRecord> segments,
                                         NameResolver& names) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const SegmentRecord& s : segments)
    list.push_back(segment_json(s, names));
  nlohmann::ordered_json out;
  out["segments"] = std::move(list);
  return out;
}

}  // namespace shmtool
