#!/usr/bin/env python3
"""A scripted, hostile explicit/implicit FTPS server for the tests.

hostile_ftpd.py CERT KEY PORTFILE SCENARIO [DATA_CERT DATA_KEY]

Listens on 127.0.0.1 (the port is written to PORTFILE), serves one client
and exits. SCENARIO picks the misbehaviour; "ok" behaves. A second
certificate, when given, is presented on data connections.

Greeting and replies
  silent        no greeting at all
  longline      a 1 MiB greeting line without a newline
  endless       a multi-line greeting that never ends (2 MiB of lines)
  nul           a NUL byte in the greeting
  nonnumeric    a greeting without a code
  mismatch      a multi-line greeting whose last line has another code
  bytewise      a valid greeting and replies sent one byte at a time
  cut           the connection closes in the middle of the greeting
AUTH
  auth500 auth502 auth534   every AUTH refused with that code
  auth504       AUTH TLS refused with 504, AUTH SSL accepted
  auth504both   both refused with 504
  authclear     234, then clear text instead of a TLS handshake
  implicit      TLS from the first byte; PBSZ/PROT refused
TLS
  oldtls        TLS 1.0/1.1 only
Data
  pasv          EPSV refused; PASV names 127.0.0.2 (must be ignored)
  epsvrange     EPSV with port 70000
  pasvrange     EPSV refused; PASV with a byte of 300
  nodata        EPSV names a port where nothing listens
  truncate      RETR: half the data, no close_notify, then 226
  short         RETR: announces 102400 bytes, sends half properly, 226
  early226      RETR: 226 before the data, then all of it
  after426      RETR: all the data, then 426
  baddata       RETR: the data connection speaks clear text
  stall         RETR: the data connection goes quiet for 5 s
  drop          RETR: part of the data, then both connections close
  portonly      active: EPRT refused, PORT accepted
  foreign       active: the server connects from 127.0.0.2
  activenever   active: the server never connects
Text
  escapes       the greeting, PWD, an error reply and an NLST listing carry
                terminal escape sequences (ESC, BEL, CR, C1 CSI); every
                command received is logged as "CMD <bytes>" on stdout
Data protection (every data connection is logged as "data connection: ...")
  pbszrefused   PBSZ refused (502), PROT refused (503)
  protrefused   PBSZ accepted, PROT P refused (534), PROT C accepted
Replies after a failed data connection (DELE is always refused with 550)
  nohandshake   RETR: 150 and 226 at once; the data connection never
                speaks TLS
  latereply     RETR: 150; no TLS on the data connection; 425 only 2 s
                after the client closed it
  noreply       RETR: 150; no TLS on the data connection and no final reply
Numbers and names outside the reply grammar (RFC 959, RFC 3659)
  badnumbers    SIZE answered "213 -1" ("213 12abc" for the name junk,
                "213 +5" for plus), MDTM with month 13, PWD without the
                closing quote, an MLST reply with size=-1, and RETR's 150
                announcing "(-1 bytes)" before the whole payload
Tree listings
  tree          FEAT offers MLST; MLSD of any folder lists a good file
                (ok.txt, RETR gives the payload) beside names that must
                never become local paths: ../x, .., a/b, /etc/passwd, a
                name with an escape sequence, and sub/../y as a folder
  badhash       FEAT offers MLST, HASH SHA-256 and MFMT; MLSD of a folder
                ending in "up" lists nothing, of any other the good file
                ok.txt; STOR takes the data; HASH always answers a wrong
                SHA-256; each DELE is accepted and logged as "deleted NAME"
  links         FEAT offers MLST; PWD is /hostile; MLSD lists symbolic
                links (OS.unix=slink:TARGET): at the top ok.txt, a folder
                sub, lf -> ok.txt, ld -> sub, abs -> /etc, up -> ../../etc,
                self -> ., untold (no target in MLSD; LIST says
                "untold -> ../secret"); in sub (and so in ld) deep.txt,
                a -> .., b -> a, again -> ../sub, lie -> ../ld/../../x.
                CWD takes the folders (sub, ld, and whatever ends in them),
                SIZE and MDTM the files; RETR always gives the payload
Clear text inside TLS
  oops          PASS answered with "500 OOPS: ..." in clear text on the TLS
                control connection (as vsftpd does when login set-up fails)
"""
import socket
import ssl
import sys
import time

