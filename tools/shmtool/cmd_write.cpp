// shmtool write SEGMENT [DATA] [--file PATH] [--offset N] [--binary]
//                      [--create [--size SIZE] [--mode MODE]]

#include <unistd.h>

#include <memory>

#include "bus_guard.hpp"
#include "command.hpp"
#include "detach_check.hpp"
#include "failure.hpp"
#include "key_args.hpp"
#include "nested_lock.hpp"
#include "progress.hpp"
#include "standard_fds.hpp"
#include "sysv/attachment.hpp"
#include "sysv/segment_lock.hpp"
#include "sysv/segment_ops.hpp"
#include "util/duration_parse.hpp"
#include "util/mode_parse.hpp"
#include "util/size_parse.hpp"
#include "util/write_data.hpp"

namespace shmtool::cli {
namespace {

struct WriteOptions {
  std::string segment;
  std::string data;
  std::string file;
  std::string offset = "0";
  std::string length;
  bool binary = false;
  bool create = false;
  bool lock = false;
  bool progress = false;
  std::string timeout;
  std::string size;
  std::string mode = "600";
  CLI::Option* data_opt = nullptr;
  CLI::Option* file_opt = nullptr;
  CLI::Option* length_opt = nullptr;
  CLI::Option* size_opt = nullptr;
  CLI::Option* mode_opt = nullptr;
  CLI::Option* timeout_opt = nullptr;
};

// Closes a descriptor this command opened.
struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd > STDERR_FILENO) close(fd);
  }
};

