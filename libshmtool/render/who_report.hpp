#pragma once
// `who`: which process holds which object, one row per process and object, joined from one
// walk of /proc (HolderMap) and the objects listed (System V by id, POSIX by inode).

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "procs/holders.hpp"
#include "render/any_record.hpp"
#include "util/names.hpp"

namespace shmtool {

/// One row of `who`: a process's hold of one object. Points into the HolderMap and the
/// objects it was joined from, which must outlive it.
struct WhoRow {
  const AnyRecord* object = nullptr;
  const ProcessInfo* process = nullptr;
  const Holding* holding = nullptr;

  operator RowRef() const { return RowRef(*object, *process, *holding); }  // NOLINT: implicit
};

/// Joins each hold in `holders` with its object among `objects` (a segment by its namespace
/// and id, an object by device and inode), by pid, then object. A hold
/// of an object not among them (a POSIX object unlinked while still mapped, a segment removed
/// since it was listed) has no row.
std::vector<WhoRow> join_holders(const HolderMap& holders, std::span<const AnyRecord> objects);

/// Returns {"attachments": [{"pid", "uid", "user", "comm", "cmdline", "segment": {"type",
/// "id", "key", "key_hex", "name", "size"}, "mapped"}, ...]}; with --all-namespaces the
/// segment object ends with "ns": {"inode", "pid", "comm"}.
nlohmann::ordered_json who_json(std::span<const WhoRow> rows, NameResolver& names);

}  // namespace shmtool
