#!/usr/bin/env bash
# The store under pressure: eight importers at once lose nothing, readers
# are not blocked by a writer, kill -9 during an import leaves the store
# before or after it, an unwritable store still serves reads, and check,
# backup and audit do their jobs.
. "$(dirname "$0")/lib.sh"
: "${GEN_CERTS:?}"
DB=$T/store.db
S=(--store "$DB")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" > /dev/null
count() { "$TRUSTD" "${S[@]}" list | tail -n +2 | wc -l; }

# Eight processes importing different certificates at once.
for i in 1 2 3 4 5 6 7 8; do "$GEN_CERTS" 40 "p$i" > "$T/b$i.pem"; done
pids=()
for i in 1 2 3 4 5 6 7 8; do
    "$TRUSTD" "${S[@]}" import "$T/b$i.pem" > "$T/imp$i.out" 2>&1 &
    pids+=($!)
done
# Readers meanwhile: every read succeeds.
for _ in $(seq 1 20); do "$TRUSTD" "${S[@]}" list > /dev/null || fail "a reader failed during writes"; done
for i in "${!pids[@]}"; do wait "${pids[$i]}" || { cat "$T/imp$((i + 1)).out"; fail "importer $((i + 1)) failed"; }; done
[ "$(count)" = 321 ] || fail "concurrent imports lost certificates: $(count) of 321"

# A writer holding the lock does not block a reader (ftpc), and the next
# writer waits for it instead of failing.
sqlite3 "$DB" "BEGIN IMMEDIATE; INSERT INTO audit (time, uid, user, action, subject) VALUES (0, 0, 'test', 'lock', 'held');" \
    ".shell touch $T/locked; while [ ! -e $T/release ]; do sleep 0.05; done" "COMMIT;" &
lock=$!
for _ in $(seq 1 100); do [ -e "$T/locked" ] && break; sleep 0.05; done
printf 'user %s\npwd\n' "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$DB" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
kill -0 "$lock" 2>/dev/null || fail "the lock was gone before the reader finished"
( sleep 1; touch "$T/release" ) &
run "$TRUSTD" "${S[@]}" import "$PKI/other-ca.pem"   # waits for the lock, then succeeds
expect_status 0
wait "$lock"

# kill -9 during a large import: afterwards the store is whole, and holds
# either none or all of that import.
"$GEN_CERTS" 3000 big > "$T/big.pem"
before=$(count)
for delay in 0.05 0.1 0.2 0.3 0.4 0.5 0.7 0.9; do
    "$TRUSTD" "${S[@]}" import "$T/big.pem" > /dev/null 2>&1 &
    victim=$!
    sleep "$delay"
    kill -9 "$victim" 2>/dev/null || true
    wait "$victim" 2>/dev/null || true
    run "$TRUSTD" "${S[@]}" check
    expect_status 0
    now=$(count)
    if [ "$now" = $((before + 3000)) ]; then
        break   # the import won the race; the property held
    fi
    [ "$now" = "$before" ] || fail "kill -9 after ${delay}s left $now certificates (before: $before)"
done
run "$TRUSTD" "${S[@]}" check
expect_status 0
# Every migration in schema/ applied.
latest=$(find "$SCRIPTS/../schema" -name '[0-9]*.sql' | wc -l)
expect_in "$T/out" "ok (schema version $latest of $latest)"

# backup: an online copy that is a store of its own.
run "$TRUSTD" "${S[@]}" backup "$T/copy.db"
expect_status 0
cmp <("$TRUSTD" "${S[@]}" list) <("$TRUSTD" --store "$T/copy.db" list) || fail "backup differs"
run "$TRUSTD" "${S[@]}" backup "$T/copy.db"
expect_status 2
expect_in "$T/err" "exists"

# backup into a world-writable sticky folder where another user planted
# symlinks at the names SQLite or a careless program would use beside the
# destination (journal, WAL, the destination itself): none is followed, no
# file but the copy appears, the copy is mode 0644 and a store of its own.
pub=$(mktemp -d /tmp/ftpc-backup.XXXXXX)
trap 'rm -rf "$T" "$pub"' EXIT
chmod 1777 "$pub"
echo victim > "$T/victim"
for n in copy.db-journal copy.db-wal copy.db-shm planted.db; do
    runuser -u nobody -- ln -s "$T/victim" "$pub/$n"
