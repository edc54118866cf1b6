#include "util/result.hpp"

#include <cerrno>

namespace shmtool {

ErrorKind kind_of_errno(int err) {
  switch (err) {
    case ENOENT:
    case EIDRM:
      return ErrorKind::not_found;
    case EACCES:
    case EPERM:
      return ErrorKind::permission;
    case EEXIST:
      return ErrorKind::exists;
    default:
      return ErrorKind::system;
  }
}

Error errno_error(Op op, int err, std::string subject) {
  return Error{kind_of_errno(err), op, err, std::move(subject), {}};
}

Error usage_error(std::string subject, std::string detail) {
  return Error{ErrorKind::usage, Op::parse, 0, std::move(subject), std::move(detail)};
}

}  // namespace shmtool
