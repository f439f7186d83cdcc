#!/usr/bin/env bash
# mirror_extras.sh MODE: the mirror's permission bits, the server's
# symbolic links and resumable uploads.
#
# mirror_extras.sh proftpd|pure3|main: a served tree with real modes and real
#   symbolic links. Downloads: new files get 0666 & ~umask and folders
#   0777 & ~umask (umask 027 here); --perms copies the server's bits
#   (UNIX.mode) without setuid, and a read-only folder keeps u+rwx; links
#   are skipped without --follow-links ("link ... not followed" in -v);
#   with it a file link and a folder link inside the tree are followed,
#   one out of the tree and one back up (a loop) skipped and reported,
#   not failures. Uploads with --perms: SITE CHMOD gives the server's
#   copies the local bits (ProFTPD, Pure-FTPd and vsftpd all take it;
#   vsftpd gives modes and link targets by LIST only).
# mirror_extras.sh hostile: the scripted server lists links out of the
#   tree (absolute, relative, and a target only LIST names), loops (.,
#   .., a link to a link to .., a link to the folder itself) and one that
#   lies its way out through another link: only the good files are
#   fetched, nothing is written outside the target, the run ends. And a
#   server without RNFR or SITE CHMOD (502): an upload with --perms lands
#   all the same, straight to its name, and that is no failure.
# mirror_extras.sh resume: mirror -R to the slow fixture server (vsftpd,
#   2 MB/s) ended by SIGINT while a big file goes up (a batch run dies at
#   once, as on a crash or a kill): the server has
#   big.bin.part only, never a short big.bin; run again, the part is
#   sent again whole (vsftpd offers no hash to check it by: no REST),
#   the trees are byte-equal and no .part is left; a third run sends
#   nothing. The same with Ctrl-C in the shell (tmux): ABOR, the part
#   stays, the shell's next mirror -R finishes it. On ProFTPD with
#   mod_digest a part holding the file's beginning is continued, a
#   foreign one sent again whole.
. "$(dirname "$0")/lib.sh"
mode=$1
make_store ca
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" "$@"; }
batch() { # commands...: a batch file of them, logged in
    printf 'user %s\n' "$FTP_USER" > "$T/cmds"
    printf '%s\n' "$@" >> "$T/cmds"
    ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
}
mode_of() { stat -c %a "$1"; }
expect_mode() { # path mode
    [ "$(mode_of "$1")" = "$2" ] || fail "$1 has mode $(mode_of "$1"), expected $2"
}
expect_summary() { # transferred skipped deleted failed
    expect_in "$T/out" "$1 transferred, $2 skipped, $3 deleted, $4 failed;"
}

if [ "$mode" = hostile ]; then
    hostile links
    (umask 077; printf 'user x\npass y\nmirror -v hostile %s\n' "$T/dl1" > "$T/cmds")
    run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    expect_status 0
    for l in lf ld abs up self untold sub/a sub/b sub/again sub/lie; do
        expect_in "$T/out" "skip     $l (link on the server, not followed (--follow-links follows links inside the tree))"
        [ ! -e "$T/dl1/$l" ] || fail "$l was followed without --follow-links"
    done
    expect_summary 2 10 0 0
    hostile_stop
    hostile links # it serves one session
    (umask 077; printf 'user x\npass y\nmirror --follow-links hostile %s\n' "$T/dl2" > "$T/cmds")
    run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    expect_status 0
    payload() { python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 400)'; }
    for f in ok.txt lf sub/deep.txt ld/deep.txt; do
        cmp -s "$T/dl2/$f" <(payload) || fail "$f was not fetched"
    done
    for l in abs up untold sub/lie ld/lie; do
        expect_in "$T/err" "$l: skipped: link on the server leading outside the tree; not followed"
    done
    for l in self sub/a sub/b sub/again ld/a ld/b ld/again; do
        expect_in "$T/err" "$l: skipped: link on the server back to a folder above it (a loop); not followed"
    done
    expect_summary 4 12 0 0
    [ "$(cd "$T/dl2" && find . | sort | tr '\n' ' ')" = ". ./ld ./ld/deep.txt ./lf ./ok.txt ./sub ./sub/deep.txt " ] ||
        { (cd "$T/dl2" && find .) >&2; fail "the target holds more than the tree's files"; }
    [ ! -e "$T/etc" ] && [ ! -e "$T/x" ] && [ ! -e "$T/secret" ] || fail "a link's target became a local path"
    # A server without RNFR or SITE CHMOD (both 502): --perms is skipped
    # silently, the part removed and the file sent straight to its name.
    hostile badhash
    mkdir -p "$T/up"
    echo "upload me" > "$T/up/f.txt"
    (umask 077; printf 'user x\npass y\nmirror -R --perms %s up\n' "$T/up" > "$T/cmds")
    run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    expect_status 0
    expect_in "$T/hostile.log" "stored up/f.txt.part 10 bytes"
    expect_in "$T/hostile.log" "deleted up/f.txt.part"
    expect_in "$T/hostile.log" "stored up/f.txt 10 bytes"
    expect_summary 1 0 0 0
    echo "ok: hostile links, a server without RNFR or SITE CHMOD"
    exit 0
