#!/usr/bin/env bash
# Applications: add, list, show, trust, untrust, trust-list, remove; a
# defined empty list trusts nothing (and ftpc refuses to connect); ftpc
# follows the list of the application id it is given.
. "$(dirname "$0")/lib.sh"
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" "$PKI/other-ca.pem" > /dev/null
ca=$(fingerprint "$PKI/ca.pem")
other=$(fingerprint "$PKI/other-ca.pem")
ca_text=$(fp "$PKI/ca.pem")
other_text=$(fp "$PKI/other-ca.pem")

run "$TRUSTD" "${S[@]}" app add payroll --description "Payroll transfers" --type client
expect_status 0
run "$TRUSTD" "${S[@]}" app add payroll
expect_status 2
expect_in "$T/err" "already defined"
run "$TRUSTD" "${S[@]}" app add bad --type peer
expect_status 2
run "$TRUSTD" "${S[@]}" app add ftpd --type server
expect_status 0
run "$TRUSTD" "${S[@]}" app list --json
json_check "$T/out" '[a["id"] for a in d] == ["ftp-client", "ftpd", "payroll"]'
json_check "$T/out" 'd[2]["description"] == "Payroll transfers" and d[1]["type"] == "server" and d[2]["trusted_count"] == 2'

# No list: every enabled CA. A defined list: only its members.
run "$TRUSTD" "${S[@]}" app show payroll --json
json_check "$T/out" 'not d["trust_list_defined"] and len(d["certificates"]) == 2'
run "$TRUSTD" "${S[@]}" app trust payroll "$other"
expect_in "$T/out" "trusted  $other_text"
run "$TRUSTD" "${S[@]}" app show payroll --json
json_check "$T/out" 'd["trust_list_defined"] and [c["sha256"] for c in d["certificates"]] == ["'"$other"'"]'

printf 'user %s\npwd\n' "$FTP_USER" > "$T/cmds"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" --appid payroll -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 4
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0

# untrust the last member: defined but empty, which trusts nothing.
run "$TRUSTD" "${S[@]}" app untrust payroll "$other"
expect_in "$T/out" "untrusted  $other_text"
run "$TRUSTD" "${S[@]}" app untrust payroll "$other"
expect_in "$T/out" "not on the list"
run "$TRUSTD" "${S[@]}" app show payroll
expect_in "$T/out" "the list is empty, so this application trusts nothing"
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" --appid payroll -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 8
expect_in "$T/err" "it trusts nothing (add one with 'trustd --store $T/store.db app trust payroll CERT', or trust every enabled CA again with 'trustd --store $T/store.db app trust-list payroll undefined')"

# trust-list undefined: back to every enabled CA.
run "$TRUSTD" "${S[@]}" app trust-list payroll undefined
expect_status 0
FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" --store "$T/store.db" --appid payroll -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
run "$TRUSTD" "${S[@]}" app trust-list payroll defined
run "$TRUSTD" "${S[@]}" app show payroll --json
json_check "$T/out" 'd["trust_list_defined"] and d["trusts_nothing"]'
run "$TRUSTD" "${S[@]}" app trust-list payroll sometimes
expect_status 2

# remove; ftp-client cannot be removed.
run "$TRUSTD" "${S[@]}" app remove payroll
expect_status 0
run "$TRUSTD" "${S[@]}" app show payroll
expect_status 3
run "$TRUSTD" "${S[@]}" app remove ftp-client
expect_status 2
expect_in "$T/err" "cannot be removed"
run "$TRUSTD" "${S[@]}" app remove nothing-here
expect_status 3
echo "ok: applications"
