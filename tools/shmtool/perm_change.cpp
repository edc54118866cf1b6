#include "perm_change.hpp"

#include "failure.hpp"
#include "multi_item.hpp"
#include "render/render_json.hpp"
#include "sysv/segment_ops.hpp"

namespace shmtool::cli {

const char* const kPermFooter =
    "Only the owner, the creator, or a privileged process may change a segment; a POSIX\n"
    "object, its owner or root (and only root may change its owner). Goes on past\n"
    "a failure and exits 1 if any segment failed (3 when the one segment named does not\n"
    "exist). Prints nothing on success; --json prints {\"changed\": [...], \"failed\": [...]}.";

int change_each(const PermOptions& options, Context& context, const PermChange& change,
                const PosixPermChange& posix_change) {
  const std::vector<SegmentRef> refs = parse_segment_refs(options.segments);
  ItemFailures failures;
  auto changed = nlohmann::ordered_json::array();
  for (const SegmentRef& ref : refs) {
    if (is_posix(ref)) {
      Result<PosixRecord> object = posix_change(context.shm_dir(), ref.name);
      if (!object.ok()) {
        failures.add(context, ref.text, object.error());
      } else if (context.json()) {
        auto json = posix_json(*object, context.names);
        json["segment"] = ref.text;
        changed.push_back(std::move(json));
      }
      continue;
    }
    auto id = resolve_id(ref);
    Result<SegmentRecord> record = id.ok() ? change(context.kernel, *id) : id.error();
    if (!record.ok()) {
      failures.add(context, ref.text, record.error());
      continue;
    }
    if (context.json()) {
      // The same object stat prints: rss and swap from /proc/sysvipc/shm (best effort).
      (void)fill_usage(context.kernel, std::span(&*record, 1));
      auto object = segment_json(*record, context.names);
      object["segment"] = ref.text;
      changed.push_back(std::move(object));
    }
  }
  if (context.json()) {
    nlohmann::ordered_json result;
    result["changed"] = std::move(changed);
    result["failed"] = failures.to_json();
    write_json(context.out, result);
  }
  return failures.exit_code(refs.size());
}

}  // namespace shmtool::cli
