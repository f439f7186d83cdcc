#!/usr/bin/env bash
# A fleet over file:// (docs/fleet.md): a publisher's policy installed on
# two subscriber stores by sync; every refusal (tampered snapshot or
# manifest, replay, expiry, a foreign signer, a truncated snapshot) leaves
# the store exactly as it was; a managed store refuses local changes;
# the hooks get one change with the difference; stale policies warn or
# refuse in trustd and ftpc.
. "$(dirname "$0")/lib_local.sh"
. "$(dirname "$0")/fleet_lib.sh"
: "${FTPC:?}"
local_pki
FPKI=$T/fpki
fleet_pki "$FPKI"
PUB=$T/pub.db
OUT=$T/www
mkdir -p "$OUT"
fleet_publisher "$PUB"
"$TRUSTD" --store "$PUB" import "$PKI/ca.pem" > /dev/null
CA_FP=$(fingerprint "$PKI/ca.pem")
OTHER_FP=$(fingerprint "$PKI/other-ca.pem")

# Publishing: a snapshot and its signed manifest, nothing local in it.
run publish "$PUB" "$OUT" --valid-for 1d
expect_status 0
expect_in "$T/out" "published serial"
[ -f "$OUT/manifest.p7m" ] || fail "no manifest"
snap=$(ls "$OUT"/snapshot-*.db)
[ "$(sqlite3 "$snap" 'SELECT count(*) FROM audit')" = 0 ] || fail "the audit log was published"
[ "$(sqlite3 "$snap" 'SELECT count(*) FROM certificates')" = 2 ] || fail "snapshot lacks certificates"
# Vacuumed: no free page keeps a deleted audit entry.
[ "$(sqlite3 "$snap" 'PRAGMA freelist_count')" = 0 ] || fail "the snapshot has free pages"
"$TRUSTD" --store "$PUB" audit > "$T/audit"
expect_in "$T/audit" "publish  serial"
# A signer without the fleet's extended key usage is refused at publish.
run "$TRUSTD" --store "$PUB" publish --out "$OUT" --signer "$FPKI/fleet-signer-noeku.pem" \
    --key "$FPKI/fleet-signer-noeku.key"
expect_status 4
expect_in "$T/err" "lacks the extended key usage trustd fleet snapshot signing"
# So is a signer from a CA not trusted for trustd-fleet.
run "$TRUSTD" --store "$PUB" publish --out "$OUT" --signer "$FPKI/fleet-signer-other.pem" \
    --key "$FPKI/fleet-signer-other.key"
expect_status 4
expect_in "$T/err" "not trusted: unable to get local issuer certificate"
# A store without the trustd-fleet application: the store's reason, then what to do.
run "$TRUSTD" --store "$T/nofleet.db" publish --out "$OUT" --signer "$FPKI/fleet-signer.pem" \
    --key "$FPKI/fleet-signer.key"
[ "$status" != 0 ] || fail "publish without a trustd-fleet application succeeded"
expect_in "$T/err" "trustd-fleet"
expect_in "$T/err" "; the CA that issues fleet signers must be trusted for the application trustd-fleet"
expect_in "$T/err" ": nothing was published"

# A signer under an intermediate CA: publish embeds the chain, so pinning
# the root and pinning the intermediate both verify; without the
# intermediate in --signer publish refuses (no subscriber could verify).
fleet_intermediate "$FPKI"
PUBI=$T/pubi.db
mkdir -p "$T/wwwi"
fleet_publisher "$PUBI"
run "$TRUSTD" --store "$PUBI" publish --out "$T/wwwi" --signer "$FPKI/fleet-signer-int.pem" \
    --key "$FPKI/fleet-signer-int.key"
expect_status 4
expect_in "$T/err" "not trusted: unable to get local issuer certificate"
[ ! -e "$T/wwwi/manifest.p7m" ] || fail "a refused publish wrote a manifest"
run "$TRUSTD" --store "$PUBI" publish --out "$T/wwwi" --signer "$FPKI/fleet-signer-int-chain.pem" \
    --key "$FPKI/fleet-signer-int.key"
