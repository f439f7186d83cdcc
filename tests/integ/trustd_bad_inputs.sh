#!/usr/bin/env bash
# Bad input never changes the store: each case gives one clear line of error
# and a non-zero status, and the store's content is the same afterwards.
. "$(dirname "$0")/lib_local.sh"
local_pki
S=(--store "$T/store.db")
"$TRUSTD" "${S[@]}" import "$PKI/ca.pem" > /dev/null
"$TRUSTD" "${S[@]}" app trust ftp-client "$(fingerprint "$PKI/ca.pem")" > /dev/null
before=$(store_dump "$T/store.db")

bad_import() { # description expected-text file...
    local what=$1 text=$2
    shift 2
    run "$TRUSTD" "${S[@]}" import "$@"
    [ "$status" != 0 ] || fail "$what: imported"
    [ "$(wc -l < "$T/err")" = 1 ] || { cat "$T/err"; fail "$what: not one line of error"; }
    expect_in "$T/err" "$text"
    [ "$before" = "$(store_dump "$T/store.db")" ] || fail "$what: the store changed"
}

: > "$T/empty.pem"
bad_import "empty file" "empty.pem: file is empty" "$T/empty.pem"
head -c 4096 /dev/urandom > "$T/random.bin"
bad_import "random bytes" "random.bin: not a certificate file" "$T/random.bin"
head -c 700 "$PKI/other-ca.pem" > "$T/truncated.pem"
bad_import "truncated PEM" "truncated.pem: PEM block 1 is damaged" "$T/truncated.pem"
sed '5s/./!/g' "$PKI/other-ca.pem" > "$T/badbase64.pem"
bad_import "bad base64" "badbase64.pem" "$T/badbase64.pem"
cp "$PKI/other-ca.key" "$T/key.pem"
bad_import "private key" "key.pem: PEM block 1 is a PRIVATE KEY, not a certificate" "$T/key.pem"
openssl req -new -key "$PKI/other-ca.key" -subj "/CN=csr" -out "$T/request.csr" 2>/dev/null
bad_import "CSR" "request.csr: PEM block 1 is a CERTIFICATE REQUEST" "$T/request.csr"
openssl x509 -in "$PKI/other-ca.pem" -outform DER -out "$T/trailing.der"
printf 'garbage' >> "$T/trailing.der"
bad_import "trailing garbage" "trailing.der: not a certificate file" "$T/trailing.der"
head -c $((50 * 1024 * 1024)) /dev/zero > "$T/huge.bin"
bad_import "50 MiB file" "huge.bin: file is larger than" "$T/huge.bin"
rm -f "$T/huge.bin"
openssl pkcs12 -export -nokeys -in "$PKI/other-ca.pem" -passout pass:right -out "$T/p.p12"
echo wrong > "$T/wrong"
bad_import "wrong PKCS#12 password" "p.p12: wrong PKCS#12 password" --pass-file "$T/wrong" "$T/p.p12"
# One bad file among good ones: none of them is imported.
bad_import "good then bad" "random.bin" "$PKI/other-ca.pem" "$T/random.bin"
bad_import "missing file" "cannot open $T/nothing.pem" "$T/nothing.pem"

# Files that are not stores are refused, by reading and writing commands, untouched.
sqlite3 "$T/other.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
sum=$(sha256sum < "$T/other.db")
for cmd in list "import $PKI/ca.pem" check; do
    # shellcheck disable=SC2086
    run "$TRUSTD" --store "$T/other.db" $cmd
    expect_status 1
    expect_in "$T/err" "is not a trust store (an SQLite database of something else)"
done
[ "$sum" = "$(sha256sum < "$T/other.db")" ] || fail "a foreign SQLite file was modified"
head -c 10000 /dev/urandom > "$T/noise.db"
sum=$(sha256sum < "$T/noise.db")
run "$TRUSTD" --store "$T/noise.db" import "$PKI/ca.pem"
expect_status 1
expect_in "$T/err" "is not a trust store (not an SQLite database)"
[ "$sum" = "$(sha256sum < "$T/noise.db")" ] || fail "a non-SQLite file was modified"

# A truncated store: a clear error, and the file is left as it was.
cp "$T/store.db" "$T/cut.db"
sqlite3 "$T/cut.db" "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
rm -f "$T/cut.db-wal" "$T/cut.db-shm"
size=$(stat -c %s "$T/cut.db")
truncate -s $((size / 2)) "$T/cut.db"
sum=$(sha256sum < "$T/cut.db")
run "$TRUSTD" --store "$T/cut.db" import "$PKI/other-ca.pem"
expect_status 1
expect_in "$T/err" "is damaged"
run "$TRUSTD" --store "$T/cut.db" check
expect_status 1
expect_in "$T/err" "is damaged"
[ "$sum" = "$(sha256sum < "$T/cut.db")" ] || fail "a truncated store was modified"

# A store from a newer program.
cp "$T/store.db" "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 999;"
sum=$(sha256sum < "$T/newer.db")
run "$TRUSTD" --store "$T/newer.db" list
expect_status 1
expect_in "$T/err" "has schema version 999, newer than this program knows"
[ "$sum" = "$(sha256sum < "$T/newer.db")" ] || fail "a newer store was modified"
echo "ok: bad input changes nothing"
