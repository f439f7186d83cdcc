#!/usr/bin/env bash
# A trust store others could change is not trusted (OpenSSH's StrictModes
# rule): ftpc refuses it, naming the path and its mode or owner, and trustd
# warns in one line on stderr but goes on. The store file, its -wal and
# -shm files and its folder may be written by their owner only, and each
# is owned by root or by the user running the program.
. "$(dirname "$0")/lib.sh"
dir=$(mktemp -d /tmp/ftpc-perm.XXXXXX)
trap 'rm -rf "$T" "$dir"' EXIT
chmod 755 "$dir"
cp "${FTPC_BIN:-$FTPC}" "$dir/ftpc"       # the programs themselves, not test wrappers
cp "${TRUSTD_BIN:-$TRUSTD}" "$dir/trustd"
chmod 755 "$dir/ftpc" "$dir/trustd"
printf 'user %s\npwd\n' "$FTP_USER" > "$dir/cmds"
chmod 644 "$dir/cmds"
mkdir "$dir/s"
chmod 755 "$dir/s"
DB=$dir/s/trust.db
"$dir/trustd" --store "$DB" import "$PKI/ca.pem" > /dev/null
ftpc_as() { # user (root or a uid:gid) -> runs ftpc against the main server
    local who=$1
    if [ "$who" = root ]; then
        run env FTPC_PASSWORD="$FTP_PASSWORD" "$dir/ftpc" --store "$DB" -s "$dir/cmds" 127.0.0.1 "$MAIN_PORT"
    else
        run setpriv --reuid="${who%:*}" --regid="${who#*:}" --clear-groups -- env HOME=/nonexistent \
            env FTPC_PASSWORD="$FTP_PASSWORD" "$dir/ftpc" --store "$DB" -s "$dir/cmds" 127.0.0.1 "$MAIN_PORT"
    fi
}
refused() { # what: ftpc must refuse, trustd must warn; both name the path
    local path=$1 text=$2
    ftpc_as root
    [ "$status" != 0 ] || fail "ftpc used an unsafe store ($path)"
    expect_in "$T/err" "trust store $DB is unsafe: "
    expect_in "$T/err" "$path"
    expect_in "$T/err" "$text"
    expect_not_in "$T/err" "---> USER"
    run "$dir/trustd" --store "$DB" list
    expect_status 0
    [ "$(grep -c . "$T/err")" = 1 ] || { cat "$T/err"; fail "trustd: not one warning line"; }
    expect_in "$T/err" "trustd: warning: trust store $DB is unsafe: "
    expect_in "$T/err" "$text"
}
safe() {
    ftpc_as "${1:-root}"
    expect_status 0
    expect_in "$T/out" "$MAIN_ROOT"
}

safe root
run "$dir/trustd" --store "$DB" list
expect_status 0
[ ! -s "$T/err" ] || { cat "$T/err"; fail "trustd warned about a safe store"; }

# Writable by group or others: the file, each of -wal and -shm, the folder.
for f in "$DB" "$DB-wal" "$DB-shm"; do
    [ -e "$f" ] || fail "$f missing"
    chmod 664 "$f"
    refused "$f" "has mode 0664, writable by others than its owner"
    chmod 646 "$f"
    refused "$f" "has mode 0646"
    chmod 644 "$f"
done
chmod 775 "$dir/s"
refused "its folder $dir/s has mode 0775" "keep the store in a folder only its owner can write"
chmod 1777 "$dir/s"   # sticky does not help: anyone may add a -wal file there
refused "$dir/s has mode 1777" "writable by others than its owner"
chmod 755 "$dir/s"
safe root

# Owned by someone who is neither root nor the user running ftpc.
chown 65534:65534 "$DB"
refused "the file $DB (mode 0644) is owned by uid 65534, neither root nor uid 0" "chown it to root"
safe 65534:65534           # its owner may use it
chown 0:0 "$DB"
safe 65534:65534           # root's store, read by a plain user
chown 4242:4242 "$DB-shm"
ftpc_as 65534:65534
[ "$status" != 0 ] || fail "ftpc used a store whose -shm file uid 4242 owns"
expect_in "$T/err" "$DB-shm (mode 0644) is owned by uid 4242, neither root nor uid 65534"
chown 0:0 "$DB-shm"
chown 4242:4242 "$dir/s"
ftpc_as 65534:65534
[ "$status" != 0 ] || fail "ftpc used a store whose folder uid 4242 owns"
expect_in "$T/err" "its folder $dir/s (mode 0755) is owned by uid 4242"
chown 0:0 "$dir/s"
safe 65534:65534
echo "ok: unsafe stores refused by ftpc, warned about by trustd"
