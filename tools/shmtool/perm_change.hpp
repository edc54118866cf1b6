#pragma once
// What chown and chmod share: IPC_SET on each named segment, going on past failures.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "command.hpp"
#include "sysv/kernel.hpp"
#include "sysv/segment.hpp"
#include "util/result.hpp"

namespace shmtool::cli {

struct PermOptions {
  std::string value;  // OWNER[:GROUP] or MODE
  std::vector<std::string> segments;
};

/// Changes one segment by id and returns its new record.
using PermChange = std::function<Result<SegmentRecord>(ShmKernel&, int)>;

/// Changes one POSIX object by name and returns its new record.
using PosixPermChange = std::function<Result<PosixRecord>(const ShmDir&, const std::string&)>;

/// Applies `change` (or `posix_change` to a POSIX object) to every SEGMENT of `options`;
/// prints {"changed", "failed"} with --json. Returns the multi-item exit code.
int change_each(const PermOptions& options, Context& context, const PermChange& change,
                const PosixPermChange& posix_change);

/// The help footer both commands show.
extern const char* const kPermFooter;

}  // namespace shmtool::cli
