# bash completion for shmtool                                  -*- shell-script -*-
# Completes subcommands, their options, column names, kinds after --type, users and groups,
# files after ftok: and --file, the ids and keys of live segments (also as id:ID and key:KEY),
# and the POSIX objects in /dev/shm as /NAME (also as posix:NAME). An option's value
# completes the same after --option=. who --all-namespaces takes no SEGMENT, so none is offered.

_shmtool_columns="KEY ID OWNER GROUP CUSER CGROUP PERMS SIZE NATTCH STATUS CPID LPID ATIME DTIME CTIME RSS SWAP TYPE NAME ALLOCATED MTIME PIDS COMMAND NS NSPID NSCOMM"
_shmtool_who_columns="PID USER COMMAND CMDLINE MAPPED KEY ID OWNER GROUP CUSER CGROUP PERMS SIZE NATTCH STATUS CPID LPID ATIME DTIME CTIME TYPE NAME ALLOCATED MTIME NS NSPID NSCOMM"
_shmtool_commands="create write read stat list who rm chown chmod lock pin unpin limits metrics"
_shmtool_filters="-t --type --owner --creator --key --orphaned --dest --min-size --creator-gone --idle"
_shmtool_types="sysv posix all"

# Options of each subcommand.
_shmtool_options() {
    case $1 in
        create) echo "-s --size -m --mode -x --exclusive --hugetlb --noreserve --populate --json -h --help" ;;
        write) echo "-f --file -O --offset -l --length -B --binary -c --create -s --size -m --mode -L --lock -t --timeout --progress --json -h --help" ;;
        read) echo "-O --offset -l --length -B --binary -x --hex --rm -w --wait -L --lock -t --timeout --progress --json -h --help" ;;
        lock) echo "-t --timeout --json -h --help" ;;
        stat | chown | chmod | pin | unpin) echo "--json -h --help" ;;
        limits) echo "-b --bytes --json -h --help" ;;
        metrics) echo "-O --output -A --all-namespaces --json -h --help" ;;
        who) echo "-o --output --sort -r --reverse -n --noheadings --raw -b --bytes -t --type -A --all-namespaces --json -h --help" ;;
        list) echo "-o --output --sort -r --reverse -n --noheadings --raw -b --bytes -A --all-namespaces $_shmtool_filters --json -h --help" ;;
        rm) echo "-a --all --stale-locks --dry-run $_shmtool_filters --json -h --help" ;;
    esac
}

# Whether option $1 takes a value (so the next word is not a positional).
_shmtool_takes_value() {
    case $1 in
        -s | --size | -m | --mode | -f | --file | -O | --offset | -l | --length | -t | --timeout | \
            -o | --output | --sort | --owner | --creator | --key | --min-size | --type | --idle | --ns) return 0 ;;
    esac
    return 1
}

# Live segments: ids (unless $2 is "keys") and keys (unless $2 is "ids"; private segments have
# none to offer).
_shmtool_segments() {
    local id key rest
    "$1" ${_shmtool_ns:+--ns "$_shmtool_ns"} list --raw --noheadings -o ID,KEY 2>/dev/null | while read -r id key rest; do
        [ "$2" != keys ] && printf '%s\n' "$id"
        [ "$2" != ids ] && [ "$key" != 0x00000000 ] && printf '%s\n' "$key"
    done
}

