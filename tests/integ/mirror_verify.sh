#!/usr/bin/env bash
# mirror_verify.sh SERVER: mirror --verify, both ways.
#
# mirror_verify.sh prodigest: ProFTPD with mod_digest: each file is
# compared by HASH (SHA-256 picked with OPTS HASH): downloads and uploads
# pass.
# mirror_verify.sh proftpd: no hash offered: said once, files still move.
# mirror_verify.sh hostile: the server answers a wrong SHA-256: the
# download stays NAME.part, the upload's NAME.part is deleted (DELE; NAME as it was),
# both are failures.
. "$(dirname "$0")/lib.sh"
name=$1
make_store ca
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" "$@"; }

if [ "$name" = hostile ]; then
    hostile badhash
    mkdir -p "$T/up"
    echo "upload me" > "$T/up/f.txt"
    (umask 077; printf 'user x\npass y\nmirror --verify dl %s\nmirror -R --verify %s up\n' "$T/dl" "$T/up" > "$T/cmds")
    run "$FTPC" --store "$T/store.db" --continue -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    [ "$status" != 0 ] || fail "a wrong hash was not a failure"
    [ ! -e "$T/dl/ok.txt" ] || fail "a download with a wrong hash took its name"
    cmp -s "$T/dl/ok.txt.part" <(python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 400)') ||
        fail "the download that failed --verify is not kept as ok.txt.part"
    expect_in "$T/err" "ok.txt: get dl/ok.txt: --verify: the server's SHA-256 (HASH) $(printf '0%.0s' $(seq 64)) differs from the file's"
    expect_in "$T/hostile.log" "stored up/f.txt.part 10 bytes" # uploads land as NAME.part
    expect_in "$T/hostile.log" "deleted up/f.txt"
    expect_in "$T/err" "f.txt: --verify: the server's SHA-256 (HASH)"
    expect_in "$T/err" "up/f.txt.part was deleted, up/f.txt is as it was"
    [ "$(grep -c '0 transferred, 0 skipped, 0 deleted, 1 failed;' "$T/out")" = 2 ] || { cat "$T/out" >&2; fail "summaries"; }
    echo "ok: a wrong hash fails the file both ways"
    exit 0
fi

server "$name"
batch() { # commands...: a batch file of them, logged in
    printf 'user %s\n' "$FTP_USER" > "$T/cmds"
    printf '%s\n' "$@" >> "$T/cmds"
    ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
}
d="verify$$"
src=$ROOT/$d
mkdir -p "$src/a/b"
head -c 300000 /dev/urandom > "$src/big.bin"
echo one > "$src/a/one.txt"
: > "$src/a/b/zero"
chown -R "$FTP_USER" "$src"

if [ "$name" = proftpd ]; then
    batch "mirror --verify $d $T/dl" "mirror -R --verify $T/dl $d-up"
    expect_status 0
    [ "$(grep -c 'the server offers no hash' "$T/err")" = 2 ] || { cat "$T/err" >&2; fail "no hash: not said once per run"; }
    diff -r "$src" "$T/dl" > /dev/null && diff -r "$src" "$ROOT/$d-up" > /dev/null || fail "files did not move"
    rm -rf "$src" "$ROOT/$d-up"
    echo "ok: --verify without hashes says so once"
    exit 0
fi

# Down and up, every file compared; debug shows the commands.
batch "debug on" "mirror --verify $d $T/dl" "mirror -R --verify $T/dl $d-up"
expect_status 0
diff -r "$src" "$T/dl" > /dev/null && diff -r "$src" "$ROOT/$d-up" > /dev/null || fail "trees differ"
cat "$T/out" "$T/err" > "$T/all"
expect_in "$T/all" "---> OPTS HASH SHA-256"
[ "$(grep -c -- '---> HASH ' "$T/all")" = 6 ] || fail "not every file was hashed"
expect_in "$T/all" "---> HASH $d-up/a/one.txt"
expect_not_in "$T/err" "differs"
[ "$(grep -c '3 transferred, 0 skipped, 0 deleted, 0 failed;' "$T/out")" = 2 ] || fail "summaries"
rm -rf "$src" "$ROOT/$d-up"
echo "ok: --verify against $name"
