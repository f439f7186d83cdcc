#!/usr/bin/env python3
"""Python's ftplib.FTP_TLS as a benchmark peer, made to resume the control
connection's TLS session on data connections (stock ftplib does not, and
vsftpd refuses it then). With TLS 1.3 each data connection resumes the
newest session seen, which the server renews on every data connection.

ftplib_client.py HOST PORT USER PASSWORD CAFILE PROT ACTION ARGS...
  ACTION: get REMOTE LOCAL | put LOCAL REMOTE | mget DIR LOCALDIR |
          mput LOCALDIR DIR | login
"""
import ftplib
import os
import ssl
import sys


class ReusingFTP(ftplib.FTP_TLS):
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            session = getattr(self, "_latest", None) or self.sock.session
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=session)
            self._data = conn
        return conn, size

    def _remember(self):
        data = getattr(self, "_data", None)
        if data is not None and data.session is not None:
            self._latest = data.session
        self._data = None


def main():
    host, port, user, password, cafile, prot, action = sys.argv[1:8]
    args = sys.argv[8:]
    ctx = ssl.create_default_context(cafile=cafile)
    ftp = ReusingFTP(context=ctx)
    ftp.connect(host, int(port))
    ftp.auth()
    ftp.login(user, password)
    if prot == "P":
        ftp.prot_p()
    else:
        ftp.prot_c()

    def get(remote, local):
        with open(local, "wb") as f:
            ftp.retrbinary("RETR " + remote, f.write, blocksize=1 << 18)
        ftp._remember()

    def put(local, remote):
        with open(local, "rb") as f:
            ftp.storbinary("STOR " + remote, f, blocksize=1 << 18)
        ftp._remember()

    if action == "get":
        get(args[0], args[1])
    elif action == "put":
        put(args[0], args[1])
    elif action == "mget":
        names = ftp.nlst(args[0])
        ftp._remember()
        for n in names:
            if os.path.basename(n) in (".", ".."):
                continue  # Pure-FTPd lists them
            # vsftpd answers with "DIR/NAME", Pure-FTPd with bare names.
            remote = n if "/" in n else args[0] + "/" + n
            get(remote, os.path.join(args[1], os.path.basename(n)))
    elif action == "mput":
        for n in sorted(os.listdir(args[0])):
            put(os.path.join(args[0], n), args[1] + "/" + n)
    ftp.quit()


if __name__ == "__main__":
    main()
