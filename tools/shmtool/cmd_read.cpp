// shmtool read SEGMENT [--offset N] [--length N] [--binary | --hex] [--rm]
//                     [--wait [--timeout DURATION]]

#include <memory>

#include "bus_guard.hpp"
#include "command.hpp"
#include "detach_check.hpp"
#include "failure.hpp"
#include "nested_lock.hpp"
#include "posix/object_lock.hpp"
#include "progress.hpp"
#include "render/json_stream.hpp"
#include "sysv/read_data.hpp"
#include "sysv/segment_lock.hpp"
#include "sysv/segment_ops.hpp"
#include "util/duration_parse.hpp"
#include "util/hexdump.hpp"
#include "util/size_parse.hpp"
#include "util/write_data.hpp"

namespace shmtool::cli {
namespace {

struct ReadOptions {
  std::string segment;
  std::string offset = "0";
  std::string length;
  bool binary = false;
  bool hex = false;
  bool remove = false;
  bool wait = false;
  bool lock = false;
  bool progress = false;
  std::string timeout;
  CLI::Option* length_opt = nullptr;
  CLI::Option* timeout_opt = nullptr;
};

void write_hex(Output& out, std::span<const std::byte> bytes, std::uint64_t offset) {
  constexpr std::size_t kChunk = 1 << 16;
  HexDumper dumper(offset);
  std::string text;
  while (!bytes.empty()) {
    const std::size_t take = std::min(bytes.size(), kChunk);
    dumper.append(bytes.first(take), text);
    out.write(text);
    text.clear();
    bytes = bytes.subspan(take);
  }
  dumper.finish(text);
  out.write(text);
}

// Writes the bytes straight from the segment, in chunks when a bar shows their progress.
void write_bytes(Context& context, const ReadWindow& window, std::uint64_t offset,
                 bool show_progress) {
  if (window.bytes.size() >= kPopulateFrom) {
    window.attachment.populate(static_cast<std::size_t>(offset), window.bytes.size(),
                               Access::read_only);
  }
  if (!show_progress) {
    context.out.write_direct(window.bytes);
    return;
  }
  ProgressBar bar("read", window.bytes.size(), true);
  std::span<const std::byte> rest = window.bytes;
  while (!rest.empty()) {
    const std::size_t take = std::min(rest.size(), kCopyChunk);
    context.out.write_direct(rest.first(take));
    rest = rest.subspan(take);
    bar.update(window.bytes.size() - rest.size());
  }
  bar.finish();
}

// Prints the window as asked: JSON, hex, or the bytes (text mode adds a newline).
template <class Record>
void deliver(const ReadOptions& options, Context& context, const Record& record,
             const ReadRequest& request, const ReadWindow& window) {
  if (context.json()) {
    // Streamed in pieces: no copy of the bytes, nor of their JSON, however large the segment.
    write_data_json(record, request.offset, window.bytes,
                    [&context](std::string_view piece) { context.out.write(piece); });
  } else if (options.hex) {
    write_hex(context.out, window.bytes, request.offset);
  } else {
    write_bytes(
        context, window, request.offset,
        wants_progress(options.progress ? ProgressRequest::asked : ProgressRequest::automatic,
                       window.bytes.size()));
    if (!options.binary) context.out.write("\n");
  }
  context.out.flush();
}

int run_read_posix(const ReadOptions& options, const SegmentRef& ref, const ReadRequest& request,
                   std::optional<std::chrono::milliseconds> timeout, Context& context) {
  const ShmDir& dir = context.shm_dir();
  const std::string subject = posix_display_name(ref.name);
  if (options.wait) (void)unwrap(wait_for_posix(dir, ref.name, timeout));
  PosixRecord read_from;
  {
    std::optional<ObjectLock> lock;
    if (options.lock) lock.emplace(hold_object_lock(dir, ref.name, timeout));
    const PosixFile file = unwrap(PosixFile::open(dir, ref.name, Access::read_only));
    read_from = file.record();
    (void)unwrap(select_read_bytes({}, read_from.size, subject, request));
    Attachment mapped = unwrap(file.map(Access::read_only));
    const BusErrorGuard guard(context.command, subject);
    const auto bytes = unwrap(select_read_bytes(mapped.bytes(), read_from.size, subject, request));
    const ReadWindow window{std::move(mapped), bytes};
    try {
      deliver(options, context, read_from, request, window);
    } catch (const OutputError& e) {
      // write(2) from a page past the new end of a truncated object: EFAULT, not SIGBUS.
      if (e.err != EFAULT) throw;
      throw CommandFailure(Error{ErrorKind::system, Op::attach, EFAULT, subject, shrank_words()});
    }
  }
  // Unlinked only once everything was delivered, and only the file that was read.
  if (options.remove) (void)unwrap(remove_posix(dir, ref.name, &read_from));
  return kSuccess;
}

int run_read(const ReadOptions& options, Context& context) {
  if (options.binary && options.hex) fail_usage("--binary", "give --binary or --hex, not both");
  if (options.hex && context.json()) {
    fail_usage("--hex", "a hex dump is text; with --json the data is UTF-8 or base64 already");
  }
  if (options.timeout_opt->count() > 0 && !options.wait && !options.lock) {
    fail_usage("--timeout", "goes with --wait or --lock");
  }
  const SegmentRef ref = unwrap(parse_segment_ref(options.segment));
  if (options.wait && ref.form == RefForm::id) {
    fail_usage(ref.text,
               "--wait needs a key (0xKEY, key:N or ftok:PATH) or /NAME: an id cannot appear "
               "later");
  }
  ReadRequest request;
  request.offset = unwrap(parse_byte_count(options.offset, "--offset"));
  if (options.length_opt->count() > 0) {
    request.length = unwrap(parse_byte_count(options.length, "--length"));
  }
  request.extent = options.binary || options.hex ? ReadExtent::exact : ReadExtent::c_string;
  std::optional<std::chrono::milliseconds> timeout;
  if (options.timeout_opt->count() > 0)
    timeout = unwrap(parse_duration(options.timeout, "--timeout", kLongestTimeout));

  if (is_posix(ref)) return run_read_posix(options, ref, request, timeout, context);

  SegmentRecord segment;
  if (options.wait) {
    const int id = unwrap(wait_for_segment(ref, timeout));
    segment = unwrap(stat_segment(context.kernel, id, Usage::skip));
  } else {
    segment = unwrap(lookup_segment(context.kernel, ref, Usage::skip));
  }
  {
    // With --lock, the copy to standard output happens while no cooperating writer is copying.
    const std::optional<HeldLock> lock = options.lock ? hold_lock(segment, timeout) : std::nullopt;
    const ReadWindow window = unwrap(open_read_window(segment, request));
    deliver(options, context, segment, request, window);
  }  // detached; the lock released
  // Removed only once everything was delivered: a failed write leaves the data in place.
  if (options.remove) {
    const RemoveOutcome removed = unwrap(remove_segment(context.kernel, segment.id, Usage::skip));
    if (removed.lock_failure) throw CommandFailure(*removed.lock_failure);
  } else {
    warn_if_removed_on_detach(context, segment, false);
  }
  return kSuccess;
}

}  // namespace

Runner setup_read(CLI::App& app) {
  auto options = std::make_shared<ReadOptions>();
  app.add_option("SEGMENT", options->segment, kSegmentHelp)->required();
  app.add_option("-O,--offset", options->offset, "Start at byte N")
      ->option_text("N")
      ->default_str("0");
  options->length_opt = app.add_option("-l,--length", options->length,
                                       "Read N bytes (text mode: at most N); default: to the end")
                            ->option_text("N");
  // Not CLI11's excludes(): it prints "Excludes: --hex" inside the option column of --help.
  app.add_flag("-B,--binary", options->binary,
               "The exact bytes, nothing added (default: text up to the first NUL)");
  app.add_flag("-x,--hex", options->hex, "A hexdump -C style dump with offsets (not with -B)");
  app.add_flag("--rm", options->remove, "Remove the segment after reading it");
  app.add_flag("-w,--wait", options->wait, "Wait for the key (or /NAME) to name a segment");
  app.add_flag("--progress", options->progress,
               "Show a progress bar on stderr (default: for 64 MiB or more to a terminal)");
  app.add_flag("-L,--lock", options->lock,
               "Hold the segment's cooperative lock while copying (see shmtool lock)");
  options->timeout_opt =
      app.add_option("-t,--timeout", options->timeout,
                     "Give up waiting after DURATION: for the key (--wait, exit 3) and for the "
                     "lock (--lock, exit 1)")
          ->option_text("DURATION");
  app.footer(
      "Text mode prints the bytes from the offset up to the first NUL (or the end), then a\n"
      "newline: what the classic client prints. --json prints {\"id\", \"key\", \"offset\",\n"
      "\"length\", \"encoding\", \"data\"}, data as UTF-8 text when it is, else base64; it holds\n"
      "the text-mode bytes, or the exact bytes with --binary. A POSIX object's document has\n"
      "\"name\" in place of \"id\" and \"key\".");
  return [options](Context& context) { return run_read(*options, context); };
}

}  // namespace shmtool::cli
