#include "sysv/segment_ops.hpp"

#include "sysv/segment_lock.hpp"

#include <linux/capability.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "util/poll.hpp"

namespace shmtool {
namespace {

std::string id_subject(int id) {
  return "id " + std::to_string(id);
}

Result<int> id_for_key(std::uint32_t key, const std::string& subject) {
  const int id = shmget(static_cast<key_t>(key), 0, 0);
  if (id < 0) {
    Error error = errno_error(Op::resolve, errno, subject);
    return error;
  }
  return id;
}

// IPC_SET with the current record's fields, changed as asked.
Result<SegmentRecord> set_perm(ShmKernel& kernel, int id, Op op, std::optional<uid_t> uid,
                               std::optional<gid_t> gid, std::optional<unsigned> mode) {
  auto current = stat_segment(kernel, id, Usage::skip);
  if (!current.ok()) return current.error();
  struct shmid_ds ds {};
  ds.shm_perm.uid = uid.value_or(current->uid);
  ds.shm_perm.gid = gid.value_or(current->gid);
  ds.shm_perm.mode = static_cast<unsigned short>(mode.value_or(current->mode));
  if (shmctl(id, IPC_SET, &ds) < 0) {
    const int err = errno;
    Error error = errno_error(op, err, id_subject(id));
    if (err == EINVAL || err == EIDRM) error.kind = ErrorKind::not_found;
    return error;
  }
  auto updated = stat_segment(kernel, id, Usage::skip);
  // The lock follows its segment's owner and mode (best effort: the caller changed the
  // segment, which is what was asked).
  if (updated.ok()) (void)sync_lock(*current, *updated);
  return updated;
}

}  // namespace

Result<SegmentRecord> set_pinned(ShmKernel& kernel, int id, bool pinned) {
  if (shmctl(id, pinned ? SHM_LOCK : SHM_UNLOCK, nullptr) < 0) {
    const int err = errno;
    Error error = errno_error(pinned ? Op::pin : Op::unpin, err, id_subject(id));
    if (err == EINVAL || err == EIDRM) error.kind = ErrorKind::not_found;
    return error;
  }
  return stat_segment(kernel, id, Usage::skip);
}

Result<int> resolve_id(const SegmentRef& ref) {
  if (ref.form == RefForm::id) return ref.id;
  auto key = key_of(ref);
  if (!key.ok()) return key.error();
  return id_for_key(*key, describe(ref));
}

Result<SegmentRecord> lookup_segment(ShmKernel& kernel, const SegmentRef& ref, Usage usage) {
  auto id = resolve_id(ref);
  if (!id.ok()) return id.error();
  auto record = stat_segment(kernel, *id, usage);
  if (!record.ok() && ref.form != RefForm::id) {
    Error error = std::move(record).error();
    error.subject = describe(ref);
    return error;
  }
  return record;
}

Result<CreateOutcome> create_segment(ShmKernel& kernel, const CreateRequest& request) {
  if (request.size > SIZE_MAX) {
    return Error{ErrorKind::too_large, Op::create, EINVAL, request.subject, "size is too large"};
  }
  int flags = IPC_CREAT | IPC_EXCL | static_cast<int>(request.mode & 0777U);
  if (request.hugetlb) flags |= SHM_HUGETLB;
  if (request.noreserve) flags |= SHM_NORESERVE;
  const key_t key = static_cast<key_t>(request.key.value_or(IPC_PRIVATE));
  const int id = shmget(key, static_cast<std::size_t>(request.size), flags);
  if (id >= 0) {
    auto record = stat_segment(kernel, id, Usage::skip);
    if (!record.ok()) {
      // Its id would be lost with the error: do not leave an unreachable segment behind.
      shmctl(id, IPC_RMID, nullptr);
      return record.error();
    }
    return CreateOutcome{std::move(*record), true};
  }
  const int err = errno;
  if (err != EEXIST) {
    Error error{kind_of_errno(err), Op::create, err, request.subject, {}};
    error.size = request.size;
    error.hugetlb = request.hugetlb;
    return error;
  }
  if (request.exclusive == Exclusive::yes) {
    return Error{ErrorKind::exists, Op::create, err, request.subject, {}};
  }
  // Reporting it needs only read access: a segment the caller may read but not write (0644,
  // another user's) is reported; one the caller may not even read is refused.
  const int existing_id = shmget(key, 0, SHM_R);
  if (existing_id < 0) return errno_error(Op::create, errno, request.subject);
  auto record = stat_segment(kernel, existing_id, Usage::skip);
  if (!record.ok()) return record.error();
  if (record->size < request.size)
    return existing_too_small(request.subject, *record, request.size);
  return CreateOutcome{std::move(*record), false};
}

Error existing_too_small(const std::string& subject, const SegmentRecord& existing,
                         std::uint64_t size) {
  Error error{ErrorKind::too_large, Op::create, EEXIST, subject, {}};
  error.fact = Fact::existing_smaller;
  error.id = existing.id;
  error.have = existing.size;
  error.size = size;
  return error;
}

bool caller_may_remove(const SegmentRecord& segment) {
  return caller_may_remove(segment.uid, segment.cuid);
}

bool caller_may_remove(uid_t owner, uid_t creator) {
  const uid_t me = geteuid();
  if (me == owner || me == creator) return true;
  // Capabilities do not change during a run: asked once (rm --all asks for every segment).
  static const bool privileged = [me] {
    struct __user_cap_header_struct header {};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    header.pid = 0;
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] {};
    if (syscall(SYS_capget, &header, data) != 0) return me == 0;
    return (data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN)) != 0;
  }();
  return privileged;
}

Result<RemoveOutcome> remove_segment(ShmKernel& kernel, int id, Usage usage) {
  auto record = stat_segment(kernel, id, usage);
  if (!record.ok()) {
    Error error = std::move(record).error();
    error.op = Op::remove;
    return error;
  }
  if (shmctl(id, IPC_RMID, nullptr) < 0) {
    const int err = errno;
    Error error = errno_error(Op::remove, err, id_subject(id));
    if (err == EINVAL || err == EIDRM) error.kind = ErrorKind::not_found;
    return error;
  }
  // The segment is gone (or goes at the last detach): its lock has nothing left to guard.
  const bool marked = record->nattch > 0;
  auto lock = remove_lock(*record);
  RemoveOutcome outcome{std::move(*record), marked, std::nullopt};
  if (!lock.ok()) outcome.lock_failure = lock.error();
  return outcome;
}

Result<SegmentRecord> set_owner(ShmKernel& kernel, int id, const OwnerChange& change) {
  return set_perm(kernel, id, Op::set_owner, change.uid, change.gid, std::nullopt);
}

Result<SegmentRecord> set_mode(ShmKernel& kernel, int id, unsigned mode) {
  return set_perm(kernel, id, Op::set_mode, std::nullopt, std::nullopt, mode);
}

Result<int> wait_for_segment(const SegmentRef& ref,
                             std::optional<std::chrono::milliseconds> timeout) {
  // An ftok path may itself appear late (the server creates it first), so ftok is retried.
  return poll_until(
      timeout, [&ref] { return resolve_id(ref); },
      [](const Error& error) { return error.kind == ErrorKind::not_found; },
      [&ref, timeout]() -> Result<int> {
        Error error{ErrorKind::not_found, Op::wait, 0, describe(ref), {}};
        error.fact = Fact::wait_timeout;
        error.waited_ms = timeout ? timeout->count() : 0;
        return error;
      });
}

}  // namespace shmtool
