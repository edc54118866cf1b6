#pragma once
// The root paths are resolved under. Normally this process's own; with `shmtool --ns PID`,
// another process's (/proc/PID/root, a container's files), where every path is resolved with
// openat2(RESOLVE_IN_ROOT), so that neither ".." nor a symbolic link (absolute or relative)
// can lead outside it: a container's files are the container's to shape.

namespace shmtool {

/// Resolves every later path under directory `fd` (taken over, kept open for the run).
void set_path_root(int fd);

/// Returns whether paths are resolved under another root (set_path_root was called).
bool has_path_root();

/// Symbolic links on the way to a path.
enum class Links {
  follow,  // followed, within the root
  refuse   // any one fails with ELOOP
};

/// Opens `path` (absolute or relative to the root) with `flags`, as open(2) does here, or
/// under the root set with set_path_root. Returns the descriptor, or -1 with errno set (ELOOP
/// for a link that `links` refuses; EXDEV-free: mount points inside the root are crossed).
int open_in_root(const char* path, int flags, Links links);

/// Opens `path` under directory `root` (a descriptor of another process's /proc/PID/root) with
/// openat2(RESOLVE_IN_ROOT), as open_in_root does under the root set with set_path_root.
int open_under(int root, const char* path, int flags, Links links);

}  // namespace shmtool
