#!/usr/bin/env bash
# mirror_parallel.sh KIND [quick]: mirror --parallel 4 both ways against a
# server of this test's own (KIND vsftpd, pureftpd or proftpd, started
# here so that its log holds this test's sessions only): the trees equal
# byte for byte and by modification time; as many control connections
# and logins as asked for, in the server's log (vsftpd, ProFTPD; Pure-FTPd
# logs neither), and every data connection resumed the TLS session of its
# control connection (vsftpd's and ProFTPD's TLS logs: both also refuse an
# unresumed one); a file the server cannot read is one failure, counted,
# the rest moved, and the exit status says so; a second run moves
# nothing; --parallel out of bounds is a usage error; a connection lost
# in the middle hands its work to the others (vsftpd). ProFTPD gives no
# TLS 1.3 tickets on uploads: 100 files with --parallel 1 take 2 logins
# (one renewal, to TLS 1.2 as the application allows), and where the
# command line allows only TLS 1.3 the renewals stay TLS 1.3. Pure-FTPd
# gives no TLS 1.3 tickets at all: a tree logs in again with TLS 1.2 first,
# and every data connection resumes (ftpc's trace). vsftpd: in
# a terminal, the password is asked once for 4 connections, and the tree
# has one progress line. quick: the first checks only (sanitizer runs).
. "$(dirname "$0")/lib.sh"
kind=$1
quick=${2:-}
make_store ca
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" "$@"; }
: "${SCRIPTS:?}"
own=par-$kind-$$
started="$own"
stop_servers() {
    local n
    for n in $started; do "$SCRIPTS/local-ftpd" stop "$WORK" "$n" > /dev/null 2>&1 || true; done
}
trap 'stop_servers; rm -rf "$T"' EXIT
"$SCRIPTS/local-ftpd" start "$WORK" "$own" "$kind" "$PKI/server.pem" "$PKI/server.key" > /dev/null
server "$own"
batch() { # commands...: a batch file of them, logged in
    printf 'user %s\n' "$FTP_USER" > "$T/cmds"
    printf '%s\n' "$@" >> "$T/cmds"
    ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
}
times_of() { # dir -> each file and its modification time in seconds
    (cd "$1" && find . -type f -printf '%P %T@\n' | sed 's/\.[0-9]*$//' | sort)
}
same_trees() { # a b
    diff -r "$1" "$2" > /dev/null || { diff -r "$1" "$2" >&2 || true; fail "trees $1 and $2 differ"; }
}
# The server's log (and ProFTPD's TLS log) from here on: mark, then since.
mark() { log_at=$(wc -l < "$LOG"); tls_at=0; [ -z "$TLSLOG" ] || tls_at=$(wc -l < "$TLSLOG"); }
log_since() { tail -n +"$((log_at + 1))" "$LOG"; }
tls_since() { tail -n +"$((tls_at + 1))" "$TLSLOG"; }
count() { grep -cE -- "$1" || true; } # regex, on stdin
# The control connections and data connections of the run since mark:
# that n were made, and that no data connection went unresumed.
expect_connections() { # n files
    case $kind in
    vsftpd)
        [ "$(log_since | count '\] CONNECT: ')" = "$1" ] ||
            { log_since | grep CONNECT >&2; fail "vsftpd: not $1 control connections"; }
        [ "$(log_since | count '\] OK LOGIN: ')" = "$1" ] || fail "vsftpd: not $1 logins"
        # Each data connection's handshake is logged under the user's name
        # (the control connection's before login, without it).
        [ "$(log_since | count '\] \[[^]]*\] DEBUG: .*SSL version: .*, not reused')" = 0 ] ||
            fail "vsftpd: a data connection did not resume its session"
        [ "$(log_since | count '\] \[[^]]*\] DEBUG: .*SSL version: .*, reused')" -ge "$2" ] ||
            fail "vsftpd: fewer resumed data connections than files"
        ;;
    proftpd)
        local ctrl
        ctrl=$(tls_since | count 'TLSv1\.[23] connection accepted')
        [ "$ctrl" -ge "$1" ] && [ "$ctrl" -le "$3" ] ||
            { tls_since | grep 'connection accepted' >&2; fail "ProFTPD: $ctrl control connections, not $1 to $3"; }
        [ "$(tls_since | count 'did not reuse')" = 0 ] || fail "ProFTPD: an unresumed data connection"
        [ "$(tls_since | count 'client reused TLS session for data connection')" -ge "$2" ] ||
            fail "ProFTPD: fewer resumed data connections than files"
        ;;
    esac
}

