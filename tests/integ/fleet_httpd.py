#!/usr/bin/env python3
"""A bad web server for the fleet tests, on 127.0.0.1.

fleet_httpd.py hang PORTFILE          accepts and never answers
fleet_httpd.py truncate PORTFILE DIR  serves DIR's files, but sends only half
                                      of each snapshot-*.db (with the full
                                      Content-Length) and closes
fleet_httpd.py hold PORTFILE DIR      serves DIR's files; while PORTFILE.hold
                                      exists, the next snapshot-*.db request
                                      takes it: the file is read, PORTFILE.held
                                      is made, and the answer waits until the
                                      test removes PORTFILE.held (two syncs
                                      made to overlap)
In every mode but hang, a path /to-PORT/NAME is answered with a redirect to
http://127.0.0.1:PORT/NAME. The port it listens on is written to PORTFILE.
"""
import os
import socket
import sys
import threading
import time

mode, portfile = sys.argv[1], sys.argv[2]
root = sys.argv[3] if len(sys.argv) > 3 else None
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
held = []


def serve(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            conn.close()
            return
        data += chunk
    path = data.split(b" ")[1].decode("ascii", "replace").lstrip("/")
    if path.startswith("to-"):
        port, _, rest = path[3:].partition("/")
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%s/%s\r\n"
                     b"Content-Length: 0\r\nConnection: close\r\n\r\n" % (port.encode(), rest.encode()))
        conn.close()
        return
    name = os.path.basename(path)
    full = os.path.join(root, name)
    if not os.path.isfile(full):
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        conn.close()
        return
    body = open(full, "rb").read()
    sent = body[: len(body) // 2] if mode == "truncate" and name.startswith("snapshot-") else body
    if mode == "hold" and name.startswith("snapshot-"):
        try:
            os.rename(portfile + ".hold", portfile + ".taken")
            open(portfile + ".held", "w").close()
            for _ in range(600):
                if not os.path.exists(portfile + ".held"):
                    break
                time.sleep(0.05)
        except FileNotFoundError:
            pass  # not held: answered at once
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body))
    conn.sendall(sent)
    conn.close()


while True:
    c, _ = srv.accept()
    if mode == "hang":
        held.append(c)  # never answered, never closed
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
