#pragma once
// The block of fields every kind of shared memory object has: size, permission bits, owner,
// and the access and change times. Each kind's record embeds it, so code about ownership,
// modes, sizes and times (columns, filters, chown, chmod) reads one block for any kind.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "model/namespace_tag.hpp"

namespace shmtool {

/// What any shared memory object has, as the kernel reports it.
struct ObjectStat {
  std::uint64_t size = 0;
  unsigned mode = 0;  // permission bits only, 0..0777
  uid_t uid = 0;
  gid_t gid = 0;
  std::optional<std::int64_t> atime;  // System V: last attach; POSIX: last access; nullopt: never
  std::optional<std::int64_t> ctime;  // last change of its owner, mode or size
  // With --all-namespaces: the IPC namespace the object was found in (a POSIX object: that of
  // the lowest pid whose /dev/shm holds it). Shared by every object of one namespace.
  std::shared_ptr<const NamespaceTag> ns;
};

/// The kinds of shared memory object.
enum class ObjectKind { sysv, posix };

}  // namespace shmtool
