#!/usr/bin/env bash
# One-shot mode as good as the shell: a folder as LOCAL, several files
# and a quoted glob for put, a glob in get's URL, the progress bar on a
# terminal only, Ctrl-C keeping NAME.part with a message and -c resuming
# it to the same bytes.
. "$(dirname "$0")/lib.sh"
make_store ca
d=oneshot-$$
trap 'rm -rf "$T" "${MAIN_ROOT:?}/$d" "${slow_file:-}"' EXIT
mkdir -p "$T/home"
printf 'machine 127.0.0.1\n  login %s\n  password %s\n' "$FTP_USER" "$FTP_PASSWORD" > "$T/home/.netrc"
chmod 600 "$T/home/.netrc"
F=(env HOME="$T/home" "$FTPC" --store "$T/store.db")
URL=ftpes://127.0.0.1:$MAIN_PORT/$d

mkdir -p "$MAIN_ROOT/$d/reports" "$MAIN_ROOT/$d/inbox"
for n in a b c; do printf 'report %s\n' "$n" > "$MAIN_ROOT/$d/reports/$n.csv"; done
printf 'not a csv\n' > "$MAIN_ROOT/$d/reports/notes.txt"
chown -R "$FTP_USER" "$MAIN_ROOT/$d"
cd "$T"

# A folder as LOCAL, with and without the slash: the URL's name in it.
mkdir -p "$T/dl"
run "${F[@]}" get "$URL/reports/a.csv" "$T/dl/"
expect_status 0
cmp "$MAIN_ROOT/$d/reports/a.csv" "$T/dl/a.csv" || fail "get into DIR/ differs"
run "${F[@]}" get "$URL/reports/b.csv" "$T/dl"
expect_status 0
cmp "$MAIN_ROOT/$d/reports/b.csv" "$T/dl/b.csv" || fail "get into DIR differs"
# No-clobber as for one file: an existing DIR/NAME stays.
printf 'mine\n' > "$T/dl/b.csv"
run "${F[@]}" get "$URL/reports/b.csv" "$T/dl"
expect_status 7
expect_in "$T/err" "$T/dl/b.csv exists; use --force to replace it"
[ "$(cat "$T/dl/b.csv")" = mine ] || fail "an existing file was replaced"
# The sandbox lets the download write into a folder outside the start.
mkdir -p "$T/elsewhere"
(cd "$T/home" && run "${F[@]}" get "$URL/reports/c.csv" "$T/elsewhere/"; expect_status 0)
cmp "$MAIN_ROOT/$d/reports/c.csv" "$T/elsewhere/c.csv" || fail "get into a folder outside the start differs"
# A name from the URL that is no safe file name is refused.
run "${F[@]}" get "$URL/reports/..%01x" "$T/dl/"
expect_status 2
expect_in "$T/err" "the URL's file name holds a control character: name LOCAL as a file"

