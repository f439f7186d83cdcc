#!/usr/bin/env bash
# The interactive shell, driven in a real terminal (tmux): the password is
# not echoed, the prompt shows the security state, tab completion of
# subcommands and remote names, history kept across runs without
# passwords, Ctrl-C during a download keeps NAME.part and reget completes
# it, and two Ctrl-C at the prompt quit.
. "$(dirname "$0")/lib.sh"
make_store ca
server slow   # 2 MB/s, so a download lasts long enough to interrupt
head -c 12000000 /dev/urandom > "$ROOT/big-$$.bin"
printf 'abc' > "$ROOT/two words-$$.txt"
printf 'abcd' > "$ROOT/-dash-$$.txt"
printf 'abcde' > "$ROOT/q\"uote-$$.txt"
chown "$FTP_USER" "$ROOT/big-$$.bin" "$ROOT/two words-$$.txt" "$ROOT/-dash-$$.txt" "$ROOT/q\"uote-$$.txt"
mkdir -p "$T/home" "$T/work"
terminal
start_shell() {
    tm new-session -d -s ftpc -x 200 -y 50 \
        "cd '$T/work' && HOME='$T/home' '$FTPC' --store '$T/store.db' 127.0.0.1 $PORT; echo ftpc-ended; sleep 30"
}

start_shell
wait_for "ftpc tls:C 127.0.0.1:?>"
tm send-keys -t ftpc "user $FTP_USER" Enter
wait_for "Password for $FTP_USER@127.0.0.1:"
tm send-keys -t ftpc "$FTP_PASSWORD" Enter
wait_for "230 Login successful."
screen | grep -qF "$FTP_PASSWORD" && fail "the password was echoed"
wait_for "ftpc tls:P 127.0.0.1:$ROOT>"

# Completion: a subcommand, then a remote name.
tm send-keys -t ftpc "secd" Tab
wait_for "> secdata"
tm send-keys -t ftpc Enter
wait_for "data protection: private"
# completes TYPED SHOWN SIZE: TYPED then Tab shows "> SHOWN"; Enter runs it
# and SIZE appears on a line of its own.
completes() {
    tm send-keys -t ftpc -l "$1"
    tm send-keys -t ftpc Tab
    wait_for "> $2"
    tm send-keys -t ftpc Enter
    wait_for_line "^$3\$"
}
completes "size big-" "size big-$$.bin" 12000000
# Names that are not plain words are inserted quoted, and a name that
# starts with '-' after "--", so each stays one argument and no option.
completes "size two" "size \"two words-$$.txt\"" 3
completes 'size "two w' "size \"two words-$$.txt\"" 3
completes "size -da" "size -- -dash-$$.txt" 4
completes "size q" "size \"q\\\"uote-$$.txt\"" 5
# Lines that carry or may carry a secret stay out of the history.
tm send-keys -t ftpc "site HELP" Enter
tm send-keys -t ftpc "quote NOOP" Enter
tm send-keys -t ftpc "hunter2-$$" Enter
wait_for "unknown subcommand"

# Ctrl-C during a download: ABOR, the part kept, the prompt back.
tm send-keys -t ftpc "get big-$$.bin" Enter
wait_for "150 Opening BINARY mode"
wait_for "ETA" 5          # the progress bar: bytes, percent, rate, time left
tm send-keys -t ftpc C-c
wait_for "interrupted after"
wait_for "reget continues it"
[ -s "$T/work/big-$$.bin.part" ] || fail "no .part after Ctrl-C"
[ ! -e "$T/work/big-$$.bin" ] || fail "an interrupted download took the final name"
part=$(stat -c %s "$T/work/big-$$.bin.part")
[ "$part" -lt 12000000 ] || fail "the download was not interrupted"
tm send-keys -t ftpc "status" Enter
wait_for "Last data connection: TLSv1"
tm send-keys -t ftpc "reget big-$$.bin" Enter

wait_for "received big-$$.bin: $((12000000 - part)) bytes" 15
cmp "$ROOT/big-$$.bin" "$T/work/big-$$.bin" || fail "reget result differs"

# Two Ctrl-C at the prompt quit.
tm send-keys -t ftpc C-c
wait_for "Ctrl-C again or Ctrl-D to quit"
tm send-keys -t ftpc C-c
wait_for "ftpc-ended"
tm kill-session -t ftpc

# History: kept without the password line, and recalled with Up.
grep -q "^size.*big-$$.bin" "$T/home/.ftpc_history" || fail "history not saved"
grep -qF "$FTP_PASSWORD" "$T/home/.ftpc_history" && fail "a password reached the history"
grep -qE "^(site|quote|hunter2|user)" "$T/home/.ftpc_history" && { cat "$T/home/.ftpc_history" >&2; fail "a line that may carry a secret reached the history"; }
[ "$(stat -c %a "$T/home/.ftpc_history")" = 600 ] || fail "history file readable by others"
start_shell
wait_for "ftpc tls:C 127.0.0.1:?>"
tm send-keys -t ftpc Up
wait_for "> reget big-$$.bin"
tm send-keys -t ftpc C-u C-d
wait_for "ftpc-ended"
rm -f "$ROOT/big-$$.bin" "$ROOT/two words-$$.txt" "$ROOT/-dash-$$.txt" "$ROOT/q\"uote-$$.txt"
echo "ok: interactive shell"
