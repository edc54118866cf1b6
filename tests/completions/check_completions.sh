#!/usr/bin/env bash
# check_completions.sh SHMTOOL BASH_FILE ZSH_DIR FISH_FILE
# Drives bash, zsh and fish completion for real, and fails on drift from --help:
# - each shell offers every subcommand that 'shmtool --help' lists, and for every subcommand
#   every long option that 'shmtool COMMAND --help' lists;
# - each offers the column names of 'list --help' after --sort, --sort=, -o, --output= and -o +,
#   users after chown, files after ftok:, and the id and key of a segment this script creates
#   (and removes), also after id:, key: and --key=.
set -u
shmtool=$(realpath "$1") bash_file=$2 zsh_dir=$3 fish_file=$4
here=$(dirname "$(realpath "$0")")
export PATH="$(dirname "$shmtool"):$PATH"
failed=0
fail() { echo "check_completions: $*" >&2; failed=1; }

# A segment of our own, with a key from this script's pid; removed whatever happens.
key=$(printf '0x7e5c%04x' $(($$ & 0xffff)))
id=$("$shmtool" create "$key" --size 4K --exclusive) || { echo "cannot create a test segment" >&2; exit 1; }
# A process in an IPC namespace of its own (as a container's is), holding one segment there:
# --ns PID must be passed on, so its key is offered. Killed whatever happens; its namespace,
# and the segment, go with it.
ns_key=$(printf '0x7e5d%04x' $(($$ & 0xffff)))
unshare --ipc sh -c '"$0" create "$1" --size 4K >/dev/null && exec sleep 300' "$shmtool" "$ns_key" &
ns_pid=$!
trap '"$shmtool" rm "$id" >/dev/null 2>&1; kill "$ns_pid" 2>/dev/null' EXIT
for _ in $(seq 100); do
  "$shmtool" --ns "$ns_pid" stat "$ns_key" >/dev/null 2>&1 && break
  sleep 0.1
done
"$shmtool" --ns "$ns_pid" stat "$ns_key" >/dev/null || { echo "cannot make the namespace's segment" >&2; exit 1; }

