#include "render/render_json.hpp"

#include "render/segment_fields.hpp"

namespace shmtool {

nlohmann::ordered_json segment_json(const SegmentRecord& s, NameResolver& names) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const JsonField& field : segment_json_fields()) {
    auto& member = j[std::string(field.key)];
    std::visit([&member](auto&& value) { member = std::forward<decltype(value)>(value); },
               field.value(s, names));
  }
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
