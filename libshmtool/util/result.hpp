#pragma once
// Typed results for every fallible library call: a value, or an Error that says what failed,
// on which segment, and with which errno. The library never prints or exits; the front end
// turns an Error into words and an exit code.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace shmtool {

/// What the library was doing when it failed; the front end picks its wording from this.
enum class Op {
  parse,            // reading an argument or value
  ftok,             // deriving a key from a path
  resolve,          // finding the segment a key or id names
  create,           // shmget with IPC_CREAT
  stat,             // IPC_STAT / SHM_STAT_ANY of one segment
  enumerate,        // listing every segment
  attach,           // shmat
  remove,           // IPC_RMID
  set_owner,        // IPC_SET of uid/gid
  set_mode,         // IPC_SET of the mode
  open_input,       // opening --file
  read_input,       // reading the data to write
  wait,             // waiting for a key to appear
  lock,             // taking, reading or removing a segment's lock
  shm_dir,          // opening the directory of POSIX objects (/dev/shm)
  pin,              // SHM_LOCK
  unpin,            // SHM_UNLOCK
  write_output,     // writing a file the user named (metrics --output)
  enter_namespace,  // --ns PID: setns into its IPC namespace
};

/// Why an operation failed, as far as the caller needs to act on it.
enum class ErrorKind {
  usage,        // a bad argument or value; nothing was changed
  not_found,    // the segment (or key) does not exist
  exists,       // the key already names a segment
  too_large,    // data or size does not fit
  permission,   // EACCES / EPERM
  not_regular,  // a POSIX object's name is a symbolic link, directory or other non-file
  system,       // any other kernel or I/O refusal; see err
};

/// Which fact an Error reports beyond its kind and errno; the front end words it from the
/// numbers the Error carries.
enum class Fact {
  none,
  offset_past_end,   // `offset` lies past the end of an object of `have` bytes
  length_past_end,   // `size` bytes asked from `offset` of an object of `have` bytes
  existing_smaller,  // the name or key holds an object of `have` bytes, `size` were asked
  lock_timeout,      // the lock was still held when the timeout of `waited_ms` ran out
  wait_timeout,      // nothing appeared within the timeout of `waited_ms`
};

/// A failure: the kind, the operation, the errno (0 if none), what it was about, the fact
/// and its numbers, and extra words where neither says enough.
struct Error {
  ErrorKind kind = ErrorKind::system;
  Op op = Op::parse;
  int err = 0;
  std::string subject;
  std::string detail;
  std::uint64_t size = 0;     // Op::create: the size asked for, to explain a kernel limit
  bool hugetlb = false;       // Op::create: huge pages were asked for
  bool posix = false;         // about a POSIX object (a file in /dev/shm), not a System V segment
  std::uint32_t st_mode = 0;  // ErrorKind::not_regular: the file type found (S_IFMT bits)
  Fact fact = Fact::none;
  std::uint64_t have = 0;      // Fact: the object's size
  std::uint64_t offset = 0;    // Fact: the offset asked for
  std::int64_t waited_ms = 0;  // Fact: the timeout that ran out
  std::int64_t id = -1;        // Fact::existing_smaller: the segment's id (System V)
};

/// Classifies an errno from a segment operation into an ErrorKind.
ErrorKind kind_of_errno(int err);

/// Builds an Error for a failed system call on `subject`.
Error errno_error(Op op, int err, std::string subject);

/// Builds a usage Error: `subject` is the argument, `detail` says what is wrong with it.
Error usage_error(std::string subject, std::string detail);

/// The value of a call that returns nothing.
struct Done {};

/// A value of type T, or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

using Status = Result<Done>;

}  // namespace shmtool