# A glob in the URL's last part: the matching files, into LOCAL (a folder).
mkdir -p "$T/globbed"
run "${F[@]}" get "$URL/reports/*.csv" "$T/globbed"
expect_status 0
for n in a b c; do cmp "$MAIN_ROOT/$d/reports/$n.csv" "$T/globbed/$n.csv" || fail "glob get: $n.csv differs"; done
[ ! -e "$T/globbed/notes.txt" ] || fail "glob get took a file that does not match"
# vsftpd has no MLSD: the glob is matched on LIST alone, no MDTM per file.
if grep -q "\"MDTM [^\"]*$d/reports/" "$MAIN_LOG"; then fail "glob get asked MDTM for the files it lists"; fi
# Existing files stay (each named), the others still come; status 7.
rm "$T/globbed/b.csv" "$T/globbed/c.csv"
printf 'mine\n' > "$T/globbed/a.csv"
run "${F[@]}" get "$URL/reports/*.csv" "$T/globbed"
expect_status 7
expect_in "$T/err" "$T/globbed/a.csv exists"
expect_in "$T/err" "1 of 3 files failed"
[ "$(cat "$T/globbed/a.csv")" = mine ] || fail "glob get replaced an existing file"
cmp "$MAIN_ROOT/$d/reports/b.csv" "$T/globbed/b.csv" || fail "glob get skipped a file after a failure"
run "${F[@]}" -f get "$URL/reports/*.csv" "$T/globbed"
expect_status 0
cmp "$MAIN_ROOT/$d/reports/a.csv" "$T/globbed/a.csv" || fail "glob get --force did not replace"
# Into a folder others may write (1777): another user's planted links,
# at NAME.part and at NAME, are never written through; the other files come.
mkdir -p "$T/shared" && chmod 1777 "$T/shared"
printf 'precious\n' > "$T/precious"
ln -s "$T/precious" "$T/shared/a.csv.part" && chown -h nobody "$T/shared/a.csv.part"
ln -s "$T/precious" "$T/shared/b.csv" && chown -h nobody "$T/shared/b.csv"
run "${F[@]}" get "$URL/reports/*.csv" "$T/shared"
expect_status 7
expect_in "$T/err" "$T/shared/a.csv.part is a symbolic link"
expect_in "$T/err" "$T/shared/b.csv is a symbolic link"
expect_in "$T/err" "2 of 3 files failed"
[ "$(cat "$T/precious")" = precious ] || fail "a glob get wrote through a planted link"
cmp "$MAIN_ROOT/$d/reports/c.csv" "$T/shared/c.csv" || fail "glob get into a 1777 folder differs"
[ -L "$T/shared/a.csv.part" ] && [ -L "$T/shared/b.csv" ] || fail "a planted link was replaced"
# Default LOCAL: the current folder.
mkdir -p "$T/here" && (cd "$T/here" && run "${F[@]}" get "$URL/reports/n*.txt"; expect_status 0)
cmp "$MAIN_ROOT/$d/reports/notes.txt" "$T/here/notes.txt" || fail "glob get into . differs"
run "${F[@]}" get "$URL/reports/*.zip" "$T/globbed"
expect_status 6
expect_in "$T/err" "no file in $d/reports matches *.zip"
run "${F[@]}" get "$URL/rep*/a.csv" "$T/globbed"
expect_status 2
expect_in "$T/err" "a glob may be in the last part of the path only"
run "${F[@]}" get "$URL/reports/*.csv" "$T/globbed/a.csv"
expect_status 2
expect_in "$T/err" "is not a folder"

# Names that hold *, ? or [ can still be fetched: a folder's is quoted
# with \, a last part that names a file exactly is that file, and into a
# LOCAL that is a file one match is taken.
mkdir -p "$MAIN_ROOT/$d/r [2024]"
printf 'bracketed\n' > "$MAIN_ROOT/$d/r [2024]/a.csv"
printf 'photo with brackets\n' > "$MAIN_ROOT/$d/reports/photo [1].jpg"
printf 'photo 1\n' > "$MAIN_ROOT/$d/reports/photo 1.jpg"
chown -R "$FTP_USER" "$MAIN_ROOT/$d"
run "${F[@]}" get "$URL/r \[2024\]/a.csv" "$T/x.csv"
expect_status 0
cmp "$MAIN_ROOT/$d/r [2024]/a.csv" "$T/x.csv" || fail "get from a quoted folder name differs"
run "${F[@]}" get "$URL/r [2024]/a.csv" "$T/y.csv"
expect_status 2
expect_in "$T/err" "quote a *, ? or [ of a folder's name with \\"
run "${F[@]}" get "$URL/reports/photo [1].jpg" "$T/p.jpg"
expect_status 0
cmp "$MAIN_ROOT/$d/reports/photo [1].jpg" "$T/p.jpg" || fail "get of a name with [] into a file differs"
mkdir -p "$T/photos" && (cd "$T/photos" && run "${F[@]}" get "$URL/reports/photo [1].jpg"; expect_status 0)
cmp "$MAIN_ROOT/$d/reports/photo [1].jpg" "$T/photos/photo [1].jpg" || fail "get of a name with [] differs"
[ ! -e "$T/photos/photo 1.jpg" ] || fail "a file named as the pattern also fetched what the pattern matches"
run "${F[@]}" get "$URL/reports/photo ?.jpg" "$T/q.jpg"
expect_status 0
cmp "$MAIN_ROOT/$d/reports/photo 1.jpg" "$T/q.jpg" || fail "a glob with one match into a file differs"
run "${F[@]}" get "$URL/reports/*.jpg" "$T/two.jpg"
expect_status 2
expect_in "$T/err" "2 files in $d/reports match *.jpg, and $T/two.jpg is not a folder: name a folder for them"
[ ! -e "$T/two.jpg" ] || fail "a glob with two matches wrote a file"
rm "$MAIN_ROOT/$d/reports/"photo*

