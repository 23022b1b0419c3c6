#!/usr/bin/env python3
"""Generates the benchmark's inputs for one shape (bridges x containers).

    gen.py config   PREFIX BRIDGES PER_BRIDGE OUT.yaml [--extra NAME] [--address NAME=ADDR] [--dual]
    gen.py snapshot PREFIX BRIDGES PER_BRIDGE OUT.snap   (the converged state, as `show --snapshot` writes it)
    gen.py ip       PREFIX BRIDGES PER_BRIDGE DIR        (the iproute2/nft baseline: host.batch,
                                                          ns/NETNS.batch, ruleset.nft)
    gen.py cni      PREFIX BRIDGES PER_BRIDGE DIR        (the CNI baseline: NET.conflist, add.sh)
    gen.py samples  PREFIX BRIDGES PER_BRIDGE            (containers to check, one a line:
                                                          "netns address gateway mac bridge port host-veth")

Container i (1-based, global) is c%05d, in namespace PREFIX-c%05d, on
bridge (i-1) // PER_BRIDGE, named PREFIX + "b" + index, subnet
10.(100+b).0.0/16, and publishes tcp host port 10000+i to port 80. Its
address is what netconverge's IPAM gives it (lowest free host address, in
order of container name): the gateway is .0.1, the k-th container on a
bridge gets .0.(k+2) on from there. With --dual each bridge also has
subnet6 fd00:(100+b)::/64 (hex), and the k-th container fd00:...::(k+2).
"""
import json
import os
import sys


def fnv1a(*parts):
    h = 2166136261
    for p in parts:
        for b in p.encode() + b"\0":
            h ^= b
            h = (h * 16777619) & 0xFFFFFFFF
    return h


def ip(v):
    return "%d.%d.%d.%d" % (v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)


