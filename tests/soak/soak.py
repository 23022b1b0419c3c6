#!/usr/bin/env python3
"""The watch soak's driver: run by soak.sh (which makes the host namespace
and cleans up), never on its own. See soak.sh and README.md.

    soak.py --nc BIN --prefix P --host HOSTNS --out DIR --pidfile FILE
            [--duration S] [--containers N] [--bridges B] [--seed S]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

QUIET_BOUND = 90        # seconds a quiet period may take to converge
SAMPLE_EVERY = 60       # seconds between RSS/fd samples
RSS_BOUND_KB = 1024     # growth allowed between the two checkpoints
CMD_TIMEOUT = 60


def log(msg):
    print("%s soak: %s" % (time.strftime("%H:%M:%S", time.gmtime()), msg), file=sys.stderr, flush=True)


def run(cmd, check=True, timeout=CMD_TIMEOUT):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p


def ipj(ns, *args):
    p = run(["ip", "-n", ns, "-j"] + list(args), check=False)
    if p.returncode != 0 or not p.stdout.strip():
        return []
    return json.loads(p.stdout)


class Model:
    """The file, as the soak means it: bridges with subnets and mtus,
    containers with an explicit address (so the checker needs no IPAM) and
    published ports."""

    def __init__(self, prefix, n_bridges, n_pool):
        self.prefix = prefix
        self.bridges = {}
        for b in range(n_bridges):
            self.bridges["%sb%d" % (prefix, b)] = {"net": (10, 150 + b), "mtu": 1500}
        self.pool = ["c%03d" % i for i in range(1, n_pool + 1)]
        self.containers = {}

    def bridge_of(self, name):
        i = int(name[1:])
        return sorted(self.bridges)[i % len(self.bridges)]

    def address_of(self, name):
        i = int(name[1:])
        a, b = self.bridges[self.bridge_of(name)]["net"]
        return "%d.%d.%d.%d" % (a, b, i // 250, i % 250 + 2)

    def gateway_of(self, bridge):
        a, b = self.bridges[bridge]["net"]
        return "%d.%d.0.1" % (a, b)

    def netns_of(self, name):
        return "%s-%s" % (self.prefix, name)

    def add(self, name, ports):
        self.containers[name] = {"ports": sorted(ports)}

    def free_port(self, name):
        # Host ports unique per container: 20000 + 4 i + j.
        base = 20000 + 4 * int(name[1:])
        used = set(self.containers[name]["ports"])
        free = [base + j for j in range(4) if base + j not in used]
        return free[0] if free else None

    def yaml(self):
        lines = ["version: 1", "bridges:"]
        for name in sorted(self.bridges):
            b = self.bridges[name]
            lines += ["  %s:" % name, "    subnet: %d.%d.0.0/16" % tuple(b["net"]), "    mtu: %d" % b["mtu"]]
        lines.append("containers:")
        for name in sorted(self.containers):
            c = self.containers[name]
            lines += ["  %s:" % name, "    netns: %s" % self.netns_of(name), "    networks:",
                      "      %s:" % self.bridge_of(name), "        address: %s" % self.address_of(name)]
            if c["ports"]:
                lines.append("    ports: [%s]" % ", ".join('"%d:80"' % p for p in c["ports"]))
        return "\n".join(lines) + "\n"

    def copy_state(self):
        return json.dumps({"bridges": self.bridges, "containers": self.containers}, sort_keys=True)

    def restore(self, state):
        d = json.loads(state)
        self.bridges = d["bridges"]
        self.containers = d["containers"]


def mac_of(address):
    return "02:42:" + ":".join("%02x" % int(x) for x in address.split("."))


class Soak:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.model = Model(a.prefix, a.bridges, a.containers + a.containers // 5)
        self.file = os.path.join(a.out, "netconverge.yaml")
        self.csv = open(os.path.join(a.out, "samples.csv"), "w")
        self.csv.write("time_s,rss_kb,rss_anon_kb,rss_file_kb,fds,containers,events,checks_passed\n")
        self.events = {}
        self.checks = 0
        self.failures = []
        self.converge_times = []
        self.watcher = None
        self.start = time.monotonic()
        self.next_sample = 0.0
        self.recent = []        # the events since the last quiet period
        self.slow = []          # quiet periods that took long, and why
        self.last_bad = []
        self.parts = (-1, -1)   # RssAnon, RssFile of the last sample

    # --- the file

    def write_file(self):
        tmp = self.file + ".tmp"
        with open(tmp, "w") as f:
            f.write(self.model.yaml())
        os.chmod(tmp, 0o600)
        os.rename(tmp, self.file)       # atomic: the watcher never reads half a file

    # --- the watcher

    def start_watcher(self):
        logf = open(os.path.join(self.a.out, "watch.log"), "w")
        self.watcher = subprocess.Popen([self.a.nc, "-n", self.a.host, "watch", self.file],
                                        stdout=logf, stderr=subprocess.STDOUT)
        with open(self.a.pidfile, "w") as f:
            f.write("%d\n" % self.watcher.pid)

    def stop_watcher(self):
        if self.watcher and self.watcher.poll() is None:
            self.watcher.terminate()
            try:
                self.watcher.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.watcher.kill()
                self.watcher.wait(timeout=15)

    def alive(self):
        return self.watcher.poll() is None

    def rss_fds(self):
        """VmRSS, and its parts: RssAnon is the heap (and stacks), RssFile
        the pages of the binary and its libraries touched so far, which
        grows as code runs for the first time and is no leak."""
        pid = self.watcher.pid
        v = {}
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k = line.split(":")[0]
                if k in ("VmRSS", "RssAnon", "RssFile"):
                    v[k] = int(line.split()[1])
        self.parts = (v.get("RssAnon", -1), v.get("RssFile", -1))
        return v["VmRSS"], len(os.listdir("/proc/%d/fd" % pid))

    def sample(self, force=False):
        t = time.monotonic() - self.start
        if not force and t < self.next_sample:
            return None
        self.next_sample = t + SAMPLE_EVERY
        rss, fds = self.rss_fds()
        self.csv.write("%d,%d,%d,%d,%d,%d,%d,%d\n" % (t, rss, self.parts[0], self.parts[1], fds,
                                                      len(self.model.containers), sum(self.events.values()),
                                                      self.checks))
        self.csv.flush()
        return rss, fds

    # --- the checker

    def kernel_diffs(self):
        """The kernel against the file, in the kernel's own words (ip -j,
        nft -j): a list of differences, empty when converged."""
        m = self.model
        bad = []
        host = {l["ifname"]: l for l in ipj(self.a.host, "-d", "addr", "show")}
        for name, b in sorted(m.bridges.items()):
            l = host.get(name)
            if not l:
                bad.append("bridge %s missing" % name)
                continue
            if l.get("mtu") != b["mtu"]:
                bad.append("bridge %s mtu %s, want %d" % (name, l.get("mtu"), b["mtu"]))
            if "UP" not in l.get("flags", []):
                bad.append("bridge %s down" % name)
            addrs = ["%s/%s" % (x["local"], x["prefixlen"]) for x in l.get("addr_info", []) if x.get("family") == "inet"]
            if addrs != [m.gateway_of(name) + "/16"]:
                bad.append("bridge %s addresses %s" % (name, addrs))
        ends = {}
        for l in host.values():
            alias = l.get("ifalias", "")
            if alias.startswith("netconverge:veth "):
                ends.setdefault(alias.split()[1], []).append(l)
        for name in sorted(set(ends) - set(m.containers)):
            bad.append("container %s removed from the file but its host veth is there" % name)
        for name in sorted(m.containers):
            br = m.bridge_of(name)
            mtu = m.bridges[br]["mtu"]
            e = ends.get(name, [])
            if len(e) != 1:
                bad.append("%s: %d host ends" % (name, len(e)))
            for v in e:
                if v.get("master") != br or v.get("mtu") != mtu or v.get("operstate") != "UP":
                    bad.append("%s: host end %s master %s mtu %s %s" % (name, v["ifname"], v.get("master"),
                                                                      v.get("mtu"), v.get("operstate")))
            ns = m.netns_of(name)
            links = {l["ifname"]: l for l in ipj(ns, "addr", "show")}
            eth0 = links.get("eth0")
            want = m.address_of(name)
            if not eth0:
                bad.append("%s: no eth0" % name)
            else:
                addrs = ["%s/%s" % (x["local"], x["prefixlen"]) for x in eth0.get("addr_info", [])
                         if x.get("family") == "inet"]
                if addrs != [want + "/16"]:
                    bad.append("%s: eth0 addresses %s, want %s/16" % (name, addrs, want))
                if eth0.get("mtu") != mtu or eth0.get("operstate") != "UP" or eth0.get("address") != mac_of(want):
                    bad.append("%s: eth0 mtu %s %s mac %s" % (name, eth0.get("mtu"), eth0.get("operstate"),
                                                              eth0.get("address")))
            if "UP" not in links.get("lo", {}).get("flags", []):
                bad.append("%s: lo down" % name)
            routes = [(r.get("gateway"), r.get("dev")) for r in ipj(ns, "route", "show", "default")]
            if routes != [(m.gateway_of(br), "eth0")]:
                bad.append("%s: default routes %s" % (name, routes))
        # Published ports: one DNAT rule each, by the key netconverge gives it.
        p = run(["ip", "netns", "exec", self.a.host, "nft", "-j", "list", "table", "inet", "netconverge"], check=False)
        got = set()
        if p.returncode == 0:
            for item in json.loads(p.stdout).get("nftables", []):
                r = item.get("rule")
                if r and r.get("comment", "").startswith("publish "):
                    got.add(r["comment"])
        else:
            bad.append("no nftables table: %s" % p.stderr.strip())
        want = set("publish tcp 0.0.0.0:%d" % port for c in m.containers.values() for port in c["ports"])
        for k in sorted(want - got):
            bad.append("missing rule '%s'" % k)
        for k in sorted(got - want):
            bad.append("rule '%s' not in the file" % k)
        return bad

    def converged(self):
        p = run([self.a.nc, "-n", self.a.host, "diff", self.file], check=False)
        if p.returncode != 0:
            return ["diff exits %d: %s" % (p.returncode, (p.stdout + p.stderr).strip().splitlines()[:3])]
        return self.kernel_diffs()

    def quiet_period(self, what):
        t0 = time.monotonic()
        time.sleep(1)
        while True:
            if not self.alive():
                self.failures.append("the watcher exited (%s) during %s" % (self.watcher.returncode, what))
                return False
            bad = self.converged()
            if not bad:
                self.checks += 1
                took = time.monotonic() - t0
                self.converge_times.append(took)
                # Drift is repaired on the netlink event, within a second or
                # two; much longer means it waited for the --interval resync.
                if took > 10:
                    self.slow.append("%.0f s after %s" % (took, ", ".join(self.recent)))
                    log("slow: " + self.slow[-1])
                self.recent = []
                return True
            self.last_bad = bad
            if time.monotonic() - t0 > QUIET_BOUND:
                self.failures.append("not converged %ds after %s: %s" % (QUIET_BOUND, what, "; ".join(bad[:5])))
                log(self.failures[-1])
                return False
            time.sleep(1)

    # --- events

    def count(self, kind, detail=""):
        self.events[kind] = self.events.get(kind, 0) + 1
        self.recent.append(kind + (" " + detail if detail else ""))

    def edit(self):
        m = self.model
        lo, hi = int(self.a.containers * 0.9), int(self.a.containers * 1.1)
        choices = ["port", "mtu"]
        if len(m.containers) < hi:
            choices.append("add")
        if len(m.containers) > lo:
            choices.append("remove")
        kind = self.rng.choice(choices)
        if kind == "add":
            name = self.rng.choice([c for c in m.pool if c not in m.containers])
            m.add(name, [])
            if self.rng.random() < 0.5:
                m.containers[name]["ports"] = [m.free_port(name)]
        elif kind == "remove":
            del m.containers[self.rng.choice(sorted(m.containers))]
        elif kind == "port":
            name = self.rng.choice(sorted(m.containers))
            c = m.containers[name]
            if c["ports"] and (len(c["ports"]) >= 2 or self.rng.random() < 0.5):
                c["ports"].remove(self.rng.choice(c["ports"]))
            else:
                c["ports"] = sorted(c["ports"] + [m.free_port(name)])
        else:
            b = self.rng.choice(sorted(m.bridges))
            m.bridges[b]["mtu"] = self.rng.choice([1400, 1450, 1480, 1500])
        self.write_file()
        self.count("edit-" + kind)

    def drift(self):
        m = self.model
        h = self.a.host
        name = self.rng.choice(sorted(m.containers))
        ns = m.netns_of(name)
        kind = self.rng.choice(["del-veth", "down-host-veth", "down-eth0", "down-bridge", "change-address",
                                "del-route", "del-rule"])
        host = ipj(h, "-d", "link", "show")
        veths = [l["ifname"] for l in host if l.get("ifalias", "").startswith("netconverge:veth %s " % name)]
        if kind == "del-veth" and veths:
            run(["ip", "-n", h, "link", "del", veths[0]], check=False)
        elif kind == "down-host-veth" and veths:
            run(["ip", "-n", h, "link", "set", veths[0], "down"], check=False)
        elif kind == "down-eth0":
            run(["ip", "-n", ns, "link", "set", "eth0", "down"], check=False)
        elif kind == "down-bridge":
            run(["ip", "-n", h, "link", "set", self.rng.choice(sorted(m.bridges)), "down"], check=False)
        elif kind == "change-address":
            # In the subnet, but in x.x.200.0/24, which no container has.
            a = m.address_of(name).split(".")
            other = "%s.%s.200.%s" % (a[0], a[1], a[3])
            run(["ip", "-n", ns, "addr", "flush", "dev", "eth0"], check=False)
            run(["ip", "-n", ns, "addr", "add", other + "/16", "dev", "eth0"], check=False)
        elif kind == "del-route":
            run(["ip", "-n", ns, "route", "del", "default"], check=False)
        elif kind == "del-rule":
            p = run(["ip", "netns", "exec", h, "nft", "-j", "list", "table", "inet", "netconverge"], check=False)
            rules = []
            if p.returncode == 0:
                rules = [i["rule"] for i in json.loads(p.stdout).get("nftables", []) if "rule" in i]
            if rules:
                r = self.rng.choice(rules)
                run(["ip", "netns", "exec", h, "nft", "delete", "rule", "inet", "netconverge", r["chain"],
                     "handle", str(r["handle"])], check=False)
        else:
            kind += "-skipped"
        self.count("drift-" + kind, name)

    # --- the run

    def checkpoint(self, what, original):
        """The original file in force, converged, then RSS and fds."""
        self.model.restore(original)
        self.write_file()
        self.count("edit-restore")
        if not self.quiet_period("restoring the original file (%s)" % what):
            return None
        time.sleep(2)
        rss, fds = self.sample(force=True)
        log("%s: RSS %d kB (anon %d, file %d), %d fds, %d containers" % (what, rss, self.parts[0], self.parts[1],
                                                                      fds, len(self.model.containers)))
        return rss, fds, self.parts[0], self.parts[1]

    def main(self):
        a = self.a
        m = self.model
        for name in m.pool[:a.containers]:
            m.add(name, [])
            if self.rng.random() < 0.5:
                m.containers[name]["ports"] = [m.free_port(name)]
        original = m.copy_state()
        self.write_file()
        self.start_watcher()
        log("watcher pid %d, %d containers on %d bridges, seed %s" % (self.watcher.pid, len(m.containers),
                                                                      len(m.bridges), a.seed))
        t0 = time.monotonic()
        ok = self.quiet_period("the first apply")
        first = time.monotonic() - t0
        start = self.sample(force=True) + self.parts
        log("first apply converged: %s in %.1f s; RSS %d kB (anon %d, file %d), %d fds" % (
            ok, first, start[0], start[2], start[3], start[1]))
        if not ok:
            return self.report(start, None, None, first)
        warm_until = min(300, a.duration / 6)
        warm = None
        end_at = time.monotonic() + a.duration
        while time.monotonic() < end_at:
            for _ in range(self.rng.randint(1, 3)):
                if self.rng.random() < 0.5:
                    self.edit()
                else:
                    self.drift()
            self.quiet_period("events %s" % sum(self.events.values()))
            if not self.alive():
                break
            self.sample()
            if warm is None and time.monotonic() - self.start >= warm_until:
                warm = self.checkpoint("warm-up checkpoint", original)
                if warm is None:
                    break
        end = self.checkpoint("end checkpoint", original) if self.alive() else None
        return self.report(start, warm, end, first)

    def report(self, start, warm, end, first):
        lines = []
        t = self.converge_times
        lines.append("duration: %d s, seed %s, %d bridges, %d containers at start" % (
            time.monotonic() - self.start, self.a.seed, len(self.model.bridges), self.a.containers))
        lines.append("first apply: %.1f s" % first)
        lines.append("events: %d (%s)" % (sum(self.events.values()),
                                           ", ".join("%s %d" % kv for kv in sorted(self.events.items()))))
        lines.append("checks passed: %d, failed: %d" % (self.checks, len(self.failures)))
        if t:
            st = sorted(t)
            lines.append("quiet period to converged: median %.1f s, max %.1f s" % (st[len(st) // 2], st[-1]))
        lines.append("quiet periods over 10 s (waited for the resync timer?): %d" % len(self.slow))
        for x in self.slow:
            lines.append("  " + x)
        for label, s in (("start", start), ("warm-up", warm), ("end", end)):
            lines.append("%s: %s" % (label, "RSS %d kB (anon %d, file %d), %d fds" % (s[0], s[2], s[3], s[1])
                                     if s else "not reached"))
        ok = not self.failures and warm is not None and end is not None
        if warm and end:
            if end[0] - warm[0] > RSS_BOUND_KB:
                self.failures.append("RSS grew %d kB between the checkpoints (bound %d kB)" % (end[0] - warm[0],
                                                                                               RSS_BOUND_KB))
            if end[1] > warm[1]:
                self.failures.append("fds grew from %d to %d between the checkpoints" % (warm[1], end[1]))
            ok = not self.failures
        for f in self.failures:
            lines.append("FAIL: " + f)
        lines.append("result: %s" % ("PASS" if ok else "FAIL"))
        text = "\n".join(lines) + "\n"
        with open(os.path.join(self.a.out, "summary.txt"), "w") as f:
            f.write(text)
        sys.stderr.write(text)
        return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nc", required=True)
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--host", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pidfile", required=True)
    ap.add_argument("--duration", type=int, default=1800)
    ap.add_argument("--containers", type=int, default=200)
    ap.add_argument("--bridges", type=int, default=3)
    ap.add_argument("--seed", default=str(int(time.time())))
    a = ap.parse_args()
    s = Soak(a)
    try:
        return s.main()
    finally:
        s.stop_watcher()


if __name__ == "__main__":
    sys.exit(main())
