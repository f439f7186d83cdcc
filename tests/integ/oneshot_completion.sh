#!/usr/bin/env bash
# Tab completion of remote folders in the shell, in a real terminal
# (tmux): a folder is completed with '/' and no blank, the next Tab lists
# it and completes inside it, down to a file; a folder whose name
# holds a control character is never offered. Against vsftpd (LIST) and
# ProFTPD (LIST, then MLSD once FEAT is known).
. "$(dirname "$0")/lib.sh"
make_store ca
mkdir -p "$T/home" "$T/work"
terminal
check_server() { # NAME [mlsd]: with mlsd, FEAT is known first, so completion lists with MLSD
    server "$1"
    local top=tree-$$
    mkdir -p "$ROOT/$top/sub-$$" "$ROOT/$top/bad$(printf '\033')[2Jdir-$$"
    printf '12345' > "$ROOT/$top/sub-$$/leaf-$$.txt"
    chown -R "$FTP_USER" "$ROOT/$top"
    printf 'machine 127.0.0.1\n  login %s\n  password %s\n' "$FTP_USER" "$FTP_PASSWORD" > "$T/home/.netrc"
    chmod 600 "$T/home/.netrc"
    tm new-session -d -s ftpc -x 200 -y 50 \
        "cd '$T/work' && HOME='$T/home' '$FTPC' --store '$T/store.db' 127.0.0.1 $PORT; echo ftpc-ended; sleep 30"
    wait_for "ftpc tls:P 127.0.0.1:"
    if [ "${2:-}" = mlsd ]; then
        tm send-keys -t ftpc "mlsd tree-$$" Enter
        wait_for_line "type=dir.* sub-$$\$"
        tm send-keys -t ftpc C-l   # the listing names the bad folder (made visible): off the screen
        sleep 0.5
        tm clear-history -t ftpc
    fi
    # The top folder: '/' and no blank; Tab again descends (its one folder
    # that is safe to show); once more completes the file, with a blank.
    tm send-keys -t ftpc -l "size tree-$$"
    tm send-keys -t ftpc Tab
    wait_for "> size tree-$$/"
    screen | grep -qF "> size tree-$$/ " && fail "$1: a blank after the folder's /"
    tm send-keys -t ftpc Tab
    wait_for "> size tree-$$/sub-$$/"
    tm send-keys -t ftpc Tab
    wait_for "> size tree-$$/sub-$$/leaf-$$.txt"
    tm send-keys -t ftpc Enter
    wait_for_line "^5\$"
    # The folder with an escape sequence in its name is never offered:
    # "tree-/b" has only it, so nothing is completed.
    tm send-keys -t ftpc -l "size tree-$$/b"
    tm send-keys -t ftpc Tab
    sleep 1
    screen | grep -q "dir-$$" && fail "$1: a name with a control character was offered"
    tm send-keys -t ftpc C-u
    # cd completes folders the same way.
    tm send-keys -t ftpc -l "cd tree-$$/s"
    tm send-keys -t ftpc Tab
    wait_for "> cd tree-$$/sub-$$/"
    tm send-keys -t ftpc Enter
    wait_for "tree-$$/sub-$$>"
    tm send-keys -t ftpc C-d
    wait_for "ftpc-ended"
    tm kill-session -t ftpc
    rm -rf "${ROOT:?}/$top"
}
check_server main
check_server proftpd
check_server proftpd mlsd
echo "ok: completion of remote folders"