batch feat
expect_status 0
mfmt=0
grep -q '^ *MFMT' "$T/out" && mfmt=1

# The tree: 10 folders of 20 small files, a larger file, an empty folder;
# times in the past.
src=$T/src
mkdir -p "$src/empty"
for d in 0 1 2 3 4 5 6 7 8 9; do
    mkdir -p "$src/d$d"
    for f in $(seq 1 20); do head -c $((4096 + f)) /dev/urandom > "$src/d$d/f$f"; done
done
head -c 1500000 /dev/urandom > "$src/big.bin"
find "$src" -exec touch -d '2024-05-06 07:08:09 UTC' {} +
nfiles=201
up="par$$"

# 1. Upload over 4 connections.
mark
batch "mirror -R --parallel 4 --json $src $up"
expect_status 0
json_check "$T/out" "(d['transferred'] == $nfiles and d['failed'] == 0 and d['connections'] == 4 and
    d['files_per_second'] > 0 and d['first_failure'] is None)"
same_trees "$src" "$ROOT/$up"
if [ "$mfmt" = 1 ]; then
    [ "$(times_of "$src")" = "$(times_of "$ROOT/$up")" ] || fail "MFMT is listed, but the times differ"
fi
# ProFTPD: the first connection's renewal to TLS 1.2, once, before the others open.
expect_connections 4 "$nfiles" 5

# 2. Download over 4 connections: the server's bytes and times.
chown -R "$FTP_USER" "$ROOT/$up"
mark
batch "mirror --parallel 4 $up $T/down"
expect_status 0
expect_in "$T/out" "$nfiles transferred, 0 skipped, 0 deleted, 0 failed"
expect_in "$T/out" "over 4 connections"
same_trees "$src" "$T/down"
[ "$(times_of "$ROOT/$up")" = "$(times_of "$T/down")" ] || fail "the downloaded times are not the server's"
expect_connections 4 "$nfiles" 4
[ -d "$T/down/empty" ] || fail "the empty folder was not made"
[ -n "$quick" ] && exit 0

# 3. A second run moves nothing, either way.
batch "mirror --parallel 4 $up $T/down"
expect_status 0
expect_in "$T/out" "0 transferred, $nfiles skipped, 0 deleted, 0 failed"
batch "mirror -R --parallel 4 $src $up"
expect_status 0
expect_in "$T/out" "0 transferred"

# The one-shot form takes --parallel too (its value is no LOCAL for the sandbox).
ftpc mirror --parallel 3 "ftpes://$FTP_USER@127.0.0.1:$PORT/$up/" "$T/oneshot"
expect_status 0
expect_in "$T/out" "over 3 connections"
same_trees "$src" "$T/oneshot"

# 4. A file the server cannot read: one failure, the rest moved, exit non-zero.
printf 'secret' > "$ROOT/$up/d3/locked"
chown root "$ROOT/$up/d3/locked"
chmod 000 "$ROOT/$up/d3/locked"
batch "mirror --parallel 4 --json $up $T/down2"
# (6, or 4 from ProFTPD, which resets the data connection's handshake.)
[ "$status" = 6 ] || [ "$status" = 4 ] || { cat "$T/err" >&2; fail "exit status $status for a failed file"; }
json_check "$T/out" "d['transferred'] == $nfiles and d['failed'] == 1 and d['connections'] == 4"
expect_in "$T/err" "ftpc: mirror: d3/locked:"
expect_in "$T/err" "1 failed (each is named above)"
[ -e "$T/down2/d3/locked" ] && fail "a failed download took its name"
rm -f "$ROOT/$up/d3/locked"
same_trees "$src" "$T/down2"

# 5. Bounds.
batch "mirror --parallel 0 $up $T/down3"
expect_in "$T/err" "--parallel takes a number of connections from 1 to 16, not '0'"
batch "mirror --parallel 17 $up $T/down3"
expect_in "$T/err" "--parallel takes a number of connections from 1 to 16, not '17'"
[ -e "$T/down3" ] && fail "a usage error made the target"