std::string bytes_word(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// The data does not fit between `offset` and the end of a segment of `size` bytes: `subject`
// names the segment, `end` says what that end is, `outcome` what was left undone.
[[noreturn]] void fail_does_not_fit(const std::string& subject, std::uint64_t size,
                                    std::uint64_t offset, const std::string& data_size,
                                    Encoding encoding, const std::string& end,
                                    const std::string& outcome) {
  const std::string data =
      "data (" + data_size + (encoding == Encoding::text ? " with its NUL)" : ")");
  throw CommandFailure(Error{ErrorKind::too_large, Op::read_input, 0, subject,
                             data + " does not fit in the " + bytes_word(size - offset) +
                                 " from offset " + std::to_string(offset) + " to " + end + "; " +
                                 outcome});
}

// What is written to: how messages name it, its size, and what it is.
struct Destination {
  std::string subject;
  std::uint64_t size = 0;
  const char* noun = "segment";
};

Destination destination_of(const SegmentRecord& s) {
  return {"id " + std::to_string(s.id), s.size, "segment"};
}

Destination destination_of(const PosixRecord& p) {
  return {posix_display_name(p.name), p.size, "object"};
}

[[noreturn]] void fail_does_not_fit(const Destination& to, std::uint64_t offset,
                                    const std::string& data_size, Encoding encoding) {
  fail_does_not_fit(to.subject, to.size, offset, data_size, encoding,
                    std::string("the end (") + to.noun + " size " + std::to_string(to.size) + ")",
                    "nothing was written");
}

// Where the data comes from and what of it is taken.
struct Input {
  int fd = -1;  // -1: DATA
  Encoding encoding = Encoding::text;
  std::optional<std::uint64_t> exact_length;  // --length
};

// Reads the data in, with room for `room` stored bytes; rewords a stream that overflows.
PreparedData prepare(const WriteOptions& options, const Input& input, std::uint64_t room,
                     const Destination* segment, std::uint64_t offset) {
  const int fd = input.fd;
  const Encoding encoding = input.encoding;
  const std::string source = options.file_opt->count() > 0 ? options.file : "standard input";
  if (input.exact_length) {
    const std::uint64_t length = *input.exact_length;
    // Known before reading: /dev/zero is never read for a segment it could not fit.
    if (length > room && segment != nullptr) {
      fail_does_not_fit(*segment, offset, bytes_word(length), Encoding::binary);
    }
    return unwrap(fd < 0 ? prepare_literal_exact(options.data, length)
                         : prepare_fd_exact(fd, source, length));
  }
  Result<PreparedData> prepared =
      fd < 0 ? prepare_literal(options.data, encoding) : prepare_fd(fd, source, encoding, room);
  if (!prepared.ok() && prepared.error().kind == ErrorKind::too_large && segment != nullptr) {
    fail_does_not_fit(*segment, offset, prepared.error().detail, encoding);
  }
  return unwrap(std::move(prepared));
}

// Removes a segment this command created if the command fails before the data is in: a failed
// `write --create` leaves nothing behind.
class CreatedSegment {
 public:
  CreatedSegment(ShmKernel& kernel, int id) : kernel_(kernel), id_(id) {}
  CreatedSegment(const CreatedSegment&) = delete;
  CreatedSegment& operator=(const CreatedSegment&) = delete;
  ~CreatedSegment() {
    if (id_ >= 0) (void)remove_segment(kernel_, id_, Usage::skip);
  }
  void keep() { id_ = -1; }

 private:
  ShmKernel& kernel_;
  int id_;
};

[[noreturn]] void fail_offset_past_end(std::uint64_t offset, const std::string& segment) {
  fail_usage("--offset", "offset " + std::to_string(offset) + " is past the end of " + segment);
}

void copy_into(const Attachment& attachment, std::uint64_t offset, PreparedData& data,
               bool show_progress) {
  const std::uint64_t length = data.stored_size();
  if (length >= kPopulateFrom) {
    attachment.populate(static_cast<std::size_t>(offset), static_cast<std::size_t>(length),
                        Access::read_write);
  }
  ProgressBar bar("write", length, show_progress);
  CopyProgress progress;
  if (show_progress) progress = [&bar](std::uint64_t done) { bar.update(done); };
  unwrap(data.copy_to(attachment.bytes().subspan(static_cast<std::size_t>(offset)), progress));
  bar.finish();
}

bool progress_for(const WriteOptions& options, const PreparedData& data) {
  return wants_progress(options.progress ? ProgressRequest::asked : ProgressRequest::automatic,
                        data.stored_size());
}

// What run_write worked out before it knew which kind it writes to.
struct WritePlan {
  Input input;
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> create_size;
  unsigned create_mode = 0600;
  std::optional<std::chrono::milliseconds> lock_timeout;
};

// Removes an object this command created if it fails before the data is in.
class CreatedObject {
 public:
  CreatedObject(const ShmDir& dir, PosixRecord record) : dir_(dir), record_(std::move(record)) {}
  CreatedObject(const CreatedObject&) = delete;
  CreatedObject& operator=(const CreatedObject&) = delete;
  ~CreatedObject() {
    if (armed_) (void)remove_posix(dir_, record_.name, &record_);
  }
  void keep() { armed_ = false; }

 private:
  const ShmDir& dir_;
  PosixRecord record_;
  bool armed_ = true;
};

int run_write_posix(const WriteOptions& options, const SegmentRef& ref, const WritePlan& plan,
                    Context& context) {
  const ShmDir& dir = context.shm_dir();
  const std::uint64_t offset = plan.offset;
  const Encoding encoding = plan.input.encoding;
  const std::string subject = posix_display_name(ref.name);
  Result<PosixFile> opened = PosixFile::open(dir, ref.name, Access::read_write);
  std::optional<PreparedData> data;
  std::optional<CreatedObject> undo;
  bool created = false;
  if (!opened.ok()) {
    if (!options.create || opened.error().kind != ErrorKind::not_found) {
      throw CommandFailure(std::move(opened).error());
    }
    data = prepare(options, plan.input, UINT64_MAX, nullptr, offset);
    PosixCreateRequest request;
    request.name = ref.name;
    request.size = plan.create_size.value_or(offset + data->stored_size());
    request.mode = plan.create_mode;
    if (request.size == 0) fail_usage("--size", "there is no data to size the object by");
    if (offset > request.size) {
      fail_offset_past_end(offset, "an object of --size " + std::to_string(request.size));
    }
    if (data->stored_size() > request.size - offset) {
      fail_does_not_fit(subject, request.size, offset, bytes_word(data->stored_size()), encoding,
                        "the end of the --size " + std::to_string(request.size),
                        "nothing was created or written");
    }
    const PosixCreateOutcome outcome = unwrap(create_posix(dir, request));
    created = outcome.created;
    if (created) undo.emplace(dir, outcome.object);
    opened = PosixFile::open(dir, ref.name, Access::read_write);
  }
  const PosixFile file = unwrap(std::move(opened));
  const PosixRecord& object = file.record();
  if (options.create && plan.create_size && object.size < *plan.create_size) {
    Error error{ErrorKind::too_large, Op::create, EEXIST, subject, {}};
    error.posix = true;
    error.fact = Fact::existing_smaller;
    error.have = object.size;
    error.size = *plan.create_size;
    throw CommandFailure(std::move(error));
  }
  if (offset > object.size) {
    fail_offset_past_end(offset, subject + " (size " + std::to_string(object.size) + ")");
  }
  const std::uint64_t room = object.size - offset;
  const Destination destination = destination_of(object);
  if (!data) data = prepare(options, plan.input, room, &destination, offset);
  if (data->stored_size() > room) {
    fail_does_not_fit(destination, offset, bytes_word(data->stored_size()), encoding);
  }
  {
    std::optional<ObjectLock> lock;
    if (options.lock) lock.emplace(hold_object_lock(dir, ref.name, plan.lock_timeout));
    // The pages first: with /dev/shm full the write fails here, the object unchanged.
    unwrap(file.reserve(offset, data->stored_size()));
    const Attachment attachment = unwrap(file.map(Access::read_write));
    const BusErrorGuard guard(context.command, subject);
    copy_into(attachment, offset, *data, progress_for(options, *data));
  }
  if (undo) undo->keep();
  if (context.json()) {
    nlohmann::ordered_json result;
    result["name"] = subject;
    result["offset"] = offset;
    result["length"] = data->stored_size();
    result["created"] = created;
    write_json(context.out, result);
  }
  return kSuccess;
}

int run_write(const WriteOptions& options, Context& context) {
  const bool have_data = options.data_opt->count() > 0 && options.data != "-";
  if (have_data && options.file_opt->count() > 0) {
    fail_usage("DATA", "give DATA or --file, not both");
  }
  if (!options.create && (options.size_opt->count() > 0 || options.mode_opt->count() > 0)) {
    fail_usage(options.size_opt->count() > 0 ? "--size" : "--mode", "goes with --create");
  }
  const SegmentRef ref = unwrap(parse_segment_ref(options.segment));
  if (options.create && ref.form == RefForm::id) {
    fail_usage(ref.text, "--create needs a key (0xKEY, key:N or ftok:PATH) or /NAME, not an id");
  }
  if (options.timeout_opt->count() > 0 && !options.lock) {
    fail_usage("--timeout", "goes with --lock");
  }
  std::optional<std::chrono::milliseconds> lock_timeout;
  if (options.timeout_opt->count() > 0) {
    lock_timeout = unwrap(parse_duration(options.timeout, "--timeout", kLongestTimeout));
  }
  const std::uint64_t offset = unwrap(parse_byte_count(options.offset, "--offset"));
  Input input;
  if (options.length_opt->count() > 0) {
    input.exact_length = unwrap(parse_byte_count(options.length, "--length"));
  }
  // --length copies bytes exactly, as --binary does.
  input.encoding = options.binary || input.exact_length ? Encoding::binary : Encoding::text;
  const Encoding encoding = input.encoding;
  std::optional<std::uint64_t> create_size;
  unsigned create_mode = 0600;
  if (options.create) {
    if (options.size_opt->count() > 0) create_size = unwrap(parse_size(options.size, "--size"));
    create_mode = unwrap(parse_mode(options.mode, "--mode"));
  }

  FdGuard file;
  if (options.file_opt->count() > 0) {
    file.fd = unwrap(open_input_file(options.file));
    input.fd = file.fd;
    if (is_closed_standard_descriptor(input.fd)) {
      // /dev/stdin of a closed standard input: as closed as it is.
      throw CommandFailure(Error{ErrorKind::system, Op::read_input, EBADF, options.file,
                                 "bad file descriptor (it names a closed standard descriptor)"});
    }
  } else if (!have_data) {
    input.fd = STDIN_FILENO;
  }
  if (is_posix(ref)) {
    return run_write_posix(
        options, ref, WritePlan{input, offset, create_size, create_mode, lock_timeout}, context);
  }

  Result<SegmentRecord> existing = lookup_segment(context.kernel, ref, Usage::skip);
  bool created = false;
  SegmentRecord segment;
  std::optional<PreparedData> data;
  std::optional<CreatedSegment> undo;
  if (existing.ok()) {
    segment = std::move(*existing);
    if (options.create && create_size && segment.size < *create_size) {
      // As create does: an existing segment smaller than --size asks is not what was meant.
      throw CommandFailure(existing_too_small(describe(ref), segment, *create_size));
    }
  } else if (options.create && existing.error().kind == ErrorKind::not_found &&
             existing.error().op == Op::resolve) {
    data = prepare(options, input, UINT64_MAX, nullptr, offset);
    CreateRequest request;
    request.key = key_as_argument(ref);
    request.size = create_size.value_or(offset + data->stored_size());
    if (request.size == 0) fail_usage("--size", "there is no data to size the segment by");
    // Refuse what could not be written before making anything.
    if (offset > request.size) {
      fail_offset_past_end(offset, "a segment of --size " + std::to_string(request.size));
    }
    if (data->stored_size() > request.size - offset) {
      fail_does_not_fit(describe(ref), request.size, offset, bytes_word(data->stored_size()),
                        encoding, "the end of the --size " + std::to_string(request.size),
                        "nothing was created or written");
    }
    request.mode = create_mode;
    request.subject = describe(ref);
    CreateOutcome outcome = unwrap(create_segment(context.kernel, request));
    created = outcome.created;
    segment = std::move(outcome.segment);
    if (created) undo.emplace(context.kernel, segment.id);
  } else {
    Error error = std::move(existing).error();
    // With --create the ftok path makes the key to create, as for create: a bad argument.
    if (options.create && error.op == Op::ftok) error.kind = ErrorKind::usage;
    throw CommandFailure(std::move(error));
  }

  if (offset > segment.size) {
    fail_offset_past_end(offset, "id " + std::to_string(segment.id) + " (size " +
                                     std::to_string(segment.size) + ")");
  }
  const std::uint64_t room = segment.size - offset;
  const Destination destination = destination_of(segment);
  if (!data) data = prepare(options, input, room, &destination, offset);
  if (data->stored_size() > room) {
    fail_does_not_fit(destination, offset, bytes_word(data->stored_size()), encoding);
  }
  {
    // Readers that take the lock never see this copy half done.
    const std::optional<HeldLock> lock =
        options.lock ? hold_lock(segment, lock_timeout) : std::nullopt;
    const Attachment attachment =
        unwrap(Attachment::attach(segment.id, segment.size, Access::read_write));
    copy_into(attachment, offset, *data, progress_for(options, *data));
  }
  if (undo) undo->keep();
  warn_if_removed_on_detach(context, segment, created);

  if (context.json()) {
    nlohmann::ordered_json result;
    result["id"] = segment.id;
    result["key"] = segment.key;
    result["offset"] = offset;
    result["length"] = data->stored_size();
    result["created"] = created;
    write_json(context.out, result);
  }
  return kSuccess;
}

}  // namespace

