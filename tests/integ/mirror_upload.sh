#!/usr/bin/env bash
# mirror_upload.sh SERVER: mirror -R (upload) of a tree of nested folders
# to one fixture server, checked byte for byte, and by modification time
# where FEAT lists MFMT; a second run transfers nothing; a grown file is
# sent again; --dry-run changes nothing on the server; --delete removes
# only what the local tree no longer has, inside the target; local
# symbolic links are skipped, followed with --follow-links, and a link
# back up is a loop that is refused; put -r and the one-shot form; the
# summary in JSON. Without MFMT (vsftpd) a second run still transfers
# nothing: the server's copies are newer than the local files.
. "$(dirname "$0")/lib.sh"
name=$1
make_store ca
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" "$@"; }
server "$name"
batch() { # commands...: a batch file of them, logged in
    printf 'user %s\n' "$FTP_USER" > "$T/cmds"
    printf '%s\n' "$@" >> "$T/cmds"
    ftpc -s "$T/cmds" 127.0.0.1 "$PORT"
}
expect_summary() { # transferred skipped deleted failed
    expect_in "$T/out" "$1 transferred, $2 skipped, $3 deleted, $4 failed;"
}
times_of() { # dir -> each file and its modification time in seconds
    (cd "$1" && find . -type f -printf '%P %T@\n' | sed 's/\.[0-9]*$//' | sort)
}
same_bytes() { # a b
    diff -r "$1" "$2" > /dev/null || { diff -r "$1" "$2" >&2 || true; fail "trees $1 and $2 differ"; }
}
snapshot() { # dir -> every entry, its size and time
    (cd "$1" && find . -printf '%P %y %s %T@\n' | sort)
}

batch feat
expect_status 0
mfmt=0
grep -q '^ *MFMT' "$T/out" && mfmt=1

# The local tree; times in the past.
src=$T/src
mkdir -p "$src/a/b/c" "$src/empty" "$src/sp ace"
head -c 100000 /dev/urandom > "$src/top.bin"
echo one > "$src/a/one.txt"
echo two > "$src/a/b/two.txt"
head -c 5000 /dev/urandom > "$src/a/b/c/deep.bin"
echo spaced > "$src/sp ace/file name.txt"
: > "$src/a/zero"
find "$src" -exec touch -d '2024-05-06 07:08:09 UTC' {} +
d="up$$"
dst=$ROOT/$d

# 1. The first run makes the server's folder and sends everything.
batch "mirror -R $src $d"
expect_status 0
same_bytes "$src" "$dst"
[ -d "$dst/empty" ] || fail "the empty folder was not made"
expect_summary 6 0 0 0
expect_in "$T/out" "105015 bytes"
if [ "$mfmt" = 1 ]; then
    [ "$(times_of "$src")" = "$(times_of "$dst")" ] || fail "MFMT is listed, but the times were not set"
fi

# 2. A second run transfers nothing; --json gives the same numbers.
batch "mirror -R $src $d"
expect_status 0
expect_summary 0 6 0 0
batch "mirror -R --json $src $d"
expect_status 0
json_check "$T/out" '(d["direction"] == "upload" and d["transferred"] == 0 and d["skipped"] == 6 and
    d["failed"] == 0 and d["first_failure"] is None)'

# 3. A grown file is sent again, and with MFMT a changed time too.
echo "two and more" > "$src/a/b/two.txt"
touch -d '2024-06-01 00:00:00 UTC' "$src/a/b/two.txt"
if [ "$mfmt" = 1 ]; then
    echo ONE > "$src/a/one.txt"
    touch -d '2024-06-01 00:00:00 UTC' "$src/a/one.txt"
fi
batch "mirror -R -v $src $d"
expect_status 0
expect_summary $((1 + mfmt)) $((5 - mfmt)) 0 0
expect_in "$T/out" "replace  a/b/two.txt ("
same_bytes "$src" "$dst"
[ "$mfmt" = 0 ] || [ "$(times_of "$src")" = "$(times_of "$dst")" ] || fail "times after a replace"

