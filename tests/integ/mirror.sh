#!/usr/bin/env bash
# mirror.sh SERVER: mirror (download) of a tree of nested folders from one
# fixture server, checked byte for byte and by modification time; a second
# run transfers nothing; a changed file is transferred again; --dry-run
# changes nothing; --delete removes only what the server no longer has,
# inside the target; get -r and the one-shot form; the summary's numbers,
# and the same in JSON.
#
# mirror.sh main: vsftpd has no MLSD: the same, over LIST and MDTM.
# mirror.sh hostile: the scripted server lists names that must never
# become local paths: each is refused and counted, the good file is
# fetched, and nothing is deleted in that folder.
. "$(dirname "$0")/lib.sh"
name=$1
make_store ca
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" "$@"; }

if [ "$name" = hostile ]; then
    hostile tree
    mkdir -p "$T/dl/sub"
    echo keep > "$T/dl/keep.txt"
    (umask 077; printf 'user x\npass y\nmirror --delete hostile %s\n' "$T/dl" > "$T/cmds")
    run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$HOSTILE_PORT"
    hostile_stop
    expect_status 6
    cmp -s "$T/dl/ok.txt" <(python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 400)') ||
        fail "the good file was not fetched"
    [ "$(stat -c %Y "$T/dl/ok.txt")" = "$(date -u -d '2024-05-06 07:08:09' +%s)" ] || fail "the server's time was not set"
    expect_in "$T/dl/keep.txt" keep                   # no --delete after refused names
    [ -d "$T/dl/sub" ] || fail "a local folder was deleted after refused names"
    [ ! -e "$T/x" ] && [ ! -e "$T/dl/a" ] && [ ! -e "$T/dl/y" ] || fail "an unsafe name became a path"
    expect_in "$T/err" "../x: skipped: unsafe name: it holds '/'"
    expect_in "$T/err" "a/b: skipped: unsafe name"
    expect_in "$T/err" "/etc/passwd: skipped: unsafe name: it is an absolute path"
    expect_in "$T/err" "..: skipped: unsafe name: it is . or .."
    expect_in "$T/err" 'esc\x1b]0;owned\x07name: skipped: unsafe name: it holds a control character'
    expect_in "$T/err" "sub/../y: skipped: unsafe name"
    if grep -q $'\x1b' "$T/err" "$T/out"; then fail "a raw escape reached the terminal"; fi
    expect_in "$T/out" "1 transferred, 6 skipped, 0 deleted, 6 failed;"
    echo "ok: unsafe names refused"
    exit 0
fi

server "$name"
batch() { # commands...: a batch file of them, logged in
    printf 'user %s\n' "$FTP_USER" > "$T/cmds"
    printf '%s\n' "$@" >> "$T/cmds"
    ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
}
expect_summary() { # transferred skipped deleted failed
    expect_in "$T/out" "$1 transferred, $2 skipped, $3 deleted, $4 failed;"
}
# Every file of tree a is in tree b with the same bytes and modification time.
same_tree() { # a b
    diff -r "$1" "$2" > /dev/null || { diff -r "$1" "$2" >&2 || true; fail "trees $1 and $2 differ"; }
    (cd "$1" && find . -type f -printf '%P %T@\n' | sed 's/\.[0-9]*$//' | sort) > "$T/times.a"
    (cd "$2" && find . -type f -printf '%P %T@\n' | sed 's/\.[0-9]*$//' | sort) > "$T/times.b"
    cmp -s "$T/times.a" "$T/times.b" || { diff "$T/times.a" "$T/times.b" >&2 || true; fail "modification times differ"; }
}
snapshot() { # dir -> every entry, its size and time
    (cd "$1" && find . -printf '%P %y %s %T@\n' | sort)
}

# The server's tree, made in its folder as its user; times in the past.
d="mirror$$"
src="$ROOT/$d"
mkdir -p "$src/a/b/c" "$src/empty" "$src/sp ace"
head -c 100000 /dev/urandom > "$src/top.bin"
echo one > "$src/a/one.txt"
echo two > "$src/a/b/two.txt"
head -c 5000 /dev/urandom > "$src/a/b/c/deep.bin"
echo spaced > "$src/sp ace/file name.txt"
: > "$src/a/zero"
find "$src" -exec touch -d '2024-05-06 07:08:09 UTC' {} +
chown -R "$FTP_USER" "$src"

# 1. The first run: everything, with the server's times.
batch "mirror $d $T/dl"
expect_status 0
same_tree "$src" "$T/dl"
[ -d "$T/dl/empty" ] || fail "the empty folder was not made"
expect_summary 6 0 0 0
expect_in "$T/out" "105015 bytes"
[ -z "$(find "$T/dl" -name '*.part')" ] || fail "a .part file was left behind"
# Folders and files get the umask's modes.
[ "$(stat -c %a "$T/dl/a/b")" = "$(printf '%o' $((0777 & ~$(umask))))" ] || fail "folder mode"
[ "$(stat -c %a "$T/dl/a/one.txt")" = "$(printf '%o' $((0666 & ~$(umask))))" ] || fail "file mode"

