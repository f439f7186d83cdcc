#!/usr/bin/env bash
# --json of the write commands: standard output is exactly one JSON object,
# {"ok": true, "command", "changes", "items"} after a success and
# {"ok": false, "command", "error": {"code", "exit_status", "message"},
# "changes", "items"} after a failure, with the exit status and standard
# error of the same command without --json. A rolled-back transaction's
# items are dropped, but for the refusal that says why.
. "$(dirname "$0")/lib_local.sh"
local_pki
S=(--store "$T/store.db")
ca=$(fingerprint "$PKI/ca.pem")
other=$(fingerprint "$PKI/other-ca.pem")
server=$(fingerprint "$PKI/server.pem")
mkdir "$T/steps"
# step NAME STATUS COMMAND...: runs it, checks its exit status and keeps
# its output as NAME.out and NAME.err for the checks at the end (one
# python3 for all of them).
step() {
    local name=$1 want=$2
    shift 2
    run "$@"
    expect_status "$want"
    cp "$T/out" "$T/steps/$name.out"
    cp "$T/err" "$T/steps/$name.err"
}

"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" > /dev/null 2>&1
# import: two CAs, one already present.
step import 0 "$TRUSTD" "${S[@]}" import --json "$PKI/ca.pem" "$PKI/other-ca.pem"
# enable, disable, label: --json anywhere, before the command too.
step disable 0 "$TRUSTD" "${S[@]}" --json disable "$other"
step disable_again 0 "$TRUSTD" "${S[@]}" disable "$other" --json
step enable 0 "$TRUSTD" "${S[@]}" enable --json "${other:0:12}"
step label 0 "$TRUSTD" "${S[@]}" label --json "$other" "Lab Other"
# Applications.
step app_add 0 "$TRUSTD" "${S[@]}" app add payroll --description "Payroll transfers" --json
step app_trust 0 "$TRUSTD" "${S[@]}" app trust payroll "$ca" "$ca" --json
step app_untrust 0 "$TRUSTD" "${S[@]}" app untrust payroll "$other" "$ca" --json
step app_set 0 "$TRUSTD" "${S[@]}" app set payroll --crl if-present --tls-min 1.3 --json
# CRLs.
ca_db "$T/cadb"
openssl ca -config "$T/cadb/cnf" -keyfile "$PKI/ca.key" -cert "$PKI/ca.pem" -gencrl -out "$T/ca.crl" 2> /dev/null
crl=$(openssl crl -in "$T/ca.crl" -outform DER | sha256sum | cut -d' ' -f1)
step crl_import 0 "$TRUSTD" "${S[@]}" crl import "$T/ca.crl" --json
step crl_import_again 0 "$TRUSTD" "${S[@]}" crl import "$T/ca.crl" --json
step crl_remove 0 "$TRUSTD" "${S[@]}" crl remove "${crl:0:16}" --json
# Commands that change nothing: check; verify's path, and its refusal
# (payroll's list is empty now): exit 4, not_trusted.
step check 0 "$TRUSTD" "${S[@]}" check --json
step verify 0 "$TRUSTD" "${S[@]}" verify --app ftp-client --json "$PKI/server.pem"
step not_trusted 4 "$TRUSTD" "${S[@]}" verify --app payroll --json "$PKI/server.pem"

# probe: an implicit-TLS server (openssl s_server) presents the server's
# certificate and its root CA to a store without that CA: not trusted
# (exit 4) with the chain as items; then --import-root (no terminal under
# --json: nothing asked) imports the CA and the path verifies.
mkfifo "$T/s_server.in"
timeout 60 openssl s_server -accept 127.0.0.1:0 -naccept 2 -cert "$PKI/server.pem" \
    -key "$PKI/server.key" -cert_chain "$PKI/ca.pem" < "$T/s_server.in" > "$T/s_server.log" 2>&1 &
s_server=$!
trap 'kill "$s_server" 2> /dev/null || true; rm -rf "$T"' EXIT
exec 9> "$T/s_server.in" # its input stays open: at its end s_server would hang up
for _ in $(seq 50); do grep -q ACCEPT "$T/s_server.log" && break; sleep 0.1; done
port=$(sed -n 's/^ACCEPT 127.0.0.1:\([0-9]*\)$/\1/p' "$T/s_server.log")
[ -n "$port" ] || { cat "$T/s_server.log" >&2; fail "openssl s_server did not start"; }
P=(--store "$T/probe.db")
"$TRUSTD" "${P[@]}" check > /dev/null
step probe_untrusted 4 "$TRUSTD" "${P[@]}" probe "localhost:$port" --implicit --json
step probe_import 0 "$TRUSTD" "${P[@]}" probe "localhost:$port" --implicit --import-root --json
kill "$s_server" 2> /dev/null || true
wait "$s_server" 2> /dev/null || true
exec 9>&-

