#pragma once
// Standard descriptors that were closed when shmtool started. Left closed, the next file
// shmtool opens would take their number: a write to "standard output" could land in it, and
// reading "standard input" could read it. Each is filled with a placeholder of its own (an
// empty memfd) opened the wrong way round, so using it still fails with EBADF as a closed
// descriptor would; close-on-exec, so a command that `lock` runs starts with them closed, as
// shmtool did.

namespace shmtool::cli {

/// Fills closed descriptors 0, 1 and 2 with placeholders (best effort: never fails).
void guard_standard_descriptors();

/// Returns whether `fd` (opened by name, such as /dev/stdin) is one of those placeholders:
/// the name reached a standard descriptor that was closed.
bool is_closed_standard_descriptor(int fd);

}  // namespace shmtool::cli
