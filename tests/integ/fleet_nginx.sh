#!/usr/bin/env bash
# A fleet served by nginx over HTTPS (docs/fleet.md): the publisher's
# folder on 127.0.0.1 with TLS from the test PKI; three subscriber stores,
# each its own path and user. A CA imported once on the publisher is
# trusted by ftpc on every subscriber after sync; removed, or the
# server's certificate revoked, it no longer is. An unchanged policy costs one conditional request (304). A server
# that hangs and a truncated download are refused with the store
# unchanged; kill -9 during a sync leaves the old policy in force.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fleet_lib.sh"
command -v nginx > /dev/null || fail "nginx is not installed (scripts/install-deps)"
FPKI=$T/fpki
fleet_pki "$FPKI"
shared_folder ftpc trustd
WWW=$T/www
N=$T/nginx
mkdir -p "$WWW" "$N"
PUB=$T/pub.db
fleet_publisher "$PUB"

users=()
pids=()
cleanup() {
    local p u
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    [ -f "$N/pid" ] && kill "$(cat "$N/pid" 2> /dev/null)" 2> /dev/null || true
    for u in "${users[@]}"; do userdel "$u" 2> /dev/null || true; done
    rm -rf "$T" "$shared"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
cat > "$N/nginx.conf" << EOF2
daemon off;
user root root;
worker_processes 1;
pid $N/pid;
error_log $N/error.log;
events { worker_connections 1024; }
http {
    log_format fleet '\$request_uri \$status \$body_bytes_sent';
    access_log $N/access.log fleet;
    client_body_temp_path $N/body;
    proxy_temp_path $N/proxy;
    fastcgi_temp_path $N/fastcgi;
    uwsgi_temp_path $N/uwsgi;
    scgi_temp_path $N/scgi;
    server {
        listen 127.0.0.1:$PORT ssl;
        ssl_certificate $PKI/server.pem;
        ssl_certificate_key $PKI/server.key;
        root $WWW;
        location /slow/ { alias $WWW/; limit_rate 16k; }
    }
}
EOF2
nginx -c "$N/nginx.conf" 2> "$N/start.err" &
pids+=($!)
for _ in $(seq 50); do [ -f "$N/pid" ] && break; sleep 0.1; done
[ -f "$N/pid" ] || { cat "$N/start.err" "$N/error.log" >&2; fail "nginx did not start"; }
URL=https://localhost:$PORT

# The subscribers: a user, a store folder of its own, the CAs it may read.
cp "$FPKI/fleet-ca.pem" "$PKI/ca.pem" "$shared/"
chmod 644 "$shared"/*.pem
printf 'user %s\nls\nquit\n' "$FTP_USER" > "$shared/cmds"
chmod 644 "$shared/cmds"
as() { local u=$1; shift; runuser -u "$u" -- "$@"; }
for i in 1 2 3; do
    u=fl$$m$i
    useradd -M -d /nonexistent -s /usr/sbin/nologin "$u" || fail "cannot add user $u"
    users+=("$u")
    mkdir -p "$shared/m$i"
    chown "$u" "$shared/m$i"
    chmod 755 "$shared/m$i"
    run as "$u" "$shared/trustd" --store "$shared/m$i/trust.db" subscribe "$URL" \
        --signer-ca "$shared/fleet-ca.pem" --tls-ca "$shared/ca.pem"
    expect_status 0
done
ftpc_as() { # i -> status of ftpc on machine i against the fixture's server
    run as "${users[$(($1 - 1))]}" env FTPC_PASSWORD="$FTP_PASSWORD" "$shared/ftpc" \
        --store "$shared/m$1/trust.db" -s "$shared/cmds" 127.0.0.1 "$MAIN_PORT"
}
sync_as() { run as "${users[$(($1 - 1))]}" "$shared/trustd" --store "$shared/m$1/trust.db" sync "${@:2}"; }

# Before: nothing published yet, so no sync, and ftpc refuses the server.
sync_as 1
[ "$status" != 0 ] || fail "sync without a publication succeeded"
expect_in "$T/err" "HTTP 404"
expect_in "$T/err" "the store was not changed"

# The CA imported once on the publisher, published once.
"$TRUSTD" --store "$PUB" import "$PKI/ca.pem" > /dev/null
publish "$PUB" "$WWW" --valid-for 1d > /dev/null || fail "publish failed"
for i in 1 2 3; do
    ftpc_as "$i"
    expect_status 8     # the store trusts no CA yet
    sync_as "$i"
    expect_status 0
    expect_in "$T/out" "installed serial"
    ftpc_as "$i"
    expect_status 0
    expect_no_password
    # The store keeps its owner and mode: nothing was renamed over it.
    [ "$(stat -c %U:%a "$shared/m$i/trust.db")" = "${users[$((i - 1))]}:644" ] ||
        fail "store mode or owner changed: $(stat -c %U:%a "$shared/m$i/trust.db")"
done

# Unchanged: one conditional request, answered 304.
lines=$(wc -l < "$N/access.log")
sync_as 2
expect_status 0
expect_in "$T/out" "not modified"
tail -n +"$((lines + 1))" "$N/access.log" > "$T/new.log"
[ "$(wc -l < "$T/new.log")" = 1 ] || { cat "$T/new.log"; fail "more than one request for an unchanged policy"; }
expect_in "$T/new.log" "/manifest.p7m 304"

# Publications in quick succession, some within one second: a subscriber
# that installed one still gets the next (nginx's ETag is the manifest's
# mtime seconds and size, and two manifests can have one size: publish
# moves the mtime a second on).
for try in 1 2 3 4; do
    publish "$PUB" "$WWW" --valid-for 1d > /dev/null
    sync_as 1
    expect_status 0
    expect_in "$T/out" "installed serial"
done

# --tls-ca is the only CA for the web server: not libcurl's CA path too.
# In a mount namespace of its own, /etc/ssl/certs is a folder that also
# holds the web server's CA: the default (no --tls-ca) then syncs, and
# --tls-ca naming another CA must still refuse the server.
mkdir -p "$T/capath"
cp /etc/ssl/certs/ca-certificates.crt "$PKI/ca.pem" "$T/capath/"
openssl rehash "$T/capath" 2> /dev/null
in_capath() { unshare -m sh -c 'mount --bind "$0" /etc/ssl/certs && exec "$@"' "$T/capath" "$@"; }
TLS=$T/tlsca.db
"$TRUSTD" --store "$TLS" subscribe "$URL" --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
run in_capath "$TRUSTD" --store "$TLS" sync
expect_status 0
expect_in "$T/out" "installed serial"
"$TRUSTD" --store "$TLS" subscribe "$URL" --signer-ca "$FPKI/fleet-ca.pem" \
    --tls-ca "$PKI/other-ca.pem" > /dev/null
run in_capath "$TRUSTD" --store "$TLS" sync
[ "$status" != 0 ] || fail "--tls-ca of another CA: the web server was still trusted through the CA path"
expect_in "$T/err" "SSL certificate problem"
expect_in "$T/err" "the store was not changed"

# Removed on the publisher: no longer trusted anywhere after sync.
"$TRUSTD" --store "$PUB" remove "$(fingerprint "$PKI/ca.pem")" > /dev/null
publish "$PUB" "$WWW" --valid-for 1d > /dev/null
for i in 1 2 3; do
    sync_as "$i"
    expect_status 0
    expect_in "$T/out" "0 added, 1 removed"
    ftpc_as "$i"
    expect_status 4
done
"$TRUSTD" --store "$PUB" import "$PKI/ca.pem" > /dev/null
publish "$PUB" "$WWW" --valid-for 1d > /dev/null

# Revoked on the publisher (its CA's CRL lists the server's certificate,
# and ftp-client requires a CRL): refused everywhere after sync, for that
# reason; the CRL taken away again, trusted again.
ca_db "$T/crl"
openssl ca -config "$T/crl/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -revoke "$PKI/server.pem" \
    > /dev/null 2>&1 || fail "cannot revoke the server's certificate"
openssl ca -config "$T/crl/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -gencrl \
    -out "$T/crl/revoked.pem" 2> /dev/null || fail "cannot make a CRL"
"$TRUSTD" --store "$PUB" crl import "$T/crl/revoked.pem" > /dev/null || fail "the publisher refused the CRL"
policy=$("$TRUSTD" --store "$PUB" app show ftp-client --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["crl_policy"])')
"$TRUSTD" --store "$PUB" app set ftp-client --crl required > /dev/null
publish "$PUB" "$WWW" --valid-for 1d > /dev/null
for i in 1 2 3; do
    sync_as "$i"
    expect_status 0
    ftpc_as "$i"
    expect_status 4
    expect_in "$T/err" "it is revoked by the CRL of CN=ftpc Test Root CA,O=ftpc tests in the trust store"
    expect_no_password
done
"$TRUSTD" --store "$PUB" crl remove "$("$TRUSTD" --store "$PUB" crl list | cut -d' ' -f1 | cut -c1-12)" > /dev/null
"$TRUSTD" --store "$PUB" app set ftp-client --crl "$policy" > /dev/null
publish "$PUB" "$WWW" --valid-for 1d > /dev/null
for i in 1 2 3; do
    sync_as "$i"
    expect_status 0
    ftpc_as "$i"
    expect_status 0
done

S3=$shared/m3/trust.db
dump3() { sqlite3 "$S3" .dump | grep -v fleet_subscription; }
# A server that hangs: refused after --timeout, the store unchanged.
fleet_httpd hang "$T/hang.port"
pids+=("$httpd_pid")
"$TRUSTD" --store "$S3" subscribe "http://127.0.0.1:$(cat "$T/hang.port")" \
    --signer-ca "$shared/fleet-ca.pem" > /dev/null
before=$(dump3)
start=$(date +%s)
"$TRUSTD" --store "$S3" sync --timeout 5 > "$T/out" 2> "$T/err" &
syncpid=$!
# Meanwhile its confined child (the fetch, alive for those 5 s): nobody,
# as root started it; no new privileges, the filter; /dev/null on 0, 1
# and 2; not the store.
child_of() { # pid -> a child's pid, from /proc (no procps here)
    awk -v p="$1" '/^PPid:/ && $2 == p { split(FILENAME, f, "/"); print f[3]; exit }' /proc/[0-9]*/status 2> /dev/null
    return 0
}
# Confined: nobody first (the change of user comes before the filter),
# then no new privileges and the filter; waited for, all three.
nobody_uid=$(id -u nobody)
confined() { # status file
    grep -q "^Uid:[[:space:]]*$nobody_uid[[:space:]]*$nobody_uid[[:space:]]*$nobody_uid" "$1" &&
        grep -q '^NoNewPrivs:[[:space:]]*1' "$1" && grep -q '^Seccomp:[[:space:]]*2' "$1"
}
child=
for _ in $(seq 100); do
    kill -0 "$syncpid" 2> /dev/null || break
    [ -n "$child" ] || child=$(child_of "$syncpid")
    [ -n "$child" ] && confined "/proc/$child/status" 2> /dev/null && break
    sleep 0.02
