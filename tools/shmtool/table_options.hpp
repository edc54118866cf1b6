#pragma once
// The table options `list` and `who` share: -o, --sort, --reverse, --noheadings, --raw, --bytes.

#include <CLI/CLI.hpp>
#include <span>
#include <string>

#include "render/columns.hpp"
#include "render/render_table.hpp"

namespace shmtool::cli {

struct TableArgs {
  std::string columns;
  std::string sort;
  bool reverse = false;
  bool noheadings = false;
  bool raw = false;
  bool bytes = false;
  CLI::Option* columns_opt = nullptr;
  CLI::Option* sort_opt = nullptr;
};

/// Declares the table options on `app`; `row` names what one line shows ("segment", "row").
void add_table_options(CLI::App& app, TableArgs& args, const std::string& row);

/// Returns the layout the options ask for (headings, raw or aligned, sizes).
TableOptions table_layout(const TableArgs& args);

/// Returns "Columns (for -o and --sort):" and one aligned line per column, for a help footer.
std::string columns_help(std::span<const Column* const> columns);

}  // namespace shmtool::cli
