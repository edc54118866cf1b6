#include "render/render_json.hpp"

#include "render/segment_fields.hpp"

namespace shmtool {

namespace {

template <class R>
nlohmann::ordered_json dom_of(const R& record, NameResolver& names) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& field : json_fields_of(record)) {
    auto& member = j[std::string(field.key)];
    std::visit([&member](auto&& value) { member = std::forward<decltype(value)>(value); },
               field.value(record, names));
  }
  if (record.ns) j["ns"] = namespace_json(*record.ns);
  return j;
}

}  // namespace

nlohmann::ordered_json namespace_json(const NamespaceTag& ns) {
  nlohmann::ordered_json j;
  j["inode"] = ns.inode;
  j["pid"] = static_cast<std::int64_t>(ns.pid);
  j["comm"] = ns.comm;
  return j;
}

nlohmann::ordered_json segment_json(const SegmentRecord& s, NameResolver& names) {
  return dom_of(s, names);
}

nlohmann::ordered_json posix_json(const PosixRecord& p, NameResolver& names) {
  return dom_of(p, names);
}

nlohmann::ordered_json object_json(const AnyRecord& record, NameResolver& names) {
  return std::visit([&names](const auto& r) { return dom_of(r, names); }, record);
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