done
[ -n "$child" ] || fail "no confined child of the sync was seen in its 5 s"
confined "/proc/$child/status" || fail "the fetch is not confined as nobody: $(grep -E '^(Uid|NoNewPrivs|Seccomp):' "/proc/$child/status" | tr '\n' ' ')"
grep -q "^Groups:[[:space:]]*$" "/proc/$child/status" || fail "the fetch keeps groups: $(grep '^Groups:' "/proc/$child/status")"
for fd in 0 1 2; do
    [ "$(readlink "/proc/$child/fd/$fd")" = /dev/null ] || fail "the fetch's fd $fd is $(readlink "/proc/$child/fd/$fd")"
done
if ls -l "/proc/$child/fd/" | grep -q trust.db; then fail "the fetch holds the store open"; fi
status=0
wait "$syncpid" || status=$?
[ "$status" != 0 ] || fail "sync from a hanging server succeeded"
[ $(($(date +%s) - start)) -lt 20 ] || fail "sync did not time out"
expect_in "$T/err" "the server sent nothing for 5 seconds"
[ "$before" = "$(dump3)" ] || fail "a hanging server changed the store"

# A truncated download (the full Content-Length, half the body).
fleet_httpd truncate "$T/trunc.port" "$WWW"
pids+=("$httpd_pid")
"$TRUSTD" --store "$S3" subscribe "http://127.0.0.1:$(cat "$T/trunc.port")" \
    --signer-ca "$shared/fleet-ca.pem" > /dev/null
