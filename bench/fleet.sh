#!/usr/bin/env bash
# bench/fleet.sh BUILD_DIR [SUBSCRIBERS]: the fleet's sync (docs/fleet.md)
# against one nginx on 127.0.0.1 (HTTPS, a throw-away PKI): time and bytes
# of a sync for a 10,000-certificate policy, first (full), unchanged (one
# 304) and changed (one CA added), then SUBSCRIBERS (default 200) stores
# syncing at once, changed and unchanged. Prints a Markdown table (also
# written to bench/results/fleet.md). Run as root on Debian 12 with
# nginx-light (scripts/install-deps).
set -euo pipefail
B=$(cd "$1" && pwd)
NSUB=${2:-200}
cd "$(dirname "$0")/.."
ROOT=$PWD
TRUSTD=$B/trustd/trustd
GEN=$B/tests/gen_certs
W=$(mktemp -d /tmp/fleet-bench.XXXXXX)
trap '[ -f "$W/nginx/pid" ] && kill "$(cat "$W/nginx/pid")" 2> /dev/null; rm -rf "$W"' EXIT
export TRUSTD T=$W
. tests/integ/lib_base.sh
. tests/integ/fleet_lib.sh
scripts/make-test-pki "$W/pki" > /dev/null
PKI=$W/pki
FPKI=$W/fpki
fleet_pki "$FPKI"
PUB=$W/pub.db
fleet_publisher "$PUB"
"$GEN" 10000 bench > "$W/many.pem"
"$TRUSTD" --store "$PUB" import "$W/many.pem" > /dev/null 2>&1
mkdir -p "$W/www" "$W/nginx"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/nginx/nginx.conf" << EOF2
daemon off;
user root root;
worker_processes auto;
pid $W/nginx/pid;
error_log $W/nginx/error.log;
events { worker_connections 4096; }
http {
    log_format fleet '\$request_uri \$status \$body_bytes_sent';
    access_log $W/nginx/access.log fleet;
    client_body_temp_path $W/nginx/body;
    proxy_temp_path $W/nginx/proxy;
    fastcgi_temp_path $W/nginx/fastcgi;
    uwsgi_temp_path $W/nginx/uwsgi;
    scgi_temp_path $W/nginx/scgi;
    server {
        listen 127.0.0.1:$PORT ssl backlog=4096;
        ssl_certificate $PKI/server.pem;
        ssl_certificate_key $PKI/server.key;
        root $W/www;
    }
}
EOF2
nginx -c "$W/nginx/nginx.conf" &
for _ in $(seq 50); do [ -f "$W/nginx/pid" ] && break; sleep 0.1; done
URL=https://localhost:$PORT
publish "$PUB" "$W/www" --valid-for 1d > /dev/null
snap_bytes=$(stat -c %s "$W/www"/snapshot-*.db)

# The bytes nginx sent for the requests made since mark_log.
mark_log() { mark=$(wc -l < "$W/nginx/access.log"); }
bytes_since() { tail -n +"$((mark + 1))" "$W/nginx/access.log" | awk '{b += $3; n++} END {printf "%d bytes in %d requests", b, n}'; }
# CPU seconds (user + system) of the children the calling shell waited for,
# from bash's times: a wall time on a shared machine says little alone.
# times runs in the calling shell itself (in $(...) or a pipeline it would
# see no children): child_cpu FILE, then cpu_of FILE.
child_cpu() { times > "$1"; }
cpu_of() { tail -1 "$1" | awk '{ for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } } END { printf "%.2f", t }'; }
# "WALL CPU" of one command.
timed() { (
    s=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    w=$(awk "BEGIN { print $(date +%s.%N) - $s }")
    child_cpu "$W/times.one"
    echo "$w $(cpu_of "$W/times.one")"
) }

S=$W/sub.db
"$TRUSTD" --store "$S" subscribe "$URL" --signer-ca "$FPKI/fleet-ca.pem" --tls-ca "$PKI/ca.pem" > /dev/null 2>&1
cp "$S" "$W/empty-subscriber.db"
: > "$W/nginx/access.log"
mark_log; t_first=$(timed "$TRUSTD" --store "$S" sync); b_first=$(bytes_since)
mark_log; t_same=$(timed "$TRUSTD" --store "$S" sync); b_same=$(bytes_since)
"$TRUSTD" --store "$PUB" import "$PKI/other-ca.pem" > /dev/null 2>&1
publish "$PUB" "$W/www" --valid-for 1d > /dev/null
mark_log; t_changed=$(timed "$TRUSTD" --store "$S" sync); b_changed=$(bytes_since)
certs=$(sqlite3 "$S" 'SELECT count(*) FROM certificates')

# The fleet: NSUB stores, each subscribed with nothing installed yet.
for i in $(seq "$NSUB"); do cp "$W/empty-subscriber.db" "$W/s$i.db"; done
many() { # -> "seconds, CPU, failures, bytes"
    mark_log
    local s fails=0 pids=() p
    s=$(date +%s.%N)
    for i in $(seq "$NSUB"); do
        "$TRUSTD" --store "$W/s$i.db" sync > /dev/null 2>> "$W/many.err" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
    child_cpu "$W/times.many"
    printf '%.2f s wall, %s s CPU, %d failed, %s' "$(awk "BEGIN { print $(date +%s.%N) - $s }")" \
        "$(cpu_of "$W/times.many")" "$fails" "$(bytes_since)"
}
r_full=$(many)
r_same=$(many)

out=bench/results/fleet.md
{
    echo "# Fleet sync ($(date -u +%Y-%m-%d), $(nproc) cores, nginx on 127.0.0.1, HTTPS)"
    echo
    echo "Policy: $certs certificates; snapshot $snap_bytes bytes (SQLite image)."
    echo
    echo "| case | wall | CPU (user + sys) | transferred |"
    echo "|---|---|---|---|"
    printf '| first sync (full snapshot) | %.3f s | %.2f s | %s |\n' $t_first "$b_first"
    printf '| unchanged (one 304) | %.3f s | %.2f s | %s |\n' $t_same "$b_same"
    printf '| changed (one CA added) | %.3f s | %.2f s | %s |\n' $t_changed "$b_changed"
    row() { # label "wall, cpu, rest"
        local wall=${2%%,*} rest=${2#*, }
        echo "| $1 | $wall | ${rest%%,*} | ${rest#*, } |"
    }
    row "$NSUB subscribers at once, first sync" "$r_full"
    row "$NSUB subscribers at once, unchanged" "$r_same"
    if grep -qv '^trustd: changed:' "$W/many.err" 2> /dev/null; then
        echo
        echo "Failed syncs by message (host and numbers left out):"
        echo
        sed -E 's/^trustd: //; s#https?://[^ /:]+(:[0-9]+)?/#URL/#g; s/[0-9]+/N/g' "$W/many.err" |
            grep -v '^changed:' | sort | uniq -c | sort -rn | sed 's/^/    /'
    fi
} | tee "$out"