# 6. ProFTPD, 100 uploads on one connection: one renewal, to TLS 1.2.
if [ "$kind" = proftpd ]; then
    mkdir -p "$T/hundred"
    for f in $(seq 1 100); do head -c 2000 /dev/urandom > "$T/hundred/f$f"; done
    mark
    batch "mirror -R --parallel 1 $T/hundred h$$" status
    expect_status 0
    expect_in "$T/out" "100 transferred"
    expect_in "$T/out" "TLS sessions renewed: 1"
    expect_connections 1 100 2
    [ "$(tls_since | count 'TLSv1\.2 connection accepted')" = 1 ] || fail "the renewal was not TLS 1.2"
    same_trees "$T/hundred" "$ROOT/h$$"
    # Where the command line allows TLS 1.3 only, the renewals stay TLS 1.3.
    mark
    printf 'user %s\nmirror -R --parallel 1 %s h2-%s\n' "$FTP_USER" "$T/hundred" "$$" > "$T/cmds"
    ftpc --tls-min 1.3 -s "$T/cmds" 127.0.0.1 "$PORT"
    expect_status 0
    expect_in "$T/out" "100 transferred"
    [ "$(tls_since | count 'TLSv1\.2')" = 0 ] || fail "TLS 1.2 was used against --tls-min 1.3"
fi

# 6b. Pure-FTPd gives no TLS 1.3 tickets, so no data connection could
# resume: before a tree, the session logs in again with TLS 1.2 (the
# application allows it), which it resumes for every data connection; the
# other connections open so. Where the command line allows TLS 1.3 only,
# it stays, each data connection a full handshake, and the tree still moves.
if [ "$kind" = pureftpd ]; then
    traced() { cat "$T/out" "$T/err" | count "$1"; } # regex: lines of the last run's trace
    # A run (the batch in $T/cmds, traced) logs in again once, and at least
    # n data connections resume a TLS 1.2 session.
    expect_tls12_resumed() { # n what
        ftpc -d -s "$T/cmds" 127.0.0.1 "$PORT"
        expect_status 0
        expect_in "$T/out" "TLS sessions renewed: 1"
        [ "$(traced '^---- data TLS TLSv1\.2, .*, session resumed')" -ge "$1" ] ||
            fail "Pure-FTPd: $2 did not resume TLS 1.2 sessions"
    }
    printf 'user %s\nmirror --parallel 2 %s %s\nstatus\n' "$FTP_USER" "$up" "$T/resumed" > "$T/cmds"
    ftpc -d -s "$T/cmds" 127.0.0.1 "$PORT"
    expect_status 0
    expect_in "$T/out" "$nfiles transferred"
    expect_in "$T/out" "TLS sessions renewed: 1"
    expect_in "$T/out" "Control connection: TLSv1.2"
    all=$(traced '^\[[12]\] ---- data TLS ')
    resumed=$(traced '^\[[12]\] ---- data TLS TLSv1\.2, .*, session resumed')
    [ "$all" -ge "$nfiles" ] && [ "$resumed" = "$all" ] ||
        fail "Pure-FTPd: $resumed of $all data connections resumed a TLS 1.2 session"
    # Two connections share the trace: each of their lines says whose it is.
    for n in 1 2; do
        [ "$(traced "^\[$n\] ---> RETR ")" -gt 0 ] || fail "no RETR traced as connection [$n]"
    done
    [ "$(traced '^---> RETR ')" = 0 ] || fail "a RETR of the parallel run traced without its connection"
    same_trees "$src" "$T/resumed"
    # mget and mput of ten files or more do the same, each in a session of
    # its own; two files are not worth a login.
    mkdir "$T/mg" "$T/mg2"
    printf 'user %s\nlcd %s\nmget %s/d4/f2 %s/d4/f3\nstatus\n' "$FTP_USER" "$T/mg2" "$up" "$up" > "$T/cmds"
    ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
    expect_status 0
    grep -q 'TLS sessions renewed' "$T/out" && fail "a new login for an mget of two files"
    cmp "$src/d4/f2" "$T/mg2/f2" || fail "mget of two files"
    printf 'user %s\nlcd %s\nmget %s/d4/*\nstatus\n' "$FTP_USER" "$T/mg" "$up" > "$T/cmds"
    expect_tls12_resumed 20 mget
    same_trees "$src/d4" "$T/mg"
    printf 'user %s\nmkdir mp%s\ncd mp%s\nmput %s/d5/*\nstatus\n' "$FTP_USER" "$$" "$$" "$src" > "$T/cmds"
    expect_tls12_resumed 20 mput
    same_trees "$src/d5" "$ROOT/mp$$"
    # A dry run only lists: no new login for it.
    printf 'user %s\nmirror --dry-run %s %s\nstatus\n' "$FTP_USER" "$up" "$T/dry" > "$T/cmds"
    ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
    expect_status 0
    grep -q 'TLS sessions renewed' "$T/out" && fail "a new login for a dry run"
    printf 'user %s\nmirror --parallel 1 %s %s\nstatus\n' "$FTP_USER" "$up" "$T/tls13" > "$T/cmds"
    ftpc -d --tls-min 1.3 -s "$T/cmds" 127.0.0.1 "$PORT"
    expect_status 0
    expect_in "$T/out" "$nfiles transferred"
    expect_in "$T/out" "Control connection: TLSv1.3"
    grep -q 'TLS sessions renewed' "$T/out" && fail "a renewal against --tls-min 1.3"
    [ "$(traced '^---- data TLS TLSv1\.2')" = 0 ] || fail "TLS 1.2 against --tls-min 1.3"
    same_trees "$src" "$T/tls13"
