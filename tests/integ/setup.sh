#!/usr/bin/env bash
# CTest fixture: a test PKI and the servers the tests use, all on 127.0.0.1
# at free high ports:
#   main        vsftpd, explicit, certificate for localhost/127.0.0.1, data TLS forced
#   wronghost   vsftpd, a certificate for ftp.invalid only, from the same CA
#   implicit    vsftpd, implicit FTPS (TLS from the first byte)
#   relaxed     vsftpd, explicit, PROT C allowed
#   clientcert  vsftpd, explicit, a client certificate from the test CA required
#   clientcertother  vsftpd, a client certificate from the other CA required
#   clientcertinter  vsftpd, a client certificate chaining to the test CA
#               required, as clientcert: only the root is trusted, so one from
#               the intermediate works only when the client sends the
#               intermediate after it
#   pure2       Pure-FTPd --tls=2 (control TLS required, PROT C allowed)
#   pure3       Pure-FTPd --tls=3 (control and data TLS required)
#   proftpd     ProFTPD mod_tls, explicit, TLSRequired on, session reuse required
#   proimplicit ProFTPD mod_tls, implicit
#   proccc      ProFTPD mod_tls, TLS required for login and data only (CCC allowed)
#   proclientcert  ProFTPD mod_tls, a client certificate from the test CA
#               required (its TLS log, TLSLOG, names the one presented)
#   proreneg    ProFTPD mod_tls, TLS 1.2 only, asks for a renegotiation after
#               every 4 MiB it writes on a data connection
#   prorenegctl ProFTPD mod_tls, TLS 1.2 only, asks for a renegotiation of the
#               control connection every second
#   slow        vsftpd, explicit, 2 MB/s per transfer (for interrupting one)
#   prodigest   ProFTPD mod_tls and mod_digest (HASH, XSHA256, XCRC... for --verify)
set -euo pipefail
: "${WORK:?}" "${SCRIPTS:?}"
SERVERS_LIST="main wronghost implicit relaxed clientcert clientcertother clientcertinter pure2 pure3 proftpd proimplicit proccc proclientcert proreneg prorenegctl slow prodigest"
for n in $SERVERS_LIST; do "$SCRIPTS/local-ftpd" stop "$WORK" "$n" 2>/dev/null || true; done
"$SCRIPTS/local-ftpd" forget "$WORK" 2>/dev/null || true
rm -rf "$WORK"
mkdir -p "$WORK"
chmod 700 "$WORK"
"$SCRIPTS/make-test-pki" "$WORK/pki"
P=$WORK/pki
"$SCRIPTS/local-ftpd" user "$WORK"
"$SCRIPTS/local-ftpd" start "$WORK" main vsftpd "$P/server.pem" "$P/server.key"
"$SCRIPTS/local-ftpd" start "$WORK" wronghost vsftpd "$P/wronghost.pem" "$P/wronghost.key"
"$SCRIPTS/local-ftpd" start "$WORK" implicit vsftpd "$P/server.pem" "$P/server.key" implicit
"$SCRIPTS/local-ftpd" start "$WORK" relaxed vsftpd "$P/server.pem" "$P/server.key" clear-data
"$SCRIPTS/local-ftpd" start "$WORK" clientcert vsftpd "$P/server.pem" "$P/server.key" "client-cert=$P/ca.pem"
"$SCRIPTS/local-ftpd" start "$WORK" clientcertother vsftpd "$P/server.pem" "$P/server.key" "client-cert=$P/other-ca.pem"
"$SCRIPTS/local-ftpd" start "$WORK" clientcertinter vsftpd "$P/server.pem" "$P/server.key" "client-cert=$P/ca.pem"
"$SCRIPTS/local-ftpd" start "$WORK" pure2 pureftpd "$P/server.pem" "$P/server.key" clear-data
"$SCRIPTS/local-ftpd" start "$WORK" pure3 pureftpd "$P/server.pem" "$P/server.key"
"$SCRIPTS/local-ftpd" start "$WORK" proftpd proftpd "$P/server.pem" "$P/server.key"
"$SCRIPTS/local-ftpd" start "$WORK" proimplicit proftpd "$P/server.pem" "$P/server.key" implicit
"$SCRIPTS/local-ftpd" start "$WORK" proccc proftpd "$P/server.pem" "$P/server.key" allow-ccc
"$SCRIPTS/local-ftpd" start "$WORK" proclientcert proftpd "$P/server.pem" "$P/server.key" "client-cert=$P/ca.pem"
"$SCRIPTS/local-ftpd" start "$WORK" proreneg proftpd "$P/server.pem" "$P/server.key" renegotiate=4096
"$SCRIPTS/local-ftpd" start "$WORK" prorenegctl proftpd "$P/server.pem" "$P/server.key" renegotiate-ctrl=1
"$SCRIPTS/local-ftpd" start "$WORK" slow vsftpd "$P/server.pem" "$P/server.key" rate=2000000
"$SCRIPTS/local-ftpd" start "$WORK" prodigest proftpd "$P/server.pem" "$P/server.key" digest
echo "$SERVERS_LIST" > "$WORK/servers"