# NAME.part beside NAME on the server is left out of a glob: its local copy
# would be taken for NAME's partial download, and get -c would continue
# NAME from it.
mkdir -p "$MAIN_ROOT/$d/coll" "$T/coll"
printf 'the complete foo file\n' > "$MAIN_ROOT/$d/coll/foo.bin"
printf 'XXXXXXXXXXX' > "$MAIN_ROOT/$d/coll/foo.bin.part"
chown -R "$FTP_USER" "$MAIN_ROOT/$d/coll"
run "${F[@]}" get "$URL/coll/foo*" "$T/coll"
expect_status 6
expect_in "$T/err" "left out foo.bin.part: it collides with ftpc's partial-download name for foo.bin"
expect_in "$T/err" "1 of 2 files failed"
cmp "$MAIN_ROOT/$d/coll/foo.bin" "$T/coll/foo.bin" || fail "glob get beside a .part differs"
[ ! -e "$T/coll/foo.bin.part" ] || fail "the server's foo.bin.part became the local partial of foo.bin"
run "${F[@]}" get -c "$URL/coll/foo*" "$T/coll"
expect_status 6
cmp "$MAIN_ROOT/$d/coll/foo.bin" "$T/coll/foo.bin" || fail "get -c continued foo.bin from another file"

# put: several files and a quoted glob (expanded by ftpc), into a folder URL.
mkdir -p "$T/up/logs"
printf 'one\n' > "$T/up/a.csv"
printf 'two\n' > "$T/up/b.csv"
printf 'log 1\n' > "$T/up/logs/1.log"
printf 'log 2\n' > "$T/up/logs/2.log"
(cd "$T/up" && run "${F[@]}" put a.csv b.csv 'logs/*.log' "$URL/inbox/"; expect_status 0)
for n in a.csv b.csv; do cmp "$T/up/$n" "$MAIN_ROOT/$d/inbox/$n" || fail "put: $n differs"; done
for n in 1 2; do cmp "$T/up/logs/$n.log" "$MAIN_ROOT/$d/inbox/$n.log" || fail "put glob: $n.log differs"; done
# A local name with [ ] is a name when such a file exists.
printf 'bracket\n' > "$T/up/p[1].csv"
(cd "$T/up" && run "${F[@]}" put 'p[1].csv' "$URL/inbox/"; expect_status 0)
cmp "$T/up/p[1].csv" "$MAIN_ROOT/$d/inbox/p[1].csv" || fail "put of a name with [] differs"
# Two local files with the same name would be one remote file: refused
# before anything is sent.
mkdir -p "$T/up/other"
printf 'other a\n' > "$T/up/other/a.csv"
rm -f "$MAIN_ROOT/$d/inbox/"*
run "${F[@]}" put "$T/up/a.csv" "$T/up/other/a.csv" "$URL/inbox/"
expect_status 2
expect_in "$T/err" "$T/up/a.csv and $T/up/other/a.csv would both be a.csv in $d/inbox/: put them in two runs"
[ -z "$(ls "$MAIN_ROOT/$d/inbox")" ] || fail "put sent files although two had the same name"
# A glob that matches nothing is an error naming it; nothing is sent.
rm -f "$MAIN_ROOT/$d/inbox/"*
run "${F[@]}" put "$T/up/a.csv" "$T/up/none-*.txt" "$URL/inbox/"
expect_status 7
expect_in "$T/err" "no local file matches $T/up/none-*.txt"
[ -z "$(ls "$MAIN_ROOT/$d/inbox")" ] || fail "put sent files although a glob matched nothing"
# A file that fails is reported and counted; the others still go.
run "${F[@]}" put "$T/up/a.csv" "$T/up/missing.csv" "$T/up/b.csv" "$URL/inbox/"
expect_status 7
expect_in "$T/err" "cannot open $T/up/missing.csv"
expect_in "$T/err" "1 of 3 files failed"
cmp "$T/up/b.csv" "$MAIN_ROOT/$d/inbox/b.csv" || fail "put stopped at the first failure"
# put -c continues a file the server has part of (reput).
head -c 300000 /dev/urandom > "$T/up/big.bin"
head -c 100000 "$T/up/big.bin" > "$MAIN_ROOT/$d/inbox/big.bin"
chown "$FTP_USER" "$MAIN_ROOT/$d/inbox/big.bin"
run "${F[@]}" put -c "$T/up/big.bin" "$URL/inbox/"
expect_status 0
expect_in "$T/err" "sent $T/up/big.bin: 200000 bytes"
cmp "$T/up/big.bin" "$MAIN_ROOT/$d/inbox/big.bin" || fail "put -c result differs"
# put -c of standard input cannot know what to skip: refused. An empty
# file the server does not have is still sent.
run "${F[@]}" put -c - "$URL/inbox/stdin.txt" < /dev/null
expect_status 2
expect_in "$T/err" "put -c -: cannot resume from standard input"
[ ! -e "$MAIN_ROOT/$d/inbox/stdin.txt" ] || fail "put -c - made a remote file"
: > "$T/up/empty.txt"
run "${F[@]}" put -c "$T/up/empty.txt" "$URL/inbox/"
expect_status 0
[ -f "$MAIN_ROOT/$d/inbox/empty.txt" ] || fail "put -c of an empty file sent nothing"
run "${F[@]}" put "$T/up/a.csv" "$T/up/b.csv" "$URL/inbox/file"
expect_status 2
expect_in "$T/err" "2 local files go into a folder: end the URL with /"