CERT, KEY, PORTFILE, SCENARIO = sys.argv[1:5]
DATA_CERT = sys.argv[5:7] if len(sys.argv) >= 7 else None
PAYLOAD = bytes(range(256)) * 400  # 102400 bytes


def context(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # A hostile server serves what it likes (a 1024-bit key, old TLS): the
    # client must be the one that says no.
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if SCENARIO == "oldtls":
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx


class Control:
    """The control connection, clear or TLS, with byte-at-a-time sending."""

    def __init__(self, sock):
        self.sock = sock
        self.rfile = sock.makefile("rb")

    def wrap(self, ctx):
        self.sock = ctx.wrap_socket(self.sock, server_side=True)
        self.rfile = self.sock.makefile("rb")

    def raw(self, data):
        if SCENARIO == "bytewise":
            for i in range(len(data)):
                self.sock.sendall(data[i:i + 1])
                time.sleep(0.002)
        else:
            self.sock.sendall(data)

    def send(self, line):
        self.raw(line.encode() + b"\r\n")

    def readline(self):
        return self.rfile.readline()


def greeting(c):
    if SCENARIO == "silent":
        time.sleep(10)
        return False
    if SCENARIO == "longline":
        c.raw(b"220 " + b"A" * (1 << 20))
        time.sleep(5)
        return False
    if SCENARIO == "endless":
        c.raw(b"220-start\r\n")
        try:
            for _ in range(200000):
                c.raw(b" more and more\r\n")
        except OSError:
            pass
        time.sleep(2)
        return False
    if SCENARIO == "nul":
        c.raw(b"220 hel\x00lo\r\n")
        time.sleep(2)
        return False
    if SCENARIO == "nonnumeric":
        c.raw(b"hello there\r\n")
        time.sleep(2)
        return False
    if SCENARIO == "mismatch":
        c.raw(b"220-start\r\n221 not the end\r\n")
        time.sleep(5)
        return False
    if SCENARIO == "cut":
        c.raw(b"220-start\r\n220-half a li")
        return False
    if SCENARIO == "escapes":
        c.send("220-\x1b]0;owned-title\x07 welcome \x1b[2J")
    c.send("220-hostile test server")
    c.send("220 ready")
    return True


def main():
    ctx = context(CERT, KEY)
    data_ctx = context(*DATA_CERT) if DATA_CERT else ctx
    listener = socket.create_server(("127.0.0.1", 0))
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    import os
    os.rename(PORTFILE + ".tmp", PORTFILE)
    listener.settimeout(30)
    conn, _ = listener.accept()
    conn.settimeout(30)
    c = Control(conn)
    try:
        if SCENARIO == "implicit" or SCENARIO == "oldtls_implicit":
            c.wrap(ctx)
        if greeting(c):
            serve(c, ctx, data_ctx)
    except (OSError, ssl.SSLError):
        pass


def log(text):
    print(text, flush=True)


def serve(c, ctx, data_ctx):
    data_listener = None
    active_target = None
    state = {"prot": "P" if SCENARIO == "implicit" else "C", "held": []}
    while True:
        raw = c.readline()
        if not raw:
            return
        if SCENARIO == "escapes":
            sys.stdout.buffer.write(b"CMD " + raw)
            sys.stdout.flush()
        cmd, _, arg = raw.decode(errors="replace").strip().partition(" ")
        cmd = cmd.upper()
        if cmd == "AUTH":
            code = SCENARIO[4:7] if SCENARIO.startswith("auth") and SCENARIO[4:7].isdigit() else None
            if SCENARIO == "auth504" and arg.upper() == "TLS":
                code = "504"
            elif SCENARIO == "auth504":
                code = None
            if SCENARIO == "auth504both":
                code = "504"
            if code:
                c.send("%s AUTH %s refused" % (code, arg))
                continue
            c.send("234 go ahead")
            if SCENARIO == "authclear":
                c.send("220 still clear text, no TLS here")
                time.sleep(2)
                return
            c.wrap(ctx)
        elif cmd == "USER":
            c.send("331 password please")
        elif cmd == "PASS" and SCENARIO == "oops":
            import os
            os.write(c.sock.fileno(), b"500 OOPS: cannot change directory:/nonexistent\r\n")
            time.sleep(2)
            return
        elif cmd == "PASS":
            c.send("230 logged in")
        elif SCENARIO == "badnumbers" and cmd in BAD_NUMBERS:
            c.send(BAD_NUMBERS[cmd](arg))
        elif SCENARIO == "badhash" and cmd in BAD_HASH:
            BAD_HASH[cmd](c, arg, data_listener, data_ctx)
        elif SCENARIO == "tree" and cmd == "FEAT":
            c.send("211-Features:\r\n MLST type*;size*;modify*;\r\n211 End")
        elif SCENARIO == "tree" and cmd == "MLSD":
            c.send("150 listing follows")
            data_listener.settimeout(30)
            dconn, _ = data_listener.accept()
            data = data_ctx.wrap_socket(dconn, server_side=True)
            data.sendall(TREE_LISTING.encode())
            data.unwrap().close()
            c.send("226 done")
        elif SCENARIO == "links" and cmd in LINKS:
            LINKS[cmd](c, arg, data_listener, data_ctx)
        elif cmd == "PWD" and SCENARIO == "escapes":
            c.send('257 "/\x1b[31mred\x9b2J" is the current directory')
        elif cmd == "PBSZ" and SCENARIO == "pbszrefused":
            c.send("502 PBSZ not understood")
        elif cmd == "PROT" and SCENARIO == "pbszrefused":
            c.send("503 PBSZ first")
        elif cmd == "PROT" and SCENARIO == "protrefused" and arg.upper() == "P":
            c.send("534 PROT P refused by policy")
        elif cmd == "PROT" and SCENARIO != "implicit":
            state["prot"] = arg.upper()
            c.send("200 protection level %s" % arg.upper())
        elif cmd == "ABOR":
            c.send("225 no transfer to abort")
        elif cmd == "DELE" and SCENARIO == "escapes":
            c.send("550 no \x1b[1mbold\x1b[0m file here")
        elif cmd == "DELE":
            c.send("550 DELE refused: permission denied")
        elif cmd == "PWD":
            c.send('257 "/hostile" is the current directory')
        elif cmd == "NLST" and SCENARIO == "escapes":
            c.send("150 names follow")
            data_listener.settimeout(30)
            dconn, _ = data_listener.accept()
            data = data_ctx.wrap_socket(dconn, server_side=True)
            data.sendall("plain.txt\r\nevil\x1b]0;x\x07.txt\r\nbad\rover.txt\r\n".encode())
            data.unwrap().close()
            c.send("226 done")
        elif cmd in ("PBSZ", "PROT") and SCENARIO == "implicit":
            c.send("502 %s not needed here" % cmd)
        elif cmd in ("PBSZ", "PROT", "TYPE"):
            c.send("200 ok")
        elif cmd == "EPSV":
            if SCENARIO in ("pasv", "pasvrange"):
                c.send("502 EPSV not implemented")
            elif SCENARIO == "epsvrange":
                c.send("229 Entering Extended Passive Mode (|||70000|)")
            elif SCENARIO == "nodata":
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
                s.close()  # nothing listens there now
                c.send("229 Entering Extended Passive Mode (|||%d|)" % port)
            else:
                data_listener = socket.create_server(("127.0.0.1", 0))
                c.send("229 Entering Extended Passive Mode (|||%d|)" % data_listener.getsockname()[1])
        elif cmd == "PASV":
            if SCENARIO == "pasvrange":
                c.send("227 Entering Passive Mode (127,0,0,1,300,1)")
                continue
            data_listener = socket.create_server(("127.0.0.1", 0))
            port = data_listener.getsockname()[1]
            c.send("227 Entering Passive Mode (127,0,0,2,%d,%d)" % (port // 256, port % 256))
        elif cmd == "EPRT":
            if SCENARIO == "portonly":
                c.send("502 EPRT not implemented")
                continue
            parts = arg.split(arg[0])
            active_target = (parts[2], int(parts[3]))
            c.send("200 EPRT ok")
        elif cmd == "PORT":
            n = [int(x) for x in arg.split(",")]
            active_target = ("%d.%d.%d.%d" % tuple(n[:4]), n[4] * 256 + n[5])
            c.send("200 PORT ok")
        elif cmd == "RETR" and active_target is not None and SCENARIO == "activenever":
            c.send("150 connecting to you (not really)")
            time.sleep(3)
            c.send("425 no data connection")
        elif cmd == "RETR" and active_target is not None:
            c.send("150 connecting to you")
            source = ("127.0.0.2", 0) if SCENARIO == "foreign" else ("127.0.0.1", 0)
            try:
                dconn = socket.create_connection(active_target, timeout=10, source_address=source)
                data = data_ctx.wrap_socket(dconn, server_side=True)
                data.sendall(PAYLOAD)
                data.unwrap().close()
                c.send("226 Transfer complete")
            except (OSError, ssl.SSLError):
                c.send("425 the client did not take the data connection")
        elif cmd == "RETR" and SCENARIO in ("nohandshake", "latereply", "noreply"):
            c.send("150 here it comes (%d bytes)" % len(PAYLOAD))
            data_listener.settimeout(30)
            dconn, _ = data_listener.accept()
            log("data connection: accepted, no TLS handshake")
            if SCENARIO == "nohandshake":
                c.send("226 Transfer complete (but the data never came)")
                state["held"].append(dconn)  # open, silent
            elif SCENARIO == "latereply":
                dconn.settimeout(60)
                try:
                    while dconn.recv(4096):
                        pass
                except OSError:
                    pass
                time.sleep(2)
                c.send("425 late: the data connection failed")
            else:
                state["held"].append(dconn)
                time.sleep(30)
                return
        elif cmd == "RETR":
            retr(c, data_ctx, data_listener, state["prot"])
            if SCENARIO == "drop":
                return
        elif cmd == "QUIT":
            c.send("221 bye")
            return
        else:
            c.send("502 not implemented here")


BAD_NUMBERS = {
    "SIZE": lambda arg: {"junk": "213 12abc", "plus": "213 +5"}.get(arg, "213 -1"),
    "MDTM": lambda arg: "213 20261301000000",
    "PWD": lambda arg: '257 "/unclosed is the current directory',
    "FEAT": lambda arg: "211-Features:\r\n MLST type*;size*;\r\n211 End",
    "MLST": lambda arg: "250-Listing %s\r\n type=file;size=-1; %s\r\n250 End" % (arg, arg),
}


def bad_hash_mlsd(c, arg, data_listener, data_ctx):
    c.send("150 listing follows")
    data_listener.settimeout(30)
    dconn, _ = data_listener.accept()
    data = data_ctx.wrap_socket(dconn, server_side=True)
    listing = "type=cdir; .\r\n"
    if not arg.endswith("up"):
        listing += "type=file;size=%d;modify=20240506070809; ok.txt\r\n" % len(PAYLOAD)
    data.sendall(listing.encode())
    data.unwrap().close()
    c.send("226 done")


def bad_hash_stor(c, arg, data_listener, data_ctx):
    c.send("150 send it")
    data_listener.settimeout(30)
    dconn, _ = data_listener.accept()
    data = data_ctx.wrap_socket(dconn, server_side=True)
    got = 0
    while True:
        chunk = data.recv(65536)
        if not chunk:
            break
        got += len(chunk)
    try:
        data.unwrap().close()
    except (OSError, ssl.SSLError):
        data.close()
    log("stored %s %d bytes" % (arg, got))
    c.send("226 stored")


def bad_hash_dele(c, arg, data_listener, data_ctx):
    log("deleted %s" % arg)
    c.send("250 deleted")


BAD_HASH = {
    "FEAT": lambda c, arg, dl, dc: c.send("211-Features:\r\n MLST type*;size*;modify*;\r\n HASH SHA-256*\r\n"
                                         " MFMT\r\n211 End"),
    "MLSD": bad_hash_mlsd,
    "STOR": bad_hash_stor,
    "DELE": bad_hash_dele,
    "MKD": lambda c, arg, dl, dc: c.send('257 "%s" made' % arg),
    "MFMT": lambda c, arg, dl, dc: c.send("213 Modify=%s" % arg),
    "HASH": lambda c, arg, dl, dc: c.send("213 SHA-256 0-%d %s %s" % (len(PAYLOAD), "0" * 64, arg)),
}


TREE_LISTING = "".join("%s\r\n" % line for line in [
    "type=cdir; .",
    "type=file;size=%d;modify=20240506070809; ok.txt" % len(PAYLOAD),
    "type=file;size=1;modify=20240506070809; ../x",
    "type=file;size=1; ..",
    "type=file;size=1; a/b",
    "type=file;size=1; /etc/passwd",
    "type=file;size=1; esc\x1b]0;owned\x07name",
    "type=dir; sub/../y",
])


LINKS_TOP = [
    "type=cdir; .",
    "type=file;size=%d;modify=20240506070809; ok.txt" % len(PAYLOAD),
    "type=dir;modify=20240506070809; sub",
    "type=OS.unix=slink:ok.txt;size=6; lf",
    "type=OS.unix=slink:sub;size=3; ld",
    "type=OS.unix=slink:/etc;size=4; abs",
    "type=OS.unix=slink:../../etc;size=9; up",
    "type=OS.unix=slink:.;size=1; self",
    "type=OS.unix=slink:;size=9; untold",
]
LINKS_SUB = [
    "type=cdir; .",
    "type=file;size=%d;modify=20240506070809; deep.txt" % len(PAYLOAD),
    "type=OS.unix=slink:..;size=2; a",
    "type=OS.unix=slink:a;size=1; b",
    "type=OS.unix=slink:../sub;size=6; again",
    "type=OS.unix=slink:../ld/../../x;size=14; lie",
]
LINKS_LS = {
    "top": ["lrwxrwxrwx 1 0 0 9 Dec 02 03:26 untold -> ../secret"],
    "sub": [],
}


def links_folder(path):
    """Which listing a path gets: the server follows its own links."""
    last = path.rstrip("/").split("/")[-1]
    return "sub" if last in ("sub", "ld", "again") else "top"


def links_send(c, data_listener, data_ctx, lines):
    c.send("150 listing follows")
    data_listener.settimeout(30)
    dconn, _ = data_listener.accept()
    data = data_ctx.wrap_socket(dconn, server_side=True)
    data.sendall("".join("%s\r\n" % line for line in lines).encode())
    data.unwrap().close()
    c.send("226 done")


def links_cwd(c, arg, dl, dc):
    last = arg.rstrip("/").split("/")[-1]
    if last in ("hostile", "sub", "ld", "again", "self", "a", "b") or arg == "/hostile":
        c.send("250 ok")
    else:
        c.send("550 not a folder")


def links_file(c, arg, reply):
    if arg.split("/")[-1] in ("lf", "ok.txt", "deep.txt"):
        c.send(reply)
    else:
        c.send("550 no such file")


LINKS = {
    "FEAT": lambda c, arg, dl, dc: c.send("211-Features:\r\n MLST type*;size*;modify*;\r\n211 End"),
    "PWD": lambda c, arg, dl, dc: c.send('257 "/hostile" is the current directory'),
    "MLSD": lambda c, arg, dl, dc: links_send(c, dl, dc, LINKS_SUB if links_folder(arg) == "sub" else LINKS_TOP),
    "LIST": lambda c, arg, dl, dc: links_send(c, dl, dc, LINKS_LS[links_folder(arg.replace("-a ", ""))]),
    "CWD": links_cwd,
    "SIZE": lambda c, arg, dl, dc: links_file(c, arg, "213 %d" % len(PAYLOAD)),
    "MDTM": lambda c, arg, dl, dc: links_file(c, arg, "213 20240506070809"),
}


def retr(c, data_ctx, data_listener, prot):
    announced = "-1" if SCENARIO == "badnumbers" else str(len(PAYLOAD))
    c.send("150 here it comes (%s bytes)" % announced)
    data_listener.settimeout(30)
    dconn, _ = data_listener.accept()
    log("data connection: accepted, protection %s" % prot)
    if prot == "C" and SCENARIO in ("pbszrefused", "protrefused"):
        dconn.sendall(PAYLOAD)
        dconn.close()
        c.send("226 Transfer complete (clear text)")
        return
    if SCENARIO == "baddata":
        dconn.sendall(b"this is not TLS at all\r\n" * 10)
        dconn.close()
        c.send("425 data connection failed")
        return
    if SCENARIO == "early226":
        c.send("226 Transfer complete (before the data)")
    try:
        data = data_ctx.wrap_socket(dconn, server_side=True)
    except (OSError, ssl.SSLError):
        c.send("425 TLS negotiation on the data connection failed")
        return
    if SCENARIO == "stall":
        time.sleep(5)
        data.close()
        c.send("426 transfer aborted")
    elif SCENARIO in ("truncate", "drop"):
        data.sendall(PAYLOAD[: len(PAYLOAD) // 2])
        dconn.shutdown(socket.SHUT_RDWR)  # no close_notify
        data.close()
        if SCENARIO == "truncate":
            c.send("226 Transfer complete (not really)")
        else:
            c.sock.close()
    elif SCENARIO == "short":
        data.sendall(PAYLOAD[: len(PAYLOAD) // 2])
        data.unwrap().close()
        c.send("226 Transfer complete")
    else:
        data.sendall(PAYLOAD)
        data.unwrap().close()
        if SCENARIO == "after426":
            c.send("426 Connection closed; transfer aborted")
        elif SCENARIO != "early226":
            c.send("226 Transfer complete")


if __name__ == "__main__":
    main()