# The failures below change nothing.
store_dump "$T/store.db" > "$T/before"
# Usage errors (exit 2), also with no command.
step usage_add 2 "$TRUSTD" "${S[@]}" app add --json
step usage_option 2 "$TRUSTD" "${S[@]}" import --bogus --json "$PKI/ca.pem"
step usage_command 2 "$TRUSTD" "${S[@]}" --json frobnicate
step usage_export 2 "$TRUSTD" "${S[@]}" export "$ca" --json
# Not found (exit 3); a read command's error is the same object.
step notfound_enable 3 "$TRUSTD" "${S[@]}" enable 0123456789abcdef --json
step notfound_app 3 "$TRUSTD" "${S[@]}" app set nosuch --crl none --json
step notfound_show 3 "$TRUSTD" "${S[@]}" show "No Such CA" --json
# Errors in a transaction: the CA imported before the refused certificate,
# the CA trusted before the unknown one are not kept, nor are their items.
step refused 1 "$TRUSTD" "${S[@]}" import --json "$PKI/inter.pem" "$PKI/server.pem"
step halfway 3 "$TRUSTD" "${S[@]}" app trust payroll "$other" 0123456789abcdef --json
store_dump "$T/store.db" > "$T/after"
cmp -s "$T/before" "$T/after" || fail "a failed command changed the store"

# Without --json: the text line, no JSON.
run "$TRUSTD" "${S[@]}" disable "$other"
expect_status 0
[ "$(cat "$T/out")" = "disabled  $(fp "$PKI/other-ca.pem")  CN=ftpc Other Test CA,O=ftpc tests" ] ||
    fail "text output changed: $(cat "$T/out")"

python3 - "$T/steps" "$PKI" "$T" "$ca" "$other" "$server" "$crl" <<'PY'
import json, sys
steps, pki, t, ca, other, server, crl = sys.argv[1:]
CA_SUBJECT = "CN=ftpc Test Root CA,O=ftpc tests"
OTHER_SUBJECT = "CN=ftpc Other Test CA,O=ftpc tests"

def load(name):
    # json.load fails on anything beside the one document.
    with open(f"{steps}/{name}.out") as f:
        return json.load(f)

def err_lines(name):
    with open(f"{steps}/{name}.err") as f:
        return f.read().splitlines()

def check(name, cond, what):
    if not cond:
        sys.exit(f"FAIL: {name}: {what}: {open(f'{steps}/{name}.out').read()}")

def counts(a, r, u, n):
    return {"added": a, "removed": r, "updated": u, "unchanged": n}

def ok(name, command, changes):
    d = load(name)
    check(name, d["ok"] is True and d["command"] == command and "error" not in d, "not the result object")
    check(name, d["changes"] == changes, f"changes, expected {changes}")
    return d, d["items"]

def failed(name, command, code, status):
    d = load(name)
    check(name, d["ok"] is False and d["command"] == command, "not the error object")
    check(name, d["error"]["code"] == code and d["error"]["exit_status"] == status,
          f"error, expected {code} {status}")
    # The message is the one standard error shows; nothing changed.
    check(name, "trustd: " + d["error"]["message"] == err_lines(name)[0], "message is not stderr's")
    check(name, d["changes"] == counts(0, 0, 0, 0), "changes after a failure")
    return d, d["items"]

d, it = ok("import", "import", counts(1, 0, 0, 1))
check("import", [(i["object"], i["result"], i["sha256"], i["file"]) for i in it] ==
      [("certificate", "already_present", ca, f"{pki}/ca.pem"),
       ("certificate", "imported", other, f"{pki}/other-ca.pem")], "items")
check("import", it[0]["label"] == "ftpc Test Root CA" and it[0]["subject"] == CA_SUBJECT and
      it[0]["enabled"] is True and it[1]["label"] == "ftpc Other Test CA", "item fields")
# Standard error is as without --json: the summary line.
check("import", err_lines("import") == ["trustd: changed: 1 added, 0 removed, 0 updated, 1 unchanged"],
      "standard error")

d, it = ok("disable", "disable", counts(0, 0, 1, 0))
check("disable", it == [{"object": "certificate", "result": "disabled", "sha256": other,
                         "label": "ftpc Other Test CA", "subject": OTHER_SUBJECT}], "items")
d, it = ok("disable_again", "disable", counts(0, 0, 0, 1))
check("disable_again", [i["result"] for i in it] == ["already_disabled"], "items")
d, it = ok("enable", "enable", counts(0, 0, 1, 0))
check("enable", [(i["result"], i["sha256"]) for i in it] == [("enabled", other)], "items")
d, it = ok("label", "label", counts(0, 0, 1, 0))
check("label", [(i["result"], i["label"]) for i in it] == [("labelled", "Lab Other")], "items")

