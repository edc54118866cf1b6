#include "render/render_holders.hpp"

namespace shmtool {

std::vector<LabelledValue> attached_lines(const HolderMap& holders, std::span<const pid_t> pids,
                                          NameResolver& names) {
  std::vector<LabelledValue> lines;
  for (pid_t pid : pids) {
    const ProcessInfo* p = holders.process(pid);
    if (p == nullptr) continue;
    const auto user = names.user_name(p->uid);
    std::string value = std::to_string(pid) + " " + (user ? *user : std::to_string(p->uid)) + " ";
    value += p->cmdline.empty() ? "[" + p->comm + "]" : p->cmdline;
    lines.push_back({"attached", std::move(value)});
  }
  return lines;
}

nlohmann::ordered_json attached_json(const HolderMap& holders, std::span<const pid_t> pids,
                                     NameResolver& names) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (pid_t pid : pids) {
    const ProcessInfo* p = holders.process(pid);
    if (p == nullptr) continue;
    nlohmann::ordered_json j;
    j["pid"] = pid;
    j["uid"] = p->uid;
    const auto user = names.user_name(p->uid);
    j["user"] = user ? nlohmann::ordered_json(*user) : nlohmann::ordered_json();
    j["comm"] = p->comm;
    j["cmdline"] = p->cmdline;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace shmtool