class Shape:
    def __init__(self, prefix, bridges, per_bridge):
        self.prefix = prefix
        self.bridges = [
            {"name": "%sb%d" % (prefix, b), "net": (10 << 24) | ((100 + b) << 16)}
            for b in range(bridges)
        ]
        self.containers = []
        for i in range(1, bridges * per_bridge + 1):
            b = self.bridges[(i - 1) // per_bridge]
            k = (i - 1) % per_bridge
            addr = b["net"] + k + 2
            name = "c%05d" % i
            self.containers.append({
                "i": i,
                "name": name,
                "netns": "%s-c%05d" % (prefix, i),
                "bridge": b["name"],
                "addr": addr,
                "gw": b["net"] + 1,
                "net": b["net"],
                "mac": "02:42:" + ":".join("%02x" % x for x in addr.to_bytes(4, "big")),
                "veth": "veth%08x" % fnv1a(name, b["name"]),
                "port": 10000 + i,
            })


def config(s, out, extra=None, addresses=None, dual=False):
    addresses = addresses or {}
    lines = ["version: 1", "bridges:"]
    for n, b in enumerate(s.bridges):
        lines += ["  %s:" % b["name"], "    subnet: %s/16" % ip(b["net"])]
        if dual:
            lines.append("    subnet6: fd00:%x::/64" % (100 + n))
    lines.append("containers:")
    cs = list(s.containers)
    if extra:
        # One more container on the first bridge, with the next address.
        last = [c for c in cs if c["bridge"] == s.bridges[0]["name"]][-1]
        cs.append(dict(last, name=extra, netns="%s-%s" % (s.prefix, extra), port=30000))
    for c in cs:
        lines += ["  %s:" % c["name"], "    netns: %s" % c["netns"]]
        if c["name"] in addresses:
            lines += ["    networks:", "      %s:" % c["bridge"], "        address: %s" % addresses[c["name"]]]
        else:
            lines.append("    networks: [%s]" % c["bridge"])
        lines.append('    ports: ["%d:80"]' % c["port"])
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def snapshot(s, out):
    w = []
    w += ["# netconverge snapshot", "snapshot: 1", "ip_forward: 1", "namespaces:"]
    for c in sorted(s.containers, key=lambda c: c["netns"]):
        w.append("  - {netns: %s, exists: true}" % c["netns"])
    links, addrs, routes = [], [], []
    for n, b in enumerate(s.bridges):
        links.append(('', b["name"], '  - {netns: "", name: %s, kind: bridge, mtu: 1500, mac: "0a:00:00:00:%02x:01", '
                      'up: true, alias: "netconverge:bridge", group: 28259}' % (b["name"], n)))
        addrs.append(('', b["name"], '  - {netns: "", dev: %s, address: %s/16}' % (b["name"], ip(b["net"] + 1))))
    links.append(('', 'lo', '  - {netns: "", name: lo, kind: loopback, mtu: 65536, up: true}'))
    for c in s.containers:
        hostmac = "0a:%02x:%02x:%02x:%02x:%02x" % tuple(c["i"].to_bytes(5, "big"))
        links.append(('', c["veth"], '  - {netns: "", name: %s, kind: veth, mtu: 1500, mac: "%s", up: true, master: %s, '
                      'alias: "netconverge:veth %s %s %s", peer_netns: %s, peer: eth0, group: 28259}'
                      % (c["veth"], hostmac, c["bridge"], c["name"], c["bridge"], c["netns"], c["netns"])))
        links.append((c["netns"], "eth0", '  - {netns: %s, name: eth0, kind: veth, mtu: 1500, mac: "%s", up: true, '
                      'alias: "netconverge:peer %s %s", peer_netns: "", peer: %s, group: 28259}'
                      % (c["netns"], c["mac"], c["name"], c["bridge"], c["veth"])))
        links.append((c["netns"], "lo", '  - {netns: %s, name: lo, kind: loopback, mtu: 65536, up: true}' % c["netns"]))
        addrs.append((c["netns"], "eth0", '  - {netns: %s, dev: eth0, address: %s/16}' % (c["netns"], ip(c["addr"]))))
        addrs.append((c["netns"], "lo", '  - {netns: %s, dev: lo, address: 127.0.0.1/8}' % c["netns"]))
        routes.append((c["netns"], '  - {netns: %s, dst: 0.0.0.0/0, via: %s, dev: eth0, protocol: 78}'
                       % (c["netns"], ip(c["gw"]))))
    w.append("links:")
    w += [x[2] for x in sorted(links)]
    w.append("addresses:")
    w += [x[2] for x in sorted(addrs)]
    w.append("routes:")
    w += [x[1] for x in sorted(routes)]
    w += ["nft:", "  table: netconverge", "  chains:",
          "    - {name: forward, hook: forward, type: filter, priority: 0}",
          "    - {name: output, hook: output, type: nat, priority: -100}",
          "    - {name: postrouting, hook: postrouting, type: nat, priority: 100}",
          "    - {name: prerouting, hook: prerouting, type: nat, priority: -100}",
          "    - {name: publish, hook: none}",
          "  rules:"]
    rules = []
    names = [b["name"] for b in s.bridges]
    for a in names:
        for b in names:
            if a != b:
                rules.append(("forward", "isolate %s %s" % (a, b),
                              '{chain: forward, key: "isolate %s %s", kind: drop, iifname: %s, oifname: %s}' % (a, b, a, b)))
    rules.append(("output", "jump output",
                  '{chain: output, key: "jump output", kind: jump, target: publish, not_loopback: true}'))
    for b in s.bridges:
        rules.append(("postrouting", "masquerade " + b["name"],
                      '{chain: postrouting, key: "masquerade %s", kind: masquerade, saddr: %s/16, oifname: %s}'
                      % (b["name"], ip(b["net"]), b["name"])))
    rules.append(("prerouting", "jump prerouting", '{chain: prerouting, key: "jump prerouting", kind: jump, target: publish}'))
    for c in s.containers:
        rules.append(("publish", "publish tcp 0.0.0.0:%d" % c["port"],
                      '{chain: publish, key: "publish tcp 0.0.0.0:%d", kind: dnat, protocol: tcp, daddr: 0.0.0.0, '
                      'dport: %d, to: "%s:80"}' % (c["port"], c["port"], ip(c["addr"]))))
    for b in names:
        rules.append(("publish", "return " + b, '{chain: publish, key: "return %s", kind: return, iifname: %s}' % (b, b)))
    w += ["    - " + r[2] for r in sorted(rules)]
    with open(out, "w") as f:
        f.write("\n".join(w) + "\n")


def ipbatch(s, d):
    os.makedirs(os.path.join(d, "ns"), exist_ok=True)
    with open(os.path.join(d, "host.batch"), "w") as f:
        for b in s.bridges:
            f.write("link add name %s mtu 1500 up type bridge\n" % b["name"])
            f.write("address add %s/16 broadcast + dev %s\n" % (ip(b["net"] + 1), b["name"]))
        for c in s.containers:
            # The peer goes straight into its namespace, already named eth0.
            f.write("link add name %s mtu 1500 master %s up type veth peer name eth0 netns %s address %s mtu 1500\n"
                    % (c["veth"], c["bridge"], c["netns"], c["mac"]))
    for c in s.containers:
        with open(os.path.join(d, "ns", c["netns"] + ".batch"), "w") as f:
            f.write("link set lo up\nlink set eth0 up\naddress add %s/16 broadcast + dev eth0\n"
                    "route add default via %s dev eth0\n" % (ip(c["addr"]), ip(c["gw"])))
    names = [b["name"] for b in s.bridges]
    with open(os.path.join(d, "ruleset.nft"), "w") as f:
        f.write("table inet netconverge {\n")
        f.write("  chain postrouting {\n    type nat hook postrouting priority 100; policy accept;\n")
        for b in s.bridges:
            f.write('    ip saddr %s/16 oifname != "%s" masquerade\n' % (ip(b["net"]), b["name"]))
        f.write("  }\n  chain prerouting {\n    type nat hook prerouting priority -100; policy accept;\n"
                "    fib daddr type local jump publish\n  }\n")
        f.write("  chain output {\n    type nat hook output priority -100; policy accept;\n"
                "    ip daddr != 127.0.0.0/8 fib daddr type local jump publish\n  }\n")
        f.write("  chain publish {\n")
        for b in names:
            f.write('    iifname "%s" return\n' % b)
        for c in s.containers:
            f.write("    tcp dport %d dnat ip to %s:80\n" % (c["port"], ip(c["addr"])))
        f.write("  }\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n")
        for a in names:
            for b in names:
                if a != b:
                    f.write('    iifname "%s" oifname "%s" drop\n' % (a, b))
        f.write("  }\n}\n")


def cni(s, d, plugins="/usr/lib/cni"):
    """One conflist per bridge (bridge + host-local + ipMasq, then portmap),
    and add.sh: a runtime's ADD, per container, plugin by plugin, each
    handed the previous one's result (libcni's way), loopback first."""
    os.makedirs(d, exist_ok=True)
    data = os.path.join(d, "ipam")
    confs = {}
    for b in s.bridges:
        bridge = {
            "type": "bridge", "bridge": b["name"], "isGateway": True, "ipMasq": True, "mtu": 1500,
            "ipam": {"type": "host-local", "dataDir": data,
                     "ranges": [[{"subnet": "%s/16" % ip(b["net"]), "gateway": ip(b["net"] + 1)}]],
                     "routes": [{"dst": "0.0.0.0/0"}]},
        }
        portmap = {"type": "portmap", "capabilities": {"portMappings": True}, "snat": True}
        conflist = {"cniVersion": "1.0.0", "name": b["name"], "plugins": [bridge, portmap]}
        with open(os.path.join(d, b["name"] + ".conflist"), "w") as f:
            json.dump(conflist, f, indent=2)
        confs[b["name"]] = (bridge, portmap)
    lo = json.dumps({"cniVersion": "1.0.0", "name": "lo", "type": "loopback"})
    with open(os.path.join(d, "add.sh"), "w") as f:
        f.write("# Generated by bench/gen.py: what a container runtime does on ADD, per container.\n")
        f.write("set -euo pipefail\nexport CNI_COMMAND=ADD CNI_PATH=%s\n" % plugins)
        for c in s.containers:
            bridge, portmap = confs[c["bridge"]]
            bconf = dict(bridge, cniVersion="1.0.0", name=c["bridge"])
            pconf = dict(portmap, cniVersion="1.0.0", name=c["bridge"],
                         runtimeConfig={"portMappings": [{"hostPort": c["port"], "containerPort": 80,
                                                          "protocol": "tcp"}]})
            head = json.dumps(pconf)[:-1] + ', "prevResult": '
            f.write("export CNI_CONTAINERID=%s CNI_NETNS=/run/netns/%s\n" % (c["netns"], c["netns"]))
            f.write("CNI_IFNAME=lo %s/loopback <<<'%s' >/dev/null\n" % (plugins, lo))
            f.write("r=$(CNI_IFNAME=eth0 %s/bridge <<<'%s')\n" % (plugins, json.dumps(bconf)))
            f.write("CNI_IFNAME=eth0 %s/portmap <<<'%s'\"$r}\" >/dev/null\n" % (plugins, head))


def samples(s):
    """First, middle and last container of each bridge."""
    out = []
    for b in s.bridges:
        cs = [c for c in s.containers if c["bridge"] == b["name"]]
        for c in {cs[0]["i"]: cs[0], cs[len(cs) // 2]["i"]: cs[len(cs) // 2], cs[-1]["i"]: cs[-1]}.values():
            out.append("%s %s %s %s %s %d %s" % (c["netns"], ip(c["addr"]), ip(c["gw"]), c["mac"], c["bridge"], c["port"],
                                                c["veth"]))
    print("\n".join(out))


def main():
    what, prefix, bridges, per = sys.argv[1:5]
    s = Shape(prefix, int(bridges), int(per))
    rest = sys.argv[5:]
    if what == "config":
        extra, addresses, dual = None, {}, False
        out = rest[0]
        i = 1
        while i < len(rest):
            if rest[i] == "--dual":
                dual = True
                i += 1
                continue
            if rest[i] == "--extra":
                extra = rest[i + 1]
            elif rest[i] == "--address":
                k, v = rest[i + 1].split("=")
                addresses[k] = v
            i += 2
        config(s, out, extra, addresses, dual)
    elif what == "snapshot":
        snapshot(s, rest[0])
    elif what == "ip":
        ipbatch(s, rest[0])
    elif what == "cni":
        cni(s, rest[0])
    elif what == "samples":
        samples(s)
    else:
        sys.exit("unknown: " + what)


if __name__ == "__main__":
    main()
