#!/usr/bin/env bash
# A root-owned store, written by trustd under umask 077, is read by a plain
# user's ftpc, who logs in and lists files (SQLite WAL readers need the
# -wal/-shm files to exist and be readable).
. "$(dirname "$0")/lib.sh"
shared_folder ftpc
(umask 077; "$TRUSTD" --store "$shared/store/trust.db" import "$PKI/ca.pem" > /dev/null)
[ "$(stat -c %a "$shared/store/trust.db")" = 644 ] || fail "store not readable by others"
[ -r "$shared/store/trust.db-shm" ] || fail "no persistent -shm file"
printf 'user %s\npwd\n' "$FTP_USER" > "$shared/cmds"
chmod 644 "$shared/cmds"
run runuser -u nobody -- env FTPC_PASSWORD="$FTP_PASSWORD" "$shared/ftpc" \
    --store "$shared/store/trust.db" -s "$shared/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
expect_in "$T/out" "$MAIN_ROOT"
echo "ok: an unprivileged user reads a root-owned store"
