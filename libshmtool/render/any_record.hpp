#pragma once
// A record of either kind of shared memory object, for what lists both (list --type all,
// rm --all): a System V segment or a POSIX object; and RowRef, the view the columns read.

#include <variant>

#include "posix/posix_object.hpp"
#include "procs/holders.hpp"
#include "sysv/segment.hpp"

namespace shmtool {

/// A System V segment or a POSIX object.
using AnyRecord = std::variant<SegmentRecord, PosixRecord>;

/// What a column or filter reads of one row: the shared block, and the kind's own record; in
/// a row of `who`, also the process that holds the object and its hold.
struct RowRef {
  const ObjectStat& common;
  const SegmentRecord* sysv = nullptr;
  const PosixRecord* posix = nullptr;
  const ProcessInfo* process = nullptr;
  const Holding* holding = nullptr;

  RowRef(const SegmentRecord& s) : common(s), sysv(&s) {}  // NOLINT: implicit on purpose
  RowRef(const PosixRecord& p) : common(p), posix(&p) {}   // NOLINT: implicit on purpose
  RowRef(const AnyRecord& any)                             // NOLINT: implicit on purpose
      : common(std::visit([](const auto& r) -> const ObjectStat& { return r; }, any)),
        sysv(std::get_if<SegmentRecord>(&any)),
        posix(std::get_if<PosixRecord>(&any)) {}

  RowRef(const AnyRecord& any, const ProcessInfo& p, const Holding& h) : RowRef(any) {
    process = &p;
    holding = &h;
  }

  ObjectKind kind() const { return sysv != nullptr ? ObjectKind::sysv : ObjectKind::posix; }
};

/// Which kinds `list` and `rm --all` take (--type).
enum class TypeSelection { sysv, posix, all };

}  // namespace shmtool
