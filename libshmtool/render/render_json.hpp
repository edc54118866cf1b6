#pragma once
// The machine renderer: the SPEC's segment object, exact and typed.

#include <nlohmann/json.hpp>
#include <span>

#include "render/any_record.hpp"
#include "sysv/segment.hpp"
#include "util/names.hpp"

namespace shmtool {

/// Returns {"inode", "pid", "comm"}: the "ns" member of an object found by --all-namespaces.
nlohmann::ordered_json namespace_json(const NamespaceTag& ns);

/// Returns the segment object: every key of the SPEC, numbers as numbers, null for unknown.
nlohmann::ordered_json segment_json(const SegmentRecord& segment, NameResolver& names);

/// Returns the POSIX object: every key of the SPEC, typed.
nlohmann::ordered_json posix_json(const PosixRecord& object, NameResolver& names);

/// Returns the object of a record of either kind.
nlohmann::ordered_json object_json(const AnyRecord& record, NameResolver& names);

/// Returns {"segments": [object, ...]} in the order given.
nlohmann::ordered_json segment_list_json(std::span<const SegmentRecord> segments,
                                         NameResolver& names);

}  // namespace shmtool
