#!/usr/bin/env python3
"""A CRL distribution point for the crl refresh tests, on 127.0.0.1 at a
free port (written to PORTFILE): the files of DIR over HTTP, or HTTPS with
CERT and KEY. /hang/... accepts the request and never answers; /redirect/X
answers 302 to X."""
import http.server
import os
import ssl
import sys
import time

root, portfile = sys.argv[1], sys.argv[2]
tls = sys.argv[3:5] if len(sys.argv) >= 5 else None


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def do_GET(self):
        if self.path.startswith("/hang/"):
            time.sleep(60)
            return
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/redirect/"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[0], tls[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
tmp = portfile + ".tmp"
with open(tmp, "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(tmp, portfile)
srv.serve_forever()
