#!/usr/bin/env bash
# CTest fixture cleanup: stops exactly the servers setup.sh started.
set -euo pipefail
: "${WORK:?}" "${SCRIPTS:?}"
"$SCRIPTS/local-vsftpd" stop "$WORK" main
"$SCRIPTS/local-vsftpd" stop "$WORK" wronghost
"$SCRIPTS/local-vsftpd" stop "$WORK" implicit
rm -rf "$WORK"
