// shmtool create [KEY] --size SIZE [--mode MODE] [--exclusive] [--hugetlb] [--noreserve]

#include <memory>

#include <unistd.h>

#include "bus_guard.hpp"
#include "command.hpp"
#include "failure.hpp"
#include "key_args.hpp"
#include "model/posix_name.hpp"
#include "render/render_json.hpp"
#include "sysv/attachment.hpp"
#include "sysv/kernel_limits.hpp"
#include "sysv/segment_ops.hpp"
#include "util/mode_parse.hpp"
#include "util/size_parse.hpp"
#include "util/terminal_text.hpp"

namespace shmtool::cli {
namespace {

struct CreateOptions {
  std::string key;
  std::string size;
  std::string mode = "600";
  bool exclusive = false;
  bool hugetlb = false;
  bool noreserve = false;
  bool populate = false;
};

void print_outcome(CreateOutcome& outcome, Context& context);

// Faults in every page of `bytes` (MADV_POPULATE_*). A kernel without it (before 5.14) gets
// the pages of memory made just now touched one by one (never those of live memory, whose
// writers the touch could race).
void populate_pages(const Attachment& attachment, Access access, bool created) {
  const std::span<std::byte> bytes = attachment.bytes();
  if (attachment.populate(0, bytes.size(), access) || !created) return;
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  for (std::size_t at = 0; at < bytes.size(); at += page) {
    // A volatile read-and-write of the same byte faults the page in without changing it.
    volatile std::byte* cell = bytes.data() + at;
    *cell = *cell;
  }
}

// Allocates every page now (MADV_POPULATE_WRITE), so the first writer does not pay a page
// fault per page.
void populate_segment(const CreateOutcome& outcome, Context& context) {
  // A segment that exists already is only read (MADV_POPULATE_READ allocates a shared memory
  // segment's pages too): reporting it needs only read permission, and so does this.
  const Access access = outcome.created ? Access::read_write : Access::read_only;
  auto attachment = Attachment::attach(outcome.segment.id, outcome.segment.size, access);
  if (!attachment.ok()) {
    if (outcome.created) (void)remove_segment(context.kernel, outcome.segment.id, Usage::skip);
    throw CommandFailure(std::move(attachment).error());
  }
  populate_pages(*attachment, access, outcome.created);
}

// Maps the object and faults its pages in: allocated now for an object made just now, read
// only for one that existed (reporting it needs only read permission, and so does this).
void populate_object(const PosixCreateOutcome& outcome, Context& context) {
  const Access access = outcome.created ? Access::read_write : Access::read_only;
  const std::string& name = outcome.object.name;
  // A failure leaves nothing behind: an object made just now is removed.
  const auto fail = [&](Error error) {
    if (outcome.created) (void)remove_posix(context.shm_dir(), name);
    throw CommandFailure(std::move(error));
  };
  auto mapped = PosixFile::open(context.shm_dir(), name, access);
  if (!mapped.ok()) fail(std::move(mapped).error());
  // A new object's pages are allocated by fallocate first: a full /dev/shm is ENOSPC here,
  // not a SIGBUS in the middle.
  if (outcome.created) {
    Status reserved = mapped->reserve(0, outcome.object.size);
    if (!reserved.ok()) fail(std::move(reserved).error());
  }
  auto attachment = mapped->map(access);
  if (!attachment.ok()) fail(std::move(attachment).error());
  const BusErrorGuard guard(context.command, posix_display_name(name));
  populate_pages(*attachment, access, outcome.created);
}

int run_create_posix(const CreateOptions& options, const SegmentRef& ref, Context& context) {
  if (options.hugetlb || options.noreserve) {
    fail_usage(options.hugetlb ? "--hugetlb" : "--noreserve",
               "goes with System V segments only; a POSIX object lives in /dev/shm's tmpfs");
  }
  PosixCreateRequest request;
  request.name = ref.name;
  request.size = unwrap(parse_size(options.size, "--size"));
  request.mode = unwrap(parse_mode(options.mode, "--mode"));
  request.exclusive = options.exclusive ? Exclusive::yes : Exclusive::no;
  PosixCreateOutcome outcome = unwrap(create_posix(context.shm_dir(), request));
  if (options.populate) {
    populate_object(outcome, context);
    // What it occupies now that its pages are in.
    auto now = stat_posix(context.shm_dir(), outcome.object.name);
    if (now.ok() && now->ino == outcome.object.ino) outcome.object = std::move(*now);
  }
  try {
    if (context.json()) {
      auto object = posix_json(outcome.object, context.names);
      object["created"] = outcome.created;
      write_json(context.out, object);
    } else {
      context.out.write(escape_for_terminal(posix_display_name(outcome.object.name)) + "\n");
    }
    context.out.flush();
  } catch (const OutputError&) {
    if (outcome.created) (void)remove_posix(context.shm_dir(), outcome.object.name);
    throw;
  }
  return kSuccess;
}

int run_create(const CreateOptions& options, Context& context) {
  if (!options.key.empty() && is_posix_form(options.key)) {
    return run_create_posix(options, unwrap(parse_key_ref(options.key)), context);
  }
  CreateRequest request;
  request.size = unwrap(parse_size(options.size, "--size"));
  request.mode = unwrap(parse_mode(options.mode, "--mode"));
  request.exclusive = options.exclusive ? Exclusive::yes : Exclusive::no;
  request.hugetlb = options.hugetlb;
  request.noreserve = options.noreserve;
  request.subject = "private segment";
  if (!options.key.empty()) {
    const SegmentRef ref = unwrap(parse_key_ref(options.key));
    request.key = key_as_argument(ref);
    request.subject = describe(ref);
  }
  CreateOutcome outcome = unwrap(create_segment(context.kernel, request));
  if (outcome.created && kernel_removes_unattached()) {
    context.warn("id " + std::to_string(outcome.segment.id), rmid_forced_created_words());
  }
  if (options.populate) populate_segment(outcome, context);
  try {
    print_outcome(outcome, context);
  } catch (const OutputError&) {
    // Nobody learned the id of a segment made just now (a private one could never be found
    // again): take it back rather than leak it.
    if (outcome.created) (void)remove_segment(context.kernel, outcome.segment.id, Usage::skip);
    throw;
  }
  return kSuccess;
}

void print_outcome(CreateOutcome& outcome, Context& context) {
  if (context.json()) {
    // The same object stat prints: rss and swap from /proc/sysvipc/shm (best effort).
    (void)fill_usage(context.kernel, std::span(&outcome.segment, 1));
    auto object = segment_json(outcome.segment, context.names);
    object["created"] = outcome.created;
    write_json(context.out, object);
  } else {
    context.out.write(std::to_string(outcome.segment.id) + "\n");
  }
  context.out.flush();
}

}  // namespace

Runner setup_create(CLI::App& app) {
  auto options = std::make_shared<CreateOptions>();
  app.add_option("KEY", options->key,
                 "0xKEY, key:N, ftok:PATH[:PROJ], or /NAME for a POSIX object; leave out for a "
                 "private segment");
  app.add_option("-s,--size", options->size, "Size in bytes, or with K, M, G, T (e.g. 64K)")
      ->option_text("SIZE")
      ->required();
  app.add_option("-m,--mode", options->mode,
                 "Permission bits in octal (default 600: the owner only)")
      ->option_text("MODE")
      ->default_str("600");
  app.add_flag("-x,--exclusive", options->exclusive, "Fail if the key already names a segment");
  app.add_flag("--hugetlb", options->hugetlb, "Back the segment with huge pages (SHM_HUGETLB)");
  app.add_flag("--noreserve", options->noreserve, "Reserve no swap space (SHM_NORESERVE)");
  app.add_flag("--populate", options->populate,
               "Allocate every page now, so the first write is not slowed by page faults");
  app.footer(
      "Prints the new segment's id (a POSIX object: its /NAME). When KEY names a live segment\n"
      "already, that segment is reported (\"created\": false with --json) if SIZE fits in it;\n"
      "--exclusive makes that an error. /NAME makes a POSIX object, as shm_open and ftruncate\n"
      "do, with exactly MODE (no umask).");
  return [options](Context& context) { return run_create(*options, context); };
}

}  // namespace shmtool::cli
