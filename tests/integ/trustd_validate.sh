#!/usr/bin/env bash
# validate: DCM's Validate for monitoring. All well: exit 0. Then an
# expired CA, a disabled CA on a list, a stale CRL, a missing required CRL,
# an empty list and a CA ending within --days: exit 4, one line each naming
# the application and the CA, and the same in --json. It never changes
# the store.
. "$(dirname "$0")/lib_local.sh"
S=(--store "$T/store.db")

mk_ca() { # name cn days -> $T/name.pem, a CA folder for its CRLs
    local d="$T/ca-$1"
    ca_db "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$3" -subj "/O=ftpc tests/CN=$2" \
        -keyout "$d/key.pem" -out "$T/$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
crl() { # name out [last next]
    local d="$T/ca-$1" dates=()
    [ -n "${3:-}" ] && dates=(-crl_lastupdate "$3" -crl_nextupdate "$4")
    openssl ca -config "$d/cnf" -keyfile "$d/key.pem" -cert "$T/$1.pem" -gencrl "${dates[@]}" -out "$2" 2>/dev/null
}
hexfp() { fingerprint "$T/$1.pem"; }                # as JSON gives it
textfp() { fp "$T/$1.pem"; }                        # as text shows it (AB:CD:...)
colons() { echo "$1" | tr 'a-f' 'A-F' | sed 's/../&:/g; s/:$//'; }

# All well: one long-lived CA, trusted by ftp-client (no list) and by an
# application with a list and policy required and a current CRL.
mk_ca good "Good CA" 3650
"$TRUSTD" "${S[@]}" import "$T/good.pem" > /dev/null
"$TRUSTD" "${S[@]}" app add payroll > /dev/null
"$TRUSTD" "${S[@]}" app trust payroll "$(hexfp good)" > /dev/null
"$TRUSTD" "${S[@]}" app set payroll --crl required > /dev/null
crl good "$T/good.crl"
"$TRUSTD" "${S[@]}" crl import "$T/good.crl" > /dev/null
run "$TRUSTD" "${S[@]}" validate
expect_status 0
expect_in "$T/out" "payroll: ok (1 trusted CA, CRL policy required)"
expect_in "$T/out" "ftp-client: ok"
run "$TRUSTD" "${S[@]}" validate --json
expect_status 0
json_check "$T/out" 'd["ok"] is True and d["problems"] == [] and d["days"] == 30 and [a["id"] for a in d["applications"]] == ["ftp-client", "payroll"] and all(a["ok"] and a["problems"] == 0 and a["trusted_cas"] == 1 for a in d["applications"])'
run "$TRUSTD" "${S[@]}" validate --quiet
expect_status 0
[ ! -s "$T/out" ] || fail "--quiet printed something when all is well"

# Problems, one application each; ftp-client keeps only the good CA.
"$TRUSTD" "${S[@]}" app trust ftp-client "$(hexfp good)" > /dev/null
make_expired_ca old "Old CA"
"$TRUSTD" "${S[@]}" import "$T/old.pem" > /dev/null 2>&1
"$TRUSTD" "${S[@]}" app add expired-app > /dev/null
"$TRUSTD" "${S[@]}" app trust expired-app "$(hexfp old)" > /dev/null
mk_ca off "Disabled CA" 3650
"$TRUSTD" "${S[@]}" import --disabled "$T/off.pem" > /dev/null
"$TRUSTD" "${S[@]}" app add disabled-app > /dev/null
"$TRUSTD" "${S[@]}" app trust disabled-app "$(hexfp good)" "$(hexfp off)" > /dev/null
mk_ca crlca "CRL CA" 3650
"$TRUSTD" "${S[@]}" import "$T/crlca.pem" > /dev/null
"$TRUSTD" "${S[@]}" app add stale-app > /dev/null
"$TRUSTD" "${S[@]}" app trust stale-app "$(hexfp crlca)" > /dev/null
"$TRUSTD" "${S[@]}" app set stale-app --crl if-present > /dev/null
crl crlca "$T/stale.crl" 20200101000000Z 20200201000000Z
"$TRUSTD" "${S[@]}" crl import "$T/stale.crl" > /dev/null
stale_crl=$("$TRUSTD" "${S[@]}" crl list --json | python3 -c 'import json,sys; print([c["sha256"] for c in json.load(sys.stdin) if c["issuer"].startswith("CN=CRL CA,")][0])')
mk_ca nocrl "No CRL CA" 3650
"$TRUSTD" "${S[@]}" import "$T/nocrl.pem" > /dev/null
"$TRUSTD" "${S[@]}" app add required-app > /dev/null
"$TRUSTD" "${S[@]}" app trust required-app "$(hexfp nocrl)" > /dev/null
"$TRUSTD" "${S[@]}" app set required-app --crl required > /dev/null
"$TRUSTD" "${S[@]}" app add empty-app > /dev/null
"$TRUSTD" "${S[@]}" app trust-list empty-app defined > /dev/null
mk_ca soon "Soon CA" 10
"$TRUSTD" "${S[@]}" import "$T/soon.pem" > /dev/null
"$TRUSTD" "${S[@]}" app add soon-app > /dev/null
"$TRUSTD" "${S[@]}" app trust soon-app "$(hexfp soon)" > /dev/null

before=$(store_dump "$T/store.db")
run "$TRUSTD" "${S[@]}" validate
expect_status 4
cat "$T/out"
expect_in "$T/out" "expired-app: ca-expired: CA \"Old CA\" ($(textfp old)): expired on 2020-02-01"
expect_in "$T/out" "disabled-app: ca-disabled: CA \"Disabled CA\" ($(textfp off)): is on the trust list but disabled"
expect_in "$T/out" "next: enable it (trustd enable $(hexfp off)) or take it off the list (trustd app untrust disabled-app $(hexfp off))"
expect_in "$T/out" "stale-app: crl-stale: CA \"CRL CA\" ($(textfp crlca)): its newest CRL ($(colons "$stale_crl")) was due for renewal on 2020-02-01"
expect_in "$T/out" "next: trustd crl refresh --app stale-app"
expect_in "$T/out" "required-app: crl-missing: CA \"No CRL CA\" ($(textfp nocrl)): has no CRL in the store"
expect_in "$T/out" "empty-app: no-trusted-ca: its trust list is empty, so it trusts nothing; next: put an enabled CA on it (trustd app trust empty-app CERT)"
expect_in "$T/out" "soon-app: ca-expiring: CA \"Soon CA\" ($(textfp soon)): expires on"
expect_in "$T/out" "within 30 days"
expect_in "$T/out" "payroll: ok"
expect_in "$T/out" "ftp-client: ok"
[ "$(grep -c ': ok (' "$T/out")" = 2 ] || fail "only payroll and ftp-client are ok"
[ "$(grep -vc ': ok (' "$T/out")" = 6 ] || fail "one line per problem expected"
expect_in "$T/err" "validate: 6 problems in 6 of 8 applications"
# The disabled CA is reported once, where it is listed; the application still trusts the good one.
expect_not_in "$T/out" "disabled-app: no-trusted-ca"
[ "$(store_dump "$T/store.db")" = "$before" ] || fail "validate changed the store"

run "$TRUSTD" "${S[@]}" validate --json
expect_status 4
json_check "$T/out" 'd["ok"] is False and len(d["problems"]) == 6'
json_check "$T/out" 'sorted((p["application"], p["code"]) for p in d["problems"]) == [("disabled-app", "ca-disabled"), ("empty-app", "no-trusted-ca"), ("expired-app", "ca-expired"), ("required-app", "crl-missing"), ("soon-app", "ca-expiring"), ("stale-app", "crl-stale")]'
json_check "$T/out" "[p['ca'] for p in d['problems'] if p['code'] == 'ca-expired'] == [{'label': 'Old CA', 'sha256': '$(hexfp old)'}]"
json_check "$T/out" '[p["ca"] for p in d["problems"] if p["code"] == "no-trusted-ca"] == [None]'
json_check "$T/out" 'all(p["message"] and p["action"] for p in d["problems"])'
json_check "$T/out" '{a["id"]: a["ok"] for a in d["applications"]} == {"disabled-app": False, "empty-app": False, "expired-app": False, "ftp-client": True, "payroll": True, "required-app": False, "soon-app": False, "stale-app": False}'
json_check "$T/out" '[a for a in d["applications"] if a["id"] == "empty-app"][0]["trusted_cas"] == 0'

# --days: the CA ending in 10 days is not reported for a 5-day horizon.
run "$TRUSTD" "${S[@]}" validate --app soon-app --days 5
expect_status 0
expect_in "$T/out" "soon-app: ok"
run "$TRUSTD" "${S[@]}" validate --app soon-app --days 11 --quiet
expect_status 4
expect_in "$T/out" "soon-app: ca-expiring"
expect_in "$T/out" "within 11 days"
# --app: only that application.
run "$TRUSTD" "${S[@]}" validate --app payroll --json
expect_status 0
json_check "$T/out" '[a["id"] for a in d["applications"]] == ["payroll"] and d["ok"]'
run "$TRUSTD" "${S[@]}" validate --app expired-app
expect_status 4
[ "$(wc -l < "$T/out")" = 1 ] || fail "--app reported other applications"
# A no-list application trusts every enabled CA: the expired one too.
"$TRUSTD" "${S[@]}" app add open-app > /dev/null
run "$TRUSTD" "${S[@]}" validate --app open-app
expect_status 4
expect_in "$T/out" "open-app: ca-expired: CA \"Old CA\""
# The fix clears it: current CRL, CA enabled, list filled.
"$TRUSTD" "${S[@]}" enable "$(hexfp off)" > /dev/null
run "$TRUSTD" "${S[@]}" validate --app disabled-app
expect_status 0

# Errors and usage.
run "$TRUSTD" "${S[@]}" validate --app no-such-app
expect_status 3
run "$TRUSTD" "${S[@]}" validate --days -1
expect_status 2
run "$TRUSTD" "${S[@]}" validate --days many
expect_status 2
run "$TRUSTD" "${S[@]}" validate extra
expect_status 2
run "$TRUSTD" --store "$T/no-such-dir/store.db" validate
expect_status 1
echo "not a store" > "$T/bad.db"
run "$TRUSTD" --store "$T/bad.db" validate
expect_status 1
echo "ok: validate"
