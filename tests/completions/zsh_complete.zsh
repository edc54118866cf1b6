#!/usr/bin/env zsh
# zsh_complete.zsh COMPLETION_DIR LINE: prints, one a line, every match zsh's completion system
# offers after typing LINE and TAB in an interactive zsh (a zpty session with compinit).
emulate zsh
zmodload zsh/zpty || exit 2
local dir=$1 line=$2
local out=$(mktemp) done=$(mktemp -u)

zpty shell zsh -f -i
zpty -w shell "PS1='' PS2='' ; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w shell "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -d ${(q)out}.dump"
# Record every match, list and insert nothing, so no prompt can block the session.
zpty -w shell "compadd() {
  if [[ \${(j: :)@} == *' -'[OAD]' '* || \${@[1]} == -[OAD] ]]; then builtin compadd \"\$@\"; return; fi
  local -a __hits; builtin compadd -A __hits \"\$@\"
  (( \$#__hits )) && print -rl -- \$__hits >> ${(q)out}
  builtin compadd \"\$@\"
}"
zpty -w shell "__no_list() { compstate[list]=''; compstate[insert]='' }; comppostfuncs=(__no_list)"
# Wait (up to 30 s on a loaded machine) until the shell has read all of the above, so the
# TAB reaches zle, not typeahead.
local ready=$(mktemp -u) i
zpty -w shell "touch ${(q)ready}"
for i in {1..600}; do
  [[ -e $ready ]] && break
  sleep 0.05
done
rm -f $ready
sleep 0.2  # the prompt is drawn and zle reads after the command that touched the file
zpty -w -n shell "$line"$'\t'
zpty -w shell $'\C-u'"touch ${(q)done}"
for i in {1..1200}; do
  [[ -e $done ]] && break
  sleep 0.05
done
zpty -d shell
local finished=0
[[ -e $done ]] && finished=1
# No EXIT trap: the zpty shell is a fork of this one and would run it too.
[[ -e $out ]] && sort -u $out
rm -f $out $out.dump $done
(( finished )) || { print -u2 "zsh_complete: zsh did not finish completing"; exit 1 }