# 2. A second run transfers nothing; --json gives the same numbers.
batch "mirror $d $T/dl"
expect_status 0
expect_summary 0 6 0 0
batch "mirror --json $d $T/dl"
expect_status 0
json_check "$T/out" '(d["direction"] == "download" and not d["dry_run"] and d["transferred"] == 0 and
    d["skipped"] == 6 and d["deleted"] == 0 and d["failed"] == 0 and d["bytes"] == 0 and
    d["first_failure"] is None and d["milliseconds"] >= 0)'

# 3. A changed file (same size, newer) and a grown one are transferred again.
echo ONE > "$src/a/one.txt"
echo "two and more" > "$src/a/b/two.txt"
touch -d '2024-06-01 00:00:00 UTC' "$src/a/one.txt" "$src/a/b/two.txt"
batch "mirror -v $d $T/dl"
expect_status 0
expect_summary 2 4 0 0
expect_in "$T/out" "replace  a/one.txt (modified"
expect_in "$T/out" "replace  a/b/two.txt (modified"
same_tree "$src" "$T/dl"

# 4. --dry-run changes nothing and says what would be done.
echo new > "$src/a/new.txt"
rm "$src/top.bin"
echo extra > "$T/dl/a/b/local-only.txt"
snapshot "$T/dl" > "$T/before"
batch "mirror --dry-run --delete $d $T/dl"
expect_status 0
snapshot "$T/dl" > "$T/after"
cmp -s "$T/before" "$T/after" || { diff "$T/before" "$T/after" >&2; fail "--dry-run changed the tree"; }
expect_in "$T/out" "transfer a/new.txt (new)"
expect_in "$T/out" "delete   top.bin (not on the server)"
expect_in "$T/out" "delete   a/b/local-only.txt (not on the server)"
expect_in "$T/out" "mirror (dry run, nothing changed): 1 to transfer, 5 skipped, 2 to delete, 0 failed"

# 5. Without --delete, local-only files stay; with it they go, and only
# inside the target: a file beside it and a link's target are untouched.
batch "mirror $d $T/dl"
expect_status 0
expect_summary 1 5 0 0
[ -f "$T/dl/top.bin" ] && [ -f "$T/dl/a/b/local-only.txt" ] || fail "a local file went without --delete"
echo outside > "$T/outside.txt"
ln -s "$T/outside.txt" "$T/dl/a/link-out"
mkdir "$T/dl/gone" && echo x > "$T/dl/gone/x"
batch "mirror --delete $d $T/dl"
expect_status 0
expect_summary 0 6 4 0
[ ! -e "$T/dl/top.bin" ] && [ ! -e "$T/dl/a/b/local-only.txt" ] && [ ! -e "$T/dl/gone" ] &&
    [ ! -L "$T/dl/a/link-out" ] || fail "--delete left something the server does not have"
[ "$(cat "$T/outside.txt")" = outside ] || fail "--delete reached outside the target"
same_tree "$src" "$T/dl"

# 6. An interrupted file (its .part here) is continued, not started again.
head -c 300000 /dev/urandom > "$src/big.bin"
touch -d '2024-05-06 07:08:09 UTC' "$src/big.bin"
chown "$FTP_USER" "$src/big.bin"
head -c 100000 "$src/big.bin" > "$T/dl/big.bin.part"
batch "mirror -v $d $T/dl"
expect_status 0
expect_in "$T/out" "continues the partial download (100000 bytes)"
expect_in "$T/out" "200000 bytes"
same_tree "$src" "$T/dl"

# 7. --exclude and --include.
batch "mirror --exclude c --exclude \"*.bin\" $d $T/ex"
expect_status 0
[ -f "$T/ex/a/one.txt" ] && [ ! -e "$T/ex/a/b/c" ] && [ ! -e "$T/ex/big.bin" ] || fail "--exclude"
batch "mirror --include \"*.txt\" $d $T/in"
expect_status 0
[ -f "$T/in/a/b/two.txt" ] && [ ! -e "$T/in/big.bin" ] && [ ! -e "$T/in/a/zero" ] || fail "--include"

# 8. get -r, and the one-shot form into a new folder.
batch "get -r $d/a $T/getr"
expect_status 0
same_tree "$src/a" "$T/getr"
ftpc mirror "ftpes://$FTP_USER@127.0.0.1:$PORT/$d/" "$T/oneshot"
expect_status 0
same_tree "$src" "$T/oneshot"
expect_summary 7 0 0 0
expect_no_password

# 9. A missing remote folder is a failure, and nothing here is touched
# (over LIST too, where the server lists a missing folder as empty).
snapshot "$T/dl" > "$T/before"
batch "mirror --delete $d/none $T/dl"
expect_status 6
expect_in "$T/err" "cannot list the server's folder"
snapshot "$T/dl" > "$T/after"
cmp -s "$T/before" "$T/after" || fail "a failed listing changed the tree"
batch "mirror $d/none $T/nothere"
expect_status 6
[ ! -e "$T/nothere" ] || fail "a mirror whose listing failed made its folder"

batch "mirror --json --delete $d/none $T/dl"
expect_status 6
json_check "$T/out" 'd["failed"] == 1 and d["deleted"] == 0 and "cannot list" in d["first_failure"]'
snapshot "$T/dl" > "$T/after"
cmp -s "$T/before" "$T/after" || fail "a failed listing changed the tree"

rm -rf "$src"
echo "ok: mirror from $name"