# POSIX objects whose /NAME starts with $3, each printed as $2 and the NAME (/ dropped after
# posix:), quoted for the command line. shmtool prints names with control characters and spaces
# escaped; they are never given to compgen -W, which would expand a $(...) in a name.
_shmtool_objects() {
    local name word
    "$1" ${_shmtool_ns:+--ns "$_shmtool_ns"} list --type posix --raw --noheadings -o NAME 2>/dev/null | while IFS= read -r name; do
        [[ $name == /* && $name == "$3"* ]] || continue
        word=$2${name#/}
        [[ -z $2 ]] && word=$name
        printf '%q\n' "$word"
    done
}

# A SEGMENT (or, with $3 = keys, a KEY; with $3 = create, a KEY or /NAME) argument: ftok:FILE,
# id:ID, key:KEY, a live id or key, /NAME or posix:NAME of a POSIX object, or a prefix. Replies
# are trimmed up to the last colon of $cur, which readline keeps.
_shmtool_complete_segment() {
    local shmtool=$1 cur=$2 what=${3:-segments}
    local objects=yes
    [[ $what == keys ]] && objects=""
    [[ $what == create ]] && what=keys
    if [[ -n $objects && $cur == /* ]]; then
        mapfile -t COMPREPLY < <(_shmtool_objects "$shmtool" "" "$cur")
        return
    fi
    if [[ -n $objects && $cur == posix:* ]]; then
        local name=${cur#posix:} lead=posix:
        [[ $name == /* ]] && lead=posix:/
        mapfile -t COMPREPLY < <(_shmtool_objects "$shmtool" "$lead" "/${name#/}")
        __ltrim_colon_completions "$cur"
        return
    fi
    local form
    for form in id key; do
        [[ $form == id && $what == keys ]] && continue
        if [[ $cur == "$form":* ]]; then
            COMPREPLY=($(compgen -P "$form:" -W "$(_shmtool_segments "$shmtool" "${form}s")" -- "${cur#"$form":}"))
            __ltrim_colon_completions "$cur"
            return
        fi
    done
    if [[ $cur == ftok:* ]]; then
        local path=${cur#ftok:}
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$path"))
        COMPREPLY=("${COMPREPLY[@]/#/ftok:}")
        compopt -o filenames -o nospace 2>/dev/null
        __ltrim_colon_completions "$cur"
        return
    fi
    local forms="ftok: key: id:"
    [[ $what == keys ]] && forms="ftok: key:"
    [[ -n $objects ]] && forms+=" posix:"
    COMPREPLY=($(compgen -W "$(_shmtool_segments "$shmtool" "$what") $forms" -- "$cur"))
    # With nothing typed yet, the POSIX objects too.
    if [[ -n $objects && -z $cur ]]; then
        local objects_found
        mapfile -t objects_found < <(_shmtool_objects "$shmtool" "" "")
        COMPREPLY+=("${objects_found[@]}")
    fi
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
    __ltrim_colon_completions "$cur"
}

_shmtool() {
    local cur prev words cword split
    # -s splits --option=value (prev is the option, cur the value); -n : keeps id:1 one word.
    _init_completion -s -n : || return
    local shmtool=${words[0]}
    command -v "$shmtool" >/dev/null 2>&1 || shmtool=shmtool

    # Find the subcommand and count the positionals after it.
    # --ns PID (before or after the command) is passed on to the shmtool that lists ids and
    # names, so they are the namespace's.
    local i command="" positionals=0 skip=0 _shmtool_ns="" all_namespaces=""
    for ((i = 1; i < cword; i++)); do
        if ((skip)); then
            skip=0
            continue
        fi
        local word=${words[i]}
        if [[ $word == --ns ]]; then
            _shmtool_ns=${words[i + 1]}
            skip=1
            continue
        fi
        if [[ $word == --ns=* ]]; then
            _shmtool_ns=${word#--ns=}
            continue
        fi
        if [[ -z $command ]]; then
            [[ $word != -* ]] && command=$word
            continue
        fi
        if [[ $word == -* ]]; then
            _shmtool_takes_value "$word" && skip=1
            [[ $word == -A || $word == --all-namespaces ]] && all_namespaces=yes
        else
            ((positionals++))
        fi
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--json --ns -h --help -V --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_shmtool_commands" -- "$cur"))
        fi
        return
    fi

    local columns=$_shmtool_columns
    [[ $command == who ]] && columns=$_shmtool_who_columns
    # metrics --output FILE (list's and who's -o/--output name columns).
    if [[ $command == metrics && ($prev == -O || $prev == --output) ]]; then
        _filedir
        return
    fi
    case $prev in
        --ns)
            _pids
            return
            ;;
        -o | --output)
            local prefix=""
            [[ $cur == *,* ]] && prefix=${cur%,*},
            local last=${cur##*,}
            local plus=""
            [[ -z $prefix && $last == +* ]] && plus=+ && last=${last#+}
            COMPREPLY=($(compgen -P "$plus$prefix" -W "$columns" -- "${last^^}"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        --sort)
            COMPREPLY=($(compgen -W "$columns" -- "${cur^^}"))
            return
            ;;
        --owner | --creator)
            COMPREPLY=($(compgen -u -- "$cur"))
            return
            ;;
        --type)
            COMPREPLY=($(compgen -W "$_shmtool_types" -- "$cur"))
            return
            ;;
        --key)
            _shmtool_complete_segment "$shmtool" "$cur" keys
            return
            ;;
        -f | --file)
            _filedir
            return
            ;;
        -t)
            # --type for list, who and rm, --timeout for the others.
            [[ $command == list || $command == who || $command == rm ]] &&
                COMPREPLY=($(compgen -W "$_shmtool_types" -- "$cur"))
            return
            ;;
        -s | --size | -m | --mode | -O | --offset | -l | --length | --timeout | --min-size | --idle)
            return
            ;;
    esac
    # --option=value where the option takes no value: nothing to offer.
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_shmtool_options "$command") --ns" -- "$cur"))
        return
    fi

    case $command in
        chown)
            if ((positionals == 0)); then
                if [[ $cur == *:* ]]; then
                    local user=${cur%%:*}
                    COMPREPLY=($(compgen -P "$user:" -g -- "${cur#*:}"))
                    __ltrim_colon_completions "$cur"
                else
                    COMPREPLY=($(compgen -u -S : -- "$cur") $(compgen -u -- "$cur"))
                    compopt -o nospace 2>/dev/null
                fi
                return
            fi
            ;;
        chmod)
            ((positionals == 0)) && return
            ;;
        write)
            ((positionals >= 1)) && return
            ;;
        list | limits) return ;;
        who)
            # --all-namespaces takes no SEGMENT (a SEGMENT is named in one namespace).
            [[ -n $all_namespaces ]] && return
            ;;
        lock)
            # After SEGMENT (and --), a command and its arguments.
            if ((positionals >= 1)); then
                local j
                for ((j = 1; j < cword; j++)); do
                    if [[ ${words[j]} == -- ]]; then
                        _command_offset $((j + 1))
                        return
                    fi
                done
                COMPREPLY=($(compgen -W "--" -- "$cur"))
                return
            fi
            ;;
    esac
    case $command in
        create) ((positionals == 0)) && _shmtool_complete_segment "$shmtool" "$cur" create ;;
        write | read | stat | who | rm | chown | chmod | lock | pin | unpin) _shmtool_complete_segment "$shmtool" "$cur" ;;
    esac
}
complete -F _shmtool shmtool
