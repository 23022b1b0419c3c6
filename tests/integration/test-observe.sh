#!/usr/bin/env bash
# Observation against real namespaces: test-observe.sh NETCONVERGE
#
# Builds a small host in throwaway namespaces (never the machine's own:
# the "host" is a namespace too, reached with -n), the way netconverge
# would have built it, plus foreign objects, then checks `show --snapshot`
# byte for byte and `show` as a file that validates. Needs root and ip(8);
# exits 77 (skipped) without them.
set -euo pipefail

nc=$1
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
        echo "SKIP: needs root and ip(8)"
        exit 77
fi

p=nct-obs-$$
host=$p-host
c1=$p-c1
missing=$p-missing      # named by an alias, never created
tmp=$(mktemp -d)

cleanup() {
        local ns
        # The run lock netconverge made for our host namespace.
        [ -e "/run/netns/$host" ] && rm -f "/run/netconverge/lock-$(stat -L -c %i "/run/netns/$host")"
        for ns in "$host" "$c1"; do
                timeout 10 ip netns delete "$ns" 2>/dev/null || true
        done
        rm -rf "$tmp"
}
trap cleanup EXIT

# Every command bounded: a wedged kernel call must not hang the suite.
ipc() { timeout 10 ip "$@"; }
ncb() { timeout 20 "$nc" "$@"; }
fail() {
        echo "FAIL: $*" >&2
        exit 1
}

ipc netns add "$host"
ipc netns add "$c1"
timeout 10 ip netns exec "$host" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'

# The host: an owned bridge with its gateway address, lo, a foreign link.
ipc -n "$host" link set lo up
ipc -n "$host" link add br0 type bridge
ipc -n "$host" link set br0 address 02:42:8e:00:00:01 alias "netconverge:bridge" group 0x6e63 up
ipc -n "$host" addr add 172.30.0.1/16 dev br0
# A vxlan made by hand (not ours: no alias, not in our group), and whose
# module, unlike dummy's or ifb's, makes no devices in the machine's own
# namespace when it loads.
ipc -n "$host" link add foreign0 type vxlan id 42 dstport 4789
ipc -n "$host" link set foreign0 address 02:00:00:00:00:99
fmac=$(timeout 10 ip netns exec "$host" cat /sys/class/net/foreign0/address)
# A container: its veth created with the other end directly in its namespace.
ipc -n "$host" link add vethc1 type veth peer name eth0 netns "$c1"
ipc -n "$host" link set vethc1 address 02:00:00:00:00:01 alias "netconverge:veth web br0 $c1" group 0x6e63 master br0 up
ipc -n "$c1" link set lo up
ipc -n "$c1" link set eth0 address 02:42:ac:1e:00:02 alias "netconverge:peer web br0" group 0x6e63 up
ipc -n "$c1" addr add 172.30.0.2/16 dev eth0
ipc -n "$c1" route add default via 172.30.0.1 dev eth0 proto 78
# A user's route on the host (kept: not protocol kernel) and an owned host
# end whose container's namespace does not exist (exists: false).
ipc -n "$host" route add 10.99.0.0/16 via 172.30.0.254 dev br0
ipc -n "$host" link add vethghost type veth peer name vethghost-p
ipc -n "$host" link set vethghost address 02:00:00:00:00:02 alias "netconverge:veth ghost br0 $missing" group 0x6e63
ipc -n "$host" link set vethghost-p address 02:00:00:00:00:03

# The veths were made by hand, so the kernel gives them IPv6 link-local
# addresses (ipv6: true), and the namespace has IPv6 forwarding off.
ncb -n "$host" show --snapshot >"$tmp/snap" || fail "show --snapshot exited $?"
cat >"$tmp/snap.expected" <<EOS
# netconverge snapshot
snapshot: 1
ip_forward: 1
ip6_forward: 0
route_localnet: 0
namespaces:
  - {netns: $c1, exists: true}
  - {netns: $missing, exists: false}
links:
  - {netns: "", name: br0, kind: bridge, mtu: 1500, mac: "02:42:8e:00:00:01", up: true, alias: "netconverge:bridge", group: 28259}
  - {netns: "", name: foreign0, kind: vxlan, mtu: 1500, mac: "$fmac", up: false, vni: 42, port: 4789, learning: true}
  - {netns: "", name: lo, kind: loopback, mtu: 65536, up: true}
  - {netns: "", name: vethc1, kind: veth, mtu: 1500, mac: "02:00:00:00:00:01", up: true, master: br0, alias: "netconverge:veth web br0 $c1", group: 28259, ipv6: true, peer_netns: $c1, peer: eth0}
  - {netns: "", name: vethghost, kind: veth, mtu: 1500, mac: "02:00:00:00:00:02", up: false, alias: "netconverge:veth ghost br0 $missing", group: 28259, ipv6: true}
  - {netns: "", name: vethghost-p, kind: veth, mtu: 1500, mac: "02:00:00:00:00:03", up: false, ipv6: true}
  - {netns: $c1, name: eth0, kind: veth, mtu: 1500, mac: "02:42:ac:1e:00:02", up: true, alias: "netconverge:peer web br0", group: 28259, ipv6: true, peer_netns: "", peer: vethc1}
  - {netns: $c1, name: lo, kind: loopback, mtu: 65536, up: true}
addresses:
  - {netns: "", dev: br0, address: 172.30.0.1/16}
  - {netns: "", dev: lo, address: 127.0.0.1/8}
  - {netns: "", dev: lo, address: "::1/128"}
  - {netns: $c1, dev: eth0, address: 172.30.0.2/16}
  - {netns: $c1, dev: lo, address: 127.0.0.1/8}
  - {netns: $c1, dev: lo, address: "::1/128"}