fi

if [ "$mode" = resume ]; then
    server slow
    src=$T/src
    d=resume$$
    dst=$ROOT/$d
    mkdir -p "$src/sub"
    head -c 8000000 /dev/urandom > "$src/big.bin" # 4 s at the server's 2 MB/s
    echo small > "$src/small.txt"
    echo deeper > "$src/sub/deeper.txt"
    printf 'user %s\nmirror -R %s %s\n' "$FTP_USER" "$src" "$d" > "$T/cmds"
    set +e
    # A background job starts with SIGINT ignored: env gives it back.
    FTPC_PASSWORD=$FTP_PASSWORD env --default-signal=INT "$FTPC" --store "$T/store.db" -s "$T/cmds" \
        127.0.0.1 "$PORT" > "$T/out1" 2> "$T/err1" &
    pid=$!
    for _ in $(seq 1 200); do
        [ "$(stat -c %s "$dst/big.bin.part" 2> /dev/null || echo 0)" -gt 1500000 ] && break
        sleep 0.05
    done
    kill -INT "$pid"
    wait "$pid"
    status=$?
    set -e
    # A batch run (-s) has no Ctrl-C handler of its own: SIGINT ends it at
    # once, as a crash or a kill would, with no ABOR sent.
    [ "$status" = 130 ] || { cat "$T/out1" "$T/err1" >&2; fail "the interrupted run ended with $status"; }
    [ ! -e "$dst/big.bin" ] || fail "a short big.bin took the file's name on the server"
    # The server may still be writing what was in flight: wait for the
    # part to stop growing.
    had=-1
    for _ in $(seq 1 50); do
        now=$(stat -c %s "$dst/big.bin.part")
        [ "$now" = "$had" ] && break
        had=$now
        sleep 0.2
    done
    [ "$had" -gt 1000000 ] && [ "$had" -lt 8000000 ] || fail "the partial upload has $had bytes"
    # vsftpd offers no hash to show that the part is this file's
    # beginning (it could be anyone's): it is sent again whole.
    batch "mirror -R -v $src $d"
    expect_status 0
    expect_in "$T/out" "transfer big.bin (new; the old partial upload is started again (the server offers no hash to check it by))"
    diff -r "$src" "$dst" > /dev/null || { diff -r "$src" "$dst" >&2 || true; fail "the trees differ"; }
    [ ! -e "$dst/big.bin.part" ] || fail "big.bin.part is left on the server"
    expect_in "$T/out" "3 transferred, 0 skipped, 0 deleted, 0 failed; 8000013 bytes"
    if grep -q "\"REST $had\"" "$LOG"; then fail "a part the server cannot hash was continued (REST $had)"; fi
    grep -q "\"STOR $d/big.bin.part\"" "$LOG" || fail "the server's log shows no STOR of the part"
    batch "mirror -R $src $d"
    expect_status 0
    expect_summary 0 3 0 0

    # Ctrl-C in the shell: the upload is aborted (ABOR), the part stays,
    # and the same shell's next mirror -R continues it.
    terminal
    d2=${d}tty
    tm new-session -d -s ftpc -x 200 -y 50 \
        "cd '$T' && HOME='$T' '$FTPC' --store '$T/store.db' 127.0.0.1 $PORT; echo ftpc-ended; sleep 30"
    wait_for "ftpc tls:C 127.0.0.1:?>"
    tm send-keys -t ftpc "user $FTP_USER" Enter
    wait_for "Password for $FTP_USER@127.0.0.1:"
    tm send-keys -t ftpc "$FTP_PASSWORD" Enter
    wait_for "230 Login successful."
    tm send-keys -t ftpc "mirror -R $src $d2" Enter
    for _ in $(seq 1 200); do
        [ "$(stat -c %s "$ROOT/$d2/big.bin.part" 2> /dev/null || echo 0)" -gt 1500000 ] && break
        sleep 0.05
    done
    tm send-keys -t ftpc C-c
    wait_for "big.bin: interrupted; what the server has stays as $d2/big.bin.part, and the same mirror -R continues it" 20
    [ ! -e "$ROOT/$d2/big.bin" ] || fail "Ctrl-C left a short big.bin under the file's name"
    [ -e "$ROOT/$d2/big.bin.part" ] || fail "Ctrl-C left no part to continue"
    grep -q '"ABOR"' "$LOG" || fail "Ctrl-C sent no ABOR"
    tm send-keys -t ftpc "mirror -R $src $d2" Enter
    wait_for "3 transferred, 0 skipped, 0 deleted, 0 failed;" 30
    tm send-keys -t ftpc "quit" Enter
    wait_for "ftpc-ended"
    diff -r "$src" "$ROOT/$d2" > /dev/null || fail "the trees differ after Ctrl-C and a second run"

    # A server with hashes (ProFTPD's mod_digest): a part that holds the
    # file's beginning is continued; a foreign one ("FOREIGN", newer and
    # shorter, as a stale or someone else's upload) is sent again whole.
    server prodigest
    src3=$T/src3
    d3=part$$
    mkdir -p "$src3" "$ROOT/$d3"
    head -c 300000 /dev/urandom > "$src3/good.bin"
    head -c 200000 /dev/urandom > "$src3/foreign.bin"
    touch -d '2020-01-01' "$src3/good.bin" "$src3/foreign.bin"
    head -c 100000 "$src3/good.bin" > "$ROOT/$d3/good.bin.part"
    printf FOREIGN > "$ROOT/$d3/foreign.bin.part"
    chown -R "$FTP_USER" "$ROOT/$d3"
    batch "mirror -R -v $src3 $d3"
    expect_status 0
    expect_in "$T/out" "foreign.bin: the server's .part of it is not this file's beginning; sent again whole"
    expect_not_in "$T/out" "good.bin: the server's .part"
    cmp -s "$src3/good.bin" "$ROOT/$d3/good.bin" || fail "the continued upload differs"
    cmp -s "$src3/foreign.bin" "$ROOT/$d3/foreign.bin" || fail "a foreign part was continued"
    expect_in "$T/out" "2 transferred, 0 skipped, 0 deleted, 0 failed; $((300000 - 100000 + 200000)) bytes"
    echo "ok: an interrupted upload continued (killed, and Ctrl-C)"
    exit 0
