// shmtool chown OWNER[:GROUP] SEGMENT... and shmtool chmod MODE SEGMENT...: IPC_SET.

#include <functional>
#include <memory>

#include "command.hpp"
#include "failure.hpp"
#include "mode_parse.hpp"
#include "multi_item.hpp"
#include "owner_parse.hpp"
#include "render_json.hpp"
#include "segment_ops.hpp"

namespace shmtool::cli {
namespace {

struct PermOptions {
  std::string value;  // OWNER[:GROUP] or MODE
  std::vector<std::string> segments;
};

using Change = std::function<Result<SegmentRecord>(ShmKernel&, int)>;

// Applies `change` to every segment, going on past failures.
int change_each(const PermOptions& options, Context& context, const Change& change) {
  const std::vector<SegmentRef> refs = parse_segment_refs(options.segments);
  ItemFailures failures;
  auto changed = nlohmann::ordered_json::array();
  for (const SegmentRef& ref : refs) {
    auto id = resolve_id(ref);
    Result<SegmentRecord> record = id.ok() ? change(context.kernel, *id) : id.error();
    if (!record.ok()) {
      failures.add(context, ref.text, record.error());
      continue;
    }
    if (context.json) {
      auto object = segment_json(*record, context.names);
      object["segment"] = ref.text;
      changed.push_back(std::move(object));
    }
  }
  if (context.json) {
    nlohmann::ordered_json result;
    result["changed"] = std::move(changed);
    result["failed"] = failures.to_json();
    write_json(context.out, result);
  }
  return failures.exit_code(refs.size());
}

int run_chown(const PermOptions& options, Context& context) {
  const OwnerChange owner = unwrap(parse_owner(options.value, context.names));
  return change_each(options, context, [&owner](ShmKernel& kernel, int id) {
    return set_owner(kernel, id, owner);
  });
}

int run_chmod(const PermOptions& options, Context& context) {
  const unsigned mode = unwrap(parse_mode(options.value, "MODE"));
  return change_each(options, context,
                     [mode](ShmKernel& kernel, int id) { return set_mode(kernel, id, mode); });
}

constexpr const char* kPermFooter =
    "Only the owner, the creator, or a privileged process may change a segment. Goes on past\n"
    "a failure and exits 1 if any segment failed (3 when the one segment named does not\n"
    "exist). Prints nothing on success; --json prints {\"changed\": [...], \"failed\": [...]}.";

}  // namespace

Runner setup_chown(CLI::App& app, bool& json) {
  auto options = std::make_shared<PermOptions>();
  app.add_option("OWNER", options->value,
                 "USER, USER:GROUP, :GROUP or USER: (login group); names or numbers")
      ->required();
  app.add_option("SEGMENT", options->segments, "Segments to change")->required();
  add_json_flag(app, json);
  app.footer(kPermFooter);
  return [options](Context& context) { return run_chown(*options, context); };
}

Runner setup_chmod(CLI::App& app, bool& json) {
  auto options = std::make_shared<PermOptions>();
  app.add_option("MODE", options->value, "Octal permission bits, e.g. 640 or 0600 (at most 0777)")
      ->required();
  app.add_option("SEGMENT", options->segments, "Segments to change")->required();
  add_json_flag(app, json);
  app.footer(kPermFooter);
  return [options](Context& context) { return run_chmod(*options, context); };
}

}  // namespace shmtool::cli
