#!/usr/bin/env bash
# CTest fixture: a test PKI and two private vsftpd servers on 127.0.0.1:
#   main       certificate for localhost/127.0.0.1 from the test root CA
#   wronghost  certificate for ftp.invalid only, from the same CA
#   implicit   implicit FTPS (TLS from the first byte), main's certificate
set -euo pipefail
: "${WORK:?}" "${SCRIPTS:?}"
"$SCRIPTS/local-vsftpd" stop "$WORK" main 2>/dev/null || true
"$SCRIPTS/local-vsftpd" stop "$WORK" wronghost 2>/dev/null || true
"$SCRIPTS/local-vsftpd" stop "$WORK" implicit 2>/dev/null || true
rm -rf "$WORK"
mkdir -p "$WORK"
chmod 700 "$WORK"
"$SCRIPTS/make-test-pki" "$WORK/pki"
"$SCRIPTS/local-vsftpd" user "$WORK"
"$SCRIPTS/local-vsftpd" start "$WORK" main "$WORK/pki/server.pem" "$WORK/pki/server.key"
"$SCRIPTS/local-vsftpd" start "$WORK" wronghost "$WORK/pki/wronghost.pem" "$WORK/pki/wronghost.key"
"$SCRIPTS/local-vsftpd" start "$WORK" implicit "$WORK/pki/server.pem" "$WORK/pki/server.key" implicit