# 4. --dry-run changes nothing on the server and says what it would do.
echo new > "$src/a/new.txt"
rm "$src/top.bin"
echo extra > "$dst/a/b/remote-only.txt"
mkdir "$dst/gone" && echo x > "$dst/gone/x"
echo beside > "$ROOT/beside-$d.txt"
chown -R "$FTP_USER" "$dst" "$ROOT/beside-$d.txt"
snapshot "$dst" > "$T/before"
batch "mirror -R --dry-run --delete $src $d"
expect_status 0
cp "$T/out" "$T/plan"
batch "mirror -R --dry-run --delete --json $src $d"
expect_status 0
json_check "$T/out" 'd["dry_run"] and d["transferred"] == 1 and d["skipped"] == 5 and d["deleted"] == 3'
expect_in "$T/err" "transfer a/new.txt (new)"   # the plan goes with the messages
mv "$T/plan" "$T/out"
snapshot "$dst" > "$T/after"
cmp -s "$T/before" "$T/after" || { diff "$T/before" "$T/after" >&2; fail "--dry-run changed the server's tree"; }
expect_in "$T/out" "transfer a/new.txt (new)"
expect_in "$T/out" "delete   top.bin (not here)"
expect_in "$T/out" "delete   a/b/remote-only.txt (not here)"
expect_in "$T/out" "delete   gone (folder not here, with all it holds)"
expect_in "$T/out" "mirror (dry run, nothing changed): 1 to transfer, 5 skipped, 3 to delete, 0 failed"

# 5. Without --delete, what the local tree lacks stays; with it, it goes,
# and only inside the target.
batch "mirror -R $src $d"
expect_status 0
expect_summary 1 5 0 0
[ -f "$dst/top.bin" ] && [ -f "$dst/a/b/remote-only.txt" ] || fail "a remote file went without --delete"
batch "mirror -R --delete $src $d"
expect_status 0
expect_summary 0 6 3 0
[ ! -e "$dst/top.bin" ] && [ ! -e "$dst/a/b/remote-only.txt" ] && [ ! -e "$dst/gone" ] ||
    fail "--delete left something the local tree does not have"
[ "$(cat "$ROOT/beside-$d.txt")" = beside ] || fail "--delete reached outside the target"
same_bytes "$src" "$dst"

# 6. Local symbolic links: skipped without --follow-links; followed with
# it; a link back up is a loop, refused, and the rest still goes.
echo outside > "$T/outside.txt"
mkdir -p "$T/outdir" && echo inner > "$T/outdir/inner.txt"
ln -s "$T/outside.txt" "$src/link-file"
ln -s "$T/outdir" "$src/link-dir"
batch "mirror -R -v $src $d"
expect_status 0
expect_in "$T/out" "skip     link-file (a symbolic link here (not followed; --follow-links follows it))"
[ ! -e "$dst/link-file" ] && [ ! -e "$dst/link-dir" ] || fail "a local link was followed without --follow-links"
batch "mirror -R --follow-links $src $d"
expect_status 0
[ "$(cat "$dst/link-file")" = outside ] && [ "$(cat "$dst/link-dir/inner.txt")" = inner ] ||
    fail "--follow-links did not send what the links lead to"
[ ! -L "$dst/link-file" ] || fail "a link became a link on the server"
ln -s .. "$src/a/b/up"
batch "mirror -R --follow-links $src $d"
[ "$status" != 0 ] || fail "a link loop went unreported"
expect_in "$T/err" "a/b/up: a symbolic link loop"
expect_in "$T/out" "1 failed;"
[ ! -e "$dst/a/b/up/a" ] || fail "the loop was followed"
rm "$src/a/b/up" "$src/link-file" "$src/link-dir"

# 7. put -r, and the one-shot form into a new folder.
batch "put -r $src/a $d-putr"
expect_status 0
same_bytes "$src/a" "$ROOT/$d-putr"
ftpc mirror -R "$src" "ftpes://$FTP_USER@127.0.0.1:$PORT/$d-oneshot/"
expect_status 0
same_bytes "$src" "$ROOT/$d-oneshot"
expect_summary 6 0 0 0
expect_no_password

# 8. A local folder that is not there is an error, and nothing is made.
batch "mirror -R $T/none $d-none"
[ "$status" != 0 ] || fail "a missing local folder was not an error"
expect_in "$T/err" "cannot read the folder"
[ ! -e "$ROOT/$d-none" ] || fail "a mirror without a source made the server's folder"

rm -rf "$dst" "$ROOT/$d-putr" "$ROOT/$d-oneshot" "$ROOT/beside-$d.txt"
echo "ok: mirror -R to $name (MFMT: $mfmt)"