routes:
  - {netns: "", dst: 10.99.0.0/16, via: 172.30.0.254, dev: br0, protocol: 3}
  - {netns: $c1, dst: 0.0.0.0/0, via: 172.30.0.1, dev: eth0, protocol: 78}
EOS
diff -u "$tmp/snap.expected" "$tmp/snap" || fail "show --snapshot differs from what was built"

# -o json: the same snapshot as a JSON document, entry for entry (the
# YAML writes one entry a line: "  - {netns: ..., name: NAME, ...}").
ncb -n "$host" -o json show --snapshot >"$tmp/snap.json-mode" || fail "-o json show --snapshot exited $?"
python3 - "$tmp/snap" "$tmp/snap.json-mode" <<'EOP' || fail "-o json show --snapshot is not the same snapshot"
import json, re, sys
yaml_lines = open(sys.argv[1]).read().splitlines()
d = json.load(open(sys.argv[2], encoding="utf-8"))
assert d["format_version"] == 1 and d["command"] == "show" and d["errors"] == [] and d["snapshot"] == 1, d
section, count = None, {}
for line in yaml_lines:
    m = re.match(r"^(\w+):", line)
    if m:
        section = m.group(1)
    elif line.startswith("  - {"):
        count[section] = count.get(section, 0) + 1
for key in ("namespaces", "links", "addresses", "routes"):
    assert len(d[key]) == count.get(key, 0), (key, len(d[key]), count.get(key, 0))
names = [re.search(r"name: ([^,}]+)", l).group(1) for l in yaml_lines if l.startswith("  - {netns") and "kind:" in l]
assert [l["name"] for l in d["links"]] == [n.strip('"') for n in names], (names, d["links"])
EOP

ncb -n "$host" show >"$tmp/show.yaml" || fail "show exited $?"
cat >"$tmp/show.expected" <<EOS
# netconverge show: what netconverge manages on this host, as a configuration file.
# left out: veth vethghost of container ghost: no container end in netns $missing
version: 1

bridges:
  br0:
    subnet: 172.30.0.0/16
    gateway: 172.30.0.1
    mtu: 1500
    masquerade: false

containers:
  web:
    netns: $c1
    networks:
      br0:
        address: 172.30.0.2
        mac: "02:42:ac:1e:00:02"
        interface: eth0
        host_interface: vethc1
EOS
diff -u "$tmp/show.expected" "$tmp/show.yaml" || fail "show differs from what was built"
ncb validate "$tmp/show.yaml" >/dev/null || fail "the output of show does not validate"

ncb -n "$host" -o json show >"$tmp/show.json" 2>"$tmp/show.err" || fail "-o json show exited $?"
python3 - "$tmp/show.json" "$c1" <<'EOP' || fail "-o json show: unexpected model: $(cat "$tmp/show.json")"
import json, sys
m = json.load(open(sys.argv[1]))
assert [b["name"] for b in m["bridges"]] == ["br0"], m
assert m["bridges"][0]["subnet"] == "172.30.0.0/16", m
(c,) = m["containers"]
assert c["name"] == "web" and c["netns"] == sys.argv[2], c
(n,) = c["networks"]
assert (n["bridge"], n["address"], n["interface"], n["host_interface"]) == ("br0", "172.30.0.2", "eth0", "vethc1"), n
EOP
grep -qF "left out: veth vethghost" "$tmp/show.err" || fail "-o json show did not report what it left out"

# show's file, applied, changes only what the hand-built host lacks (the
# nftables table: nothing above made one; the sysctls; the hand-made
# veth's bridge port out of hairpin mode, SPEC 7.2); shown again it is the same
# file, and planned against its own snapshot it is in sync.
ipc -n "$host" link delete vethghost
ncb -n "$host" show >"$tmp/show2.yaml" || fail "show exited $?"
ncb -n "$host" apply "$tmp/show2.yaml" >"$tmp/apply.out" 2>&1 || fail "applying show's file failed: $(cat "$tmp/apply.out")"
if grep -E '^[-+~] ' "$tmp/apply.out" | grep -vE '^[+~] (nft |nat |filter |sysctl )|^~ veth vethc1 <-> eth0 in netns [^ ]+: hairpin on$' | grep -q .; then
        fail "applying show's file changed more than the table: $(cat "$tmp/apply.out")"
fi
ncb -n "$host" show >"$tmp/show3.yaml" || fail "show exited $?"
ncb -n "$host" show --snapshot >"$tmp/snap3" || fail "show --snapshot exited $?"
diff -u "$tmp/show2.yaml" "$tmp/show3.yaml" || fail "show after apply differs from the file applied"
status=0
ncb diff "$tmp/show3.yaml" --observed "$tmp/snap3" >"$tmp/diff.out" 2>"$tmp/diff.err" || status=$?
[ "$status" = 0 ] && [ "$(cat "$tmp/diff.out")" = "No changes." ] ||
        fail "diff of show against its snapshot exited $status: $(cat "$tmp/diff.out" "$tmp/diff.err")"

# Errors: a namespace that is not there.
if ncb -n "$p-nonexistent" show >"$tmp/out" 2>"$tmp/err"; then
        fail "show in a missing namespace succeeded"
fi
grep -qF "netconverge: show: entering netns $p-nonexistent: No such file or directory" "$tmp/err" ||
        fail "unexpected error for a missing namespace: $(cat "$tmp/err")"

echo "ok: observe"