expect_status 0
for pin in fleet-ca fleet-int; do
    "$TRUSTD" --store "$T/int-$pin.db" subscribe "file://$T/wwwi" --signer-ca "$FPKI/$pin.pem" > /dev/null
    run "$TRUSTD" --store "$T/int-$pin.db" sync
    expect_status 0
    expect_in "$T/out" "signed by /O=ftpc tests/CN=fleet publisher under the intermediate"
done

# The folder's manifest counts only when this publisher could have signed
# it: a planted one (a huge serial, signed by anyone) neither chooses the
# next serial nor what is pruned; a FIFO or a link there is not read.
PUBP=$T/pubp.db
WP=$T/wwwp
mkdir -p "$WP"
fleet_publisher "$PUBP"
manifest_text() { # serial
    printf 'trustd-fleet-manifest 1\nserial %s\ncreated %s\nnot-after %s\nsnapshot snapshot-1.db\nsize 1\nsha256 %s\nschema 1\non-stale warn\n' \
        "$1" "$(date +%s)" "$(($(date +%s) + 86400))" "$(printf '0%.0s' $(seq 64))"
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=planter" \
    -keyout "$T/planter.key" -out "$T/planter.pem" -days 2 2> /dev/null
manifest_text 9007199254740992 | openssl cms -sign -nodetach -binary -outform DER \
    -signer "$T/planter.pem" -inkey "$T/planter.key" -out "$WP/manifest.p7m" || fail "cannot plant"
: > "$WP/snapshot-5.db"
run "$TRUSTD" --store "$PUBP" publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
expect_status 0
expect_in "$T/err" "is not a manifest this publisher signed"
expect_in "$T/err" "its serial is ignored and no older snapshot is removed"
pserial=$(sed -n 's/^published serial \([0-9]*\) .*/\1/p' "$T/out")
[ -n "$pserial" ] && [ "$pserial" -le $(($(date +%s) + 5)) ] || fail "a planted manifest chose the serial: $pserial"
[ -e "$WP/snapshot-5.db" ] || fail "a planted manifest chose what was pruned"
# Ours now: the next publish prunes again (the one before is kept).
sleep 1
run "$TRUSTD" --store "$PUBP" publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
expect_status 0
expect_not_in "$T/err" "not a manifest this publisher signed"
[ ! -e "$WP/snapshot-5.db" ] || fail "an old snapshot was kept"
[ -e "$WP/snapshot-$pserial.db" ] || fail "the snapshot before was pruned"
# A FIFO does not make publish hang; a link is not followed.
rm -f "$WP/manifest.p7m"
mkfifo "$WP/manifest.p7m"
run timeout 20 "$TRUSTD" --store "$PUBP" publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
expect_status 0
expect_in "$T/err" "not a regular file"
[ -f "$WP/manifest.p7m" ] || fail "the FIFO was not replaced"
cp "$WP/manifest.p7m" "$T/real-manifest.p7m"
rm -f "$WP/manifest.p7m"
ln -s "$T/real-manifest.p7m" "$WP/manifest.p7m"
run "$TRUSTD" --store "$PUBP" publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
expect_status 0
expect_in "$T/err" "is not a manifest this publisher signed"
[ ! -L "$WP/manifest.p7m" ] || fail "the link was not replaced"
# Signed by the fleet's own signer but two days ahead of the clock: one
# line, nothing published, nothing recorded.
manifest_text $(($(date +%s) + 2 * 86400)) | openssl cms -sign -nodetach -binary -outform DER \
    -signer "$FPKI/fleet-signer.pem" -inkey "$FPKI/fleet-signer.key" -out "$WP/manifest.p7m" || fail "cannot sign"
cp "$WP/manifest.p7m" "$T/ahead.p7m"
before_pub=$("$TRUSTD" --store "$PUBP" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["published_serial"])')
run "$TRUSTD" --store "$PUBP" publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
[ "$status" != 0 ] || fail "publish ran more than a day ahead of the clock"
expect_in "$T/err" "more than a day ahead of the clock"
expect_in "$T/err" "nothing was published"
cmp -s "$WP/manifest.p7m" "$T/ahead.p7m" || fail "a refused publish changed the manifest"
[ "$before_pub" = "$("$TRUSTD" --store "$PUBP" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["published_serial"])')" ] ||
    fail "a refused publish recorded a serial"

# The manifest is written after the commit: when it cannot be, the message
# says the serial is recorded and the manifest not (not "nothing was
# published"), and the next publish moves past it.
rm -f "$WP/manifest.p7m"
mkdir "$WP/manifest.p7m"
run "$TRUSTD" --store "$PUBP" --json publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
[ "$status" != 0 ] || fail "publish into a manifest that is a folder succeeded"
expect_in "$T/err" "is recorded and its snapshot"
expect_in "$T/err" "but the manifest is not"
expect_not_in "$T/err" "nothing was published"
expect_not_in "$T/out" '"published"'
recorded=$("$TRUSTD" --store "$PUBP" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["published_serial"])')
[ "$recorded" -gt "$before_pub" ] || fail "the serial was not recorded"
rmdir "$WP/manifest.p7m"
run "$TRUSTD" --store "$PUBP" publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
expect_status 0
next=$(sed -n 's/^published serial \([0-9]*\) .*/\1/p' "$T/out")
[ "$next" -gt "$recorded" ] || fail "the next publish did not move past the recorded serial"

# A new manifest's mtime is past the one it replaces even when the clock
# has not moved on (web servers' ETags: nginx's is mtime seconds and
# size, and two manifests can have one size): the one before is dated
# ahead of the clock here, and the new one must be a second past it.
for ahead in 30 31; do
    was=$(($(date +%s) + ahead))
    touch -d "@$was" "$WP/manifest.p7m"
    publish "$PUBP" "$WP" --valid-for 1d > /dev/null || fail "publish failed"
    [ "$(stat -c %Y "$WP/manifest.p7m")" = $((was + 1)) ] ||
        fail "a new manifest is dated $(stat -c %Y "$WP/manifest.p7m"), not a second past the one before ($was)"
done
# Another user's manifest there (a folder others may write) lends no date.
chown nobody "$WP/manifest.p7m"
touch -d "@$(($(date +%s) + 86400))" "$WP/manifest.p7m"
publish "$PUBP" "$WP" --valid-for 1d > /dev/null || fail "publish failed"
[ "$(stat -c %U "$WP/manifest.p7m")" = "$(id -un)" ] || fail "the new manifest is not the publisher's own"
[ "$(stat -c %Y "$WP/manifest.p7m")" -le $(($(date +%s) + 5)) ] ||
    fail "a new manifest took its date from another user's file: $(stat -c %Y "$WP/manifest.p7m")"

# Two syncs at once (a timer and an admin): sync A has verified serial N1
# and waits for its snapshot (held by the server) while sync B installs
# N2. A must then refuse, not roll the store back to N1. The same when
# the subscription changes under A.
WR=$T/wwwr
mkdir -p "$WR"
publish "$PUBP" "$WR" > /dev/null
cp -a "$WR" "$T/r1"
sleep 1
publish "$PUBP" "$WR" > /dev/null
cp -a "$WR" "$T/r2"
n2=$(sed -n 's/^serial //p' <(openssl cms -verify -noverify -inform DER -in "$WR/manifest.p7m" 2> /dev/null))
HP=$T/hold.port
fleet_httpd hold "$HP" "$WR"
holdpid=$httpd_pid
R=$T/race.db
"$TRUSTD" --store "$R" subscribe "http://127.0.0.1:$(cat "$HP")" --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
serve() { rm -rf "$WR"; cp -a "$1" "$WR"; }
held_sync() { # runs sync A up to its held snapshot
    serve "$1"
    touch "$HP.hold"
    "$TRUSTD" --store "$R" sync > "$T/a.out" 2> "$T/a.err" &
    apid=$!
    for _ in $(seq 100); do [ -f "$HP.held" ] && break; sleep 0.1; done
    [ -f "$HP.held" ] || { cat "$T/a.err"; fail "sync A did not reach the snapshot"; }
}
release() { rm -f "$HP.held"; astatus=0; wait "$apid" || astatus=$?; }
held_sync "$T/r1"
serve "$T/r2"
run "$TRUSTD" --store "$R" sync
expect_status 0
expect_in "$T/out" "installed serial $n2"
release
[ "$astatus" != 0 ] || { cat "$T/a.out"; fail "sync A installed an older serial after B"; }
expect_in "$T/a.err" "which another sync installed meanwhile"
expect_in "$T/a.err" "the store was not changed"
[ "$(serial_of "$R")" = "$n2" ] || fail "two syncs rolled the store back to $(serial_of "$R")"
# The subscription changes (another pinned CA) while A waits: A refuses.
sleep 1
publish "$PUBP" "$T/r2" > /dev/null
held_sync "$T/r2"
"$TRUSTD" --store "$R" subscribe "http://127.0.0.1:$(cat "$HP")" --signer-ca "$FPKI/fleet-other-ca.pem" > /dev/null
release
[ "$astatus" != 0 ] || fail "sync A installed under a subscription that changed"
expect_in "$T/a.err" "the subscription changed while this sync ran"
[ "$(serial_of "$R")" = None ] || fail "a sync installed into a new subscription"

# The fetch runs in a confined child. libcurl's resolver thread works
# there: a name only /etc/hosts knows (in a mount namespace of our own).
# A redirect to another port cannot connect where Landlock has TCP rules
# (ABI 4 and up); on an older kernel it is followed. A proxy's port can.
serve "$T/r2"
printf '127.0.0.1 localhost\n127.0.0.1 fleet-web.test\n' > "$T/hosts"
NS=$T/named.db
"$TRUSTD" --store "$NS" subscribe "http://fleet-web.test:$(cat "$HP")" --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
run unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$T/hosts" "$TRUSTD" --store "$NS" sync
expect_status 0
expect_in "$T/out" "installed serial"
HP2=$T/other.port
fleet_httpd hold "$HP2" "$WR"
otherpid=$httpd_pid
RD=$T/redirected.db
"$TRUSTD" --store "$RD" subscribe "http://127.0.0.1:$(cat "$HP")/to-$(cat "$HP2")" \
    --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
kernel_abi=$(python3 -c 'import ctypes; r = ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1); print(max(r, 0))')
run "$TRUSTD" --store "$RD" sync --timeout 5
if [ "$kernel_abi" -ge 4 ]; then
    [ "$status" != 0 ] || fail "the confined fetch followed a redirect to another port"
    expect_in "$T/err" "http://127.0.0.1:$(cat "$HP")/to-$(cat "$HP2")/manifest.p7m: redirected to http://127.0.0.1:$(cat "$HP2")/manifest.p7m, which could not be reached (a redirect must keep the URL's port"
    expect_in "$T/err" "the store was not changed"
    [ "$(serial_of "$RD")" = None ] || fail "a refused redirect installed a policy"
else
    expect_status 0
fi
# Through a proxy (http_proxy): the confined child may reach its port.
# Nothing listens on the URL's own port: only the proxy can answer.
PX=$T/proxied.db
"$TRUSTD" --store "$PX" subscribe "http://127.0.0.1:1" --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
run env -u no_proxy -u NO_PROXY http_proxy="http://127.0.0.1:$(cat "$HP2")" "$TRUSTD" --store "$PX" sync --timeout 5
expect_status 0
expect_in "$T/out" "installed serial"
kill "$holdpid" "$otherpid" 2> /dev/null || true
wait "$holdpid" "$otherpid" 2> /dev/null || true

# Two machines of the fleet; each has a client certificate of its own.
for m in m1 m2; do
    S=$T/$m.db
    cat "$PKI/client.pem" "$PKI/client.key" > "$T/client-$m.pem"
    "$TRUSTD" --store "$S" app cert assign ftp-client "$T/client-$m.pem" > /dev/null
    run "$TRUSTD" --store "$S" subscribe "file://$OUT/" --signer-ca "$FPKI/fleet-ca.pem"
    expect_status 0
    run "$TRUSTD" --store "$S" sync
    expect_status 0
    expect_in "$T/out" "installed serial"
    "$TRUSTD" --store "$S" list --app ftp-client > "$T/list"
    expect_in "$T/list" "$(fp "$PKI/ca.pem")"
    "$TRUSTD" --store "$S" app cert list ftp-client > "$T/certs"
    expect_in "$T/certs" "$(fp "$PKI/client.pem")"
    run "$TRUSTD" --store "$S" verify --app ftp-client --host localhost "$PKI/server.pem"
    expect_status 0
done
S=$T/m1.db
serial1=$(serial_of "$S")
same_as_snapshot "$S" "$OUT"

# A store with a policy of its own, its rows under other ids than the
# publisher's (other-ca first), an application the publisher lacks: its
# first sync leaves exactly the publisher's rows.
M3=$T/m3.db
"$TRUSTD" --store "$M3" import "$PKI/other-ca.pem" > /dev/null
"$TRUSTD" --store "$M3" import "$PKI/ca.pem" > /dev/null
"$TRUSTD" --store "$M3" app add local-app > /dev/null
"$TRUSTD" --store "$M3" app trust local-app "$OTHER_FP" > /dev/null
"$TRUSTD" --store "$M3" subscribe "file://$OUT" --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
run "$TRUSTD" --store "$M3" sync
expect_status 0
expect_in "$T/out" "removed"
same_as_snapshot "$M3" "$OUT"

# Unchanged: up to date, nothing changed, still trusted.
run "$TRUSTD" --store "$S" sync
expect_status 0
expect_in "$T/out" "up to date: serial $serial1"

# A managed store refuses local changes to what the fleet owns, naming
# the publisher; client certificates stay its own.
for cmd in "import $PKI/other-ca.pem" "disable $CA_FP" "app add x" "crl refresh" \
           "app set ftp-client --crl required" "remove $CA_FP"; do
    # shellcheck disable=SC2086
    run "$TRUSTD" --store "$S" $cmd
    [ "$status" != 0 ] || fail "managed store took: $cmd"
    expect_in "$T/err" "is managed by the fleet publisher at file://$OUT"
done
run "$TRUSTD" --store "$S" app cert remove ftp-client "$(fingerprint "$PKI/client.pem")"
expect_status 0
"$TRUSTD" --store "$S" app cert assign ftp-client "$T/client-m1.pem" > /dev/null

# status --json for monitoring.
"$TRUSTD" --store "$S" status --json > "$T/status.json"
json_check "$T/status.json" "d['managed'] and d['url'] == 'file://$OUT' and d['serial'] == $serial1 and d['stale'] is False and d['on_stale'] == 'warn' and d['last_error'] is None and d['fetched'] and d['stale_after']"

# Each refusal leaves the store as it was.
refused() { # what-to-expect
    local before; before=$(store_dump "$S" | grep -v 'fleet_subscription')
    run "$TRUSTD" --store "$S" sync
    [ "$status" != 0 ] || { cat "$T/out"; fail "sync took it: $1"; }
    expect_in "$T/err" "$1"
    expect_in "$T/err" "the store was not changed"
    [ "$before" = "$(store_dump "$S" | grep -v 'fleet_subscription')" ] || fail "the store changed: $1"
    "$TRUSTD" --store "$S" status --json > "$T/status.json"
    json_check "$T/status.json" "d['last_error'] is not None"
}
save() { rm -rf "$T/saved"; cp -a "$OUT" "$T/saved"; }
restore_out() { rm -rf "$OUT"; cp -a "$T/saved" "$OUT"; }

# The policy changes: other-ca added, so every refusal below has something to refuse.
cp -a "$OUT" "$T/saved1"   # serial1's publication, for the replay below
"$TRUSTD" --store "$PUB" import "$PKI/other-ca.pem" > /dev/null
publish "$PUB" "$OUT" --valid-for 1d > /dev/null
snap=$(ls -t "$OUT"/snapshot-*.db | head -1)
save
# A tampered snapshot (one byte).
printf '\x01' | dd of="$snap" bs=1 seek=5000 conv=notrunc 2> /dev/null
refused "its SHA-256 is not the one the manifest signs"
restore_out
# A truncated snapshot.
truncate -s 4096 "$snap"
refused "where the manifest says"
restore_out
# A tampered manifest.
size=$(stat -c %s "$OUT/manifest.p7m")
printf 'X' | dd of="$OUT/manifest.p7m" bs=1 seek=$((size / 3)) conv=notrunc 2> /dev/null
refused "$OUT/manifest.p7m"
restore_out
# A manifest signed by another CA's signer.
"$TRUSTD" --store "$T/rogue.db" import "$FPKI/fleet-other-ca.pem" > /dev/null
"$TRUSTD" --store "$T/rogue.db" app add trustd-fleet > /dev/null
"$TRUSTD" --store "$T/rogue.db" app trust trustd-fleet "$(fingerprint "$FPKI/fleet-other-ca.pem")" > /dev/null
mkdir -p "$T/rogue"
"$TRUSTD" --store "$T/rogue.db" publish --out "$T/rogue" --signer "$FPKI/fleet-signer-other.pem" \
    --key "$FPKI/fleet-signer-other.key" > /dev/null
rm -rf "$OUT"; cp -a "$T/rogue" "$OUT"
refused "not certified by the pinned fleet signer CA"
expect_in "$T/err" "unable to get local issuer certificate"   # OpenSSL's reason, not only "verify error"
restore_out
# An expired manifest.
sleep 1
publish "$PUB" "$OUT" --valid-for 1s > /dev/null
sleep 2
refused "expired at"
restore_out

# The good one installs; the difference reaches the hooks once.
mkdir -p "$T/hooks"
printf '#!/bin/sh\ncat >> %s\necho >> %s\n' "$T/hook.log" "$T/hook.log" > "$T/hooks/10-log"
chmod 755 "$T/hooks/10-log"
run "$TRUSTD" --store "$S" --hooks-dir "$T/hooks" sync
expect_status 0
expect_in "$T/out" "1 added, 0 removed"
same_as_snapshot "$S" "$OUT"
[ "$(grep -c '"action"' "$T/hook.log")" = 1 ] || { cat "$T/hook.log"; fail "hooks not run once"; }
expect_in "$T/hook.log" "$OTHER_FP"
"$TRUSTD" --store "$S" list --app ftp-client > "$T/list"
expect_in "$T/list" "$(fp "$PKI/other-ca.pem")"
serial2=$(serial_of "$S")
[ "$serial2" -gt "$serial1" ] || fail "serial did not grow"
# Local state stayed: the client certificate and the audit log.
"$TRUSTD" --store "$S" app cert list ftp-client > "$T/certs"
expect_in "$T/certs" "$(fp "$PKI/client.pem")"
"$TRUSTD" --store "$S" audit > "$T/audit"
expect_in "$T/audit" "subscribe"
expect_in "$T/audit" "sync  serial $serial2"

# A replayed older manifest (and its snapshot): a rollback, refused.
rm -rf "$OUT"; cp -a "$T/saved1" "$OUT"
refused "older than the installed"
restore_out
# Unsubscribing and subscribing again (the same signer CA) keeps the
# highest serial installed: the replay is still refused...
"$TRUSTD" --store "$S" unsubscribe > /dev/null
"$TRUSTD" --store "$S" subscribe "file://$OUT" --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
rm -rf "$OUT"; cp -a "$T/saved1" "$OUT"
refused "older than serial $serial2 this store installed before under the same signer CA"
restore_out
# ...and the publication it had installed installs again.
run "$TRUSTD" --store "$S" sync
expect_status 0
expect_in "$T/out" "installed serial $serial2"
same_as_snapshot "$S" "$OUT"
"$TRUSTD" --store "$PUB" remove --force "$OTHER_FP" > /dev/null

# Removing and disabling a CA on the publisher: no longer trusted after sync.
publish "$PUB" "$OUT" --valid-for 1d > /dev/null
run "$TRUSTD" --store "$S" sync
expect_status 0
expect_in "$T/out" "0 added, 1 removed"
"$TRUSTD" --store "$S" list > "$T/list"
expect_not_in "$T/list" "$(fp "$PKI/other-ca.pem")"
"$TRUSTD" --store "$PUB" disable "$CA_FP" > /dev/null
publish "$PUB" "$OUT" --valid-for 1d > /dev/null
run "$TRUSTD" --store "$S" sync
expect_status 0
expect_in "$T/out" "1 updated"
run "$TRUSTD" --store "$S" verify --app ftp-client --host localhost "$PKI/server.pem"
[ "$status" != 0 ] || fail "a CA the publisher disabled is still trusted"
same_as_snapshot "$S" "$OUT"
"$TRUSTD" --store "$PUB" enable "$CA_FP" > /dev/null

# A relabelled CA, a CRL, a trust list: each row as the publisher has it
# (sync writes only the rows that differ).
"$TRUSTD" --store "$PUB" label "$CA_FP" "fleet root" > /dev/null
ca_db "$T/crl"
openssl ca -config "$T/crl/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -gencrl \
    -out "$T/crl/crl.pem" 2> /dev/null || fail "cannot make a CRL"
"$TRUSTD" --store "$PUB" crl import "$T/crl/crl.pem" > /dev/null
"$TRUSTD" --store "$PUB" app add fleet-app > /dev/null
"$TRUSTD" --store "$PUB" app trust fleet-app "$CA_FP" > /dev/null
publish "$PUB" "$OUT" --valid-for 1d > /dev/null
run "$TRUSTD" --store "$S" sync
expect_status 0
expect_in "$T/out" "2 added, 0 removed, 1 updated"
same_as_snapshot "$S" "$OUT"
"$TRUSTD" --store "$S" crl list > "$T/crls"
expect_in "$T/crls" "ftpc Test Root CA"

# Stale: warn (trustd and ftpc), then refuse (ftpc exit 8, probe).
publish "$PUB" "$OUT" --valid-for 2s > /dev/null
"$TRUSTD" --store "$S" sync > /dev/null
sleep 3
run "$TRUSTD" --store "$S" list
expect_status 0
expect_in "$T/err" "went stale at"
"$TRUSTD" --store "$S" status --json > "$T/status.json"
json_check "$T/status.json" "d['stale'] is True"
# Nothing newer to install is no success while the policy is stale.
run "$TRUSTD" --store "$S" sync
[ "$status" != 0 ] || fail "sync of a stale, unchanged policy succeeded"
expect_in "$T/err" "has not published since serial"
expect_in "$T/out" "up to date"
run "$FTPC" --store "$S" --connect-timeout 2 ftpes://127.0.0.1:1/
expect_in "$T/err" "ftpc: warning: the fleet policy of trust store $S"
expect_not_in "$T/err" "not connecting"
# A store path with a terminal escape in it is shown, not obeyed.
ESC_S="$T/esc$(printf '\033')[31m.db"
cp -p "$S" "$ESC_S"
run "$FTPC" --store "$ESC_S" --connect-timeout 2 ftpes://127.0.0.1:1/
expect_in "$T/err" 'esc\x1b[31m.db'
if grep -q "$(printf '\033')" "$T/err"; then fail "ftpc printed a store path's escape raw"; fi
rm -f "$ESC_S"
publish "$PUB" "$OUT" --valid-for 2s --on-stale refuse > /dev/null
"$TRUSTD" --store "$S" sync > /dev/null
sleep 3
run "$FTPC" --store "$S" --connect-timeout 2 ftpes://127.0.0.1:1/
expect_status 8
expect_in "$T/err" "refuses stale policies: not connecting"
run "$TRUSTD" --store "$S" probe 127.0.0.1:1
expect_status 1
expect_in "$T/err" "refuses stale policies"
# A new publication ends it.
publish "$PUB" "$OUT" --valid-for 1d --on-stale refuse > /dev/null
"$TRUSTD" --store "$S" sync > /dev/null
run "$TRUSTD" --store "$S" verify --app ftp-client --host localhost "$PKI/server.pem"
expect_status 0
expect_not_in "$T/err" "stale"

# A snapshot of an older schema (a publisher not upgraded yet) is checked
# against what that version's migrations make, upgraded in memory and
# installed; one with an object of its own (a trigger, a view) is refused
# before it is read, the store unchanged.
SCHEMA_DIR=$(dirname "$0")/../../schema
latest=$(ls "$SCHEMA_DIR"/*.sql | wc -l)
OLD=$T/old
mkdir -p "$OLD"
newest=$(ls "$OUT"/snapshot-*.db | sort -V | tail -1)
old_publish() { # serial [SQL run on the snapshot]: a schema 6 snapshot of the newest one, signed
    local snap=$OLD/snapshot-$1.db f
    rm -f "$snap"
    for f in "$SCHEMA_DIR"/000[1-6]_*.sql; do sqlite3 "$snap" < "$f" || fail "cannot run $f"; done
    sqlite3 "$snap" "PRAGMA foreign_keys = OFF; PRAGMA user_version = 6; ATTACH '$newest' AS n;
        DELETE FROM trust_list; DELETE FROM crls; DELETE FROM applications; DELETE FROM certificates;
        INSERT INTO certificates SELECT * FROM n.certificates; INSERT INTO applications SELECT * FROM n.applications;
        INSERT INTO crls SELECT * FROM n.crls; INSERT INTO trust_list SELECT * FROM n.trust_list;
        DETACH n; ${2:-} VACUUM;" || fail "cannot make a schema 6 snapshot"
    printf 'trustd-fleet-manifest 1\nserial %s\ncreated %s\nnot-after %s\nsnapshot snapshot-%s.db\nsize %s\nsha256 %s\nschema 6\non-stale warn\n' \
        "$1" "$(date +%s)" "$(($(date +%s) + 86400))" "$1" "$(stat -c %s "$snap")" \
        "$(sha256sum "$snap" | cut -d' ' -f1)" |
        openssl cms -sign -nodetach -binary -outform DER -signer "$FPKI/fleet-signer.pem" \
            -inkey "$FPKI/fleet-signer.key" -out "$OLD/manifest.p7m" || fail "cannot sign a manifest"
}
# The publisher itself refuses to publish such a store.
sqlite3 "$PUBP" "CREATE VIEW mine AS SELECT 1"
run "$TRUSTD" --store "$PUBP" publish --out "$WP" --signer "$FPKI/fleet-signer.pem" --key "$FPKI/fleet-signer.key"
[ "$status" != 0 ] || fail "a store with a view of its own was published"
expect_in "$T/err" "the new snapshot is not a fleet snapshot of schema version $latest: it has an extra view mine"
expect_in "$T/err" "(every subscriber would refuse it): nothing was published"
# and check names it.
run "$TRUSTD" --store "$PUBP" check
[ "$status" != 0 ] || fail "check passed a store with a view of its own"
expect_in "$T/err" "is not a trust store of schema version $latest: it has an extra view mine (something other than trustd changed its schema"
sqlite3 "$PUBP" "DROP VIEW mine"
run "$TRUSTD" --store "$PUBP" check
expect_status 0
oserial=$(($(serial_of "$S") + 1))
"$TRUSTD" --store "$S" subscribe "file://$OLD" --signer-ca "$FPKI/fleet-ca.pem" > /dev/null
old_publish "$oserial" "CREATE TRIGGER mine AFTER INSERT ON certificates BEGIN SELECT 1; END;"
refused "is not a fleet snapshot of schema version 6: it has an extra trigger mine (refused before anything reads it)"
# Statistics too: trustd never runs ANALYZE, and a name proves nothing.
old_publish "$oserial" "ANALYZE;"
refused "is not a fleet snapshot of schema version 6: it has an extra table sqlite_stat1"
old_publish "$((oserial + 1))"
run "$TRUSTD" --store "$S" sync
expect_status 0
expect_in "$T/out" "installed serial $((oserial + 1))"
[ "$(sqlite3 "$S" 'PRAGMA user_version')" = "$latest" ] || fail "the store's own schema changed"
same_as_snapshot "$S" "$OUT"
run "$TRUSTD" --store "$S" verify --app ftp-client --host localhost "$PKI/server.pem"
expect_status 0

# unsubscribe: local again, with the last policy.
run "$TRUSTD" --store "$S" unsubscribe
expect_status 0
"$TRUSTD" --store "$S" list > "$T/list"
expect_in "$T/list" "$(fp "$PKI/ca.pem")"
run "$TRUSTD" --store "$S" import "$PKI/other-ca.pem"
expect_status 0
"$TRUSTD" --store "$S" status > "$T/status"
expect_in "$T/status" "local (not subscribed"
echo "ok: fleet over file://"
