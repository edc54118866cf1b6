#pragma once
// The filters `list` and `rm --all` share.

#include <CLI/CLI.hpp>
#include <string>

#include "render/list_filter.hpp"
#include "util/names.hpp"

namespace shmtool::cli {

struct FilterArgs {
  std::string owner, creator, key, min_size;
  bool orphaned = false;
  bool dest = false;
  std::string type = "sysv";
  CLI::Option* owner_opt = nullptr;
  CLI::Option* type_opt = nullptr;
  CLI::Option* creator_opt = nullptr;
  CLI::Option* key_opt = nullptr;
  CLI::Option* min_size_opt = nullptr;
};

/// Declares --type, --owner, --creator, --key, --orphaned, --dest and --min-size on `app`.
void add_filter_options(CLI::App& app, FilterArgs& args);

/// Returns the kinds --type selects (default sysv); throws a usage CommandFailure.
TypeSelection type_selection(const FilterArgs& args);

/// Returns whether any filter was given (--type is not a filter of which objects of a kind).
bool any_filter(const FilterArgs& args);

/// Parses the given filters; throws a usage CommandFailure on a bad value.
ListFilter build_filter(const FilterArgs& args, NameResolver& names);

}  // namespace shmtool::cli
