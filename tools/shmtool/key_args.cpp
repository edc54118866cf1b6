#include "key_args.hpp"

#include "failure.hpp"

namespace shmtool::cli {

std::uint32_t key_as_argument(const SegmentRef& ref) {
  auto key = key_of(ref);
  if (!key.ok()) {
    Error error = std::move(key).error();
    error.kind = ErrorKind::usage;
    throw CommandFailure(std::move(error));
  }
  return *key;
}

}  // namespace shmtool::cli