fi

server "$mode"
d=ext$$
tree=$ROOT/$d
mkdir -p "$tree/deep" "$tree/ro" "$tree/sub"
echo top > "$tree/f.txt"
echo private > "$tree/priv.txt"
echo deep > "$tree/deep/d.txt"
echo ro > "$tree/ro/r.txt"
echo x > "$tree/sub/x.txt"
ln -s f.txt "$tree/lf"
ln -s deep "$tree/ld"
ln -s /etc/passwd "$tree/out"
ln -s .. "$tree/sub/up"
chown -R "$FTP_USER" "$tree"
chown -h "$FTP_USER" "$tree/lf" "$tree/ld" "$tree/out" "$tree/sub/up"
chmod 4755 "$tree/f.txt"   # after chown, which clears setuid
chmod 0600 "$tree/priv.txt"
chmod 0640 "$tree/deep/d.txt"
chmod 0711 "$tree/deep"
chmod 0444 "$tree/ro/r.txt"
chmod 0555 "$tree/ro"

# 1. Default modes: 0666 & ~umask for files, 0777 & ~umask for folders;
#    links skipped and said so.
old_umask=$(umask)
umask 027
batch "mirror -v $d $T/plain"
umask "$old_umask"
expect_status 0
for f in f.txt priv.txt deep/d.txt ro/r.txt sub/x.txt; do expect_mode "$T/plain/$f" 640; done
for f in "" deep ro sub; do expect_mode "$T/plain/$f" 750; done
expect_in "$T/out" "skip     lf (link on the server, not followed"
expect_in "$T/out" "skip     ld (link on the server, not followed"
[ ! -e "$T/plain/lf" ] && [ ! -e "$T/plain/ld" ] || fail "a link was followed without --follow-links"

