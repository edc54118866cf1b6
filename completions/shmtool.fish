# fish completion for shmtool: subcommands, options, column names, kinds after --type, users and
# groups, files after ftok: and --file, live segment ids and keys (also as id:ID and key:KEY)
# described by key, size and owner, and POSIX objects in /dev/shm as /NAME (also as posix:NAME)
# described by size and owner.

set -l __shmtool_commands create write read stat list who rm chown chmod lock pin unpin limits metrics

# --ns PID as given on the command line (before or after the command), to pass it on.
function __shmtool_ns_args
    set -l words (commandline -opc)
    for i in (seq 2 (count $words))
        switch $words[$i]
            case --ns
                set -l next (math $i + 1)
                test $next -le (count $words); and printf '%s\n' --ns $words[$next]
            case '--ns=*'
                printf '%s\n' --ns (string replace -- '--ns=' '' $words[$i])
        end
    end
end

# The POSIX objects, each printed as $argv[1] and the NAME after its /, described by size and
# owner. Names come from shmtool with control characters escaped.
function __shmtool_objects
    set -l shmtool (commandline -opc)[1]
    command $shmtool (__shmtool_ns_args) list --type posix --noheadings -o SIZE,OWNER,NAME 2>/dev/null | while read -l size owner name
        string match -q -- '/*' $name; or continue
        printf '%s%s\tPOSIX object, %s, %s\n' $argv[1] (string sub -s 2 -- $name) $size $owner
    end
end

# Live segments: each id (described by its key; not with argument "keys") and each key
# (described by its id), also after id: and key:; after ftok:, files; POSIX objects as /NAME
# and after posix: (not with "keys": --key names System V keys only; "create" offers keys and
# objects).
function __shmtool_segments
    # The value being completed, also in --key=VALUE.
    set -l token (string replace -r -- '^--[a-z-]+=' '' (commandline -ct))
    if string match -q -- 'ftok:*' $token
        set -l path (string replace -- 'ftok:' '' $token)
        for file in (__fish_complete_path $path)
            printf 'ftok:%s\n' $file
        end
        return
    end
    set -l objects yes
    test "$argv[1]" = keys; and set objects
    test "$argv[1]" = create; and set argv keys
    if test -n "$objects"
        if string match -q -- 'posix:/*' $token
            __shmtool_objects posix:/
            return
        else if string match -q -- 'posix:*' $token
            __shmtool_objects posix:
            return
        else if string match -q -- '/*' $token
            __shmtool_objects /
            return
        end
    end
    set -l form
    if string match -q -- 'id:*' $token; and test "$argv[1]" != keys
        set form id:
    else if string match -q -- 'key:*' $token
        set form key:
    end
    set -l shmtool (commandline -opc)[1]
    command $shmtool (__shmtool_ns_args) list --noheadings -o ID,KEY,SIZE,OWNER 2>/dev/null | while read -l id key size owner
        if test "$form" != key:; and test "$argv[1]" != keys
            printf '%s%s\tkey %s, %s, %s\n' "$form" $id $key $size $owner
        end
        if test "$form" != id:; and test "$key" != 0x00000000
            printf '%s%s\tid %s, %s, %s\n' "$form" $key $id $size $owner
        end
    end
    test -n "$form"; and return
    # With nothing typed yet, the POSIX objects too.
    test -n "$objects"; and test -z "$token"; and __shmtool_objects /
    printf 'ftok:\ta key from ftok(PATH, PROJ)\nkey:\ta key in any C base\n'
    test "$argv[1]" != keys; and printf 'id:\ta segment id\n'
    test -n "$objects"; and printf 'posix:\ta POSIX object, /NAME\n'
end

function __shmtool_columns
    set -l token (commandline -ct)
    set -l prefix (string replace -r '[^,+]*$' '' -- $token)
    set -l columns KEY ID OWNER GROUP CUSER CGROUP PERMS SIZE NATTCH STATUS CPID LPID ATIME DTIME CTIME RSS SWAP TYPE NAME ALLOCATED MTIME PIDS COMMAND NS NSPID NSCOMM
    # who: the holder's columns, then the object's (not PIDS, list's COMMAND, RSS, SWAP).
    test "$argv[1]" = who; and set columns PID USER COMMAND CMDLINE MAPPED KEY ID OWNER GROUP CUSER CGROUP PERMS SIZE NATTCH STATUS CPID LPID ATIME DTIME CTIME TYPE NAME ALLOCATED MTIME NS NSPID NSCOMM
    for column in $columns
        printf '%s%s\n' $prefix $column
    end
end

function __shmtool_owner
    set -l token (commandline -ct)
    if string match -q -- '*:*' $token
        set -l user (string split -m1 : -- $token)[1]
        for group in (__fish_complete_groups)
            printf '%s:%s\n' $user $group
        end
    else
        __fish_complete_users
    end
end

