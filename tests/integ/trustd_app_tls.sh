#!/usr/bin/env bash
# An application's TLS policy: app set --tls-min/--tls-max/--ciphers/
# --ciphersuites/--sni and --unset, several in one change; app show (text
# and JSON, null for a default); bad values are one-line errors naming the
# option (exit 2) that leave the store as it was; help describes them.
. "$(dirname "$0")/lib_local.sh"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" app add payroll > /dev/null

run "$TRUSTD" "${S[@]}" app show payroll --json
expect_status 0
json_check "$T/out" 'd["tls_min"] is None and d["tls_max"] is None and d["ciphers"] is None and d["ciphersuites"] is None and d["sni"] is True'

run "$TRUSTD" "${S[@]}" app set payroll --tls-min 1.3 --ciphers ECDHE+AESGCM \
    --ciphersuites TLS_AES_256_GCM_SHA384 --sni off --crl if-present
expect_status 0
expect_in "$T/out" "payroll: TLS 1.3 to the newest"
run "$TRUSTD" "${S[@]}" app show payroll --json
json_check "$T/out" 'd["tls_min"] == "1.3" and d["tls_max"] is None and d["ciphers"] == "ECDHE+AESGCM" and d["ciphersuites"] == "TLS_AES_256_GCM_SHA384" and d["sni"] is False and d["crl_policy"] == "if-present"'
run "$TRUSTD" "${S[@]}" app show payroll
expect_in "$T/out" "TLS minimum:  1.3"
expect_in "$T/out" "TLS maximum:  default (the newest)"
expect_in "$T/out" "TLS ciphers:  ECDHE+AESGCM (TLS 1.2)"
expect_in "$T/out" "TLS suites:   TLS_AES_256_GCM_SHA384 (TLS 1.3)"
expect_in "$T/out" "SNI:          off"
# Each changed setting is in the audit trail.
run "$TRUSTD" "${S[@]}" audit
expect_in "$T/out" "app set  payroll tls-min 1.3"
expect_in "$T/out" "app set  payroll sni off"

# Bad values: one line naming the option, exit 2, nothing changed.
before=$(store_dump "$T/store.db")
bad() { # expected-text args...
    local want=$1
    shift
    run "$TRUSTD" "${S[@]}" app set payroll "$@"
    expect_status 2
    expect_in "$T/err" "$want"
    [ "$(wc -l < "$T/err")" = 1 ] || { cat "$T/err" >&2; fail "more than one line for: $*"; }
    [ "$(store_dump "$T/store.db")" = "$before" ] || fail "the store changed after: $*"
}
bad "--tls-min takes 1.2 or 1.3, not '1.1'" --tls-min 1.1
bad "--tls-max takes 1.2 or 1.3, not 'tls13'" --tls-max tls13
bad "--tls-min 1.3 is above --tls-max 1.2" --tls-max 1.2
bad "--ciphers 'NOT-A-CIPHER'" --ciphers NOT-A-CIPHER
bad "--ciphersuites 'TLS_FAKE'" --ciphersuites TLS_FAKE
bad "--sni takes on or off, not 'yes'" --sni yes
bad "--unset takes tls-min, tls-max, ciphers, ciphersuites or sni, not 'crl'" --unset crl
bad "--sni and --unset sni contradict each other" --sni on --unset sni
bad "--ciphers needs a value" --ciphers ""
# A good setting with a bad one: neither is applied.
bad "--ciphers 'NOT-A-CIPHER'" --tls-max 1.3 --ciphers NOT-A-CIPHER
run "$TRUSTD" "${S[@]}" app set nosuch --tls-min 1.2
expect_status 3
expect_in "$T/err" "application 'nosuch' is not defined"

# --unset, repeated, returns settings to their defaults; others stay.
run "$TRUSTD" "${S[@]}" app set payroll --unset ciphers --unset sni --tls-max 1.3
expect_status 0
run "$TRUSTD" "${S[@]}" app show payroll --json
json_check "$T/out" 'd["tls_min"] == "1.3" and d["tls_max"] == "1.3" and d["ciphers"] is None and d["ciphersuites"] == "TLS_AES_256_GCM_SHA384" and d["sni"] is True'
run "$TRUSTD" "${S[@]}" app set payroll --unset tls-min --unset tls-max --unset ciphersuites
run "$TRUSTD" "${S[@]}" app show payroll --json
json_check "$T/out" 'd["tls_min"] is None and d["tls_max"] is None and d["ciphersuites"] is None'

run "$TRUSTD" help app set
expect_status 0
for o in --tls-min --tls-max --ciphers --ciphersuites --sni --unset; do expect_in "$T/out" "$o"; done
echo "PASS trustd_app_tls"
