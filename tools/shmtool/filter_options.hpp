#pragma once
// The filters `list` and `rm --all` share.

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "render/list_filter.hpp"
#include "util/names.hpp"

namespace shmtool::cli {

struct FilterArgs {
  std::string owner, creator, key, min_size, idle;
  bool orphaned = false;
  bool dest = false;
  bool creator_gone = false;
  std::string type = "sysv";
  CLI::Option* owner_opt = nullptr;
  CLI::Option* type_opt = nullptr;
  CLI::Option* creator_opt = nullptr;
  CLI::Option* key_opt = nullptr;
  CLI::Option* min_size_opt = nullptr;
  CLI::Option* idle_opt = nullptr;
};

/// The longest --idle: a hundred years (36525 days).
inline constexpr std::chrono::milliseconds kLongestIdle{36525LL * 24 * 3600 * 1000};

/// Declares --type, --owner, --creator, --key, --orphaned, --dest, --min-size,
/// --creator-gone and --idle on `app`.
void add_filter_options(CLI::App& app, FilterArgs& args);

/// Returns the kinds --type selects (default sysv); throws a usage CommandFailure.
TypeSelection type_selection(const FilterArgs& args);

/// Returns the kinds a --type value (sysv, posix, all) names; throws a usage CommandFailure.
TypeSelection parse_type(const std::string& text);

/// Returns whether any filter was given (--type is not a filter of which objects of a kind).
bool any_filter(const FilterArgs& args);

/// Parses the given filters; throws a usage CommandFailure on a bad value. --idle counts back
/// from the clock's time now.
ListFilter build_filter(const FilterArgs& args, NameResolver& names);

}  // namespace shmtool::cli
