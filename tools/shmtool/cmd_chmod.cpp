// shmtool chmod MODE SEGMENT...: IPC_SET of the permission bits.

#include <memory>

#include "failure.hpp"
#include "perm_change.hpp"
#include "sysv/segment_ops.hpp"
#include "util/mode_parse.hpp"

namespace shmtool::cli {
namespace {

int run_chmod(const PermOptions& options, Context& context) {
  const unsigned mode = unwrap(parse_mode(options.value, "MODE"));
  return change_each(
      options, context, [mode](ShmKernel& kernel, int id) { return set_mode(kernel, id, mode); },
      [mode](const ShmDir& dir, const std::string& name) {
        return set_posix_mode(dir, name, mode);
      });
}

}  // namespace

Runner setup_chmod(CLI::App& app) {
  auto options = std::make_shared<PermOptions>();
  app.add_option("MODE", options->value, "Octal permission bits, e.g. 640 or 0600 (at most 0777)")
      ->required();
  app.add_option("SEGMENT", options->segments, "Segments to change (any SEGMENT form, /NAME too)")
      ->required();
  app.footer(kPermFooter);
  return [options](Context& context) { return run_chmod(*options, context); };
}

}  // namespace shmtool::cli
