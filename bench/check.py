#!/usr/bin/env python3
"""The untimed check after a timed run: is the kernel really in the end state?

    check.py built   MODE HOSTNS N BRIDGES SAMPLES-FILE
    check.py gone    HOSTNS SAMPLES-FILE

MODE is nc, ip or cni (how it was built: the nftables check differs, CNI
publishes through iptables). `built` checks, in the kernel's own words
(`ip -j`): every bridge up with its gateway address; N veths in the host
namespace, each up, operationally up and enslaved; for every sample
container (SAMPLES-FILE, lines "netns address gateway mac bridge port"):
eth0 up with the address (and, but for CNI, the MAC), lo up, the default
route via the gateway; ip_forward on; and one DNAT translation (a rule, or an element of
netconverge's port maps) per container. `gone`
checks that destroy left no bridge, veth or table behind and that the
sample containers have no eth0. Prints what differs; exits 1 if anything does.
"""
import json
import subprocess
import sys


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout


def ipj(ns, *args):
    out = run("ip", "-n", ns, "-j", *args)
    return json.loads(out) if out.strip() else []


def samples(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def built(mode, host, n, bridges, sample_file):
    bad = []
    links = ipj(host, "-d", "link", "show")
    byname = {l["ifname"]: l for l in links}
    brs = sorted({s[4] for s in samples(sample_file)})
    if len(brs) != bridges:
        bad.append("samples name %d bridges, expected %d" % (len(brs), bridges))
    addrs = {a["ifname"]: ["%s/%s" % (i["local"], i["prefixlen"]) for i in a.get("addr_info", [])]
             for a in ipj(host, "-4", "address", "show")}
    for s in samples(sample_file):
        br, gw = s[4], s[2]
        b = byname.get(br)
        if not b or "UP" not in b.get("flags", []):
            bad.append("bridge %s missing or down" % br)
        elif gw + "/16" not in addrs.get(br, []):
            bad.append("bridge %s: addresses %s, expected %s/16" % (br, addrs.get(br), gw))
    veths = [l for l in links if l.get("linkinfo", {}).get("info_kind") == "veth"]
    if len(veths) != n:
        bad.append("%d veths in the host namespace, expected %d" % (len(veths), n))
    for v in veths:
        if v.get("master") not in brs or "UP" not in v.get("flags", []) or v.get("operstate") != "UP":
            bad.append("host veth %s: master %s, flags %s, operstate %s"
                       % (v["ifname"], v.get("master"), v.get("flags"), v.get("operstate")))
            break
    for netns, addr, gw, mac, br, port, _ in samples(sample_file):
        cl = {l["ifname"]: l for l in ipj(netns, "link", "show")}
        e, lo = cl.get("eth0", {}), cl.get("lo", {})
        if "UP" not in e.get("flags", []) or (mode != "cni" and e.get("address") != mac):
            bad.append("%s: eth0 %s" % (netns, e))
        if "UP" not in lo.get("flags", []):
            bad.append("%s: lo down" % netns)
        ca = [i["local"] for a in ipj(netns, "-4", "address", "show", "dev", "eth0") for i in a.get("addr_info", [])]
        if ca != [addr]:
            bad.append("%s: eth0 addresses %s, expected %s" % (netns, ca, addr))
        rt = [r for r in ipj(netns, "route", "show") if r.get("dst") == "default"]
        if len(rt) != 1 or rt[0].get("gateway") != gw or rt[0].get("dev") != "eth0":
            bad.append("%s: default route %s, expected via %s dev eth0" % (netns, rt, gw))
    fwd = run("ip", "netns", "exec", host, "cat", "/proc/sys/net/ipv4/ip_forward").strip()
    if fwd != "1":
        bad.append("ip_forward is %s" % fwd)
    if mode == "cni":
        rules = run("ip", "netns", "exec", host, "iptables-save", "-t", "nat")
        dnat = [l for l in rules.splitlines() if "-j DNAT" in l and "--to-destination" in l]
    else:
        table = json.loads(run("ip", "netns", "exec", host, "nft", "-j", "list", "table", "inet", "netconverge"))
        # A translation is a DNAT rule of its own (the baseline's, an older
        # netconverge's) or an element of netconverge's port maps, whose
        # lookup rules translate nothing by themselves.
        objs = table["nftables"]
        # IPv4 only: a dual-stack shape has an IPv6 twin of each (samples
        # are IPv4).
        dnat = [o for o in objs if "rule" in o and any("dnat" in x and "map" not in str(x["dnat"].get("addr", ""))
                                                     and x["dnat"].get("family") != "ip6"
                                                     for x in o["rule"]["expr"])]
        dnat += [e for o in objs if "map" in o and o["map"]["name"].startswith("ports4") for e in o["map"].get("elem", [])]
    if len(dnat) != n:
        bad.append("%d DNAT translations, expected %d" % (len(dnat), n))
    return bad


def gone(host, sample_file):
    bad = []
    links = ipj(host, "-d", "link", "show")
    kinds = [l.get("linkinfo", {}).get("info_kind") for l in links]
    if "veth" in kinds or "bridge" in kinds:
        bad.append("links left: %s" % [l["ifname"] for l in links if l["ifname"] != "lo"])
    tables = run("ip", "netns", "exec", host, "nft", "list", "tables")
    if "netconverge" in tables:
        bad.append("table left: %s" % tables.strip())
    for s in samples(sample_file):
        if any(l["ifname"] == "eth0" for l in ipj(s[0], "link", "show")):
            bad.append("%s: eth0 left" % s[0])
    return bad


def main():
    if sys.argv[1] == "built":
        bad = built(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif sys.argv[1] == "gone":
        bad = gone(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: check.py built|gone ...")
    for b in bad[:20]:
        print("check: " + b, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
