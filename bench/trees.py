"""Tree rows of the benchmark: ftpc's mirror (sequential and --parallel N)
side by side with lftp's mirror --parallel=N, both directions, a tree of
many small files and one of big files, against the same servers in one
run. Started by bench.py (bench/run --only trees runs these rows alone).

Per row: files/s and MB/s (medians, min-max), the client's CPU per file
(user+sys of all its threads, from wait4), the server's CPU per file (its
master process and every process it forked, counted by a cgroup), and the
bound those give on this machine: cores / (client + server CPU per file),
the most files/s any client could reach with both sides busy on every core,
with the share of it reached; and how busy the cores were during the runs
(/proc/stat: what no process is charged for, loopback TCP's softirqs, is
in it). Clients and servers may use every core in these rows (the
single-file rows pin them to one each).
Control connections are counted in one more run of each client, untimed,
under strace, on a tenth of the tree (strace slows a client down).
"""
import os
import shutil
import statistics
import subprocess
import time

import bench as B

CLK = os.sysconf("SC_CLK_TCK")


class ServerCPU:
    """CPU seconds of a server and of every process it forked, counted by a
    cgroup of its own (v1 cpuacct or v2 cpu.stat): a server's session
    processes are not all reaped by the process the bench started (vsftpd's
    are not), so the parent's reaped-children times in /proc miss some.
    Processes forked after the move land in the cgroup too."""

    V1 = "/sys/fs/cgroup/cpuacct"
    V2 = "/sys/fs/cgroup"

    def __init__(self, name, pid):
        self.pid = pid
        self.path = None
        if os.path.isfile(os.path.join(self.V1, "cpuacct.usage")):
            self.top, usage = self.V1, self._v1
        elif os.path.isfile(os.path.join(self.V2, "cgroup.controllers")):
            self.top, usage = self.V2, self._v2
        else:
            self.top, usage = None, None
        if self.top is not None:
            path = os.path.join(self.top, "ftpc-bench-%s-%d" % (name, os.getpid()))
            try:
                os.makedirs(path, exist_ok=True)
                self.path = path
                with open(os.path.join(path, "cgroup.procs"), "w") as f:
                    f.write(str(pid))
                self.usage = usage
                return
            except OSError as e:
                print("bench: no cgroup for %s's CPU (%s): counting its reaped children "
                      "instead, which misses sessions it does not reap" % (name, e), flush=True)
        self.usage = self._reaped

    def _reaped(self):
        with open("/proc/%s/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime: fields 14-17 (1-based), after the ")".
        return sum(int(v) for v in fields[11:15]) / float(CLK)

    def _v1(self):
        with open(os.path.join(self.path, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9

    def _v2(self):
        with open(os.path.join(self.path, "cpu.stat")) as f:
            for line in f:
                if line.startswith("usage_usec "):
                    return int(line.split()[1]) / 1e6
        raise RuntimeError("cpu.stat without usage_usec")

    def close(self):
        if self.path is None:
            return
        # Back to the top: a cgroup with processes in it cannot be removed;
        # a session still exiting may take a moment to leave.
        for _ in range(20):
            try:
                with open(os.path.join(self.path, "cgroup.procs")) as f:
                    pids = f.read().split()
                for pid in pids:
                    try:
                        with open(os.path.join(self.top, "cgroup.procs"), "w") as f:
                            f.write(pid)
                    except OSError:
                        pass  # gone meanwhile
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.1)
        print("bench: could not remove the cgroup %s" % self.path, flush=True)


def make_tree(top, files, folders, size):
    per = files // folders
    for d in range(folders):
        sub = os.path.join(top, "d%03d" % d)
        os.makedirs(sub)
        for i in range(per):
            B.make_file(os.path.join(sub, "f%04d.dat" % i), size)


def tree_stats(top):
    n = total = 0
    for dirpath, _, names in os.walk(top):
        for name in names:
            n += 1
            total += os.path.getsize(os.path.join(dirpath, name))
    return n, total


def fresh(path, owner=None):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    if owner:
        B.sh("chown", owner, path)


class TreeClients:
    """How each client mirrors a tree down and up."""

    def __init__(self, cl, parallel):
        self.cl = cl
        self.n = parallel
        # The last one: TLS 1.2 sessions, resumed without a key exchange
        # (ftpc's default is TLS 1.3, an ECDHE per data connection).
        self.names = ["ftpc", "ftpc-p%d" % parallel, "lftp-p%d" % parallel, "ftpc-p%d-tls1.2" % parallel]

    def argv(self, name, port, direction, remote, local):
        if name.startswith("lftp"):
            opts = "--parallel=%d" % self.n
            cmd = ("mirror %s %s %s" % (opts, remote, local) if direction == "down"
                   else "mirror -R %s %s %s" % (opts, local, remote))
            return self.cl.lftp(port, "P", cmd)
        # ftpc's default is --parallel 4: the sequential row says 1.
        opts = "--parallel %d " % (self.n if name != "ftpc" else 1)
        cmd = ("mirror %s%s %s" % (opts, remote, local) if direction == "down"
               else "mirror -R %s%s %s" % (opts, local, remote))
        argv = self.cl.ftpc("ftpc", port, "P", cmd)
        if name.endswith("-tls1.2"):
            argv[1:1] = ["--tls-max", "1.2"]
        return argv


def count_connections(argv, env, port, out):
    """Control connections one run makes: its connect() calls to the port."""
    trace = out + ".strace"
    B.run_client(["strace", "-f", "-qq", "-e", "trace=connect", "-o", trace] + argv, env)
    needle = "sin_port=htons(%s)" % port
    with open(trace) as f:
        n = sum(1 for line in f if needle in line and "connect(" in line)
    os.unlink(trace)
    return n


class AllCores:
    """Clients and servers free to run on every core while the tree rows
    run: the bound, cores / (client + server CPU per file), assumes both
    sides can use both cores, which one core each (the single-file rows'
    pinning) would not allow. Servers fork their sessions later, so the
    affinity they inherit is the master's."""

    def __init__(self, b, srv):
        self.b = b
        self.pids = [info["PID"] for info in srv.info.values()]

    def __enter__(self):
        self.b.client_cpus = set(os.sched_getaffinity(0))
        self._set(self.b.client_cpus)

    def __exit__(self, *_):
        self.b.client_cpus = None
        self._set(B.SERVER_CPUS)

    def _set(self, cpus):
        for pid in self.pids:
            B.sh("taskset", "-a", "-p", "-c", ",".join(str(c) for c in sorted(cpus)), pid,
                 stdout=subprocess.DEVNULL)


def tree_rows(b, srv, cl):
    counters = {}
    try:
        for kind, info in srv.info.items():
            counters[kind] = ServerCPU(kind, info["PID"])
        with AllCores(b, srv):
            _tree_rows(b, srv, cl, counters)
    finally:
        for c in counters.values():
            c.close()


def _tree_rows(b, srv, cl, counters):
    args = b.args
    tc = TreeClients(cl, args.tree_parallel)
    shapes = [("small", args.tree_files, args.tree_folders, 4096),
              ("big", args.big_files, 1, args.big_mib << 20)]
    cores = os.cpu_count()
    shapes = [sh for sh in shapes if sh[0] in args.tree_shapes.split(",")]
    for shape, files, folders, size in shapes:
        src = os.path.join(b.tmp, "tree-%s" % shape)
        make_tree(src, files, folders, size)
        # A tenth of the tree, for counting connections under strace.
        tenth = os.path.join(b.tmp, "tree-%s-tenth" % shape)
        make_tree(tenth, max(files // 10, 1), max(folders // 10, 1), size)
        label = "%d x %s in %d folder%s" % (files, "4 KiB" if size == 4096 else "%d MiB" % (size >> 20),
                                            folders, "s" if folders > 1 else "")
        for kind, info in srv.info.items():
            port, root, pid = info["PORT"], info["ROOT"], info["PID"]
            for sub in ("tree", "tree-tenth"):
                shutil.rmtree(os.path.join(root, sub), ignore_errors=True)
            shutil.copytree(src, os.path.join(root, "tree"))
            shutil.copytree(tenth, os.path.join(root, "tree-tenth"))
            B.sh("chown", "-R", srv.user, root)
            for direction in args.tree_directions.split(","):
                print("== %s, mirror %s, %s" % (kind, direction, label), flush=True)
                what = "%s mirror %s %s" % (kind, "download" if direction == "down" else "upload", label)
                for name in tc.names:
                    local = os.path.join(b.tmp, "mirror-" + name)
                    remote = "up-" + name
                    rpath = os.path.join(root, remote)

                    def before(local=local, rpath=rpath):
                        if direction == "down":
                            shutil.rmtree(local, ignore_errors=True)
                        else:
                            fresh(rpath, srv.user)
                    def check(_name, local=local, rpath=rpath):
                        got = tree_stats(local if direction == "down" else rpath)
                        if got != (files, files * size):
                            raise RuntimeError("tree has %d files, %d bytes" % got)
                    if direction == "down":
                        argv = tc.argv(name, port, direction, "tree", local)
                    else:
                        argv = tc.argv(name, port, direction, remote, src)
                    cpu0 = counters[kind].usage()
                    res = b.measure({name: (argv, before)}, cl.env, args.tree_reps, warm=False,
                                    files=files, check=check)[name]
                    time.sleep(0.3)  # the last session ends: its CPU is all counted
                    runs = len(res) if not isinstance(res, str) else 0
                    srv_per_file = (counters[kind].usage() - cpu0) / (runs * files) if runs else None
                    conns = None
                    if runs:
                        if direction == "down":
                            targv = tc.argv(name, port, direction, "tree-tenth", local + "-tenth")
                            shutil.rmtree(local + "-tenth", ignore_errors=True)
                        else:
                            fresh(rpath + "-tenth", srv.user)
                            targv = tc.argv(name, port, direction, remote + "-tenth", tenth)
                        try:
                            conns = count_connections(targv, cl.env, port, os.path.join(b.tmp, name))
                        except (RuntimeError, B.ClientTimeout) as e:
                            conns = "count failed: %s" % str(e).splitlines()[0][:80]
                        shutil.rmtree(local + "-tenth", ignore_errors=True)
                        shutil.rmtree(rpath + "-tenth", ignore_errors=True)
                    if b.add("trees", what, name, res, "files/s", lambda x: files / x[0]):
                        row = b.rows[-1]
                        row["mbs"] = statistics.median([files * size / s[0] / 1e6 for s in res])
                        cpu = statistics.median([s[1] / files for s in res])
                        row["cpu_ms"] = cpu * 1000
                        row["srv_ms"] = srv_per_file * 1000
                        row["bound"] = cores / (cpu + srv_per_file) if cpu + srv_per_file > 0 else 0
                        row["of_bound"] = 100.0 * row["median"] / row["bound"] if row["bound"] else 0
                        # How busy the cores were: 100 % leaves nothing to use.
                        row["busy_pct"] = 100.0 * statistics.median([s[3] / s[0] / cores for s in res])
                        row["conns"] = conns
                    shutil.rmtree(local, ignore_errors=True)
                    shutil.rmtree(rpath, ignore_errors=True)
            for sub in ("tree", "tree-tenth"):
                shutil.rmtree(os.path.join(root, sub), ignore_errors=True)
        shutil.rmtree(src)
        shutil.rmtree(tenth)


def tree_table(rows):
    """The Markdown lines of the trees section."""
    lines = ["| case | client | files/s | MB/s | client CPU ms/file | server CPU ms/file | "
             "bound files/s | of the bound | machine busy | control connections (tenth of the tree) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "failed" in r:
            lines.append("| %s | %s | %s | | | | | | | |" % (r["what"], r["client"], "failed: " + r["failed"].replace("|", "/")))
            continue
        lines.append("| %s | %s | %.0f (%.0f-%.0f) | %.1f | %.3f | %.3f | %.0f | %.0f %% | %.0f %% | %s |" % (
            r["what"], r["client"], r["median"], r["min"], r["max"], r["mbs"], r["cpu_ms"], r["srv_ms"],
            r["bound"], r["of_bound"], r["busy_pct"], r["conns"]))
    return lines