# complete_SHELL LINE: the candidates, one a line (descriptions dropped). bash prints each as
# the word it makes on the line: readline replaces only the text after the word's last : or =,
# so a reply is printed after what comes before that (id:12 for the reply 12 to id:).
complete_bash() {
  bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    source "$1"
    line=$2
    # Split as readline does: on blanks, and around the word-break characters : and =.
    read -ra blank_words <<<"$line"
    COMP_WORDS=()
    for w in "${blank_words[@]}"; do
      while [[ $w == *[:=]* ]]; do
        pre=${w%%[:=]*}; sep=${w:${#pre}:1}
        [[ -n $pre ]] && COMP_WORDS+=("$pre")
        COMP_WORDS+=("$sep"); w=${w:${#pre}+1}
      done
      [[ -n $w ]] && COMP_WORDS+=("$w")
    done
    [[ $line == *" " || ${line: -1} == ":" ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE=$line; COMP_POINT=${#line}
    _shmtool shmtool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    word=${line##*[[:blank:]]}
    kept=${word%"${word##*[:=]}"}
    printf "%s\n" "${COMPREPLY[@]/#/$kept}"' _ "$bash_file" "$1"
}
complete_fish() { fish --no-config -c "source $fish_file; complete -C '$1'" | cut -f1; }
# A zpty session on a loaded machine can lose the keystrokes before zle reads them (seen once
# in 1,500 queries): an empty answer is asked again, twice at most. A completion that offers
# nothing still fails, three times over.
complete_zsh() {
  local offered attempt
  for attempt in 1 2 3; do
    offered=$("$here/zsh_complete.zsh" "$zsh_dir" "$1")
    [ -n "$offered" ] && break
  done
  printf '%s\n' "$offered"
}

# expect SHELL LINE WORD...: each WORD is offered (a word ending in / may be a prefix).
expect() {
  local shell=$1 line=$2; shift 2
  local offered
  offered=$("complete_$shell" "$line" 2>&1)
  for word in "$@"; do
    grep -qxF -- "$word" <<<"$offered" && continue
    grep -qF -- "$word" <<<"$offered" && [[ $word == */ ]] && continue
    fail "$shell: '$line' does not offer '$word' (offered: $(tr '\n' ' ' <<<"$offered" | cut -c1-300))"
  done
}

# expect_after SHELL LINE PREFIX WORD...: each WORD is offered after PREFIX, the part of LINE's
# last word that completion keeps (--sort=, the KEY, of -o KEY,S, or id:). zsh reports the part
# after PREFIX, bash and fish the whole word.
expect_after() {
  local shell=$1 line=$2 prefix=$3; shift 3
  [ "$shell" = zsh ] && prefix=""
  expect "$shell" "$line" "${@/#/$prefix}"
}

# The long options of a --help text: the first field of each option line, not the prose.
long_options() { awk '/^  +-/ {print $1}' | grep -oE -- '--[a-z][a-z-]*' | sort -u; }
subcommands=$("$shmtool" --help | awk '/^Subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}')
columns=$("$shmtool" list --help | awk '/^Columns/ {on=1; next} on && /^  [A-Z]/ {print $1} on && !/^  / {on=0}')
who_columns=$("$shmtool" who --help | awk '/^Columns/ {on=1; next} on && /^  [A-Z]/ {print $1} on && !/^  / {on=0}')
[ -n "$subcommands" ] && [ -n "$columns" ] && [ -n "$who_columns" ] || { echo "cannot read --help" >&2; exit 1; }

for shell in bash zsh fish; do
  # shellcheck disable=SC2086
  expect "$shell" "shmtool " $subcommands
  expect "$shell" "shmtool --" $("$shmtool" --help | long_options)
  for command in $subcommands; do
    # shellcheck disable=SC2086
    expect "$shell" "shmtool $command --" $("$shmtool" "$command" --help | long_options)
  done
  # shellcheck disable=SC2086
  expect "$shell" "shmtool list --sort " $columns
  # shellcheck disable=SC2086
  expect_after "$shell" "shmtool list --sort=" --sort= $columns
  expect_after "$shell" "shmtool list --sort=S" --sort= SIZE STATUS SWAP
  expect_after "$shell" "shmtool list -o KEY,S" KEY, SIZE SWAP
  expect_after "$shell" "shmtool list --output=" --output= KEY SIZE
  expect_after "$shell" "shmtool list --output=KEY,S" --output=KEY, SIZE SWAP
  expect_after "$shell" "shmtool list -o +" + KEY SIZE
  expect_after "$shell" "shmtool list --owner=ro" --owner= root
  # shellcheck disable=SC2086
  expect "$shell" "shmtool who --sort " $who_columns
  expect_after "$shell" "shmtool who -o PID,M" PID, MAPPED
  expect "$shell" "shmtool who " "$id" "$key"
  expect "$shell" "shmtool rm " "$id" "$key"
  expect_after "$shell" "shmtool rm --key=" --key= "$key"
  expect_after "$shell" "shmtool rm --key=key:" --key=key: "$key"
  expect_after "$shell" "shmtool stat id:" id: "$id"
  expect_after "$shell" "shmtool stat id:$id" id: "$id"
  expect_after "$shell" "shmtool stat key:" key: "$key"
  expect "$shell" "shmtool stat $key" "$key"
  expect "$shell" "shmtool write --offset=4 " "$id" "$key"
  expect "$shell" "shmtool read --rm " "$id"
  expect "$shell" "shmtool chown ro" "root"
  expect "$shell" "shmtool list --owner ro" "root"
  expect "$shell" "shmtool --ns $ns_pid stat " "$ns_key"
  expect "$shell" "shmtool rm --ns $ns_pid " "$ns_key"
done
# Files after ftok: (each shell shows the part after the colon differently).
expect bash "shmtool stat ftok:/tm" "ftok:/tmp"
expect zsh "shmtool stat ftok:/tm" "tmp"
expect fish "shmtool stat ftok:/tm" "ftok:/tmp/"

[ "$failed" -eq 0 ] && echo "check_completions: bash, zsh and fish complete everything --help lists"
exit "$failed"
