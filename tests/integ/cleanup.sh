#!/usr/bin/env bash
# CTest fixture cleanup: stops exactly the servers setup.sh started.
set -euo pipefail
: "${WORK:?}" "${SCRIPTS:?}"
for n in $(cat "$WORK/servers" 2>/dev/null); do "$SCRIPTS/local-ftpd" stop "$WORK" "$n"; done
"$SCRIPTS/local-ftpd" forget "$WORK"
rm -rf "$WORK"