# True when the subcommand is $argv[1] and $argv[2] positionals have been given before.
function __shmtool_positional_is
    set -l words (commandline -opc)
    set -l seen 0
    set -l found 0
    set -l skip 0
    for word in $words[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        if test $found -eq 0
            if test "$word" = $argv[1]
                set found 1
            end
            continue
        end
        switch $word
            case -s --size -m --mode -f --file -O --offset -l --length -t --timeout --type -o --output --sort --owner --creator --key --min-size --idle --ns
                set skip 1
            case '-*'
            case '*'
                set seen (math $seen + 1)
        end
    end
    test $found -eq 1 -a $seen -eq $argv[2]
end

complete -c shmtool -f

# Top level.
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -l json -d 'Print JSON instead of text'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -s h -l help -d 'Show help'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -s V -l version -d 'Show version'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a create -d 'Create a segment'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a write -d 'Write text or bytes into a segment'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a read -d "Print a segment's contents"
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a stat -d 'Show everything about one segment'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a list -d 'List every segment'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a who -d 'Show which processes have shared memory attached'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a rm -d 'Remove segments'
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a chown -d "Change a segment's owner and/or group"
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a chmod -d "Change a segment's permission bits"
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a lock -d "Run a command holding a segment's lock"

# Every subcommand.
complete -c shmtool -n "__fish_seen_subcommand_from $__shmtool_commands" -l json -d 'Print JSON instead of text'
complete -c shmtool -l ns -x -a '(__fish_complete_pids)' -d 'Act in the IPC namespace of process PID'
complete -c shmtool -n "__fish_seen_subcommand_from $__shmtool_commands" -s h -l help -d 'Show help'

# create
complete -c shmtool -n '__fish_seen_subcommand_from create' -s s -l size -x -d 'Size in bytes or with K, M, G, T'
complete -c shmtool -n '__fish_seen_subcommand_from create' -s m -l mode -x -d 'Permission bits in octal'
complete -c shmtool -n '__fish_seen_subcommand_from create' -s x -l exclusive -d 'Fail if the key names a segment'
complete -c shmtool -n '__fish_seen_subcommand_from create' -l hugetlb -d 'Back the segment with huge pages'
complete -c shmtool -n '__fish_seen_subcommand_from create' -l noreserve -d 'Reserve no swap space'
complete -c shmtool -n '__fish_seen_subcommand_from create' -l populate -d 'Allocate every page now'
complete -c shmtool -n '__shmtool_positional_is create 0' -a '(__shmtool_segments create)'

# write
complete -c shmtool -n '__fish_seen_subcommand_from write' -s f -l file -r -F -d 'Read the data from PATH'
complete -c shmtool -n '__fish_seen_subcommand_from write' -s O -l offset -x -d 'Write at byte N'
complete -c shmtool -n '__fish_seen_subcommand_from write' -s l -l length -x -d 'Write exactly N bytes of the data'
complete -c shmtool -n '__fish_seen_subcommand_from write' -s B -l binary -d 'Write the bytes exactly'
complete -c shmtool -n '__fish_seen_subcommand_from write' -s c -l create -d 'Create the segment if the key names none'
complete -c shmtool -n '__fish_seen_subcommand_from write' -s s -l size -x -d 'With --create: size'
complete -c shmtool -n '__fish_seen_subcommand_from write' -s m -l mode -x -d 'With --create: mode'
complete -c shmtool -n '__fish_seen_subcommand_from write read' -l progress -d 'Show a progress bar on stderr'
complete -c shmtool -n '__fish_seen_subcommand_from write' -s L -l lock -d "Hold the segment's lock while copying"
complete -c shmtool -n '__fish_seen_subcommand_from write' -s t -l timeout -x -d 'With --lock: give up after DURATION'
complete -c shmtool -n '__shmtool_positional_is write 0' -a '(__shmtool_segments)'

# read
complete -c shmtool -n '__fish_seen_subcommand_from read' -s O -l offset -x -d 'Start at byte N'
complete -c shmtool -n '__fish_seen_subcommand_from read' -s l -l length -x -d 'Read N bytes'
complete -c shmtool -n '__fish_seen_subcommand_from read' -s B -l binary -d 'The exact bytes'
complete -c shmtool -n '__fish_seen_subcommand_from read' -s x -l hex -d 'A hex dump'
complete -c shmtool -n '__fish_seen_subcommand_from read' -l rm -d 'Remove the segment after reading it'
complete -c shmtool -n '__fish_seen_subcommand_from read' -s w -l wait -d 'Wait for the key to name a segment'
complete -c shmtool -n '__fish_seen_subcommand_from read' -s L -l lock -d "Hold the segment's lock while copying"
complete -c shmtool -n '__fish_seen_subcommand_from read' -s t -l timeout -x -d 'Give up waiting after DURATION'
complete -c shmtool -n '__shmtool_positional_is read 0' -a '(__shmtool_segments)'

# stat
complete -c shmtool -n '__shmtool_positional_is stat 0' -a '(__shmtool_segments)'

# list and rm share the filters.
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -s t -l type -x -a 'sysv\t"System V segments (the default)" posix\t"POSIX objects in /dev/shm" all\t"Both"' -d 'Which kind'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l owner -x -a '(__fish_complete_users)' -d 'Only segments owned by USER'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l creator -x -a '(__fish_complete_users)' -d 'Only segments created by USER'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l key -x -a '(__shmtool_segments keys)' -d 'Only the segment with KEY'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l orphaned -d 'Only segments no process is attached to (or maps or holds open)'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l dest -d 'Only segments marked for removal'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l min-size -x -d 'Only segments of at least SIZE'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l creator-gone -d 'Only segments whose creating process has exited (System V)'
complete -c shmtool -n '__fish_seen_subcommand_from list rm' -l idle -x -d 'Only unattached segments unused for DURATION (90s, 30m, 12h, 7d)'

# list, who and metrics: every IPC namespace on the host
complete -c shmtool -n '__fish_seen_subcommand_from list who metrics' -s A -l all-namespaces -d 'Every IPC namespace and /dev/shm on the host (needs CAP_SYS_ADMIN)'

# list
complete -c shmtool -n '__fish_seen_subcommand_from list' -s o -l output -x -a '(__shmtool_columns)' -d 'Columns to show'
complete -c shmtool -n '__fish_seen_subcommand_from list' -l sort -x -a '(__shmtool_columns)' -d 'Sort by column'
complete -c shmtool -n '__fish_seen_subcommand_from list' -s r -l reverse -d 'Reverse the order'
complete -c shmtool -n '__fish_seen_subcommand_from list' -s n -l noheadings -d 'No heading line'
complete -c shmtool -n '__fish_seen_subcommand_from list' -l raw -d 'One line a segment, single spaces'
complete -c shmtool -n '__fish_seen_subcommand_from list' -s b -l bytes -d 'Sizes in bytes'

# who
complete -c shmtool -n '__fish_seen_subcommand_from who' -s o -l output -x -a '(__shmtool_columns who)' -d 'Columns to show'
complete -c shmtool -n '__fish_seen_subcommand_from who' -l sort -x -a '(__shmtool_columns who)' -d 'Sort by column'
complete -c shmtool -n '__fish_seen_subcommand_from who' -s r -l reverse -d 'Reverse the order'
complete -c shmtool -n '__fish_seen_subcommand_from who' -s n -l noheadings -d 'No heading line'
complete -c shmtool -n '__fish_seen_subcommand_from who' -l raw -d 'One line a row, single spaces'
complete -c shmtool -n '__fish_seen_subcommand_from who' -s b -l bytes -d 'Sizes in bytes'
complete -c shmtool -n '__fish_seen_subcommand_from who' -s t -l type -x -a 'sysv\t"System V segments" posix\t"POSIX objects in /dev/shm" all\t"Both (the default)"' -d 'Which kind'
# --all-namespaces takes no SEGMENT (a SEGMENT is named in one namespace).
complete -c shmtool -n '__fish_seen_subcommand_from who; and not __fish_seen_argument -s A -l all-namespaces' -a '(__shmtool_segments)'

# rm
complete -c shmtool -n '__fish_seen_subcommand_from rm' -s a -l all -d 'Remove every segment the filters match'
complete -c shmtool -n '__fish_seen_subcommand_from rm' -l stale-locks -d 'Also remove the locks of segments other tools removed'
complete -c shmtool -n '__fish_seen_subcommand_from rm' -l dry-run -d 'Say what would be removed'
complete -c shmtool -n '__fish_seen_subcommand_from rm' -a '(__shmtool_segments)'

# lock: SEGMENT, then -- and a command
complete -c shmtool -n '__fish_seen_subcommand_from lock' -s t -l timeout -x -d 'Give up after DURATION'
complete -c shmtool -n '__shmtool_positional_is lock 0' -a '(__shmtool_segments)'

# chown, chmod
complete -c shmtool -n '__shmtool_positional_is chown 0' -a '(__shmtool_owner)'
complete -c shmtool -n '__fish_seen_subcommand_from chown; and not __shmtool_positional_is chown 0' -a '(__shmtool_segments)'
complete -c shmtool -n '__fish_seen_subcommand_from chmod; and not __shmtool_positional_is chmod 0' -a '(__shmtool_segments)'

# pin, unpin: segments
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a pin -d "Keep segments' pages in memory (SHM_LOCK)"
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a unpin -d "Let segments' pages be swapped again (SHM_UNLOCK)"
complete -c shmtool -n '__fish_seen_subcommand_from pin unpin' -a '(__shmtool_segments)'

# limits
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a limits -d "Show the kernel's limits on shared memory"
complete -c shmtool -n '__fish_seen_subcommand_from limits' -s b -l bytes -d 'Print sizes in bytes'

# metrics
complete -c shmtool -n "not __fish_seen_subcommand_from $__shmtool_commands" -a metrics -d 'Print the Prometheus metrics of shared memory'
complete -c shmtool -n '__fish_seen_subcommand_from metrics' -s O -l output -r -F -d 'Write FILE whole, renamed into place'
