#!/usr/bin/env bash
# Hundreds of data connections in one session, every one resuming the
# control connection's TLS session: vsftpd (tickets come back on every data
# connection) and ProFTPD (none on uploads: ftpc renews the session).
. "$(dirname "$0")/lib.sh"
make_store ca
head -c 2000 /dev/urandom > "$T/small"
for name in main proftpd; do
    server "$name"
    d="many$$"
    {
        echo "user $FTP_USER"
        echo "mkdir $d"
        echo "cd $d"
        for i in $(seq 1 100); do echo "put $T/small s$i"; done
        for i in $(seq 1 100); do echo "get -f s$i $T/back"; done
        for i in $(seq 1 100); do echo "size s$i"; echo "ls s$i"; done
    } > "$T/cmds"
    FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d -v --tls-min 1.3 --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$PORT"
    expect_status 0
    n=$(grep -c 'data TLS TLSv1.3, .*, session resumed' "$T/err")
    [ "$n" = 300 ] || { tail -20 "$T/err"; fail "$name: $n of 300 data connections resumed"; }
    expect_not_in "$T/err" "session new"
    cmp "$T/small" "$T/back" || fail "$name: content differs"
    if [ "$KIND" = proftpd ]; then
        expect_in "$T/err" "renewing the TLS session"
    else
        expect_not_in "$T/err" "renewing the TLS session"
    fi
    rm -rf "${ROOT:?}/$d"
done
echo "ok: 300 resumed data connections per server"