Runner setup_write(CLI::App& app) {
  auto options = std::make_shared<WriteOptions>();
  app.add_option("SEGMENT", options->segment, kSegmentHelp)->required();
  options->data_opt =
      app.add_option("DATA", options->data, "The data; '-' or none reads standard input");
  options->file_opt =
      app.add_option("-f,--file", options->file, "Read the data from PATH")->option_text("PATH");
  app.add_option("-O,--offset", options->offset, "Write at byte N of the segment")
      ->option_text("N")
      ->default_str("0");
  options->length_opt =
      app.add_option("-l,--length", options->length,
                     "Write exactly N bytes of the data, as --binary does (exit 1 if it is "
                     "shorter)")
          ->option_text("N");
  app.add_flag("-B,--binary", options->binary,
               "Write the bytes exactly: no newline dropped, no NUL added");
  app.add_flag("-c,--create", options->create, "Create the segment first if the key names none");
  options->size_opt =
      app.add_option("-s,--size", options->size,
                     "With --create: size (default: the offset plus the data's size)")
          ->option_text("SIZE");
  options->mode_opt = app.add_option("-m,--mode", options->mode,
                                     "With --create: permission bits in octal (default 600)")
                          ->option_text("MODE")
                          ->default_str("600");
  app.add_flag("--progress", options->progress,
               "Show a progress bar on stderr (default: for 64 MiB or more to a terminal)");
  app.add_flag("-L,--lock", options->lock,
               "Hold the segment's cooperative lock while copying (see shmtool lock)");
  options->timeout_opt = app.add_option("-t,--timeout", options->timeout,
                                        "With --lock: give up after DURATION (exit 1)")
                             ->option_text("DURATION");
  app.footer(
      "Text mode (the default) drops one trailing newline of file or stdin data and writes a\n"
      "NUL after the data, so a C program reading a string sees exactly the text; data with a\n"
      "NUL inside needs --binary. Data that does not fit between the offset and the end is\n"
      "refused (exit 1) and the segment is left unchanged. --length N takes N bytes and leaves\n"
      "the rest of the input unread: --file /dev/zero --length 4K clears 4 KiB. Prints\n"
      "nothing on success (with --json: where the data went).");
  return [options](Context& context) { return run_write(*options, context); };
}

}  // namespace shmtool::cli
