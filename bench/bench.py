#!/usr/bin/env python3
"""The benchmark: ftpc side by side with curl, lftp and Python's ftplib
against the same local servers, in one run; ftpc-nosandbox is ftpc with
--no-sandbox, so the sandbox's cost shows beside it. Prints a Markdown table and
writes it to bench/results/latest.md. Started by bench/run.

Every figure is a median of several runs, with min and max. Client CPU and
peak memory come from the kernel's accounting of each client process
(wait4). Files land in a RAM folder so that the disk is not measured.
"""
import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(TOP, "scripts")


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


CLIENT_TIME_LIMIT = 120  # seconds; a client that hangs is stopped and reported
SLOW_RUN = 30  # seconds; a client this slow is not run again


class ClientTimeout(RuntimeError):
    pass


# Clients run on the last core and servers on the others, so that a client
# and its server never compete for one core (on 2 cores the scheduler
# otherwise decides much of the result).
_CPUS = sorted(os.sched_getaffinity(0))
CLIENT_CPUS = {_CPUS[-1]} if len(_CPUS) > 1 else set(_CPUS)
SERVER_CPUS = set(_CPUS[:-1]) if len(_CPUS) > 1 else set(_CPUS)


def pin(cpus):
    return lambda: os.sched_setaffinity(0, cpus)


