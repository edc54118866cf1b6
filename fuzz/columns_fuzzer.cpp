// Fuzzes parse_column_list (-o) and parse_sort_column (--sort): what they return are columns of
// the one registry, each once, in the order named, after the defaults for "+LIST".

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "render/columns.hpp"

namespace shmtool::fuzz {
namespace {

bool in_registry(const Column* column) {
  const auto all = all_columns();
  return column != nullptr && column >= all.data() && column < all.data() + all.size();
}

bool names_column(std::string_view name, const Column* column) {
  return std::equal(
      name.begin(), name.end(), column->name.begin(), column->name.end(),
      [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; });
}

void check_usage_error(const Error& error) {
  FUZZ_CHECK(error.kind == ErrorKind::usage);
  FUZZ_CHECK(!error.detail.empty());
}

void check_column_list(std::string_view spec) {
  const auto columns = parse_column_list(spec);
  if (!columns.ok()) {
    check_usage_error(columns.error());
    return;
  }
  FUZZ_CHECK(!columns->empty());
  FUZZ_CHECK(columns->size() <= all_columns().size());
  for (std::size_t i = 0; i < columns->size(); ++i) {
    FUZZ_CHECK(in_registry((*columns)[i]));
    FUZZ_CHECK(std::find(columns->begin() + static_cast<std::ptrdiff_t>(i) + 1, columns->end(),
                         (*columns)[i]) == columns->end());
  }
  // Rebuild the expected list from the names, in order, without repeats.
  std::vector<const Column*> expected;
  if (spec.starts_with('+')) {
    expected = default_columns();
    spec.remove_prefix(1);
  }
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    const auto comma = std::min(spec.find(',', pos), spec.size());
    const std::string_view name = spec.substr(pos, comma - pos);
    const Column* column = find_column(name);
    FUZZ_CHECK(column != nullptr && names_column(name, column));
    if (std::find(expected.begin(), expected.end(), column) == expected.end()) {
      expected.push_back(column);
    }
    pos = comma + 1;
  }
  FUZZ_CHECK(expected == *columns);
}

void check_sort_column(std::string_view name) {
  const auto column = parse_sort_column(name);
  if (!column.ok()) {
    check_usage_error(column.error());
    FUZZ_CHECK(find_column(name) == nullptr);
    return;
  }
  FUZZ_CHECK(in_registry(*column));
  FUZZ_CHECK(names_column(name, *column));
  FUZZ_CHECK(find_column((*column)->name) == *column);
}

// who's -o: columns of who's set only, each once; every name it takes is a column of that set;
// a name of list's columns that who refuses is PIDS, RSS or SWAP (list's COMMAND is who's).
void check_who_column_list(std::string_view spec) {
  const auto columns = parse_who_column_list(spec);
  const auto set = who_columns();
  if (!columns.ok()) {
    check_usage_error(columns.error());
    return;
  }
  FUZZ_CHECK(!columns->empty());
  for (std::size_t i = 0; i < columns->size(); ++i) {
    const Column* column = (*columns)[i];
    FUZZ_CHECK(std::find(set.begin(), set.end(), column) != set.end());
    FUZZ_CHECK(column->name != "PIDS" && column->name != "RSS" && column->name != "SWAP");
    FUZZ_CHECK(std::find(columns->begin() + static_cast<std::ptrdiff_t>(i) + 1, columns->end(),
                         column) == columns->end());
  }
  const auto sort = parse_who_sort_column(spec);
  if (sort.ok()) {
    FUZZ_CHECK(names_column(spec, *sort));
    FUZZ_CHECK(std::find(set.begin(), set.end(), *sort) != set.end());
  }
}

}  // namespace
}  // namespace shmtool::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shmtool::fuzz::as_text(data, size);
  shmtool::fuzz::check_column_list(text);
  shmtool::fuzz::check_sort_column(text);
  shmtool::fuzz::check_who_column_list(text);
  return 0;
}
