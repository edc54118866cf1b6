// shmtool chown OWNER[:GROUP] SEGMENT...: IPC_SET of the owner and/or group.

#include <memory>

#include "failure.hpp"
#include "perm_change.hpp"
#include "sysv/segment_ops.hpp"
#include "util/owner_parse.hpp"

namespace shmtool::cli {
namespace {

int run_chown(const PermOptions& options, Context& context) {
  const OwnerChange owner = unwrap(parse_owner(options.value, context.names));
  return change_each(
      options, context,
      [&owner](ShmKernel& kernel, int id) { return set_owner(kernel, id, owner); },
      [&owner](const ShmDir& dir, const std::string& name) {
        return set_posix_owner(dir, name, owner);
      });
}

}  // namespace

Runner setup_chown(CLI::App& app) {
  auto options = std::make_shared<PermOptions>();
  app.add_option("OWNER", options->value,
                 "USER, USER:GROUP, :GROUP or USER: (login group); names or numbers")
      ->required();
  app.add_option("SEGMENT", options->segments, "Segments to change (any SEGMENT form, /NAME too)")
      ->required();
  app.footer(kPermFooter);
  return [options](Context& context) { return run_chown(*options, context); };
}

}  // namespace shmtool::cli