d, it = ok("app_add", "app add", counts(1, 0, 0, 0))
check("app_add", [(i["object"], i["result"], i["application"]) for i in it] ==
      [("application", "added", "payroll")], "items")
defn = it[0]["definition"]
check("app_add", defn["id"] == "payroll" and defn["description"] == "Payroll transfers" and
      defn["trust_list_defined"] is False and defn["crl_policy"] == "none", "definition")
d, it = ok("app_trust", "app trust", counts(1, 0, 0, 1))
check("app_trust", [(i["object"], i["result"], i["application"], i["sha256"], i["label"]) for i in it] ==
      [("trust", "trusted", "payroll", ca, "ftpc Test Root CA"),
       ("trust", "already_trusted", "payroll", ca, "ftpc Test Root CA")], "items")
d, it = ok("app_untrust", "app untrust", counts(0, 1, 0, 1))
check("app_untrust", [(i["result"], i["sha256"]) for i in it] ==
      [("not_on_list", other), ("untrusted", ca)], "items")
d, it = ok("app_set", "app set", counts(0, 0, 1, 0))
check("app_set", [(i["object"], i["result"]) for i in it] == [("application", "updated")], "items")
defn = it[0]["definition"]
check("app_set", defn["crl_policy"] == "if-present" and defn["tls_min"] == "1.3" and
      defn["tls_max"] is None and defn["sni"] is True and defn["trust_list_defined"] is True, "definition")

d, it = ok("crl_import", "crl import", counts(1, 0, 0, 0))
check("crl_import", it == [{"object": "crl", "result": "imported", "sha256": crl, "issuer": CA_SUBJECT,
                            "revoked": 0, "file": f"{t}/ca.crl"}], "items")
d, it = ok("crl_import_again", "crl import", counts(0, 0, 0, 1))
check("crl_import_again", [i["result"] for i in it] == ["already_present"], "items")
d, it = ok("crl_remove", "crl remove", counts(0, 1, 0, 0))
check("crl_remove", [(i["object"], i["result"], i["sha256"]) for i in it] == [("crl", "removed", crl)], "items")

d, it = ok("check", "check", counts(0, 0, 0, 0))
check("check", [(i["object"], i["result"], i["file"]) for i in it] == [("store", "ok", f"{t}/store.db")], "items")

d, it = ok("verify", "verify", counts(0, 0, 0, 0))
check("verify", [(i["object"], i["result"], i["depth"], i["sha256"]) for i in it] ==
      [("certificate", "path", 0, server), ("certificate", "path", 1, ca)], "items")
check("verify", it[1]["subject"] == CA_SUBJECT and it[1]["issuer"] == CA_SUBJECT, "item fields")
d, it = failed("not_trusted", "verify", "not_trusted", 4)
check("not_trusted", it == [] and d["error"]["message"].startswith("payroll would not trust this chain"), "message")

d, it = failed("probe_untrusted", "probe", "not_trusted", 4)
presented = [("presented", 0, server), ("presented", 1, ca)]
check("probe_untrusted", [(i["result"], i["depth"], i["sha256"]) for i in it] == presented, "items")
d, it = ok("probe_import", "probe", counts(1, 0, 0, 0))
check("probe_import", [(i["result"], i.get("depth"), i["sha256"]) for i in it] ==
      presented + [("imported", None, ca), ("path", 0, server), ("path", 1, ca)], "items")

d, it = failed("usage_add", "app add", "usage", 2)
check("usage_add", d["error"]["message"].startswith("usage: app add ID") and it == [], "message")
d, it = failed("usage_option", "import", "usage", 2)
check("usage_option", d["error"]["message"] == "unknown option --bogus", "message")
d, it = failed("usage_command", None, "usage", 2)
check("usage_command", d["error"]["message"] == "unknown command 'frobnicate'" and it == [], "message")
d, it = failed("usage_export", "export", "usage", 2)
check("usage_export", "--out FILE" in d["error"]["message"], "message")

failed("notfound_enable", "enable", "not_found", 3)
failed("notfound_app", "app set", "not_found", 3)
d, it = failed("notfound_show", "show", "not_found", 3)
check("notfound_show", it == [] and "No Such CA" in d["error"]["message"], "message")

d, it = failed("refused", "import", "error", 1)
check("refused", d["error"]["message"].endswith(": nothing was imported"), "message")
check("refused", [(i["result"], i["sha256"], i["file"], i["detail"]) for i in it] ==
      [("refused", server, f"{pki}/server.pem", "not a CA certificate")], "items")
d, it = failed("halfway", "app trust", "not_found", 3)
check("halfway", it == [] and d["error"]["message"].endswith(": nothing was changed"), "items")
PY
echo "PASS trustd_json_writes"
