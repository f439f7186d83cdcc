#!/usr/bin/env python3
"""A scripted explicit-FTPS server for cases a real server will not produce.

fake_ftps.py CERT KEY PORTFILE SCENARIO

Listens on 127.0.0.1 (port written to PORTFILE), serves one client, exits.
Scenarios:
  pasv      EPSV is refused (502); PASV answers with the address 127.0.0.2,
            while the data listener is on 127.0.0.1 only: a client that
            trusted the PASV address could not connect.
  truncate  RETR sends part of the file and closes the TLS data connection
            without close_notify, then claims "226" anyway.
  auth504   AUTH TLS is refused with 504; AUTH SSL is accepted.
  auth502   every AUTH is refused with 502.
  baddata   RETR: the data connection speaks clear text, not TLS; 425 follows.
  stall     RETR: the TLS data connection goes quiet for 5 s; 426 follows.
  silent    no greeting at all for 10 s.
  portonly  active mode: EPRT is refused (502), PORT accepted; the server
            connects to the client for RETR.
  foreign   active mode: EPRT accepted, but the server connects from
            127.0.0.2, which is not the server's address.
  short     RETR announces 102400 bytes, sends half with a proper TLS end
            and 226: the client must notice the short transfer.
  implicit  TLS from the first byte; PBSZ and PROT are refused (the
            implied private level stays) and RETR works over TLS.
"""
import socket
import ssl
import sys

CERT, KEY, PORTFILE, SCENARIO = sys.argv[1:5]
PAYLOAD = bytes(range(256)) * 400  # 102400 bytes


def main():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(CERT, KEY)
    listener = socket.create_server(("127.0.0.1", 0))
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    import os
    os.rename(PORTFILE + ".tmp", PORTFILE)
    listener.settimeout(30)
    conn, _ = listener.accept()
    conn.settimeout(30)
    serve(ctx, conn)


def serve(ctx, conn):
    rfile = conn.makefile("rb")

    def send(line):
        ctrl.sendall(line.encode() + b"\r\n")

    ctrl = conn
    if SCENARIO == "implicit":
        ctrl = ctx.wrap_socket(conn, server_side=True)
        rfile = ctrl.makefile("rb")
    if SCENARIO == "silent":
        import time
        time.sleep(10)
        return
    send("220 fake server ready")
    data_listener = None
    active_target = None
    while True:
        raw = rfile.readline()
        if not raw:
            return
        cmd, _, arg = raw.decode(errors="replace").strip().partition(" ")
        cmd = cmd.upper()
        if cmd == "AUTH":
            if SCENARIO == "auth502" or (SCENARIO == "auth504" and arg.upper() == "TLS"):
                send("%s AUTH %s not available" % ("502" if SCENARIO == "auth502" else "504", arg))
                continue
            send("234 go ahead")
            ctrl = ctx.wrap_socket(conn, server_side=True)
            rfile = ctrl.makefile("rb")
        elif cmd == "PWD":
            send('257 "/fake" is the current directory')
        elif cmd == "USER":
            send("331 password please")
        elif cmd == "PASS":
            send("230 logged in")
        elif cmd in ("PBSZ", "PROT") and SCENARIO == "implicit":
            send("502 %s not needed here" % cmd)
        elif cmd in ("PBSZ", "PROT", "TYPE"):
            send("200 ok")
        elif cmd == "EPSV":
            if SCENARIO == "pasv":
                send("502 EPSV not implemented")
            else:
                data_listener = socket.create_server(("127.0.0.1", 0))
                send("229 Entering Extended Passive Mode (|||%d|)" % data_listener.getsockname()[1])
        elif cmd == "EPRT":
            if SCENARIO == "portonly":
                send("502 EPRT not implemented")
                continue
            parts = arg.split(arg[0])
            active_target = (parts[2], int(parts[3]))
            send("200 EPRT ok")
        elif cmd == "PORT":
            n = [int(x) for x in arg.split(",")]
            active_target = ("%d.%d.%d.%d" % tuple(n[:4]), n[4] * 256 + n[5])
            send("200 PORT ok")
        elif cmd == "PASV":
            data_listener = socket.create_server(("127.0.0.1", 0))
            port = data_listener.getsockname()[1]
            send("227 Entering Passive Mode (127,0,0,2,%d,%d)" % (port // 256, port % 256))
        elif cmd == "RETR" and SCENARIO in ("portonly", "foreign"):
            send("150 connecting to you")
            source = ("127.0.0.2", 0) if SCENARIO == "foreign" else ("127.0.0.1", 0)
            try:
                dconn = socket.create_connection(active_target, timeout=10, source_address=source)
                data = ctx.wrap_socket(dconn, server_side=True)
                data.sendall(PAYLOAD)
                data.unwrap().close()
                send("226 Transfer complete")
            except (OSError, ssl.SSLError):
                send("425 the client did not take the data connection")
        elif cmd == "RETR":
            send("150 here it comes (%d bytes)" % len(PAYLOAD))
            data_listener.settimeout(30)
            dconn, _ = data_listener.accept()
            if SCENARIO == "baddata":
                dconn.sendall(b"this is not TLS at all\r\n" * 10)
                dconn.close()
                send("425 data connection failed")
                continue
            data = ctx.wrap_socket(dconn, server_side=True)
            if SCENARIO == "stall":
                import time
                time.sleep(5)
                data.close()
                send("426 transfer aborted")
                continue
            if SCENARIO == "short":
                data.sendall(PAYLOAD[: len(PAYLOAD) // 2])
                data.unwrap().close()
                send("226 Transfer complete")
                continue
            if SCENARIO == "truncate":
                data.sendall(PAYLOAD[: len(PAYLOAD) // 2])
                # Close the socket under TLS: no close_notify.
                dconn.shutdown(socket.SHUT_RDWR)
                data.close()
                send("226 Transfer complete (not really)")
            else:
                data.sendall(PAYLOAD)
                data.unwrap().close()
                send("226 Transfer complete")
        elif cmd == "QUIT":
            send("221 bye")
            return
        else:
            send("502 not implemented here")


if __name__ == "__main__":
    main()