# The progress bar: on a terminal (script gives ftpc one), never without,
# never with -q.
server slow # 2 MB/s
slow_file=$ROOT/slow-$$.bin
head -c 10000000 /dev/urandom > "$slow_file"
chown "$FTP_USER" "$slow_file"
SLOW=ftpes://127.0.0.1:$PORT/slow-$$.bin
printf 'machine 127.0.0.1\n  login %s\n  password %s\n' "$FTP_USER" "$FTP_PASSWORD" > "$T/home/.netrc"
mkdir -p "$T/tty"
script -qec "cd '$T/tty' && HOME='$T/home' '$FTPC' --store '$T/store.db' get '$SLOW'" /dev/null > "$T/tty.out" 2>&1 \
    || { cat "$T/tty.out" >&2; fail "get under a terminal failed"; }
grep -q "ETA" "$T/tty.out" || { cat -v "$T/tty.out" >&2; fail "no progress bar on a terminal"; }
cmp "$slow_file" "$T/tty/slow-$$.bin" || fail "get under a terminal differs"
rm -f "$T/tty/slow-$$.bin"
script -qec "cd '$T/tty' && HOME='$T/home' '$FTPC' -q --store '$T/store.db' get '$SLOW'" /dev/null > "$T/tty-q.out" 2>&1 \
    || fail "get -q under a terminal failed"
expect_not_in "$T/tty-q.out" "ETA"
# Without a terminal, and in the same run: Ctrl-C (SIGINT) mid-download.
mkdir -p "$T/int"
(cd "$T/int" && exec "${F[@]}" get "$SLOW") > "$T/out" 2> "$T/err" &
pid=$!
part=$T/int/slow-$$.bin.part
for _ in $(seq 1 100); do
    [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -gt 1000000 ] && break
    sleep 0.1
