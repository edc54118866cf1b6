#include "table_options.hpp"

#include <vector>

namespace shmtool::cli {

void add_table_options(CLI::App& app, TableArgs& args, const std::string& row) {
  args.columns_opt =
      app.add_option("-o,--output", args.columns,
                     "Columns to show, comma-separated; +COL,... adds to the defaults")
          ->option_text("COLS");
  args.sort_opt = app.add_option("--sort", args.sort, "Sort by column COL")->option_text("COL");
  app.add_flag("-r,--reverse", args.reverse, "Reverse the order");
  app.add_flag("-n,--noheadings", args.noheadings, "Do not print the heading line");
  app.add_flag("--raw", args.raw,
               "One line a " + row + ", fields split by one space, sizes in bytes, '-' for empty");
  app.add_flag("-b,--bytes", args.bytes, "Print sizes in bytes, not 4K or 1.5M");
}

TableOptions table_layout(const TableArgs& args) {
  TableOptions layout;
  layout.headings = args.noheadings ? Headings::hide : Headings::show;
  layout.layout = args.raw ? Layout::raw : Layout::aligned;
  layout.sizes = args.bytes ? SizeStyle::bytes : SizeStyle::human;
  return layout;
}

std::string columns_help(std::span<const Column* const> columns) {
  std::vector<LabelledValue> lines;
  for (const Column* c : columns)
    lines.push_back({c->name, std::string(c->help)});
  return "Columns (for -o and --sort):\n" +
         format_labelled_lines(lines, LabelLayout{"  ", "", 8, 2});
}

}  // namespace shmtool::cli
