#!/usr/bin/env bash
# Change hooks: after a committed change trustd runs the hooks folder's
# programs in name order, each with the change as JSON on standard input, a
# minimal environment and "/" as its folder. A failing or slow hook is
# reported and the change stays, with the change's exit status; hooks a
# stranger could change (owner, mode, a symbolic link, the folder) are
# refused; a user's own store never runs the system's folder. Every write
# command ends with one summary line on stderr.
. "$(dirname "$0")/lib_local.sh"
local_pki
S=(--store "$T/store.db")
ca_hex=$(fingerprint "$PKI/ca.pem")
expect_last_err() { # exact last line of standard error
    [ "$(tail -n 1 "$T/err")" = "$1" ] || { cat "$T/err" >&2; fail "last error line is not '$1'"; }
}

H=$T/hooks
mkdir -m 755 "$H"
cat > "$H/20-record" <<HOOK
#!/bin/sh
cat > "$T/json"
env > "$T/env"
pwd > "$T/pwd"
ls /proc/self/fd > "$T/fds"
echo 20 >> "$T/order"
HOOK
printf '#!/bin/sh\necho 10 >> "%s/order"\n' "$T" > "$H/10-first"
printf 'not a program\n' > "$H/README"
chmod 755 "$H/10-first" "$H/20-record"
chmod 644 "$H/README"

