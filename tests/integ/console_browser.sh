#!/usr/bin/env bash
# The Cockpit page in a real browser: installs the page (cmake --install
# into a folder of the test's own), starts Cockpit's web server on
# 127.0.0.1 at a free port, makes two logins for this run (one that may use
# sudo, one that may not) and drives Debian's chromium through the page
# with playwright-core (tests/browser/console.mjs). Then it checks the
# store itself: what the page did is there, and the audit trail names the
# login behind root. It fails, never skips, when Cockpit, chromium or node
# are missing or do not start (scripts/install-deps installs them).
. "$(dirname "${BASH_SOURCE[0]}")/lib_local.sh"
: "${BUILD_DIR:?}" "${BROWSER_DIR:?}" "${ARTIFACTS:?}"

[ "$(id -u)" = 0 ] || fail "needs root: it makes logins and starts Cockpit's web server"
WS=/usr/lib/cockpit/cockpit-ws
for need in "$WS" /usr/bin/chromium /usr/bin/sudo; do
    [ -x "$need" ] || fail "$need is missing (scripts/install-deps installs cockpit-ws, cockpit-bridge, cockpit-system, chromium and sudo)"
done
[ -d /usr/share/cockpit/shell ] && [ -d /usr/share/cockpit/base1 ] ||
    fail "Cockpit's shell is missing (scripts/install-deps installs cockpit-system and cockpit-bridge)"
command -v node > /dev/null || fail "node is missing (scripts/install-deps installs nodejs)"
[ -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ] ||
    fail "playwright-core is missing in $BROWSER_DIR (scripts/install-deps runs npm ci there)"