def machine_busy():
    """Seconds all cores of the machine have spent busy (not idle, not
    waiting for I/O) since boot: /proc/stat's first line. Includes what is
    charged to no process: interrupts and the softirqs that carry loopback
    TCP between a client and its server."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is in user)
    return (sum(v[:8]) - v[3] - v[4]) / float(os.sysconf("SC_CLK_TCK"))


def run_client(argv, env=None, stdin=None, cpus=None):
    """Runs one client (on cpus, by default the clients' core); returns
    (wall s, user+sys CPU s, peak RSS KiB, machine busy s during the run)."""
    import threading
    busy0 = machine_busy()
    t0 = time.monotonic()
    p = subprocess.Popen(argv, env=env, stdin=stdin, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, preexec_fn=pin(cpus or CLIENT_CPUS))
    timer = threading.Timer(CLIENT_TIME_LIMIT, p.kill)
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    wall = time.monotonic() - t0
    if wall >= CLIENT_TIME_LIMIT:
        p.stderr.close()
        raise ClientTimeout("%s stopped after %d s" % (os.path.basename(argv[0]), CLIENT_TIME_LIMIT))
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError("%s failed (%d): %s" % (argv[0], code, err[-400:]))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, machine_busy() - busy0


class Servers:
    def __init__(self, work, kinds):
        self.work = work
        self.pki = os.path.join(work, "pki")
        sh(os.path.join(SCRIPTS, "make-test-pki"), self.pki)
        sh(os.path.join(SCRIPTS, "local-ftpd"), "user", work)
        self.password = open(os.path.join(work, "password")).read().strip()
        self.user = open(os.path.join(work, "user")).read().strip()
        self.info = {}
        for kind in kinds:
            sh(os.path.join(SCRIPTS, "local-ftpd"), "start", work, kind, kind,
               os.path.join(self.pki, "server.pem"), os.path.join(self.pki, "server.key"), "clear-data",
               *(["quiet"] if kind == "vsftpd" else []), stdout=subprocess.DEVNULL)
            env = dict(line.strip().split("=", 1) for line in open(os.path.join(work, kind + ".env")))
            self.info[kind] = env
            # The server and every process it forks later stay off the clients' core.
            sh("taskset", "-a", "-p", "-c", ",".join(str(c) for c in sorted(SERVER_CPUS)), env["PID"],
               stdout=subprocess.DEVNULL)

    def stop(self):
        for kind in self.info:
            subprocess.run([os.path.join(SCRIPTS, "local-ftpd"), "stop", self.work, kind])
        subprocess.run([os.path.join(SCRIPTS, "local-ftpd"), "forget", self.work])


class Clients:
    """How each client downloads, uploads, copies many files and logs in."""

    def __init__(self, bench, srv):
        self.b = bench
        self.srv = srv
        self.ca = os.path.join(srv.pki, "ca.pem")
        self.env = dict(os.environ, FTPC_PASSWORD=srv.password)
        self.names = [n for n in ("ftpc", "ftpc-nosandbox", "curl", "lftp", "ftplib") if n in bench.clients]

    def url(self, port, path=""):
        return "ftp://%s:%s@127.0.0.1:%s/%s" % (self.srv.user, self.srv.password, port, path)

    def lftp(self, port, prot, cmds):
        return ["lftp", "-c",
                "set ssl:ca-file %s; set ftp:ssl-force yes; set ftp:ssl-protect-data %s; "
                "set ftp:ssl-protect-list %s; set net:max-retries 1; set cmd:fail-exit yes; "
                "set xfer:clobber yes; open -u %s,%s -p %s 127.0.0.1; %s"
                % (self.ca, "yes" if prot == "P" else "no", "yes" if prot == "P" else "no",
                   self.srv.user, self.srv.password, port, cmds)]

    def ftpc(self, name, port, prot, script):
        path = os.path.join(self.b.tmp, "%s.cmds" % name)
        with open(path, "w") as f:
            f.write("user %s\n%s\n" % (self.srv.user, script))
        return ["ftpc", "-q"] + (["--no-sandbox"] if name == "ftpc-nosandbox" else []) + [
            "--store", self.b.store, "--dtaprot", "private" if prot == "P" else "clear", "-s", path,
            "127.0.0.1", port]

    def ftplib(self, port, prot, *action):
        return [sys.executable, os.path.join(TOP, "bench", "ftplib_client.py"), "127.0.0.1", port,
                self.srv.user, self.srv.password, self.ca, prot] + list(action)

    def curl(self, prot):
        return ["curl", "-sS", "--cacert", self.ca, "--ssl-reqd" if prot == "P" else "--ftp-ssl-control"]

    def download(self, name, port, prot, remote, local):
        if name.startswith("ftpc"):
            return self.ftpc(name, port, prot, "get %s %s" % (remote, local))
        if name == "curl":
            return self.curl(prot) + [self.url(port, remote), "-o", local]
        if name == "lftp":
            return self.lftp(port, prot, "get %s -o %s" % (remote, local))
        return self.ftplib(port, prot, "get", remote, local)

    def upload(self, name, port, prot, local, remote):
        if name.startswith("ftpc"):
            return self.ftpc(name, port, prot, "put %s %s" % (local, remote))
        if name == "curl":
            return self.curl(prot) + ["-T", local, self.url(port, remote)]
        if name == "lftp":
            return self.lftp(port, prot, "put %s -o %s" % (local, remote))
        return self.ftplib(port, prot, "put", local, remote)

    def mget(self, name, port, files, localdir):
        if name.startswith("ftpc"):
            return self.ftpc(name, port, "P", "lcd %s\nmget small/*" % localdir)
        if name == "curl":
            argv = self.curl("P")
            for f in files:
                argv += [self.url(port, "small/" + f), "-o", os.path.join(localdir, f)]
            return argv
        if name == "lftp":
            return self.lftp(port, "P", "lcd %s; mget small/*" % localdir)
        return self.ftplib(port, "P", "mget", "small", localdir)

    def mput(self, name, port, localdir, remotedir):
        if name.startswith("ftpc"):
            return self.ftpc(name, port, "P", "cd %s\nmput %s/*" % (remotedir, localdir))
        if name == "curl":
            files = sorted(os.listdir(localdir))
            return self.curl("P") + ["-T", "%s/{%s}" % (localdir, ",".join(files)),
                                     self.url(port, remotedir + "/")]
        if name == "lftp":
            return self.lftp(port, "P", "cd %s; mput %s/*" % (remotedir, localdir))
        return self.ftplib(port, "P", "mput", localdir, remotedir)

    def login(self, name, port):
        if name.startswith("ftpc"):
            return self.ftpc(name, port, "P", "quit")
        if name == "curl":
            return self.curl("P") + ["-I", self.url(port, "small/f000.dat")]
        if name == "lftp":
            return self.lftp(port, "P", "quote NOOP")
        return self.ftplib(port, "P", "login")


class Bench:
    def __init__(self, args):
        self.args = args
        self.clients = args.clients.split(",")
        self.rows = []
        self.client_cpus = None  # None: the clients' core (CLIENT_CPUS)
        self.tmp = tempfile.mkdtemp(prefix="ftpc-bench.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
        os.chmod(self.tmp, 0o755)  # the servers' FTP user must reach its folder inside

    def measure(self, cases, env, reps, warm=False, files=None, check=None, slow=SLOW_RUN):
        """Runs the clients of cases ({client: (argv, before or None)}) and
        returns {client: its samples, or the error of a client that could
        not do it}. Each of the reps rounds runs every client once, in an
        order that rotates, so that no client always runs first or after the
        same one; with warm, an untimed round first, so no client pays for
        cold caches. check(client), when given, runs after each run and
        raises RuntimeError when the result is wrong. A client slower than
        slow seconds is not run again; one that does not finish within
        CLIENT_TIME_LIMIT is reported with the bound that gives (per file,
        when files is given)."""
        results = {name: [] for name in cases}
        names = list(cases)
        stopped = set()
        for rnd in range(0 if warm else 1, reps + 1):
            k = rnd % len(names)
            order = names[k:] + names[:k]
            # Reversed every other round: a rotation alone keeps every client
            # behind the same one.
            for name in (order[::-1] if rnd % 2 else order):
                if name in stopped:
                    continue
                argv, before = cases[name]
                if before:
                    before()
                try:
                    sample = run_client(argv, env, cpus=self.client_cpus)
                    if check:
                        check(name)
                except ClientTimeout as e:
                    results[name] = ("slower than %.0f ms/file (%s)" % (CLIENT_TIME_LIMIT * 1000.0 / files, e)
                                     if files else str(e))
                    stopped.add(name)
                    continue
                except RuntimeError as e:
                    results[name] = str(e).splitlines()[0][:160]
                    stopped.add(name)
                    continue
                if rnd > 0 or (slow and sample[0] > slow):
                    results[name].append(sample)  # a slow warm-up run is its one sample
                if slow and sample[0] > slow:
                    stopped.add(name)
        return results

    def add(self, section, what, client, samples, unit, value_of, cpu_per=None):
        if isinstance(samples, str):
            self.rows.append({"section": section, "what": what, "client": client, "failed": samples})
            print("  %-7s %-40s FAILED: %s" % (client, what, samples), flush=True)
            return False
        vals = [value_of(s) for s in samples]
        row = {"section": section, "what": what, "client": client, "median": statistics.median(vals),
               "min": min(vals), "max": max(vals), "unit": unit}
        if cpu_per:
            row["cpu"] = statistics.median([s[1] / cpu_per for s in samples])
            row["rss"] = max(s[2] for s in samples) / 1024.0
        self.rows.append(row)
        print("  %-7s %-40s %10.2f %s" % (client, what, row["median"], unit), flush=True)
        return True


# On a virtual machine with free page reporting (virtio-balloon), memory
# freed for about 2 s goes back to the host, and touching it again costs
# the guest ~2 s of system time per GiB (measured here: writing 1 GiB into
# a RAM folder took 0.4 s on memory freed just before, 1.8-2.9 s on memory
# freed 4 s before). Whether a client's file landed on such memory decided
# whole rows. The bench holds reporting off while it runs and restores it.
PAGE_REPORTING_ORDER = "/sys/module/page_reporting/parameters/page_reporting_order"


def hold_page_reporting():
    """Stops free page reporting if this kernel has it; returns a function
    that restores it."""
    try:
        with open(PAGE_REPORTING_ORDER) as f:
            saved = f.read().strip()
    except OSError:
        return lambda: None
    # Above the largest block order nothing is reported; kernels that only
    # take the largest order still report far less.
    for order in ("11", "10"):
        try:
            with open(PAGE_REPORTING_ORDER, "w") as f:
                f.write(order)
        except OSError:
            continue
        print("Free page reporting held off (order %s) for the run; it was %s." % (order, saved), flush=True)

        def restore():
            with open(PAGE_REPORTING_ORDER, "w") as f:
                f.write(saved)
        return restore
    # Nothing was changed, so there is nothing to restore (and writing
    # would fail again, after the run, before the report).
    print("Free page reporting is on and could not be held off: results may vary more.", flush=True)
    return lambda: None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--logins", type=int, default=20)
    ap.add_argument("--servers", default="vsftpd,pureftpd")
    ap.add_argument("--clients", default="ftpc,ftpc-nosandbox,curl,lftp,ftplib")
    ap.add_argument("--tree-files", type=int, default=10000, help="small-file tree: files of 4 KiB")
    ap.add_argument("--tree-folders", type=int, default=100, help="small-file tree: folders")
    ap.add_argument("--big-files", type=int, default=100, help="big-file tree: files")
    ap.add_argument("--big-mib", type=int, default=10, help="big-file tree: MiB per file")
    ap.add_argument("--tree-reps", type=int, default=3)
    ap.add_argument("--tree-shapes", default="small,big", help="which trees: small, big")
    ap.add_argument("--tree-directions", default="down,up", help="which ways: down, up")
    ap.add_argument("--tree-parallel", type=int, default=4, help="N of ftpc --parallel and lftp --parallel")
    ap.add_argument("--only", choices=("all", "files", "trees"), default="all",
                    help="files: the single-file, small-file, login and store rows; trees: the mirror rows")
    ap.add_argument("--out", default=os.path.join(TOP, "bench", "results", "latest.md"))
    args = ap.parse_args()
    b = Bench(args)
    # Server files in RAM too: the disk is not what is measured.
    os.environ["FTPC_SERVER_ROOTS"] = b.tmp
    work = os.path.join(b.tmp, "servers")
    os.makedirs(work)
    # A stop (SIGTERM) cleans up like an error does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    restore_reporting = hold_page_reporting()
    srv = None
    try:
        srv = Servers(work, args.servers.split(","))
        run_all(b, srv)
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(b.tmp, ignore_errors=True)
        restore_reporting()
    write_report(b, args)


def make_file(path, size):
    with open("/dev/urandom", "rb") as r, open(path, "wb") as w:
        left = size
        while left:
            chunk = r.read(min(left, 1 << 20))
            w.write(chunk)
            left -= len(chunk)


def run_all(b, srv):
    args = b.args
    b.store = os.path.join(b.tmp, "store.db")
    sh("trustd", "--store", b.store, "import", os.path.join(srv.pki, "ca.pem"), stdout=subprocess.DEVNULL)
    cl = Clients(b, srv)
    if args.only in ("all", "trees"):
        import trees
        trees.tree_rows(b, srv, cl)
    if args.only == "trees":
        return
    size = args.size_mib << 20
    gib = size / float(1 << 30)
    local_big = os.path.join(b.tmp, "big.bin")
    make_file(local_big, size)
    small_local = os.path.join(b.tmp, "small-src")
    os.makedirs(small_local)
    for i in range(args.files):
        make_file(os.path.join(small_local, "f%03d.dat" % i), 4096)
    out = os.path.join(b.tmp, "out.bin")
    for kind, info in srv.info.items():
        port, root = info["PORT"], info["ROOT"]
        shutil.copy(local_big, os.path.join(root, "big.bin"))
        shutil.copytree(small_local, os.path.join(root, "small"))
        sh("chown", "-R", srv.user, root)
        for prot in ("P", "C"):
            print("== %s, PROT %s, %d MiB" % (kind, prot, args.size_mib), flush=True)
            # Every transfer starts with no file at its destination:
            # replacing one is a file-system cost, not a transfer's.
            def no_file(path):
                return lambda: os.path.exists(path) and os.unlink(path)
            ups = {name: "up-%s.bin" % name for name in cl.names}
            for direction in ("download", "upload"):
                cases = {}
                for name in cl.names:
                    if direction == "download":
                        cases[name] = (cl.download(name, port, prot, "big.bin", out), no_file(out))
                    else:
                        cases[name] = (cl.upload(name, port, prot, local_big, ups[name]),
                                       no_file(os.path.join(root, ups[name])))
                def check(name):
                    if direction == "download" and os.path.getsize(out) != size:
                        raise RuntimeError("%s: short download" % name)
                results = b.measure(cases, cl.env, args.reps, warm=True, check=check, slow=None)
                for name in cl.names:
                    b.add("transfer", "%s %s PROT %s" % (kind, direction, prot), name, results[name], "MB/s",
                          lambda x: size / x[0] / 1e6, cpu_per=gib)
                for path in [out] + [os.path.join(root, up) for up in ups.values()]:
                    no_file(path)()
        print("== %s, %d files of 4 KiB" % (kind, args.files), flush=True)
        for name in cl.names:
            dest = os.path.join(b.tmp, "mget-" + name)
            def fresh(d=dest):
                shutil.rmtree(d, ignore_errors=True)
                os.makedirs(d)
            s = b.measure({name: (cl.mget(name, port, sorted(os.listdir(small_local)), dest), fresh)},
                          cl.env, args.reps, files=args.files)[name]
            if b.add("files", "%s mget %d x 4 KiB" % (kind, args.files), name, s, "ms/file",
                     lambda x: x[0] * 1000 / args.files) and len(os.listdir(dest)) != args.files:
                raise RuntimeError("%s: mget fetched %d files" % (name, len(os.listdir(dest))))
            rdir = "mput-" + name
            def fresh_remote(r=os.path.join(root, rdir)):
                shutil.rmtree(r, ignore_errors=True)
                os.makedirs(r)
                sh("chown", srv.user, r)
            s = b.measure({name: (cl.mput(name, port, small_local, rdir), fresh_remote)},
                          cl.env, args.reps, files=args.files)[name]
            b.add("files", "%s mput %d x 4 KiB" % (kind, args.files), name, s, "ms/file",
                  lambda x: x[0] * 1000 / args.files)
        print("== %s, connect + TLS + login + quit" % kind, flush=True)
        for name in cl.names:
            s = b.measure({name: (cl.login(name, port), None)}, cl.env, args.logins)[name]
            b.add("latency", "%s connect+TLS+login+quit" % kind, name, s, "ms", lambda x: x[0] * 1000)
    trust_store_rows(b)
    limits_rows(b, size)


def trust_store_rows(b):
    print("== trustd", flush=True)
    gen = os.path.join(TOP, "build", "tests", "gen_certs")
    bundle = os.path.join(b.tmp, "10k.pem")
    with open(bundle, "w") as f:
        sh(gen, "10000", "bench", stdout=f)
    samples = []
    for i in range(3):
        store = os.path.join(b.tmp, "import%d.db" % i)
        samples.append(run_client(["trustd", "--store", store, "import", bundle]))
    b.add("trust", "import of a 10,000-certificate PEM bundle", "trustd", samples, "s", lambda x: x[0])
    # An application trusting 150 CAs, against OpenSSL reading the same 150 from PEM.
    store = os.path.join(b.tmp, "import0.db")
    pem150 = os.path.join(b.tmp, "150.pem")
    with open(bundle) as f, open(pem150, "w") as o:
        o.write("".join(f.read().split("-----END CERTIFICATE-----\n")[:150]).replace(
            "-----BEGIN", "-----END CERTIFICATE-----\n-----BEGIN")[len("-----END CERTIFICATE-----\n"):]
            + "-----END CERTIFICATE-----\n")
    sh("trustd", "--store", store, "app", "add", "bench150", stdout=subprocess.DEVNULL)
    fps = subprocess.run(["trustd", "--store", store, "import", pem150], capture_output=True, text=True).stdout
    prints = [line.split()[2] for line in fps.splitlines() if line.startswith("already present")][:150]
    sh("trustd", "--store", store, "app", "trust", "bench150", *prints, stdout=subprocess.DEVNULL)
    res = subprocess.run([os.path.join(TOP, "build", "bench", "trustlist_bench"), store, "bench150", pem150, "200"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    vals = {l.split()[0]: [float(v) for v in l.split()[1:]] for l in res if l.strip() and not l.startswith("cert")}
    for key, label in (("store_ms", "trust list of 150 CAs from the store"),
                       ("pem_ms", "same 150 CAs from PEM (SSL_CTX_load_verify_locations)")):
        m, lo, hi = vals[key]
        b.rows.append({"section": "trust", "what": label, "client": "library", "median": m, "min": lo,
                       "max": hi, "unit": "ms"})
        print("  %-40s %.3f ms" % (label, m), flush=True)


def limits_rows(b, size):
    print("== limits", flush=True)
    res = subprocess.run(["openssl", "speed", "-evp", "aes-256-gcm", "-seconds", "2", "-bytes", "16384"],
                         capture_output=True, text=True).stdout
    for line in res.splitlines():
        if line.lower().startswith("aes-256-gcm"):
            kb = float(line.split()[-1].rstrip("k"))
            b.rows.append({"section": "limits", "what": "openssl speed -evp aes-256-gcm, 16 KiB blocks",
                           "client": "openssl", "median": kb * 1000 / 1e6, "min": kb * 1000 / 1e6,
                           "max": kb * 1000 / 1e6, "unit": "MB/s"})
    # A plain loopback TCP copy of the same size, in C-speed loops (dd through a socket pair).
    import socket
    import threading
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    def sink():
        c, _ = srv.accept()
        while c.recv_into(bytearray(1 << 20)):
            pass
        c.close()
    t = threading.Thread(target=sink)
    t.start()
    c = socket.create_connection(("127.0.0.1", port))
    buf = b"\0" * (1 << 20)
    t0 = time.monotonic()
    for _ in range(size >> 20):
        c.sendall(buf)
    c.close()
    t.join()
    secs = time.monotonic() - t0
    b.rows.append({"section": "limits", "what": "plain loopback TCP copy", "client": "python",
                   "median": size / secs / 1e6, "min": size / secs / 1e6, "max": size / secs / 1e6, "unit": "MB/s"})


def write_report(b, args):
    if args.only == "trees":
        # A trees-only run leaves the other rows of the report as they were.
        args.out = os.path.join(os.path.dirname(args.out), "trees.md")
    lines = ["# Benchmark results", "",
             "Machine: %s, %d cores, %s; %s." % (platform.machine(), os.cpu_count(), platform.release(),
                                                 time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
             "Transfers: %d MiB, %d runs each; small files: %d x 4 KiB; logins: %d runs. Medians (min-max)." %
             (args.size_mib, args.reps, args.files, args.logins),
             "CPU is the client's own user+sys seconds per GiB; RSS its peak resident memory.", ""]
    versions = []
    for cmd in (["ftpc", "--help"], ["curl", "--version"], ["lftp", "--version"]):
        try:
            first = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
            versions.append(first.strip())
        except (OSError, IndexError):
            pass
    lines.append("Peers: " + "; ".join(versions[1:]) + "; Python " + platform.python_version() + " ftplib.")
    lines.append("")
    sections = [("transfer", "Throughput, %d MiB" % args.size_mib), ("files", "Many small files in one session"),
                ("latency", "Connect + AUTH TLS + login + quit"), ("trust", "Trust store"), ("limits", "Limits"),
                ("trees", "Trees: mirror down and up (%d runs each)" % args.tree_reps)]
    for sec, title in sections:
        rows = [r for r in b.rows if r["section"] == sec]
        if not rows:
            continue
        lines += ["## " + title, ""]
        if sec == "trees":
            import trees
            lines += trees.tree_table(rows) + [""]
            continue
        whats = []
        for r in rows:
            if r["what"] not in whats:
                whats.append(r["what"])
        clients = []
        for r in rows:
            if r["client"] not in clients:
                clients.append(r["client"])
        if sec == "transfer":
            lines.append("| case | " + " | ".join("%s MB/s (CPU s/GiB, RSS MiB)" % c for c in clients) + " |")
        else:
            lines.append("| case | " + " | ".join(clients) + " |")
        lines.append("|---" * (len(clients) + 1) + "|")
        for w in whats:
            cells = []
            for c in clients:
                r = next((r for r in rows if r["what"] == w and r["client"] == c), None)
                if r is None:
                    cells.append("")
                elif "failed" in r:
                    cells.append("failed: " + r["failed"].replace("|", "/"))
                elif sec == "transfer":
                    cells.append("%.0f (%.0f-%.0f) (%.2f, %.0f)" % (r["median"], r["min"], r["max"], r["cpu"], r["rss"]))
                else:
                    cells.append("%.3g %s (%.3g-%.3g)" % (r["median"], r["unit"], r["min"], r["max"]))
            lines.append("| %s | %s |" % (w, " | ".join(cells)))
        lines.append("")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
