#!/usr/bin/env bash
# Where downloads land: permission bits (never from another user's file,
# never setuid/setgid/sticky), NAME.part made exclusively at 0600, no
# replacing an existing file without an explicit choice (get -f, (REPLACE,
# set clobber on, --force), never through a symbolic link, never another
# user's file or part in a folder others may write (checked with a real
# unprivileged user, nobody), a FIFO at NAME.part refused at once, and a
# server's "-" never standing for standard output.
. "$(dirname "$0")/lib.sh"
make_store ca
d="lf$$"
mkdir -m 755 "$MAIN_ROOT/$d"
printf 'new contents\n' > "$MAIN_ROOT/$d/f.txt"
printf 'dash file\n' > "$MAIN_ROOT/$d/-"
printf 'minus x\n' > "$MAIN_ROOT/$d/-x"
printf 'one\n' > "$MAIN_ROOT/$d/m1.dat"
printf 'two\n' > "$MAIN_ROOT/$d/m2.dat"
chmod 644 "$MAIN_ROOT/$d"/*
chown -R "$FTP_USER" "$MAIN_ROOT/$d"
open_dir=""
slow_file=""
trap 'rm -rf "$T" "${MAIN_ROOT:?}/$d" ${open_dir:+"$open_dir"} ${slow_file:+"$slow_file"}' EXIT

# batch LINES...: one session of the given subcommands (after login and cd);
# every run is bounded, so a blocking open fails the test instead of hanging.
batch() {
    { echo "user $FTP_USER"; echo "cd $d"; printf '%s\n' "$@"; } > "$T/cmds"
    FTPC_PASSWORD=$FTP_PASSWORD run timeout 30 "$FTPC" -d --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
    [ "$status" != 124 ] || fail "ftpc hung (timeout): $*"
}
is() { [ "$(cat "$1")" = "$2" ] || fail "$1 holds '$(cat "$1" 2>/dev/null)', expected '$2'"; }
mode_is() { [ "$(stat -c %a "$1")" = "$2" ] || fail "$1 has mode $(stat -c %a "$1"), expected $2"; }

# A new file: 0666 & ~umask, no .part left.
old_umask=$(umask)
umask 027
batch "get f.txt $T/new.txt"
expect_status 0
is "$T/new.txt" "new contents"
mode_is "$T/new.txt" 640
[ ! -e "$T/new.txt.part" ] || fail ".part left behind"
umask 0
batch "get f.txt $T/new0.txt"
expect_status 0
mode_is "$T/new0.txt" 666
umask "$old_umask"

# An existing file is not replaced without an explicit choice; nothing is fetched.
echo old > "$T/dst"
batch "get f.txt $T/dst"
expect_status 7
expect_in "$T/err" "local file $T/dst exists; use get -f (or set clobber on) to replace it"
expect_not_in "$T/err" "---> RETR"
is "$T/dst" old
[ ! -e "$T/dst.part" ] || fail "a refused get left a .part"
# get -f replaces it; the user's own file keeps its bits & 0777.
chmod 604 "$T/dst"
batch "get -f f.txt $T/dst"
expect_status 0
is "$T/dst" "new contents"
mode_is "$T/dst" 604
# setuid, setgid and sticky bits never come through.
echo old > "$T/dst"
chmod 7755 "$T/dst"
batch "get -f -- f.txt $T/dst"
expect_status 0
is "$T/dst" "new contents"
mode_is "$T/dst" 755
# IBM i (REPLACE.
echo old > "$T/dst"
batch "get f.txt $T/dst (replace"
expect_status 0
is "$T/dst" "new contents"
# set clobber on|off, and set alone lists it.
echo old > "$T/dst"
batch "set" "set clobber on" "set clobber" "get f.txt $T/dst" "set clobber off" "set" "get f.txt $T/dst"
expect_status 7
is "$T/dst" "new contents"
expect_in "$T/out" "clobber    off"
expect_in "$T/out" "clobber on"
expect_in "$T/err" "line 9: local file $T/dst exists"
batch "set noclobber on"
expect_status 2
expect_in "$T/err" "no setting 'noclobber'"
# Standard output and character devices are written directly, as before.
batch "get f.txt -" "get f.txt /dev/null"
expect_status 0
is "$T/out" "new contents"
[ -c /dev/null ] || fail "/dev/null was replaced"

# URL mode: refused without --force, replaced with it (before or after get).
url="ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/$d/f.txt"
echo old > "$T/dst"
FTPC_PASSWORD=$FTP_PASSWORD run timeout 30 "$FTPC" --store "$T/store.db" get "$url" "$T/dst"
expect_status 7
expect_in "$T/err" "ftpc: local file $T/dst exists; use --force to replace it"
is "$T/dst" old
FTPC_PASSWORD=$FTP_PASSWORD run timeout 30 "$FTPC" --store "$T/store.db" --force get "$url" "$T/dst"
expect_status 0
is "$T/dst" "new contents"
echo old > "$T/dst"
FTPC_PASSWORD=$FTP_PASSWORD run timeout 30 "$FTPC" --store "$T/store.db" get --force "$url" "$T/dst"
expect_status 0
is "$T/dst" "new contents"

# mget: refused over an existing file, -f and (REPLACE replace; a remote
# "-" is a file called "-", never standard output.
mkdir "$T/m"
echo old > "$T/m/m1.dat"
batch "lcd $T/m" "mget m*.dat"
expect_status 7
expect_in "$T/err" "local file m1.dat exists; use mget -f (or set clobber on) to replace it"
is "$T/m/m1.dat" old
batch "lcd $T/m" "mget -f m*.dat"
expect_status 0
is "$T/m/m1.dat" one
is "$T/m/m2.dat" two
echo old > "$T/m/m1.dat"
batch "lcd $T/m" "mget m1.dat (REPLACE"
expect_status 0
is "$T/m/m1.dat" one
rm -f "$T/m/"*
batch "lcd $T/m" "mget *"
expect_status 0
is "$T/m/-" "dash file"
expect_not_in "$T/out" "dash file"
# get -- NAME: a remote name starting with - after --; without --, an option.
rm -f "$T/m/"*
batch "lcd $T/m" "get -- -" "get -- -x" "size -- -x"
expect_status 0
is "$T/m/-" "dash file"
is "$T/m/-x" "minus x"
expect_not_in "$T/out" "dash file"
grep -qx 8 "$T/out" || fail "size -- -x"
batch "get -x"
expect_status 2
expect_in "$T/err" "get: unknown option -x (a name that starts with - goes after --)"

# Never through a symbolic link: at NAME (even with -f, even dangling) ...
echo victim > "$T/victim"
ln -s "$T/victim" "$T/link"
ln -s "$T/nowhere" "$T/dangling"
batch "get -f f.txt $T/link"
expect_status 7
expect_in "$T/err" "local file $T/link is a symbolic link"
batch "get f.txt $T/dangling"
expect_status 7
expect_in "$T/err" "local file $T/dangling is a symbolic link"
is "$T/victim" victim
[ ! -e "$T/nowhere" ] || fail "a download went through a dangling link"
[ -L "$T/link" ] || fail "the link was replaced"
# ... or at NAME.part (get and reget); the target stays untouched.
ln -s "$T/victim" "$T/p.txt.part"
batch "get f.txt $T/p.txt"
expect_status 7
expect_in "$T/err" "$T/p.txt.part is a symbolic link"
batch "reget f.txt $T/p.txt"
expect_status 7
expect_in "$T/err" "$T/p.txt.part is a symbolic link"
is "$T/victim" victim
[ ! -e "$T/p.txt" ] || fail "a refused download made the file"
# A FIFO at NAME.part: refused at once, never opened (timeout catches a hang).
mkfifo "$T/q.txt.part"
batch "get f.txt $T/q.txt"
expect_status 7
expect_in "$T/err" "$T/q.txt.part is a FIFO, not a regular file"
batch "reget f.txt $T/q.txt"
expect_status 7
expect_in "$T/err" "$T/q.txt.part is a FIFO, not a regular file"
# A stale NAME.part of the user's own: a plain get starts again, reget continues it.
echo "stale junk that is long" > "$T/s.txt.part"
batch "get f.txt $T/s.txt"
expect_status 0
is "$T/s.txt" "new contents"
[ ! -e "$T/s.txt.part" ] || fail ".part left behind"
printf 'new ' > "$T/r.txt.part"
chmod 644 "$T/r.txt.part"
batch "reget f.txt $T/r.txt"
expect_status 0
expect_in "$T/err" "---> REST 4"
is "$T/r.txt" "new contents"

# NAME.part is 0600 until the download is complete (umask 0: the file ends 0666).
server slow
slow_file=$ROOT/slow-$$.bin
head -c 3000000 /dev/urandom > "$slow_file"
chmod 644 "$ROOT/slow-$$.bin"
printf 'user %s\nget slow-%s.bin %s/slow.bin\n' "$FTP_USER" "$$" "$T" > "$T/slowcmds"
( umask 0; FTPC_PASSWORD=$FTP_PASSWORD timeout 60 "$FTPC" --store "$T/store.db" -s "$T/slowcmds" 127.0.0.1 "$PORT" \
    > "$T/slow.out" 2> "$T/slow.err" ) &
slow_pid=$!
for _ in $(seq 1 100); do [ -s "$T/slow.bin.part" ] && break; sleep 0.05; done
[ -e "$T/slow.bin.part" ] || fail "no .part during the download"
mode_is "$T/slow.bin.part" 600
wait "$slow_pid" || { cat "$T/slow.err" >&2; fail "slow download failed"; }
cmp "$ROOT/slow-$$.bin" "$T/slow.bin" || fail "slow download differs"
mode_is "$T/slow.bin" 666
# A file that appears under NAME during the download is not replaced.
rm -f "$T/slow.bin"
( FTPC_PASSWORD=$FTP_PASSWORD timeout 60 "$FTPC" --store "$T/store.db" -s "$T/slowcmds" 127.0.0.1 "$PORT" \
    > "$T/slow.out" 2> "$T/slow.err" ) &
slow_pid=$!
for _ in $(seq 1 100); do [ -s "$T/slow.bin.part" ] && break; sleep 0.05; done
echo "made meanwhile" > "$T/slow.bin"
set +e; wait "$slow_pid"; st=$?; set -e
[ "$st" = 7 ] || { cat "$T/slow.err" >&2; fail "exit $st when a file appeared during the download"; }
expect_in "$T/slow.err" "local file $T/slow.bin appeared during the download"
expect_in "$T/slow.err" "kept as $T/slow.bin.part, mode 0600"
is "$T/slow.bin" "made meanwhile"
mode_is "$T/slow.bin.part" 600

# A folder others may write (1777, as /tmp), with a real unprivileged user.
id nobody > /dev/null || fail "no user nobody to test with"
nobody_uid=$(id -u nobody)
open_dir=$(mktemp -d /tmp/ftpc-open.XXXXXX)
chmod 755 "$open_dir"
(umask 022; "$TRUSTD" --store "$open_dir/store/trust.db" import "$PKI/ca.pem" > /dev/null)
cp "${FTPC_BIN:-$FTPC}" "$open_dir/ftpc"   # the program itself, not a test wrapper
chmod 755 "$open_dir/ftpc"
mkdir -m 1777 "$open_dir/pub"
P=$open_dir/pub
# as_user USER LINES...: one session in $P as USER (root or nobody).
as_user() {
    local who=$1
    shift
    { echo "user $FTP_USER"; echo "cd $d"; echo "lcd $P"; printf '%s\n' "$@"; } > "$open_dir/cmds"
    chmod 644 "$open_dir/cmds"
    set +e
    runuser -u "$who" -- env FTPC_PASSWORD="$FTP_PASSWORD" timeout 30 "$open_dir/ftpc" -d \
        --store "$open_dir/store/trust.db" -s "$open_dir/cmds" 127.0.0.1 "$MAIN_PORT" > "$T/out" 2> "$T/err"
    status=$?
    set -e
    [ "$status" != 124 ] || fail "ftpc hung (timeout) as $who: $*"
}
# nobody's own download there works, and gets nobody's umask bits.
as_user nobody "get f.txt mine.txt"
expect_status 0
[ "$(stat -c %u "$P/mine.txt")" = "$nobody_uid" ] || fail "the download is not nobody's"
# root's file, for nobody: refused before anything is fetched, even with -f.
echo "root's" > "$P/root.txt"
as_user nobody "get -f f.txt root.txt"
expect_status 7
expect_in "$T/err" "local file root.txt belongs to another user (uid 0) in a folder others may write"
expect_not_in "$T/err" "---> RETR"
is "$P/root.txt" "root's"
# nobody's file, for root (the kernel would let root replace it): refused.
as_user nobody "get f.txt theirs.txt"
expect_status 0
as_user root "get -f f.txt theirs.txt"
expect_status 7
expect_in "$T/err" "local file theirs.txt belongs to another user (uid $nobody_uid) in a folder others may write"
[ "$(stat -c %u "$P/theirs.txt")" = "$nobody_uid" ] || fail "root replaced nobody's file"
# reget does not append to another user's file there either.
as_user root "reget f.txt theirs.txt"
expect_status 7
expect_in "$T/err" "belongs to another user (uid $nobody_uid)"
# Another user's FIFO there is never opened (it would leak the download).
runuser -u nobody -- mkfifo "$P/fifo"
as_user root "get f.txt fifo"
expect_status 7
expect_in "$T/err" "local file fifo belongs to another user (uid $nobody_uid)"
# A stale NAME.part of another user: refused, for get and reget, both ways.
echo "root's part" > "$P/data.txt.part"
as_user nobody "get f.txt data.txt"
expect_status 7
expect_in "$T/err" "data.txt.part belongs to another user (uid 0); not using it"
as_user nobody "reget f.txt data.txt"
expect_status 7
expect_in "$T/err" "data.txt.part belongs to another user (uid 0); not using it"
is "$P/data.txt.part" "root's part"
[ ! -e "$P/data.txt" ] || fail "a refused download made the file"
runuser -u nobody -- sh -c 'echo theirs > "$1"' sh "$P/n.txt.part"
as_user root "get f.txt n.txt"
expect_status 7
expect_in "$T/err" "n.txt.part belongs to another user (uid $nobody_uid); not using it"
[ ! -e "$P/n.txt" ] || fail "a refused download made the file"

# There, a download that cannot take its name leaves no copy behind.
printf 'user %s\nlcd %s\nget slow-%s.bin late.bin\n' "$FTP_USER" "$P" "$$" > "$open_dir/slowcmds"
chmod 644 "$open_dir/slowcmds"
( runuser -u nobody -- env FTPC_PASSWORD="$FTP_PASSWORD" timeout 60 "$open_dir/ftpc" \
    --store "$open_dir/store/trust.db" -s "$open_dir/slowcmds" 127.0.0.1 "$PORT" > "$T/slow.out" 2> "$T/slow.err" ) &
slow_pid=$!
for _ in $(seq 1 100); do [ -s "$P/late.bin.part" ] && break; sleep 0.05; done
[ -e "$P/late.bin.part" ] || fail "no .part during the download"
mode_is "$P/late.bin.part" 600
echo "root was first" > "$P/late.bin"
set +e; wait "$slow_pid"; st=$?; set -e
[ "$st" = 7 ] || { cat "$T/slow.err" >&2; fail "exit $st when a file appeared during the download"; }
expect_in "$T/slow.err" "the download was removed: the folder is open to others"
is "$P/late.bin" "root was first"
[ ! -e "$P/late.bin.part" ] || fail "a copy of the download was left in a folder open to others"
echo "ok: local files"