# 2. --perms: the server's bits under the umask (027 here), never setuid;
#    a read-only folder stays writable by its owner (so the next run can
#    update it).
umask 027
batch "mirror --perms $d $T/perms"
umask "$old_umask"
expect_status 0
expect_mode "$T/perms/f.txt" 750
expect_mode "$T/perms/priv.txt" 600
expect_mode "$T/perms/deep" 710
expect_mode "$T/perms/deep/d.txt" 640
expect_mode "$T/perms/ro/r.txt" 440
expect_mode "$T/perms/ro" 750
# A second run replaces nothing, and a changed file lands with its new bits.
batch "mirror --perms $d $T/perms"
expect_status 0
expect_in "$T/out" "mirror: 0 transferred, "
expect_in "$T/out" " 0 failed;"
echo changed > "$tree/priv.txt"
chmod 0646 "$tree/priv.txt"
umask 002
batch "mirror --perms $d $T/perms"
umask "$old_umask"
expect_status 0
expect_mode "$T/perms/priv.txt" 644 # o+w: never more than the umask allows

# 3. --follow-links: the file link and the folder link inside the tree
#    are followed; the one out (ProFTPD does not even list it) and the
#    one back up are skipped and reported, not failures.
batch "mirror --follow-links $d $T/links"
expect_status 0
cmp -s "$T/links/lf" "$tree/f.txt" || fail "the file link was not followed"
cmp -s "$T/links/ld/d.txt" "$tree/deep/d.txt" || fail "the folder link was not followed"
[ ! -L "$T/links/lf" ] && [ -d "$T/links/ld" ] && [ ! -L "$T/links/ld" ] || fail "a link was made locally"
[ ! -e "$T/links/out" ] && [ ! -e "$T/links/sub/up" ] || fail "a link out of the tree, or a loop, was followed"
expect_in "$T/err" "sub/up: skipped: link on the server"
[ "$mode" = proftpd ] || expect_in "$T/err" "out: skipped: link on the server leading outside the tree"
[ "$mode" = proftpd ] || expect_in "$T/err" "sub/up: skipped: link on the server back to a folder above it (a loop)"
expect_in "$T/out" "0 failed;"
cmp -s "$T/links/sub/x.txt" "$tree/sub/x.txt" || fail "the real folder beside the loop was not fetched"

