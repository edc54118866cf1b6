#pragma once
// How `stat` shows the processes that hold a segment or object: one "attached:" line each
// (pid, user, command), and JSON "attached": [{"pid", "uid", "user", "comm", "cmdline"}].

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "procs/holders.hpp"
#include "render/render_table.hpp"
#include "util/names.hpp"

namespace shmtool {

/// Returns one "attached" line per pid of `pids`: "4702 postgres: /usr/bin/postgres -D ...".
std::vector<LabelledValue> attached_lines(const HolderMap& holders, std::span<const pid_t> pids,
                                          NameResolver& names);

/// Returns [{"pid", "uid", "user", "comm", "cmdline"}, ...] for `pids`.
nlohmann::ordered_json attached_json(const HolderMap& holders, std::span<const pid_t> pids,
                                     NameResolver& names);

}  // namespace shmtool