# Everything the logins use lives in the test's folder: they must reach it.
chmod 755 "$T"
admin=tdca$$ viewer=tdcv$$
ws_pid=
cleanup() {
    local pids=() u p
    if [ -n "$ws_pid" ]; then
        # The web server's sessions: cockpit-session, the bridges, sudo.
        mapfile -t pids < <(descendants "$ws_pid")
        kill "$ws_pid" 2>/dev/null || true
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        wait "$ws_pid" 2>/dev/null || true
    fi
    [ -n "${server_pid:-}" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    for u in "$admin" "$viewer"; do
        id "$u" > /dev/null 2>&1 || continue
        # What the logins left running (the session bus, an agent), by PID.
        for _ in 1 2 3; do
            mapfile -t pids < <(ps -o pid= -u "$u" 2>/dev/null | tr -d ' ')
            [ ${#pids[@]} -eq 0 ] && break
            for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
            sleep 0.3
        done
        userdel "$u" 2>/dev/null || true
    done
    rm -f "/etc/sudoers.d/$admin"
    rm -rf "$T"
}
trap cleanup EXIT

# The PIDs below PID, deepest last.
descendants() {
    local kids k
    kids=$(ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ') || true
    for k in $kids; do
        echo "$k"
        descendants "$k"
    done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- The page, installed as `cmake --install` installs it.
cmake --install "$BUILD_DIR" --prefix "$T/prefix" > "$T/install.log" || { cat "$T/install.log" >&2; fail "cmake --install failed"; }
page=$T/prefix/share/cockpit/trustd
[ -f "$page/manifest.json" ] && [ -f "$page/index.html" ] && [ -f "$page/js/main.js" ] ||
    fail "cmake --install did not install the page into share/cockpit/trustd"
json_check "$page/config.json" "d == {'trustd': '$T/prefix/bin/trustd'}"
chmod -R a+rX "$T/prefix"

# --- A PKI, a CA to upload, a damaged file and a CA whose name is HTML.
local_pki
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -subj "/O=ftpc tests/CN=Console Upload CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$T/upload.key" -out "$T/upload.pem" 2> /dev/null
head -c 300 "$T/upload.pem" > "$T/damaged.pem"
hostile_cn="<img src=x onerror=window.pwned=1> $(printf '\033')[31mred"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -subj "/O=ftpc tests/CN=$hostile_cn" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$T/hostile.key" -out "$T/hostile.pem" 2> /dev/null
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -subj "/O=ftpc tests/CN=Console PKCS12 CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$T/p12.key" -out "$T/p12.pem" 2> /dev/null
p12_pass=$(openssl rand -hex 8)
mkdir -p "$T/files"
openssl pkcs12 -export -in "$T/p12.pem" -inkey "$T/p12.key" -passout "pass:$p12_pass" -out "$T/files/bundle.p12"
cp "$T/upload.pem" "$T/damaged.pem" "$T/files/"
chmod -R a+rX "$T/files"

# --- The store: root's, readable by every user (as a system store is).
mkdir -m 755 "$T/store"
STORE=$T/store/trust.db
"$TRUSTD" --store "$STORE" import "$PKI/other-ca.pem" "$T/hostile.pem" > /dev/null

# --- The audit trail's login user without Cockpit: root under sudo
# records SUDO_UID, unless the kernel's audit login uid says who logged
# in; a plain user's SUDO_UID is not believed.
useradd --create-home --home-dir "$T/home/$admin" --shell /bin/bash "$admin"
useradd --create-home --home-dir "$T/home/$viewer" --shell /bin/bash "$viewer"
admin_uid=$(id -u "$admin")
loginuid=$(cat /proc/self/loginuid 2>/dev/null || echo 4294967295)
if [ "$loginuid" = 4294967295 ]; then
    expect_login="d[-1]['login_uid'] == $admin_uid and d[-1]['login_user'] == '$admin'"
    expect_plain="d[-1]['login_uid'] is None and d[-1]['login_user'] is None"
else
    expect_login="d[-1]['login_uid'] == $loginuid"
    expect_plain="d[-1]['login_uid'] == $loginuid"
fi
SUDO_UID=$admin_uid "$TRUSTD" --store "$T/sudo.db" app add sudo-test > /dev/null
run "$TRUSTD" --store "$T/sudo.db" audit --json
json_check "$T/out" "$expect_login and d[-1]['uid'] == 0 and d[-1]['user'] == 'root'"
run "$TRUSTD" --store "$T/sudo.db" audit
if [ "$loginuid" = 4294967295 ]; then
    expect_in "$T/out" "  root(0)  app add  sudo-test  login $admin($admin_uid)"
fi
install -d -m 755 -o "$viewer" "$T/plain"
su -s /bin/sh "$viewer" -c "SUDO_UID=0 '$TRUSTD_BIN' --store '$T/plain/own.db' app add plain-test" > /dev/null
run "$TRUSTD" --store "$T/plain/own.db" audit --json
json_check "$T/out" "$expect_plain and d[-1]['uid'] == $(id -u "$viewer")"

# --- Two logins for this run: the administrator may use sudo (Cockpit's
# administrative access asks for the password), the viewer may not.
admin_pw=$(openssl rand -hex 12)
viewer_pw=$(openssl rand -hex 12)
printf '%s:%s\n%s:%s\n' "$admin" "$admin_pw" "$viewer" "$viewer_pw" | chpasswd
printf '%s ALL=(ALL) ALL\n' "$admin" > "$T/sudoers"
visudo -cqf "$T/sudoers" || fail "the sudoers line for $admin does not parse"
install -m 440 "$T/sudoers" "/etc/sudoers.d/$admin"
for u in "$admin" "$viewer"; do
    mkdir -p "$T/home/$u/.local/share/cockpit"
    cp -r "$page" "$T/home/$u/.local/share/cockpit/trustd"
    chown -R "$u:" "$T/home/$u/.local"
done

# --- An implicit-TLS server that sends its root CA with its certificate,
# for the probe (openssl s_server answers the handshake; nothing more is
# needed for trustd probe --implicit).
server_port=$(free_port)
openssl s_server -accept "127.0.0.1:$server_port" -cert "$PKI/server.pem" -key "$PKI/server.key" \
    -cert_chain "$PKI/ca.pem" -quiet > "$T/s_server.log" 2>&1 < /dev/null &
server_pid=$!

# --- Cockpit's web server, without TLS, on loopback only.
port=$(free_port)
"$WS" --no-tls --address 127.0.0.1 --port "$port" > "$T/cockpit-ws.log" 2>&1 &
ws_pid=$!
for _ in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/cockpit/login" || true)
    [ "$code" = 401 ] && break
    kill -0 "$ws_pid" 2>/dev/null || { cat "$T/cockpit-ws.log" >&2; fail "cockpit-ws exited at start"; }
    sleep 0.1
done
[ "$code" = 401 ] || { cat "$T/cockpit-ws.log" >&2; fail "cockpit-ws does not answer on port $port"; }

# Cockpit lists the page as "Trust store" in its menu.
curl -s -u "$viewer:$viewer_pw" -c "$T/cookies" -o /dev/null "http://127.0.0.1:$port/cockpit/login"
curl -s -b "$T/cookies" -o "$T/manifests.json" "http://127.0.0.1:$port/cockpit/@localhost/manifests.json"
json_check "$T/manifests.json" "d['trustd']['menu']['index']['label'] == 'Trust store'"

# --- The browser.
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
set +e
URL="http://127.0.0.1:$port" STORE="$STORE" FILES="$T/files" ARTIFACTS="$ARTIFACTS" \
    ADMIN_USER="$admin" ADMIN_PASS="$admin_pw" VIEW_USER="$viewer" VIEW_PASS="$viewer_pw" \
    TRUSTD="$TRUSTD_BIN" PROBE_PORT="$server_port" ROOT_SHA256="$(fingerprint "$PKI/ca.pem")" \
    UPLOAD_SHA256="$(fingerprint "$T/upload.pem")" HOSTILE_SHA256="$(fingerprint "$T/hostile.pem")" \
    HOSTILE_LABEL="$hostile_cn" P12_PASS="$p12_pass" P12_SHA256="$(fingerprint "$T/p12.pem")" \
    timeout 240 node "$BROWSER_DIR/console.mjs"
status=$?
set -e
[ "$status" = 0 ] || { tail -n 30 "$T/cockpit-ws.log" >&2; fail "the browser run failed (status $status; screenshots in $ARTIFACTS)"; }

# --- The store agrees with what the page showed.
root_fp=$(fingerprint "$PKI/ca.pem") upload_fp=$(fingerprint "$T/upload.pem")
run "$TRUSTD" --store "$STORE" list --json
expect_status 0
json_check "$T/out" "'$root_fp' in [c['sha256'] for c in d] and '$upload_fp' not in [c['sha256'] for c in d]"
run "$TRUSTD" --store "$STORE" app show ftp-client --json
json_check "$T/out" "d['crl_policy'] == 'if-present' and not d['trust_list_defined']"
run "$TRUSTD" --store "$STORE" audit --json
# Every change the page made ran as root, and names the login behind it.
json_check "$T/out" "[a['action'] for a in d if a['login_user'] == '$admin'] == ['import', 'import', 'import', 'trust', 'app set', 'disable', 'label', 'enable', 'remove', 'app trust-list']"
json_check "$T/out" "all(a['uid'] == 0 and a['login_uid'] == $admin_uid for a in d if a['login_user'] == '$admin')"
run "$TRUSTD" --store "$STORE" audit
expect_in "$T/out" "  root(0)  disable  $(fp "$T/upload.pem")  login $admin($admin_uid)"
echo "ok: the console in a real browser"