before=$(dump3)
run "$TRUSTD" --store "$S3" sync --timeout 5
[ "$status" != 0 ] || fail "a truncated snapshot was installed"
expect_in "$T/err" "the store was not changed"
[ "$before" = "$(dump3)" ] || fail "a truncated download changed the store"

# kill -9 during a sync's download (nginx sends the snapshot slowly):
# the old policy stays in force, and the fetching child dies with it.
"$GEN_CERTS" 2000 fleet > "$T/many.pem"
"$TRUSTD" --store "$PUB" import "$T/many.pem" > /dev/null
publish "$PUB" "$WWW" --valid-for 1d > /dev/null
"$TRUSTD" --store "$S3" subscribe "$URL/slow" --signer-ca "$shared/fleet-ca.pem" \
    --tls-ca "$shared/ca.pem" > /dev/null
before=$(dump3)
"$TRUSTD" --store "$S3" sync > /dev/null 2>&1 &
syncpid=$!
sleep 2
child=
for _ in $(seq 100); do child=$(child_of "$syncpid"); [ -n "$child" ] && break; sleep 0.05; done
[ -n "$child" ] || fail "no fetching child of the sync during the download"
kill -9 "$syncpid"
wait "$syncpid" 2> /dev/null || true
for _ in $(seq 100); do
    [ -e "/proc/$child" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$child/status" 2> /dev/null || break
    sleep 0.05
done
if [ -e "/proc/$child" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$child/status" 2> /dev/null; then
    fail "the fetching child outlived the killed sync"
fi
[ "$before" = "$(dump3)" ] || fail "kill -9 during the download changed the store"
"$TRUSTD" --store "$S3" check > /dev/null || fail "store damaged after kill -9"

# kill -9 at moments through the whole sync (file://, so the install is
# reached): each time the old policy or the new one, whole, never a mix.
"$TRUSTD" --store "$S3" subscribe "file://$WWW" --signer-ca "$shared/fleet-ca.pem" > /dev/null
old=$(sqlite3 "$S3" 'SELECT count(*) FROM certificates')
new=$(sqlite3 "$WWW/$(ls "$WWW" | grep snapshot- | sort | tail -1)" 'SELECT count(*) FROM certificates')
[ "$old" != "$new" ] || fail "the test needs a change to install"
for delay in 0.02 0.05 0.1 0.15 0.2 0.3 0.4; do
    "$TRUSTD" --store "$S3" sync > /dev/null 2>&1 &
    syncpid=$!
    sleep "$delay"
    kill -9 "$syncpid" 2> /dev/null || true
    wait "$syncpid" 2> /dev/null || true
    "$TRUSTD" --store "$S3" check > /dev/null || fail "store damaged after kill -9 at $delay s"
    count=$(sqlite3 "$S3" 'SELECT count(*) FROM certificates')
    serial=$(sqlite3 "$S3" 'SELECT coalesce(max(serial), 0) FROM fleet_installed')
    if [ "$count" = "$new" ]; then
        [ "$serial" != 0 ] || fail "the new policy without its record"
        break   # it completed: later kills prove nothing more
    fi
    [ "$count" = "$old" ] || fail "a mix after kill -9 at $delay s: $count certificates"
    [ "$serial" = 0 ] || fail "the old policy with the new record"
done
run "$TRUSTD" --store "$S3" sync
expect_status 0
[ "$(sqlite3 "$S3" 'SELECT count(*) FROM certificates')" = "$new" ] || fail "the sync after the kills did not install"

# kill -9 inside the install's write transaction: the store is polled for
# its write lock (another writer's BEGIN IMMEDIATE is refused at once
# while a sync holds it: sync writes nothing before the install) and the
# sync killed the moment it is held. The old policy stays, whole. Tried
# until a kill lands there; an install that completed first takes its
# serial, so each try has a publication of its own.
inside=0
for try in 1 2 3 4 5 6; do
    "$GEN_CERTS" 1000 "inside$try" > "$T/inside.pem"
    "$TRUSTD" --store "$PUB" import "$T/inside.pem" > /dev/null
    publish "$PUB" "$WWW" --valid-for 1d > /dev/null
    # Opened once before (a kill before left a log to recover): the
    # sync's own open then takes no write lock.
    "$TRUSTD" --store "$S3" check > /dev/null || fail "store damaged before try $try"
    old=$(sqlite3 "$S3" 'SELECT count(*) FROM certificates')
    oldserial=$(sqlite3 "$S3" 'SELECT max(serial) FROM fleet_installed')
    "$TRUSTD" --store "$S3" sync > /dev/null 2>&1 &
    syncpid=$!
    held=0
    while kill -0 "$syncpid" 2> /dev/null; do
        why=$(sqlite3 -cmd '.timeout 0' "$S3" 'BEGIN IMMEDIATE; ROLLBACK;' 2>&1 > /dev/null) && continue
        kill -9 "$syncpid" 2> /dev/null && held=1
        case $why in *"database is locked"*) ;; *) fail "the store's write lock could not be probed: $why" ;; esac
        break
    done
    wait "$syncpid" 2> /dev/null || true
    "$TRUSTD" --store "$S3" check > /dev/null || fail "store damaged after kill -9 inside the install"
    count=$(sqlite3 "$S3" 'SELECT count(*) FROM certificates')
    serial=$(sqlite3 "$S3" 'SELECT max(serial) FROM fleet_installed')
    if [ "$held" = 1 ] && [ "$count" = "$old" ]; then
        [ "$serial" = "$oldserial" ] || fail "the old policy with the new record after kill -9 inside the install"
        inside=1
        break
    fi
    [ "$count" = "$((old + 1000))" ] || fail "a mix after kill -9 inside the install: $count certificates"
    [ "$serial" != "$oldserial" ] || fail "the new policy without its record"
done
[ "$inside" = 1 ] || fail "no kill -9 landed inside the install transaction in 6 tries"
run "$TRUSTD" --store "$S3" sync
expect_status 0
expect_in "$T/out" "1000 added"
echo "ok: a fleet served by nginx"
