#!/usr/bin/env bash
# ftpc's sandbox against real servers: status and -d say what is in force;
# a batch file's lcd and get targets, a one-shot get's and mirror's LOCAL
# and the -o file outside the starting folder are written; subcommands on
# standard input writing elsewhere are refused with words that name the
# sandbox and --allow-write (lcd warns first), and --allow-write lets
# them; --no-sandbox warns and confines nothing; the Landlock ABI can be
# capped (Debian 12's kernel has 2), and a bad cap is a usage error.
. "$(dirname "$0")/lib.sh"
make_store ca
server proftpd
PRO_PORT=$PORT
PRO_ROOT=$ROOT
mkdir -p "$T/start" "$T/batch" "$T/piped" "$T/extra" "$T/oneshot" "$T/logs" "$T/tree"
cd "$T/start"
S=(--store "$T/store.db")
name="sb-$$.txt"
echo "sandboxed $$" > "$MAIN_ROOT/$name"
chown "$FTP_USER" "$MAIN_ROOT/$name"
trap 'rm -rf "$T" "$MAIN_ROOT/$name" "$PRO_ROOT/sbtree$$"' EXIT
ftpc() { FTPC_PASSWORD=$FTP_PASSWORD run "$FTPC" "${S[@]}" "$@"; }

# The kernel's Landlock ABI (0: none), as the sandbox asks it; ftpc knows
# ABIs up to 7.
kernel_abi=$(python3 -c 'import ctypes; r = ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1); print(max(r, 0))')
[ "$kernel_abi" -gt 0 ] || fail "this kernel has no Landlock: the write scope cannot be tested (the seccomp filter is, by the unit test)"
abi=$(( kernel_abi > 7 ? 7 : kernel_abi ))

# 1. A batch file is read ahead: its lcd folder and get's LOCAL are written.
printf 'user %s\nlcd %s\nget %s\nget %s %s/copy.txt\nstatus\n' "$FTP_USER" "$T/batch" "$name" \
    "$name" "$T/extra" > "$T/cmds"
ftpc -d -s "$T/cmds" 127.0.0.1 "$MAIN_PORT"
expect_status 0
cmp -s "$MAIN_ROOT/$name" "$T/batch/$name" || fail "the batch's download after lcd is missing"
cmp -s "$MAIN_ROOT/$name" "$T/extra/copy.txt" || fail "the batch's get LOCAL is missing"
expect_in "$T/out" "Sandbox: seccomp filter, Landlock ABI $abi; writes only in (and below): $T/start, $T/batch, $T/extra; and to: /dev/null"
expect_in "$T/err" "---- sandbox: seccomp filter, Landlock ABI $abi;"
expect_not_in "$T/err" "warning"
rm -f "$T/batch/$name" "$T/extra/copy.txt"

# 2. Subcommands on standard input are not read ahead: a download outside
# the scope is refused, after lcd's warning, and nothing is left there.
printf 'user %s\nlcd %s\nget %s\nstatus\n' "$FTP_USER" "$T/piped" "$name" > "$T/stdin"
piped() { ftpc "$@" 127.0.0.1 "$MAIN_PORT" < "$T/stdin"; }
piped
expect_status 7
expect_in "$T/err" "ftpc: warning: downloads here will fail: the sandbox allows no writes in $T/piped (status lists where it does); start ftpc with --allow-write $T/piped to allow them"
expect_in "$T/err" "cannot write $name.part: the sandbox allows no writes in $T/piped"
[ -z "$(ls -A "$T/piped")" ] || fail "a refused download left something behind"
# ... and --allow-write lets it, without a warning.
piped --allow-write "$T/piped"
expect_status 0
cmp -s "$MAIN_ROOT/$name" "$T/piped/$name" || fail "the download allowed with --allow-write is missing"
expect_not_in "$T/err" "sandbox"
rm -f "$T/piped/$name"

# 3. One-shot get and mirror write their LOCAL; -o FILE is written too.
ftpc -o "$T/logs/log.txt" get "ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/$name" "$T/oneshot/one.txt"
expect_status 0
cmp -s "$MAIN_ROOT/$name" "$T/oneshot/one.txt" || fail "the one-shot get's LOCAL is missing"
[ -f "$T/logs/log.txt" ] || fail "-o FILE outside the starting folder was not written"
mkdir -p "$PRO_ROOT/sbtree$$/sub"
echo deep > "$PRO_ROOT/sbtree$$/sub/deep.txt"
chown -R "$FTP_USER" "$PRO_ROOT/sbtree$$"
ftpc mirror "ftpes://$FTP_USER@127.0.0.1:$PRO_PORT/sbtree$$/" "$T/tree/copy"
expect_status 0
cmp -s "$PRO_ROOT/sbtree$$/sub/deep.txt" "$T/tree/copy/sub/deep.txt" || fail "the one-shot mirror into a new folder is missing"

# 4. --no-sandbox: a warning, status says so, and nothing is confined.
piped --no-sandbox
expect_status 0
expect_in "$T/err" "ftpc: warning: --no-sandbox: nothing confines ftpc (no seccomp filter, no Landlock); use it only to debug"
expect_in "$T/out" "Sandbox: off (--no-sandbox)"
cmp -s "$MAIN_ROOT/$name" "$T/piped/$name" || fail "the download without the sandbox is missing"
rm -f "$T/piped/$name"

# 5. The masks of an older kernel: Landlock ABI 2 confines as well.
printf 'user %s\nget %s\nlcd %s\nget %s\n' "$FTP_USER" "$name" "$T/piped" "$name" > "$T/stdin"
FTPC_SANDBOX_LANDLOCK_ABI=2 piped -d
expect_status 7
expect_in "$T/err" "---- sandbox: seccomp filter, Landlock ABI 2;"
cmp -s "$MAIN_ROOT/$name" "$T/start/$name" || fail "the download at ABI 2 is missing"
expect_in "$T/err" "cannot write $name.part: the sandbox allows no writes in $T/piped"
[ -z "$(ls -A "$T/piped")" ] || fail "a refused download at ABI 2 left something behind"
FTPC_SANDBOX_LANDLOCK_ABI=9 ftpc ls "ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/"
expect_status 2
expect_in "$T/err" "FTPC_SANDBOX_LANDLOCK_ABI takes a Landlock ABI from 1 to 7, not '9'"
ftpc --allow-write "$T/none" ls "ftpes://$FTP_USER@127.0.0.1:$MAIN_PORT/"
expect_status 2
expect_in "$T/err" "--allow-write $T/none: no such folder"
expect_no_password
echo "ok: the sandbox confines writes, reports itself and can be turned off"