fi

# 7. vsftpd in a terminal: one password prompt for 4 connections, and one
# progress line for the tree (a server of 1 MB/s per transfer, so that
# the run lasts long enough to see it).
if [ "$kind" = vsftpd ]; then
    slow=par-slow-$$
    started="$own $slow"
    "$SCRIPTS/local-ftpd" start "$WORK" "$slow" vsftpd "$PKI/server.pem" "$PKI/server.key" rate=1000000 > /dev/null
    server "$slow"
    mkdir -p "$ROOT/s$$/a" "$ROOT/s$$/b"
    for f in 1 2 3 4; do head -c 1200000 /dev/urandom > "$ROOT/s$$/a/f$f"; done
    for f in 1 2 3 4; do head -c 1200000 /dev/urandom > "$ROOT/s$$/b/f$f"; done
    chown -R "$FTP_USER" "$ROOT/s$$"
    # A connection lost in the middle (one session's processes of this
    # test's own server ended): its file goes to the others, all arrive.
    mark
    printf 'user %s\nmirror --parallel 4 s%s lost\n' "$FTP_USER" "$$" > "$T/cmds"
    (cd "$T" && FTPC_PASSWORD=$FTP_PASSWORD exec "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$PORT" \
        > "$T/out" 2> "$T/err") &
    bg=$!
    for _ in $(seq 1 100); do
        [ "$(log_since | count '\] OK LOGIN: ')" = 4 ] && break
        sleep 0.1
    done
    sleep 0.5
    # shellcheck disable=SC1090
    listener=$(. "$WORK/$slow.env" && echo "$PID")
    session=$(ps -eo pid=,ppid= | awk -v p="$listener" '$2 == p { print $1 }' | sed -n 2p)
    [ -n "$session" ] || fail "no session of the server to end"
    kill "$session" $(ps -eo pid=,ppid= | awk -v p="$session" '$2 == p { print $1 }') 2> /dev/null || true
    set +e
    wait "$bg"
    status=$?
    set -e
    expect_status 0
    expect_in "$T/err" "ftpc: mirror: warning: a connection was lost"
    expect_in "$T/out" "8 transferred, 0 skipped, 0 deleted, 0 failed"
    same_trees "$ROOT/s$$" "$T/lost"
    terminal
    trap 'tm kill-server 2>/dev/null || true; stop_servers; rm -rf "$T"' EXIT
    mkdir -p "$T/home" "$T/work"
    mark
    tm new-session -d -s ftpc -x 200 -y 50 \
        "cd '$T/work' && HOME='$T/home' '$FTPC' --store '$T/store.db' 127.0.0.1 $PORT; echo ftpc-ended; sleep 30"
    wait_for "ftpc tls:C 127.0.0.1:?>"
    tm send-keys -t ftpc "user $FTP_USER" Enter
    wait_for "Password for $FTP_USER@127.0.0.1:"
    tm send-keys -t ftpc "$FTP_PASSWORD" Enter
    wait_for "230 Login successful."
    tm send-keys -t ftpc "mirror --parallel 4 s$$ tree" Enter
    wait_for_line "^mirror: [0-9]+/8 files, .* files/s" 20
    wait_for "mirror: 8 transferred, 0 skipped, 0 deleted, 0 failed" 30
    wait_for "over 4 connections"
    [ "$(screen | count 'Password for')" = 1 ] || fail "the password was asked more than once"
    screen | grep -qF "$FTP_PASSWORD" && fail "the password was echoed"
    tm send-keys -t ftpc "quit" Enter
    wait_for ftpc-ended
    same_trees "$ROOT/s$$" "$T/work/tree"
    [ "$(log_since | count '\] OK LOGIN: ')" = 4 ] || fail "not 4 logins for one password"
fi
exit 0