done
run "$TRUSTD" "${S[@]}" backup "$pub/copy.db"
expect_status 0
[ "$(cat "$T/victim")" = victim ] || fail "backup wrote through a planted symlink"
[ -f "$pub/copy.db" ] && [ ! -L "$pub/copy.db" ] || fail "backup is not a regular file"
[ "$(stat -c %a "$pub/copy.db")" = 644 ] || fail "backup mode $(stat -c %a "$pub/copy.db")"
[ "$(find "$pub" -type f | wc -l)" = 1 ] || { ls -la "$pub"; fail "backup left other files"; }
# (Read where it lies, the planted journal would make SQLite refuse it.)
mv "$pub/copy.db" "$T/moved.db"
cmp <("$TRUSTD" "${S[@]}" list) <("$TRUSTD" --store "$T/moved.db" list) || fail "backup differs"
# A planted symlink at the destination: refused without --force, replaced
# itself (never its target) with it.
run "$TRUSTD" "${S[@]}" backup "$pub/planted.db"
expect_status 2
expect_in "$T/err" "exists (use --force to replace it)"
run "$TRUSTD" "${S[@]}" backup --force "$pub/planted.db"
expect_status 0
[ "$(cat "$T/victim")" = victim ] || fail "backup --force wrote through a symlink"
[ -f "$pub/planted.db" ] && [ ! -L "$pub/planted.db" ] || fail "--force did not replace the symlink"
[ "$(find "$pub" -type f | wc -l)" = 1 ] || { ls -la "$pub"; fail "backup left other files"; }
rm -rf "$pub"

# An unwritable store: reads work for a plain user, writes say why.
shared_folder trustd
"$shared/trustd" --store "$shared/s/trust.db" import "$PKI/ca.pem" > /dev/null
run runuser -u nobody -- "$shared/trustd" --store "$shared/s/trust.db" list
expect_status 0
expect_in "$T/out" "$(fp "$PKI/ca.pem")"
run runuser -u nobody -- "$shared/trustd" --store "$shared/s/trust.db" export --app ftp-client
expect_status 0
run runuser -u nobody -- "$shared/trustd" --store "$shared/s/trust.db" import "$PKI/other-ca.pem"
expect_status 1
expect_in "$T/err" "cannot write trust store $shared/s/trust.db: Permission denied"
run runuser -u nobody -- "$shared/trustd" --store "$shared/s/trust.db" check
expect_status 0
[ "$(stat -c %a "$shared/s/trust.db")" = 644 ] || fail "new store is not 0644"

# audit: every change, by whom, in order; --since and --json.
A=(--store "$T/audit.db")
"$TRUSTD" "${A[@]}" import "$PKI/ca.pem" > /dev/null
"$TRUSTD" "${A[@]}" app add payroll > /dev/null
"$TRUSTD" "${A[@]}" app trust payroll "$(fingerprint "$PKI/ca.pem")" > /dev/null
"$TRUSTD" "${A[@]}" disable "$(fingerprint "$PKI/ca.pem")" > /dev/null
"$TRUSTD" "${A[@]}" label "$(fingerprint "$PKI/ca.pem")" "Renamed" > /dev/null
"$TRUSTD" "${A[@]}" app untrust payroll Renamed > /dev/null
"$TRUSTD" "${A[@]}" app remove payroll > /dev/null
"$TRUSTD" "${A[@]}" remove Renamed > /dev/null
"$TRUSTD" "${A[@]}" list > /dev/null
run "$TRUSTD" "${A[@]}" audit --json
expect_status 0
json_check "$T/out" '[a["action"] for a in d] == ["import", "app add", "trust", "disable", "label", "untrust", "app remove", "remove"]'
json_check "$T/out" 'all(a["uid"] == 0 and a["user"] == "root" for a in d) and d[1]["subject"] == "payroll"'
run "$TRUSTD" "${A[@]}" audit --since 2099-01-01 --json
json_check "$T/out" 'd == []'
run "$TRUSTD" "${A[@]}" audit --since 1d
[ "$(wc -l < "$T/out")" = 8 ] || fail "audit --since 1d"
run "$TRUSTD" "${A[@]}" audit --since yesterday
expect_status 2
echo "ok: the store holds up"
