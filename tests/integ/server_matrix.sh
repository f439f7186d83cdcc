#!/usr/bin/env bash
# server_matrix.sh SERVER TLS [implicit] [clear=ok|refused|unusable] [mlst]
# One fixture server, one TLS version: login, passive and active, PROT P and
# the server's answer to PROT C, upload/download with byte comparison,
# mput/mget of 50 small files, reget after an interrupted download, reput,
# append, an ASCII round trip, rename/delete/mkdir/rmdir, size, and MLSD/MLST.
. "$(dirname "$0")/lib.sh"
name=$1
tls=$2
shift 2
implicit=0; clear=ok; mlst=0
for o in "$@"; do
    case "$o" in
    implicit) implicit=1 ;;
    clear=*) clear=${o#clear=} ;;
    mlst) mlst=1 ;;
    *) fail "unknown option $o" ;;
    esac
done
server "$name"
make_store ca
mode=()
[ "$implicit" = 1 ] && mode=(--seccnn implicit)
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" -d --store "$T/store.db" --tls-min "$tls" --tls-max "$tls" "${mode[@]}" "$@" 127.0.0.1 "$PORT"; }

# The files.
mkdir -p "$T/up" "$T/dl"
for i in $(seq -w 1 50); do head -c 4096 /dev/urandom > "$T/up/f$i.dat"; done
head -c 1048576 /dev/urandom > "$T/big.bin"
head -c 300000 "$T/big.bin" > "$T/part.bin"
printf 'line one\nline two\n\nlast line\n' > "$T/text.txt"
d="m$$"

cat > "$T/cmds" <<CMDS
user $FTP_USER
mkdir $d
cd $d
put $T/big.bin big.bin
get big.bin $T/big.back
size big.bin
mkdir sub
cd sub
mput $T/up/f*.dat
cdup
lcd $T/dl
mget sub/f*.dat
ascii
put $T/text.txt text.txt
get text.txt $T/text.back
binary
append $T/text.txt text.txt
put $T/part.bin rp.bin
reput $T/big.bin rp.bin
get rp.bin $T/rp.back
rename big.bin big2.bin
delete big2.bin
mdelete sub/f*.dat
rmdir sub
active
put $T/big.bin act.bin
get act.bin $T/act.back
ls
passive
CMDS
ftpc -s "$T/cmds"
expect_status 0
expect_no_password
cmp "$T/big.bin" "$T/big.back" || fail "download differs"
expect_in "$T/out" "1048576"
for i in $(seq -w 1 50); do cmp "$T/up/f$i.dat" "$T/dl/f$i.dat" || fail "mget file f$i differs"; done
cmp "$T/text.txt" "$T/text.back" || fail "ASCII round trip differs"
cmp "$T/big.bin" "$T/rp.back" || fail "reput result differs"
cmp "$T/big.bin" "$T/act.back" || fail "active-mode download differs"
cmp "$T/big.bin" "$ROOT/$d/act.bin" || fail "active-mode upload differs on the server"
[ "$(wc -c < "$ROOT/$d/text.txt")" -gt "$(wc -c < "$T/text.txt")" ] || fail "append did not add"
[ ! -e "$ROOT/$d/big2.bin" ] && [ ! -e "$ROOT/$d/sub" ] || fail "delete/rmdir left files"
expect_in "$T/err" "---- data connection accepted"      # active mode was used
expect_not_in "$T/err" "data TLS TLSv1.$([ "$tls" = 1.2 ] && echo 3 || echo 2)"
[ "$(grep -c "data TLS TLSv$tls" "$T/err")" -ge 110 ] || fail "fewer private data connections than transfers"
if [ "$KIND" != pureftpd ]; then   # vsftpd and ProFTPD require reuse; all resumed
    expect_not_in "$T/err" "session new"
fi

# reget after an interrupted download: the .part holds the first 300000 bytes.
cp "$T/part.bin" "$T/big.bin.dl.part"
printf 'user %s\nreget %s/act.bin %s\n' "$FTP_USER" "$d" "$T/big.bin.dl" > "$T/cmds"
ftpc -s "$T/cmds"
expect_status 0
expect_in "$T/err" "---> REST 300000"
cmp "$T/big.bin" "$T/big.bin.dl" || fail "reget result differs"
[ ! -e "$T/big.bin.dl.part" ] || fail ".part left after reget"

# MLSD / MLST where the server offers them.
printf 'user %s\nmlsd %s\nmlst %s/act.bin\n' "$FTP_USER" "$d" "$d" > "$T/cmds"
ftpc -s "$T/cmds"
if [ "$mlst" = 1 ]; then
    expect_status 0
    expect_in "$T/out" "act.bin"
    grep -qi "size=1048576" "$T/out" || fail "MLST facts missing the size"
else
    expect_status 6
    expect_in "$T/err" "does not offer MLST/MLSD"
fi

# PROT C: allowed, refused outright, or accepted but unusable for transfers.
printf 'user %s\nsecdata c\nsecdata\nput %s %s/clear.bin\nget %s/clear.bin %s\nsecdata p\nls %s\n' \
    "$FTP_USER" "$T/part.bin" "$d" "$d" "$T/clear.back" "$d" > "$T/cmds"
ftpc -s "$T/cmds"
case "$clear" in
ok)
    expect_status 0
    expect_in "$T/out" "data protection: clear"
    cmp "$T/part.bin" "$T/clear.back" || fail "clear download differs"
    expect_in "$T/err" "---> PROT P"
    ;;
refused)
    expect_status 6
    # A refusal never lowers protection: private stays in force, no warning.
    grep -qE "line 2: PROT C: [0-9]{3} .*; data protection stays private" "$T/err" || { cat "$T/err"; fail "the PROT C refusal was not reported"; }
    expect_not_in "$T/err" "warning: data connections are now in clear text"
    ;;
unusable)
    expect_status 6
    grep -qE "line 4: put .*: (STOR .*: )?52[12]|line 4: .*52[12]" "$T/err" || { cat "$T/err"; fail "expected the server to refuse clear transfers"; }
    ;;
*) fail "bad clear= value" ;;
esac
rm -rf "${ROOT:?}/$d"
echo "ok: $name over TLS $tls"