# Success: name order, the JSON, the environment, the folder, no other descriptor.
run env TRUSTD_HOOKS="$H" HOME=/root SECRET=x "$TRUSTD" "${S[@]}" import "$PKI/ca.pem"
expect_status 0
expect_in "$T/out" "imported  $(fp "$PKI/ca.pem")"
expect_last_err "trustd: changed: 1 added, 0 removed, 0 updated, 0 unchanged"
[ "$(cat "$T/order")" = "10
20" ] || fail "hooks not run once each in name order: $(cat "$T/order")"
python3 - "$T/json" "$ca_hex" "$T/store.db" <<'PY' || fail "hook JSON: $(cat "$T/json")"
import json, sys, pwd, os
j = json.load(open(sys.argv[1]))
assert j["action"] == "import", j
assert j["application"] is None, j
assert j["fingerprints"] == [sys.argv[2]], j
assert j["labels"] == ["ftpc Test Root CA"], j
assert j["user"] == pwd.getpwuid(os.getuid()).pw_name and j["uid"] == os.getuid(), j
assert j["store"] == sys.argv[3], j
assert j["time"].endswith("Z") and len(j["time"]) == 20, j
assert j["changes"] == {"added": 1, "removed": 0, "updated": 0, "unchanged": 0}, j
assert j["items"] == [{"change": "added", "object": "certificate", "fingerprint": sys.argv[2],
                       "label": "ftpc Test Root CA"}], j
PY
[ "$(grep -v '^PWD=' "$T/env" | grep -v '^SHLVL=' | sort)" = "PATH=/usr/sbin:/usr/bin:/sbin:/bin
TRUSTD_STORE=$T/store.db" ] || fail "hook environment: $(cat "$T/env")"
[ "$(cat "$T/pwd")" = / ] || fail "hook ran in $(cat "$T/pwd")"
# 0-2, the hook's own file (3, for its interpreter) and ls's own listing (4).
[ "$(tr '\n' ' ' < "$T/fds")" = "0 1 2 3 4 " ] || fail "hook inherited descriptors: $(cat "$T/fds")"

# Nothing changed: the summary says so and no hook runs.
rm -f "$T/order"
run env TRUSTD_HOOKS="$H" "$TRUSTD" "${S[@]}" import "$PKI/ca.pem"
expect_status 0
expect_last_err "trustd: changed: 0 added, 0 removed, 0 updated, 1 unchanged"
[ ! -e "$T/order" ] || fail "hooks ran although nothing changed"

# --hooks-dir wins over $TRUSTD_HOOKS; the summary of a few commands, and an
# application's change names it.
run env TRUSTD_HOOKS=/nonexistent "$TRUSTD" "${S[@]}" --hooks-dir "$H" app add web
expect_status 0
expect_last_err "trustd: changed: 1 added, 0 removed, 0 updated, 0 unchanged"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["action"]=="app add" and j["application"]=="web", j' "$T/json" ||
    fail "app add JSON: $(cat "$T/json")"
run "$TRUSTD" "${S[@]}" --hooks-dir "$H" app trust web "$ca_hex" "$ca_hex"
expect_status 0
expect_last_err "trustd: changed: 1 added, 0 removed, 0 updated, 1 unchanged"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["action"]=="app trust" and j["application"]=="web" and j["fingerprints"]==[sys.argv[2]], j' "$T/json" "$ca_hex" ||
    fail "app trust JSON: $(cat "$T/json")"
run "$TRUSTD" "${S[@]}" disable "$ca_hex"
expect_status 0
expect_last_err "trustd: changed: 0 added, 0 removed, 1 updated, 0 unchanged"
run "$TRUSTD" "${S[@]}" app untrust web "$ca_hex"
expect_status 0
expect_last_err "trustd: changed: 0 added, 1 removed, 0 updated, 0 unchanged"
# A failed command changes nothing and has no summary.
run "$TRUSTD" "${S[@]}" app add web
expect_status 2
expect_in "$T/err" "already defined"
expect_not_in "$T/err" "changed:"
# A read command has none either.
run "$TRUSTD" "${S[@]}" list
expect_status 0
[ ! -s "$T/err" ] || fail "list wrote to stderr: $(cat "$T/err")"

# A failing hook: reported (name, status, its output made visible), the change
# kept, the exit status the change's; the next hooks still run.
printf '#!/bin/sh\necho "it broke \033[31mred" >&2\nexit 3\n' > "$H/15-fail"
chmod 755 "$H/15-fail"
rm -f "$T/order"
run "$TRUSTD" "${S[@]}" --hooks-dir "$H" label "$ca_hex" "Root A"
expect_status 0
expect_in "$T/err" 'trustd: warning: hook 15-fail failed with exit status 3; the change is kept: it broke \x1b[31mred'
[ "$(cat "$T/order")" = "10
20" ] || fail "hooks after a failing one did not run"
"$TRUSTD" "${S[@]}" list | grep -q "Root A" || fail "a failing hook undid the change"
rm "$H/15-fail"

# A slow hook is killed at the limit (with what it started), reported, the change kept.
printf '#!/bin/sh\nsleep 60 &\nsleep 60\n' > "$H/30-slow"
chmod 755 "$H/30-slow"
start=$(date +%s)
run "$TRUSTD" "${S[@]}" --hooks-dir "$H" --hooks-timeout 2 enable "$ca_hex"
expect_status 0
[ $(($(date +%s) - start)) -lt 10 ] || fail "the slow hook was not killed at its limit"
expect_in "$T/err" "trustd: warning: hook 30-slow was killed after its time limit of 2 s; the change is kept"
"$TRUSTD" "${S[@]}" list | grep "Root A" | grep -q " enabled " || fail "a killed hook undid the change"
TRUSTD_HOOKS_TIMEOUT=1 run "$TRUSTD" "${S[@]}" --hooks-dir "$H" disable "$ca_hex"
expect_status 0
expect_in "$T/err" "hook 30-slow was killed after its time limit of 1 s"
run "$TRUSTD" "${S[@]}" --hooks-timeout 0 list
expect_status 2
expect_in "$T/err" "--hooks-timeout takes seconds from 1 to 3600, not '0'"
rm "$H/30-slow"

# Refused: a hook writable by others, a hook of another owner, a symbolic
# link; none of them runs, the others do.
printf '#!/bin/sh\ntouch "%s/ran-$(basename "$0")"\n' "$T" > "$T/payload"
for h in 40-writable 41-stranger; do cp "$T/payload" "$H/$h"; chmod 755 "$H/$h"; done
chmod 757 "$H/40-writable"
chown nobody "$H/41-stranger"
cp "$T/payload" "$T/elsewhere"; chmod 755 "$T/elsewhere"
ln -s "$T/elsewhere" "$H/42-link"
rm -f "$T/order"
run "$TRUSTD" "${S[@]}" --hooks-dir "$H" enable "$ca_hex"
expect_status 0
expect_in "$T/err" "trustd: warning: hook 40-writable is refused: it is writable by group or others; the change is kept"
expect_in "$T/err" "trustd: warning: hook 41-stranger is refused: it is owned by neither root nor the store's owner; the change is kept"
expect_in "$T/err" "trustd: warning: hook 42-link is refused: it is a symbolic link; the change is kept"
expect_last_err "trustd: warning: hook 42-link is refused: it is a symbolic link; the change is kept"
for h in 40-writable 41-stranger 42-link elsewhere; do [ ! -e "$T/ran-$h" ] || fail "refused hook $h ran"; done
[ "$(cat "$T/order")" = "10
20" ] || fail "the safe hooks did not run beside the refused ones"
rm "$H/40-writable" "$H/41-stranger" "$H/42-link"

# Refused: a folder writable by others, a folder that is a symbolic link, a
# named folder that is missing: no hook runs.
chmod 777 "$H"
rm -f "$T/order"
run "$TRUSTD" "${S[@]}" --hooks-dir "$H" disable "$ca_hex"
expect_status 0
expect_in "$T/err" "trustd: warning: hooks folder $H is writable by group or others: no hook was run; the change is kept"
[ ! -e "$T/order" ] || fail "hooks of a folder writable by others ran"
chmod 755 "$H"
ln -s "$H" "$T/hooks-link"
run "$TRUSTD" "${S[@]}" --hooks-dir "$T/hooks-link" enable "$ca_hex"
expect_status 0
expect_in "$T/err" "trustd: warning: hooks folder $T/hooks-link is not a folder or is a symbolic link: no hook was run; the change is kept"
[ ! -e "$T/order" ] || fail "hooks of a symbolic link folder ran"
run "$TRUSTD" "${S[@]}" --hooks-dir "$T/missing" disable "$ca_hex"
expect_status 0
expect_in "$T/err" "trustd: warning: hooks folder $T/missing cannot be opened (No such file or directory): no hook was run; the change is kept"

# A user's own store never runs the system's hooks, only the ones the user
# names (theirs: owned by the store's owner).
shared_folder trustd
sysdir=/etc/trustd/hooks.d
made=
[ -d /etc/trustd ] || made=/etc/trustd
[ -d "$sysdir" ] || { mkdir -p -m 755 "$sysdir"; made=${made:-$sysdir}; }
syshook=$sysdir/zz-trustd-test-$$
trap 'rm -f "$syshook"; [ -z "$made" ] || rm -rf "$made"; rm -rf "$T" "$shared"' EXIT
u=$shared/u
mkdir -m 755 "$u" "$u/hooks"
cp "$PKI/ca.pem" "$u/ca.pem"
printf '#!/bin/sh\ntouch "%s/system-ran"\n' "$u" > "$syshook"
chmod 755 "$syshook"
printf '#!/bin/sh\ncat > "%s/json"\n' "$u" > "$u/hooks/10-mine"
chmod 755 "$u/hooks/10-mine"
chown -R nobody "$u"
as_nobody() { run setpriv --reuid=nobody --regid=nogroup --clear-groups -- env HOME=/nonexistent "$@"; }
as_nobody "$shared/trustd" --store "$u/store.db" import "$u/ca.pem"
expect_status 0
expect_last_err "trustd: changed: 1 added, 0 removed, 0 updated, 0 unchanged"
[ ! -e "$u/system-ran" ] || fail "a user's own store ran the system's hooks"
as_nobody env TRUSTD_HOOKS="$u/hooks" "$shared/trustd" --store "$u/store.db" app add mine
expect_status 0
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["user"]=="nobody" and j["application"]=="mine", j' "$u/json" ||
    fail "the user's own hook did not run: $(cat "$T/err")"
[ ! -e "$u/system-ran" ] || fail "a user's own store ran the system's hooks"
echo "trustd_hooks: ok"