# 3b. Links that only the server's own walk tells apart: a ".." after a
#     link that leads out (x -> esc/../secret.txt is other/secret.txt on
#     the server), a target through a folder not listed yet (fwd ->
#     b/inner/c, itself a link out), and a loop through a sibling (la/L
#     -> ../lb, lb/M -> ../la): nothing outside is fetched, and the
#     sibling loop stops at the first folder seen again on the walk.
oth=oth$$
mkdir -p "$ROOT/$oth/deep" "$ROOT/${d}lk/b/inner" "$ROOT/${d}lk/la" "$ROOT/${d}lk/lb"
echo secret > "$ROOT/$oth/secret.txt"
echo z > "$ROOT/$oth/deep/z.txt"
echo ok > "$ROOT/${d}lk/ok.txt"
echo f1 > "$ROOT/${d}lk/la/f1"
echo f2 > "$ROOT/${d}lk/lb/f2"
ln -s "../$oth/deep" "$ROOT/${d}lk/esc"
ln -s esc/../secret.txt "$ROOT/${d}lk/x"
ln -s b/inner/c "$ROOT/${d}lk/fwd"
ln -s "../../../$oth" "$ROOT/${d}lk/b/inner/c"
ln -s ../lb "$ROOT/${d}lk/la/L"
ln -s ../la "$ROOT/${d}lk/lb/M"
chown -R "$FTP_USER" "$ROOT/$oth" "$ROOT/${d}lk"
chown -h "$FTP_USER" "$ROOT/${d}lk/esc" "$ROOT/${d}lk/x" "$ROOT/${d}lk/fwd" "$ROOT/${d}lk/b/inner/c" \
    "$ROOT/${d}lk/la/L" "$ROOT/${d}lk/lb/M"
for par in 1 4; do
    batch "mirror --follow-links --parallel $par ${d}lk $T/lk$par"
    expect_status 0
    got=$(cd "$T/lk$par" && find . | sort | tr '\n' ' ')
    case "$got" in *secret*|*z.txt*|*deep*) fail "a link led the run outside the tree (--parallel $par): $got" ;; esac
    [ -e "$T/lk$par/la/L/f2" ] && [ -e "$T/lk$par/lb/M/f1" ] ||
        fail "a folder link inside the tree was not followed (--parallel $par): $got"
    [ ! -e "$T/lk$par/la/L/M" ] && [ ! -e "$T/lk$par/lb/M/L" ] ||
        fail "a loop through a sibling was walked (--parallel $par): $got"
    [ ! -e "$T/lk$par/fwd" ] && [ ! -e "$T/lk$par/x" ] || fail "fwd or x was followed (--parallel $par): $got"
    expect_in "$T/out" "0 failed;"
done

# 4. Uploads with --perms: SITE CHMOD sets the local bits on the server.
up=$T/up
mkdir -p "$up/folder"
echo a > "$up/exec.sh"
echo b > "$up/shared.txt"
echo c > "$up/folder/in.txt"
chmod 0750 "$up/exec.sh"
chmod 0604 "$up/shared.txt"
chmod 0640 "$up/folder/in.txt"
chmod 0710 "$up/folder"
# A read-only folder keeps u+rwx on the server: its files still go in.
mkdir -p "$up/rofold"
echo r > "$up/rofold/r.txt"
chmod 0555 "$up/rofold"
batch "mirror -R --perms $up ${d}up"
expect_status 0
expect_mode "$ROOT/${d}up/rofold" 755
[ -f "$ROOT/${d}up/rofold/r.txt" ] || fail "a file in a read-only folder was not uploaded"
expect_in "$T/out" " 0 failed;"
expect_mode "$ROOT/${d}up/exec.sh" 750
expect_mode "$ROOT/${d}up/shared.txt" 604
expect_mode "$ROOT/${d}up/folder/in.txt" 640
expect_mode "$ROOT/${d}up/folder" 710
diff -r "$up" "$ROOT/${d}up" > /dev/null || fail "the uploaded tree differs"
if ls "$ROOT/${d}up" "$ROOT/${d}up/folder" | grep -q '\.part$'; then fail "a .part is left on the server"; fi
# Without --perms the server's own bits stay.
chmod 0700 "$up/shared.txt"
echo bb > "$up/shared.txt"
batch "mirror -R $up ${d}up"
expect_status 0
expect_mode "$ROOT/${d}up/shared.txt" 604
# ... set on the part, before it takes the name (never the server's
# default bits under the name).
[ "$mode" != main ] || grep -q "\"SITE CHMOD 604 ${d}up/shared.txt.part\"" "$LOG" ||
    fail "the kept mode was not set on the part before the rename"
echo "ok: modes and links on $mode"
