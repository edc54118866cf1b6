#!/bin/sh
# check_man.sh SHMTOOL MANDIR: the manual pages are well-formed and cover what --help lists.
# - groff -man -ww -z prints nothing for any page (it exits 0 even on warnings);
# - lexgrog parses each NAME section;
# - no underscore is left over from emphasis scdoc did not apply (see below);
# - every subcommand of 'shmtool --help' has a page, and every long option that
#   'shmtool --help' or 'shmtool COMMAND --help' lists appears in that command's page.
set -u
shmtool=$1 mandir=$2
failed=0
fail() { echo "check_man: $*" >&2; failed=1; }

for page in "$mandir"/*.1; do
  warnings=$(groff -man -ww -z "$page" 2>&1)
  [ -n "$warnings" ] && fail "$(basename "$page"): groff warns: $warnings"
  lexgrog "$page" >/dev/null 2>&1 || fail "$(basename "$page"): lexgrog cannot parse NAME"
done

# scdoc opens _italics_ only at an underscore that follows a non-alphanumeric character (bold
# marks and + do not count), and prints the others as they are: *0x*_HEX_ and 128+_N_ come out
# as 0x_HEX_ and 128+_N_. In the rendered text (plain, no hyphenation, long lines) every
# underscore must join two letters or digits, as in SHM_STAT_ANY, key_hex or nr_hugepages.
for page in "$mandir"/*.1; do
  stray=$(groff -man -Tutf8 -rHY=0 -rLL=200n -P-cbou "$page" 2>/dev/null | tr -s ' \t' '\n' |
    LC_ALL=C grep -E '(^|[^[:alnum:]])_|_([^[:alnum:]]|$)' | sort -u | tr '\n' ' ')
  [ -n "$stray" ] &&
    fail "$(basename "$page"): underscores scdoc left literal in: ${stray% } (italicise the whole token, or put the _ after a space or punctuation)"
done

# The long options of a --help text: the first field of each option line, not the prose.
long_options() { awk '/^  +-/ {print $1}' | grep -oE -- '--[a-z][a-z-]*' | sort -u; }
subcommands=$("$shmtool" --help | awk '/^Subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}')
[ -n "$subcommands" ] || fail "no subcommands found in 'shmtool --help'"

for option in $("$shmtool" --help | long_options); do
  grep -q -- "\\\\-\\\\-${option#--}\|$option" "$mandir/shmtool.1" || fail "shmtool.1 lacks $option"
done
# Options every command takes (--ns) are described once, in shmtool.1 (checked above).
global_only="--ns"
for command in $subcommands; do
  page="$mandir/shmtool-$command.1"
  [ -f "$page" ] || { fail "no page for subcommand $command"; continue; }
  grep -q "$command" "$mandir/shmtool.1" || fail "shmtool.1 does not mention $command"
  for option in $("$shmtool" "$command" --help | long_options); do
    [ "$option" = "--help" ] && continue
    case " $global_only " in *" $option "*) continue ;; esac
    grep -q -- "\\\\-\\\\-${option#--}\|$option" "$page" || fail "shmtool-$command.1 lacks $option"
  done
done
[ "$failed" -eq 0 ] && echo "check_man: all pages well-formed and complete"
exit "$failed"