done
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
expect_status 130
expect_not_in "$T/err" "ETA"
expect_in "$T/err" "ftpc: interrupted: "
expect_in "$T/err" " of 10.0 MB kept in slow-$$.bin.part; run again with -c to resume"
[ -s "$part" ] || fail "no .part after Ctrl-C"
[ ! -e "$T/int/slow-$$.bin" ] || fail "an interrupted download took the final name"
kept=$(stat -c %s "$part")
[ "$kept" -lt 10000000 ] || fail "the download was not interrupted"
(cd "$T/int" && run "${F[@]}" get -c "$SLOW"; expect_status 0; expect_in "$T/err" "received slow-$$.bin: $((10000000 - kept)) bytes")
cmp "$slow_file" "$T/int/slow-$$.bin" || fail "get -c result differs"
[ ! -e "$part" ] || fail "the .part stayed after -c"
# A glob against a hostile server: names that must never become local
# paths are reported and left out (../x and .. do not match *: a leading
# dot is matched only by a dot), the good file comes; with -c, and no
# SIZE on that server, a file with nothing local to continue is a plain
# download.
mkdir -p "$T/hostile"
for c in "" -c; do
    rm -f "$T/hostile/"*
    hostile tree
    (cd "$T/hostile" && FTPC_PASSWORD=y run "$FTPC" --store "$T/store.db" get $c "ftpes://x@127.0.0.1:$HOSTILE_PORT/dir/*"
     expect_status 6)
    hostile_stop
    cmp -s "$T/hostile/ok.txt" <(python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 400)') ||
        fail "glob get ${c:+-c }from the hostile server: the good file was not fetched"
    expect_in "$T/err" "left out a file whose name holds '/' (a path, not a name): a/b"
    expect_in "$T/err" "left out a file whose name is an absolute path: /etc/passwd"
    expect_in "$T/err" "left out a file whose name holds a control character"
    if grep -q $'\x1b' "$T/err"; then fail "a raw escape reached the terminal"; fi
    [ "$(ls -A "$T/hostile")" = ok.txt ] || { ls -A "$T/hostile" >&2; fail "an unsafe name became a local file"; }
    [ ! -e "$T/x" ] && [ ! -e /etc/passwd.part ] || fail "an unsafe name became a path"
done
# A double Ctrl-C: the first says so and starts the abort, which this
# server never answers; the second ends ftpc at once, and the NAME.part
# that no byte reached goes with it.
mkdir -p "$T/dbl"
hostile noreply
(cd "$T/dbl" && exec env FTPC_PASSWORD=y "$FTPC" --store "$T/store.db" --timeout 30 get "ftpes://x@127.0.0.1:$HOSTILE_PORT/file.bin") \
    > "$T/out" 2> "$T/err" &
pid=$!
for _ in $(seq 1 100); do grep -q "no TLS handshake" "$T/hostile.log" 2>/dev/null && break; sleep 0.1; done
grep -q "no TLS handshake" "$T/hostile.log" || fail "the hostile server saw no data connection"
[ -e "$T/dbl/file.bin.part" ] || fail "no NAME.part while the download waits"
kill -INT "$pid"
sleep 1
kill -0 "$pid" 2>/dev/null || { cat "$T/err" >&2; fail "ftpc ended after the first Ctrl-C: the test needs it waiting"; }
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
hostile_stop
expect_status 130
expect_in "$T/err" "ftpc: interrupting; Ctrl-C again to quit at once"
[ ! -e "$T/dbl/file.bin.part" ] || fail "a double Ctrl-C left an empty NAME.part"
# -c is for get and put only.
run "${F[@]}" -c 127.0.0.1 "$MAIN_PORT"
expect_status 2
expect_in "$T/err" "-c (--resume) is for ftpc get and ftpc put"
run "${F[@]}" -c ls "$URL/reports/"
expect_status 2
expect_in "$T/err" "-c (--resume) is for ftpc get and ftpc put"
expect_not_in "$T/out" "a.csv"
run "${F[@]}" -c mirror "$URL/reports" "$T/mirrored"
expect_status 2
expect_in "$T/err" "-c (--resume) is for ftpc get and ftpc put"
[ ! -e "$T/mirrored" ] || fail "mirror ran with -c"
expect_no_password
echo "ok: one-shot get and put"
