#!/usr/bin/env bash
# trustd (and ftpc) as pleasant as the best tools: --version, help CMD and
# CMD --help, unknown options, usage errors that never touch a store, one
# fingerprint format in text and one in JSON, import --ca-only and its
# one-line-per-certificate report, enable/disable of a CA already so,
# audit labels and --since, and an unreadable store.
. "$(dirname "$0")/lib.sh"
S=(--store "$T/store.db")
ca_text=$(fp "$PKI/ca.pem")
ca_json=$(fingerprint "$PKI/ca.pem")
other_text=$(fp "$PKI/other-ca.pem")
server_text=$(fp "$PKI/server.pem")
CA_SUBJECT="CN=ftpc Test Root CA,O=ftpc tests"
OTHER_SUBJECT="CN=ftpc Other Test CA,O=ftpc tests"
SERVER_SUBJECT="CN=localhost,O=ftpc tests"
expect_out() { # exact standard output
    printf '%s\n' "$1" > "$T/expected"
    diff "$T/expected" "$T/out" || fail "standard output differs"
}
expect_err_line() { # exact first line of standard error
    [ "$(head -1 "$T/err")" = "$1" ] || { cat "$T/err" >&2; fail "first error line is not '$1'"; }
}

# --version: one version, the same in both programs.
run "$TRUSTD" --version
expect_status 0
version=$(cat "$T/out")
[[ $version =~ ^trustd\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "trustd --version says '$version'"
run "$FTPC" --version
expect_status 0
expect_out "ftpc ${version#trustd }"

# help CMD and CMD --help: the command's usage and options, the same text.
run "$TRUSTD" help import
expect_status 0
expect_in "$T/out" "usage: trustd import [--label L] [--disabled] [--ca-only | --allow-leaf]"
expect_in "$T/out" "  --ca-only  "
expect_in "$T/out" "  --pass-env VAR  "
cp "$T/out" "$T/help-import"
run "$TRUSTD" import --help
expect_status 0
cmp "$T/help-import" "$T/out" || fail "import --help differs from help import"
run "$TRUSTD" "${S[@]}" import x.pem -h
expect_status 0
cmp "$T/help-import" "$T/out" || fail "import -h differs from help import"
run "$TRUSTD" help app set
expect_status 0
expect_in "$T/out" "usage: trustd app set ID --crl none|if-present|required"
run "$TRUSTD" app trust --help
expect_status 0
expect_in "$T/out" "usage: trustd app trust ID CERT..."
run "$TRUSTD" help audit
expect_in "$T/out" "(30s, 15m, 12h,"
run "$TRUSTD" help
expect_status 0
expect_in "$T/out" "usage: trustd [--store PATH] COMMAND ..."
# A group: every command of it.
run "$TRUSTD" help crl
expect_status 0
expect_in "$T/out" "usage: trustd crl import FILE"
expect_in "$T/out" "usage: trustd crl list [--json]"
expect_in "$T/out" "usage: trustd crl remove CRL"
cp "$T/out" "$T/help-crl"
run "$TRUSTD" crl --help
expect_status 0
cmp "$T/help-crl" "$T/out" || fail "crl --help differs from help crl"
run "$TRUSTD" app -h
expect_status 0
expect_in "$T/out" "usage: trustd app trust-list ID defined|undefined"
run "$TRUSTD" help frobnicate
expect_status 2
expect_err_line "trustd: unknown command 'frobnicate'"
# Every command of the usage has help of its own.
for cmd in import list show export enable disable label remove "app add" "app remove" "app list" \
        "app show" "app trust" "app untrust" "app trust-list" "app set" verify probe "crl import" \
        "crl list" "crl remove" audit check backup; do
    # shellcheck disable=SC2086
    run "$TRUSTD" help $cmd
    expect_status 0
    expect_in "$T/out" "usage: trustd $cmd"
done

# Unknown options say so, wherever they stand; a known one without its
# value says that.
run "$TRUSTD" "${S[@]}" list --bogus
expect_status 2
expect_err_line "trustd: unknown option --bogus"
run "$TRUSTD" --bogus list
expect_status 2
expect_err_line "trustd: unknown option --bogus"
run "$TRUSTD" "${S[@]}" list --app
expect_status 2
expect_err_line "trustd: option --app needs a value"
run "$FTPC" --bogus
expect_status 2
expect_err_line "ftpc: unknown option --bogus (see ftpc --help)"
run "$FTPC" --bogus 127.0.0.1
expect_status 2
expect_err_line "ftpc: unknown option --bogus (see ftpc --help)"
run "$FTPC" --store
expect_status 2
expect_err_line "ftpc: option --store needs a value (see ftpc --help)"

# A usage error creates no store (nor its folder) ...
N=(--store "$T/none/store.db")
while read -r line; do
    # shellcheck disable=SC2086
    run "$TRUSTD" "${N[@]}" $line
    expect_status 2
    [ ! -e "$T/none" ] || fail "'trustd $line' created the store"
done <<'EOF'
import
import --bogus x.pem
import --ca-only --allow-leaf x.pem
import --enabled x.pem
import --label
list extra
list --expiring soon
show
export
enable
disable a b
label x
remove
app add
app add x --bogus
app trust ftp-client
app trust-list ftp-client sometimes
app set ftp-client
verify x.pem
probe --app ftp-client
probe --app ftp-client h --allow-leaf
probe --import-root --trust-issuer h
crl import
crl remove
audit --since yesterday
audit extra
check extra
backup
EOF
# ... and leaves an old one as it was: not upgraded, not even opened.
"$TRUSTD" --store "$T/old.db" check > /dev/null
sqlite3 "$T/old.db" "PRAGMA user_version = 1"
rm -f "$T/old.db-wal" "$T/old.db-shm"
cp "$T/old.db" "$T/old.copy"
for args in "import --bogus x.pem" "list extra" "check extra" "audit --since 30x"; do
    # shellcheck disable=SC2086
    run "$TRUSTD" --store "$T/old.db" $args
    expect_status 2
    cmp "$T/old.db" "$T/old.copy" || fail "'trustd $args' changed an old store"
    [ ! -e "$T/old.db-wal" ] || fail "'trustd $args' opened an old store"
done

# One fingerprint format in text (AB:CD:..., as openssl prints it) and one
# in JSON (lower-case hex), for SHA-256 and SHA-1 alike.
run "$TRUSTD" "${S[@]}" import "$PKI/ca.pem" "$PKI/other-ca.pem"
expect_status 0
expect_out "imported  $ca_text  $CA_SUBJECT
imported  $other_text  $OTHER_SUBJECT"
run "$TRUSTD" "${S[@]}" show "$ca_json"
expect_status 0
expect_in "$T/out" "SHA-256:             $ca_text"
sha1_text=$(openssl x509 -in "$PKI/ca.pem" -noout -fingerprint -sha1 | cut -d= -f2)
expect_in "$T/out" "SHA-1:               $sha1_text"
run "$TRUSTD" "${S[@]}" show "$ca_text" --json
expect_status 0
sha1_json=$(echo "$sha1_text" | tr -d : | tr A-F a-f)
json_check "$T/out" 'd["sha256"] == "'"$ca_json"'" and d["sha1"] == "'"$sha1_json"'"'
run "$TRUSTD" "${S[@]}" list --json
json_check "$T/out" 'sorted(c["sha256"] for c in d) == sorted(["'"$ca_json"'", "'"$(fingerprint "$PKI/other-ca.pem")"'"])'
# Input: any case, with or without colons, a prefix of 8+ hex digits.
for spec in "$ca_json" "$ca_text" "$(echo "$ca_text" | tr A-F a-f)" "${ca_json:0:8}" \
        "$(echo "${ca_json:0:10}" | tr a-f A-F)" "${ca_text:0:11}" "$(echo "${ca_text:0:14}" | tr A-F a-f)"; do
    run "$TRUSTD" "${S[@]}" show "$spec"
    expect_status 0
    expect_in "$T/out" "Label:               ftpc Test Root CA"
done
run "$TRUSTD" "${S[@]}" app show ftp-client
expect_in "$T/out" "  $ca_text  ftpc Test Root CA  $CA_SUBJECT  not after "
run "$TRUSTD" "${S[@]}" export --app ftp-client
expect_in "$T/out" "# SHA-256 $ca_text"
cat "$PKI/server.pem" "$PKI/ca.pem" > "$T/chain.pem"
run "$TRUSTD" "${S[@]}" verify --app ftp-client "$T/chain.pem"
expect_status 0
expect_in "$T/out" "     SHA-256 $server_text"
expect_in "$T/out" "     SHA-256 $ca_text"
# CRLs: the same two forms.
d="$T/crl"
ca_db "$d"
openssl ca -config "$d/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -gencrl -out "$T/ca.crl" 2> /dev/null
crl_json=$(openssl crl -in "$T/ca.crl" -outform DER | sha256sum | cut -c1-64)
crl_text=$(echo "$crl_json" | tr a-f A-F | sed 's/../&:/g; s/:$//')
run "$TRUSTD" "${S[@]}" crl import "$T/ca.crl"
expect_status 0
expect_out "imported  $crl_text  from $CA_SUBJECT, 0 revoked"
run "$TRUSTD" "${S[@]}" crl list
expect_in "$T/out" "$crl_text  $CA_SUBJECT  0 revoked  next update "
run "$TRUSTD" "${S[@]}" crl list --json
json_check "$T/out" 'd[0]["sha256"] == "'"$crl_json"'"'

# import --ca-only: a PKCS#12 file or a bundle with a leaf and its CA gives
# the CA and skips the leaf (and the key); one line per certificate.
openssl pkcs12 -export -in "$PKI/server.pem" -inkey "$PKI/server.key" -certfile "$PKI/ca.pem" \
    -passout pass: -out "$T/server.p12"
cat "$PKI/server.pem" "$PKI/ca.pem" > "$T/leaf-and-ca.pem"
P=(--store "$T/p12.db")
run "$TRUSTD" "${P[@]}" import --ca-only "$T/server.p12"
expect_status 0
expect_out "skipped  $server_text  $SERVER_SUBJECT  (not a CA certificate: --ca-only)
imported  $ca_text  $CA_SUBJECT"
run "$TRUSTD" "${P[@]}" import --ca-only "$T/leaf-and-ca.pem"
expect_status 0
expect_out "skipped  $server_text  $SERVER_SUBJECT  (not a CA certificate: --ca-only)
already present  $ca_text  $CA_SUBJECT"
run "$TRUSTD" "${P[@]}" list --json
json_check "$T/out" '[c["sha256"] for c in d] == ["'"$ca_json"'"]'
# Without it: refused, with the hint, and nothing is reported as imported.
Q=(--store "$T/refused.db")
run "$TRUSTD" "${Q[@]}" import "$PKI/other-ca.pem" "$T/server.p12"
expect_status 1
expect_out "refused  $server_text  $SERVER_SUBJECT  (not a CA certificate)"
expect_err_line "trustd: $T/server.p12: certificate 1 ($SERVER_SUBJECT, SHA-256 $server_text) is not a CA certificate; use --ca-only to import only the CA certificates (or --allow-leaf to pin this one too): nothing was imported"
run "$TRUSTD" "${Q[@]}" list --json
json_check "$T/out" 'd == []'
# A bad file after good ones: no "imported" line, and the reason.
echo garbage > "$T/garbage.pem"
run "$TRUSTD" "${Q[@]}" import "$PKI/other-ca.pem" "$T/garbage.pem"
expect_status 1
[ ! -s "$T/out" ] || { cat "$T/out" >&2; fail "a rolled-back import printed lines"; }
expect_in "$T/err" "garbage.pem"
expect_in "$T/err" ": nothing was imported"
run "$TRUSTD" "${Q[@]}" list --json
json_check "$T/out" 'd == []'
# A leaf without a CA beside it: --allow-leaf is the hint.
run "$TRUSTD" "${Q[@]}" import "$PKI/server.pem"
expect_status 1
expect_err_line "trustd: $PKI/server.pem: certificate 1 ($SERVER_SUBJECT, SHA-256 $server_text) is not a CA certificate; use --allow-leaf to pin it: nothing was imported"

# enable/disable of a CA already so: said, and no audit entry.
run "$TRUSTD" "${S[@]}" disable "$ca_json"
expect_status 0
expect_out "disabled  $ca_text  $CA_SUBJECT"
run "$TRUSTD" "${S[@]}" disable "ftpc Test Root CA"
expect_status 0
expect_out "already disabled  $ca_text  $CA_SUBJECT"
run "$TRUSTD" "${S[@]}" enable "${ca_json:0:8}"
expect_status 0
expect_out "enabled  $ca_text  $CA_SUBJECT"
run "$TRUSTD" "${S[@]}" enable "$ca_text"
expect_status 0
expect_out "already enabled  $ca_text  $CA_SUBJECT"
run "$TRUSTD" "${S[@]}" enable "$other_text"
expect_out "already enabled  $other_text  $OTHER_SUBJECT"
run "$TRUSTD" "${S[@]}" audit --json
json_check "$T/out" '[a["action"] for a in d] == ["import", "import", "crl import", "disable", "enable"]'

# audit: labels beside fingerprints (text and JSON), --since with s/m/h/d
# and an ISO date.
"$TRUSTD" "${S[@]}" app add payroll > /dev/null
"$TRUSTD" "${S[@]}" app trust payroll "$ca_json" > /dev/null
run "$TRUSTD" "${S[@]}" audit
expect_status 0
[ "$(wc -l < "$T/out")" = 7 ] || fail "audit: 7 entries expected"
expect_in "$T/out" "  root(0)  import  $ca_text  (ftpc Test Root CA)"
expect_in "$T/out" "  root(0)  import  $other_text  (ftpc Other Test CA)"
expect_in "$T/out" "  root(0)  disable  $ca_text  (ftpc Test Root CA)"
expect_in "$T/out" "  root(0)  crl import  $crl_text"
expect_in "$T/out" "  root(0)  app add  payroll"
expect_in "$T/out" "  root(0)  trust  payroll $ca_text  (ftpc Test Root CA)"
run "$TRUSTD" "${S[@]}" audit --json
json_check "$T/out" 'd[0]["subject"] == "'"$ca_json"'" and d[0]["label"] == "ftpc Test Root CA" and "label" not in d[2] and d[6]["subject"] == "payroll '"$ca_json"'"'
# An entry from two hours ago, one from three days ago.
now=$(date +%s)
sqlite3 "$T/store.db" "INSERT INTO audit (time, uid, user, action, subject) VALUES ($((now - 7200)), 0, 'root', 'app add', 'old-2h'), ($((now - 3 * 86400)), 0, 'root', 'app add', 'old-3d')"
since_count() { "$TRUSTD" "${S[@]}" audit --since "$1" | wc -l; }
[ "$(since_count 1h)" = 7 ] || fail "audit --since 1h"
[ "$(since_count 90m)" = 7 ] || fail "audit --since 90m"
[ "$(since_count 10800s)" = 8 ] || fail "audit --since 10800s"
[ "$(since_count 3h)" = 8 ] || fail "audit --since 3h"
[ "$(since_count 2d)" = 8 ] || fail "audit --since 2d"
[ "$(since_count 4d)" = 9 ] || fail "audit --since 4d"
[ "$(since_count "$(date -u -d @$((now - 5 * 86400)) +%Y-%m-%d)")" = 9 ] || fail "audit --since DATE"
[ "$(since_count "$(date -u -d @$((now - 3600)) +%Y-%m-%dT%H:%M:%S)")" = 7 ] || fail "audit --since DATETIME"
[ "$(since_count "$(date -u -d @$((now + 86400 * 2)) +%Y-%m-%d)")" = 0 ] || fail "audit --since tomorrow"
run "$TRUSTD" "${S[@]}" audit --since 30s
expect_status 0
expect_in "$T/out" "  trust  payroll $ca_text"
for bad in 30x -5m m 2026-13-01 2026-02-30 "2026-11-28T25:00" ""; do
    run "$TRUSTD" "${S[@]}" audit --since "$bad"
    expect_status 2
    expect_in "$T/err" "--since takes a duration (30s, 15m, 12h, 7d), a date (2026-11-28, 2026-11-28T10:00) or Unix seconds, not '$bad'"
done

# A store readable only by root: "permission denied" with its path.
shared_folder trustd
"$shared/trustd" --store "$shared/trust.db" import "$PKI/ca.pem" > /dev/null
chmod 600 "$shared/trust.db"
for args in list "show $ca_json" audit "crl list" "import $PKI/other-ca.pem" check; do
    # shellcheck disable=SC2086
    run setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
        "$shared/trustd" --store "$shared/trust.db" $args
    expect_status 1
    expect_err_line "trustd: cannot read trust store $shared/trust.db: permission denied"
done
# ftpc says the same.
run setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
    "${FTPC_BIN:-$FTPC}" --store "$shared/trust.db" 127.0.0.1 "$MAIN_PORT" < /dev/null
expect_status 8
expect_in "$T/err" "cannot read trust store $shared/trust.db: permission denied"
echo "ok: trustd is pleasant to use"
