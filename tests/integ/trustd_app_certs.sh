#!/usr/bin/env bash
# trustd app cert: assigning client certificates from PEM and PKCS#12
# (passwords from a file, a variable or the terminal), the checks made at
# assignment (validity, key, clientAuth, at most four), labels, list,
# remove, the key file (0600, or 0640 with --group; never the keys in the
# database), export with and without the key, validate, backup and
# restore carrying the key files, and a failed assignment changing
# nothing.
. "$(dirname "$0")/lib_local.sh"
local_pki
S=$T/store.db
td() { run "$TRUSTD" --store "$S" "$@"; }
"$TRUSTD" --store "$S" import "$PKI/ca.pem" > /dev/null
for c in client client-ec client-other client-inter client-serveronly client-expired; do
    cat "$PKI/$c.pem" "$PKI/$c.key" > "$T/$c.pem"
done
keyfile=$S.keys/ftp-client.key

# PEM with the key after the certificate.
td app cert assign ftp-client "$T/client.pem"
expect_status 0
expect_in "$T/out" "assigned client certificate 'ftpc test client' (RSA 2048, SHA-256 $(fp "$PKI/client.pem")) to application ftp-client as number 1"
expect_in "$T/out" "key file $keyfile (mode 0600, root:root)"
expect_in "$T/err" "trustd: changed: 1 added, 0 removed, 0 updated, 0 unchanged"
[ "$(stat -c %a "$keyfile")" = 600 ] || fail "key file not 0600"
# The store holds no private key (its DER appears nowhere in the dump,
# whose blobs are hex); the key file holds it.
keyhex=$(openssl pkey -in "$PKI/client.key" -outform DER | od -An -v -tx1 | tr -d ' \n' | cut -c1-400)
[ ${#keyhex} = 400 ] || fail "cannot read the key's DER"
store_dump "$S" | tr -d '\n' | grep -qi "$keyhex" && fail "a private key in the database"
store_dump "$S" | grep -qi "$(openssl x509 -in "$PKI/client.pem" -outform DER | od -An -v -tx1 | tr -d ' \n' | cut -c1-400)" ||
    fail "the dump does not show blobs as hex: the key check above proves nothing"
openssl pkey -in "$keyfile" -pubout | cmp - <(openssl pkey -in "$PKI/client.key" -pubout) ||
    fail "the key file does not hold the client's key"
td app show ftp-client
expect_in "$T/out" "Client certificates:"
expect_in "$T/out" "  1. ftpc test client (RSA 2048, expires"
td app show ftp-client --json
json_check "$T/out" "d['client_certificates'][0]['label'] == 'ftpc test client'"
# Again: unchanged.
td app cert assign ftp-client "$T/client.pem"
expect_status 0
expect_in "$T/out" "client certificate 'ftpc test client' is already assigned to application ftp-client"

# --json: the result object, and the error object.
td app cert assign ftp-client "$T/client.pem" --json
expect_status 0
json_check "$T/out" "d['ok'] and d['command'] == 'app cert assign' and d['changes']['unchanged'] == 1 and d['items'][0]['result'] == 'already_assigned' and d['items'][0]['sha256'] == '$(fingerprint "$PKI/client.pem")'"
td app cert assign ftp-client "$T/client-expired.pem" --json
expect_status 1
json_check "$T/out" "not d['ok'] and d['error']['code'] == 'error' and 'expired on' in d['error']['message']"

# PKCS#12 with its chain: the password from a file, a variable, the terminal.
cat "$PKI/client-inter.pem" "$PKI/inter.pem" > "$T/inter-chain.pem"
openssl pkcs12 -export -in "$T/inter-chain.pem" -inkey "$PKI/client-inter.key" -passout pass:s3cret \
    -out "$T/inter.p12" 2> /dev/null
printf 's3cret\n' > "$T/pass"
td app cert assign ftp-client "$T/inter.p12" --pass-file "$T/pass" --label inter
expect_status 0
expect_in "$T/out" "assigned client certificate 'inter' (RSA 2048"
td app cert assign ftp-client "$T/inter.p12" --pass-env NO_SUCH_VARIABLE
expect_status 2
expect_in "$T/err" "the variable NO_SUCH_VARIABLE is not set"
printf 'wrong\n' > "$T/wrong"
td app cert assign ftp-client "$T/inter.p12" --pass-file "$T/wrong"
expect_status 1
expect_in "$T/err" "$T/inter.p12: wrong PKCS#12 password"
openssl pkcs12 -export -in "$PKI/client-ec.pem" -inkey "$PKI/client-ec.key" -passout pass:ecpass \
    -out "$T/ec.p12" 2> /dev/null
run env P=ecpass "$TRUSTD" --store "$S" app cert assign ftp-client "$T/ec.p12" --pass-env P
expect_status 0
expect_in "$T/out" "(EC P-256"

# A key protected by an absurd number of iterations is refused before
# any derivation (PEM PKCS#8 and a PKCS#12 key bag alike).
openssl pkcs8 -topk8 -in "$PKI/client-other.key" -v2 aes-256-cbc -iter 3000000 -passout pass:x \
    -out "$T/costly.key" 2> /dev/null
cat "$PKI/client-other.pem" "$T/costly.key" > "$T/costly.pem"
printf 'x\n' > "$T/x"
td app cert assign ftp-client "$T/costly.pem" --pass-file "$T/x"
expect_status 1
expect_in "$T/err" "$T/costly.pem: the PKCS#12 private key asks for 3000000 iterations, more than the 2000000 trustd accepts"
openssl pkcs12 -export -in "$PKI/client-other.pem" -inkey "$PKI/client-other.key" -certpbe NONE \
    -iter 3000000 -nomaciter -passout pass:x -out "$T/costly.p12" 2> /dev/null
td app cert assign ftp-client "$T/costly.p12" --pass-file "$T/x"
expect_status 1
expect_in "$T/err" "asks for 3000000 iterations"

# What is refused, and nothing changes when it is.
before=$(store_dump "$S")
keys_before=$(md5sum < "$keyfile")
td app cert assign ftp-client "$T/client-serveronly.pem"
expect_status 1
expect_in "$T/err" "$T/client-serveronly.pem: its key usage or extended key usage does not allow TLS client authentication (clientAuth)"
td app cert assign ftp-client "$T/client-expired.pem"
expect_status 1
expect_in "$T/err" "$T/client-expired.pem: expired on 2020-02-01 00:00:00 UTC"
td app cert assign ftp-client "$PKI/client.pem"
expect_status 1
expect_in "$T/err" "$PKI/client.pem: holds no private key"
cat "$PKI/client.pem" "$PKI/server.key" > "$T/mismatch.pem"
td app cert assign ftp-client "$T/mismatch.pem"
expect_status 1
expect_in "$T/err" "its private key belongs to none of its certificates"
cat "$PKI/ca.pem" "$PKI/ca.key" > "$T/ca-as-client.pem"
td app cert assign ftp-client "$T/ca-as-client.pem"
expect_status 1
expect_in "$T/err" "a CA certificate, not one a client presents"
td app cert assign no-such-app "$T/client-other.pem"
expect_status 3
expect_in "$T/err" "application 'no-such-app' is not defined"
td app cert assign ftp-client "$T/client-other.pem" --label inter
expect_status 2
expect_in "$T/err" "already has a client certificate labelled 'inter'"
[ "$(store_dump "$S")" = "$before" ] || fail "a refused assignment changed the store"
[ "$(md5sum < "$keyfile")" = "$keys_before" ] || fail "a refused assignment changed the key file"
# The fourth fits, a fifth does not.
td app cert assign ftp-client "$T/client-other.pem"
expect_status 0
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/fifth.key" -out "$T/fifth.pem" -days 2 \
    -subj "/CN=fifth" -addext "extendedKeyUsage=clientAuth" -addext "basicConstraints=critical,CA:FALSE" 2> /dev/null
cat "$T/fifth.key" >> "$T/fifth.pem"
td app cert assign ftp-client "$T/fifth.pem"
expect_status 2
expect_in "$T/err" "application ftp-client already has 4 client certificates, the most it may have"

# list, and its JSON.
td app cert list ftp-client
expect_status 0
expect_in "$T/out" "1. ftpc test client  RSA 2048"
expect_in "$T/out" "2. inter  RSA 2048"
expect_in "$T/out" "   sent with 1 chain certificate"
expect_in "$T/out" "3. ftpc test client EC  EC P-256"
td app cert list ftp-client --json
expect_status 0
json_check "$T/out" "[c['label'] for c in d['certificates']] == ['ftpc test client', 'inter', 'ftpc test client EC', 'ftpc test client of the other CA'] and d['key_file']['mode'] == '0600' and d['certificates'][1]['chain'] == 1 and d['certificates'][0]['sha256'] == '$(fingerprint "$PKI/client.pem")'"
[ "$(grep -c 'BEGIN PRIVATE KEY' "$keyfile")" = 4 ] || fail "the key file does not hold four keys"

# validate: the certificates' dates (30 days here) within --days 40.
td validate --days 40
expect_status 4
expect_in "$T/out" "ftp-client: client-cert-expiring: client certificate \"ftpc test client\" ($(fp "$PKI/client.pem")): expires on"
chmod 644 "$keyfile"
td validate
expect_in "$T/out" "ftp-client: client-key-exposed: its key file $keyfile is mode 0644"
chmod 600 "$keyfile"

# remove: by label or fingerprint; the order closes up; the key goes too.
td app cert remove ftp-client inter
expect_status 0
expect_in "$T/out" "removed client certificate 'inter' from application ftp-client"
expect_in "$T/err" "trustd: changed: 0 added, 1 removed, 0 updated, 0 unchanged"
td app cert remove ftp-client "$(fingerprint "$PKI/client-ec.pem" | cut -c1-12)"
expect_status 0
td app cert list ftp-client --json
json_check "$T/out" "[(c['position'], c['label']) for c in d['certificates']] == [(1, 'ftpc test client'), (2, 'ftpc test client of the other CA')]"
[ "$(grep -c 'BEGIN PRIVATE KEY' "$keyfile")" = 2 ] || fail "removed keys are still in the key file"
td app cert remove ftp-client nothing-like-it
expect_status 3
expect_in "$T/err" "application ftp-client has no client certificate labelled or fingerprinted 'nothing-like-it'"

# ftpc refuses a key file every user may read, or a link in its place,
# before it contacts anything (port 1 is never reached).
chmod 644 "$keyfile"
run "$FTPC" --store "$S" 127.0.0.1 1
expect_status 7
expect_in "$T/err" "key file $keyfile is mode 0644: every user may read application ftp-client's private keys, so they are not used"
chmod 600 "$keyfile"
mv "$keyfile" "$T/moved.key"
ln -s "$T/moved.key" "$keyfile"
run "$FTPC" --store "$S" 127.0.0.1 1
expect_status 7
expect_in "$T/err" "key file $keyfile is a symbolic link"
td validate
expect_in "$T/out" "client-key-file: its key file $keyfile is not a plain file"
# A lost key file: validate says so for each certificate; assigning the
# certificate again brings its key back.
rm "$keyfile"
td validate
expect_status 4
expect_in "$T/out" "ftp-client: client-key-missing: client certificate \"ftpc test client\" ($(fp "$PKI/client.pem")): its key file $keyfile is missing"
run "$FTPC" --store "$S" 127.0.0.1 1
expect_status 7
expect_in "$T/err" "the key file of application ftp-client, $keyfile, is missing"
td app cert assign ftp-client "$T/client.pem"
expect_status 0
expect_in "$T/out" "client certificate 'ftpc test client' of application ftp-client has its key again"
expect_in "$T/err" "trustd: changed: 0 added, 0 removed, 1 updated, 0 unchanged"
td app cert assign ftp-client "$T/client-other.pem"
expect_status 0
td validate
expect_not_in "$T/out" "client-key"

# --group: 0640 with the group; none: 0600 again.
group=trustd-keys-$$
groupadd "$group"
trap 'groupdel "$group" 2> /dev/null; rm -rf "$T"' EXIT
td app cert group ftp-client "$group"
expect_status 0
[ "$(stat -c '%a %G' "$keyfile")" = "640 $group" ] || fail "key file not 0640 $group"
td app cert group ftp-client no-such-group-here
expect_status 2
expect_in "$T/err" "--group no-such-group-here: no such group"

# export: the certificate (and chain) without its key; with --with-key a
# PKCS#12 file of mode 0600 under a new password, audited.
td app cert export ftp-client 'ftpc test client' --out "$T/exported.pem"
expect_status 0
grep -q PRIVATE "$T/exported.pem" && fail "export wrote a private key"
cmp <(openssl x509 -in "$T/exported.pem") <(openssl x509 -in "$PKI/client.pem") || fail "exported certificate differs"
printf 'newpass\n' > "$T/newpass"
td app cert export ftp-client 'ftpc test client' --with-key --pass-file "$T/newpass" --out "$T/exported.p12"
expect_status 0
[ "$(stat -c %a "$T/exported.p12")" = 600 ] || fail "exported PKCS#12 not 0600"
openssl pkcs12 -in "$T/exported.p12" -passin pass:newpass -nocerts -nodes 2> /dev/null | openssl pkey -pubout |
    cmp - <(openssl pkey -in "$PKI/client.key" -pubout) || fail "exported key differs"
# One password source: the file or the variable, never both (export, as assign).
FTPC_TEST_PW=newpass td app cert export ftp-client 'ftpc test client' --with-key --pass-file "$T/newpass" \
    --pass-env FTPC_TEST_PW --out "$T/both.p12"
expect_status 2
expect_in "$T/err" "give --pass-file or --pass-env, not both"
[ -e "$T/both.p12" ] && fail "a refused export wrote a file"
printf '\n' > "$T/empty"
td app cert export ftp-client 'ftpc test client' --with-key --pass-file "$T/empty" --out "$T/x.p12"
expect_status 2
expect_in "$T/err" "an exported private key needs a password that is not empty"
[ -e "$T/x.p12" ] && fail "a refused export wrote a file"
td audit
expect_in "$T/out" "app cert export  ftp-client client certificate ftpc test client $(fingerprint "$PKI/client.pem") with its key"

# backup carries the key file with its mode and group; restore brings both back.
td backup "$T/backup.db"
expect_status 0
expect_in "$T/out" "and its 1 key file to $T/backup.db.keys"
[ "$(stat -c '%a %G' "$T/backup.db.keys/ftp-client.key")" = "640 $group" ] || fail "backup key file lost its mode or group"
"$TRUSTD" --store "$S" app cert remove ftp-client 'ftpc test client' > /dev/null 2>&1
td restore "$T/backup.db"
expect_status 2
expect_in "$T/err" "restore replaces everything trust store $S holds: add --force"
"$TRUSTD" --store "$S" app add later > /dev/null
"$TRUSTD" --store "$S" app cert assign later "$T/client.pem" > /dev/null 2>&1
[ -f "$S.keys/later.key" ] || fail "no key file for later"
td restore "$T/backup.db" --force
expect_status 0
[ -e "$S.keys/later.key" ] && fail "restore left the key file of an application the backup does not have"
expect_in "$T/out" "restored $S from $T/backup.db with 1 key file"
td app cert list ftp-client --json
json_check "$T/out" "[c['label'] for c in d['certificates']] == ['ftpc test client', 'ftpc test client of the other CA']"
[ "$(stat -c '%a %G' "$keyfile")" = "640 $group" ] || fail "restored key file lost its mode or group"
[ "$(grep -c 'BEGIN PRIVATE KEY' "$keyfile")" = 2 ] || fail "restored key file lacks keys"
td audit
expect_in "$T/out" "restore  from $T/backup.db"
printf 'not a store at all, but long enough to be read as one if nobody looked at it first....\n' > "$T/junk"
before=$(store_dump "$S")
td restore "$T/junk" --force
expect_status 1
expect_in "$T/err" "the store was not changed"
[ "$(store_dump "$S")" = "$before" ] || fail "a refused restore changed the store"

# Removing the application removes its key file.
"$TRUSTD" --store "$S" app add jobs > /dev/null
"$TRUSTD" --store "$S" app cert assign jobs "$T/client.pem" > /dev/null 2>&1
[ -f "$S.keys/jobs.key" ] || fail "no key file for jobs"
td app remove jobs
expect_status 0
[ -e "$S.keys/jobs.key" ] && fail "the key file of a removed application stayed"
echo "ok: trustd app cert"
