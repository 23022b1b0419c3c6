#!/usr/bin/env python3
"""What "converged" means (SPEC 2), checked in the kernel's own words.

    check-converged.py DIR HOSTNS BRIDGE MTU GATEWAY/LEN "NAME NETNS ADDRESS MAC"...

DIR holds, for each namespace NS, `ip -j -d link show` in NS.link,
`ip -j -4 addr show` in NS.addr and `ip -j route show` in NS.route, and
the host's ip_forward in ip_forward. One pass, one interpreter start:
prints every difference and exits 1 if there is any.
"""
import json
import sys


def main():
    tmp, host, br, mtu, gateway = sys.argv[1:6]
    mtu = int(mtu)
    gw_addr, prefixlen = gateway.split("/")
    containers = [c.split() for c in sys.argv[6:]]
    bad = []

    def load(ns, what):
        with open("%s/%s.%s" % (tmp, ns, what)) as f:
            return json.load(f)

    def links(ns):
        return {link["ifname"]: link for link in load(ns, "link")}

    def addrs(ns, ifname):
        return sorted("%s/%s" % (a["local"], a["prefixlen"])
                      for link in load(ns, "addr") if link["ifname"] == ifname
                      for a in link["addr_info"])

    def expect(what, got, want):
        if got != want:
            bad.append("%s: %r, expected %r" % (what, got, want))

    h = links(host)
    b = h.get(br, {})
    expect(br + " kind", b.get("linkinfo", {}).get("info_kind"), "bridge")
    expect(br + " flags", b.get("flags"), ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"])
    expect(br + " mtu", b.get("mtu"), mtu)
    expect(br + " alias", b.get("ifalias"), "netconverge:bridge")
    # The group is the half of the mark the kernel sets with the creation.
    expect(br + " group", str(b.get("group")), "28259")
    expect(br + " addresses", addrs(host, br), [gateway])
    for name, ns, addr, mac in containers:
        mark = "netconverge:veth %s %s " % (name, br)
        ends = [v for v in h.values() if v.get("ifalias", "").startswith(mark)]
        expect(name + ": host ends", len(ends), 1)
        for v in ends:
            expect(name + ": host end master", v.get("master"), br)
            expect(name + ": host end mtu", v.get("mtu"), mtu)
            expect(name + ": host end group", str(v.get("group")), "28259")
            expect(name + ": host end operstate", v.get("operstate"), "UP")
        c = links(ns)
        e = c.get("eth0", {})
        expect(name + ": eth0 mtu", e.get("mtu"), mtu)
        expect(name + ": eth0 mac", e.get("address"), mac)
        expect(name + ": eth0 operstate", e.get("operstate"), "UP")
        expect(name + ": eth0 alias", e.get("ifalias"), "netconverge:peer %s %s" % (name, br))
        expect(name + ": eth0 group", str(e.get("group")), "28259")
        expect(name + ": eth0 addresses", addrs(ns, "eth0"), ["%s/%s" % (addr, prefixlen)])
        expect(name + ": lo flags", c.get("lo", {}).get("flags"), ["LOOPBACK", "UP", "LOWER_UP"])
        routes = [(r.get("gateway"), r.get("dev"), r.get("protocol"))
                  for r in load(ns, "route") if r["dst"] == "default"]
        expect(name + ": default route", routes, [(gw_addr, "eth0", "78")])
    with open(tmp + "/ip_forward") as f:
        expect("ip_forward", f.read().strip(), "1")
    for m in bad:
        print("  " + m, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
