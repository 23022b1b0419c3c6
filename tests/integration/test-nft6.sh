#!/usr/bin/env bash
# The IPv6 rules of the owned table (issue 13 item 4), in the kernel:
# test-nft6.sh NETCONVERGE SOURCE-DIR
#
# A dual-stack file is applied in the run's own namespaces; nft's JSON view
# of the table must hold the IPv6 masquerade, the IPv6 output jump and the
# IPv6 DNAT rules SPEC 7.1 asks for (and no IPv6 rule for the IPv4-only
# bridge or the IPv4-only port), and a second diff must say "No changes.":
# what observation decodes from the kernel is what lowering wants, so
# build and decode agree. A rule deleted or changed by hand with nft shows
# in diff and is repaired. Packets over IPv6 are another test's.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
T=netconverge
file=$(nc_config nft6)

command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"
nft_in() { timeout 10 ip netns exec "$H" nft "$@"; }

rule_handle() {
        nft_in -j -a list table inet "$T" |
                nc_j "[r['rule']['handle'] for r in d['nftables'] if 'rule' in r and r['rule'].get('comment') == '$1']"
}

nc_expect 0 apply "$file"
nc_pass "apply"

nft_in -j list table inet "$T" >"$NC_TMP/table.json"
python3 - "$NC_TMP/table.json" "$P" <<'PY' || nc_fail "the IPv6 rules are not what SPEC 7.1 asks for"
import json, sys
d = json.load(open(sys.argv[1]))["nftables"]
p = sys.argv[2]
rules = {r["rule"].get("comment"): r["rule"]["expr"] for r in d if "rule" in r}

def match(expr, proto, field):
        return [e["match"] for e in expr if "match" in e and e["match"]["left"].get("payload", {}).get("protocol") == proto
                and e["match"]["left"]["payload"]["field"] == field]

def dnat(expr):
        return [e["dnat"] for e in expr if "dnat" in e][0]

# The published ports are map elements (SPEC 7.2): per family, protocol and
# keying a map, looked up by one rule.
maps = {m["map"]["name"]: m["map"] for m in d if "map" in m}
elems = {e[0]["elem"]["comment"]: (m["name"], e[0]["elem"]["val"], e[1]["concat"])
         for m in maps.values() for e in m.get("elem", [])}
want6 = {f"masquerade6 {p}a", f"hairpin6 {p}a", "jump6 output", "ports6 tcp", "ports6 tcp addr", "ports6 udp"}
assert want6 <= set(rules), sorted(rules)
# No IPv6 rule for the IPv4-only bridge, its port, or the IPv4-only port.
six = {k for k in rules if k and ("[" in k or k.split()[0].endswith("6"))}
assert six == want6, sorted(six)
assert set(maps) == {"ports4_tcp", "ports4_udp", "ports6_tcp", "ports6_tcp_addr", "ports6_udp"}, sorted(maps)
assert {k for k in elems if "[" in k} == {"publish tcp [::]:8080", "publish tcp [::1]:8082", "publish udp [::]:5353"}, elems
assert "publish tcp 0.0.0.0:8081" in elems and "publish tcp 0.0.0.0:9000" in elems, sorted(elems)

m = rules[f"masquerade6 {p}a"]
assert match(m, "ip6", "saddr")[0]["right"] == {"prefix": {"addr": "fd00:7c:1::", "len": 64}}, m
assert any("masquerade" in e for e in m), m
assert [e["match"]["right"] for e in m if "match" in e and "meta" in e["match"]["left"]] == [f"{p}a"], m

h = rules[f"hairpin6 {p}a"]
assert match(h, "ip6", "saddr")[0]["right"] == {"prefix": {"addr": "fd00:7c:1::", "len": 64}}, h
assert any(e.get("match", {}).get("left", {}).get("ct", {}).get("key") == "status" for e in h), h

j = rules["jump6 output"]
assert match(j, "ip6", "daddr")[0] == {"op": "!=", "left": {"payload": {"protocol": "ip6", "field": "daddr"}},
                                       "right": "::1"}, j
assert any(e.get("jump", {}).get("target") == "publish" for e in j), j

# Without host_ip: any local address, keyed by the port alone; to the
# container's address6. With one, keyed by address . port.
assert dnat(rules["ports6 tcp"])["family"] == "ip6" and dnat(rules["ports6 tcp"])["addr"]["map"]["data"] == "@ports6_tcp"
assert dnat(rules["ports6 tcp addr"])["addr"]["map"]["data"] == "@ports6_tcp_addr", rules["ports6 tcp addr"]
assert elems["publish tcp [::]:8080"] == ("ports6_tcp", 8080, ["fd00:7c:1::2", 80]), elems
assert elems["publish tcp [::1]:8082"] == ("ports6_tcp_addr", {"concat": ["::1", 8082]}, ["fd00:7c:1::2", 82]), elems
assert elems["publish udp [::]:5353"] == ("ports6_udp", 5353, ["fd00:7c:1::2", 53]), elems
# The IPv4 twin of the dual-stack port is there too, to the IPv4 address.
assert elems["publish tcp 0.0.0.0:8080"] == ("ports4_tcp", 8080, ["10.124.1.2", 80]), elems
PY
nc_pass "IPv6 masquerade, output jump and DNAT rules in the kernel, none for IPv4-only things"

nc_expect 0 diff "$file"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "diff after apply: $NC_OUT"
nc_expect 0 apply "$file"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "second apply: $NC_OUT"
nc_pass "diff and a second apply: No changes. (decode gives back what build wrote)"

# --- drift by hand, with nft: an IPv6 rule deleted, one changed
h=$(rule_handle "masquerade6 ${P}a")
[ -n "$h" ] || nc_fail "no handle for masquerade6 ${P}a"
nft_in delete rule inet "$T" postrouting handle "$h"
nc_expect 2 diff "$file"
grep -qxF "+ nat masquerade fd00:7c:1::/64 out !${P}a" <<<"$NC_OUT" || nc_fail "diff did not show the deleted rule: $NC_OUT"
nft_in delete element inet "$T" ports6_tcp "{ 8080 }"
nft_in add element inet "$T" ports6_tcp '{ 8080 comment "publish tcp [::]:8080" : fd00:7c:1::9 . 80 }'
nc_expect 2 diff "$file"
grep -qxF "~ nat publish tcp [::]:8080 -> [fd00:7c:1::2]:80 (was: nat publish tcp [::]:8080 -> [fd00:7c:1::9]:80)" <<<"$NC_OUT" ||
        nc_fail "diff did not show the changed element: $NC_OUT"
nc_expect 0 apply "$file"
nc_expect 0 diff "$file"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "drift not repaired: $NC_OUT"
nc_pass "an IPv6 rule deleted and a port element changed with nft: shown by diff, repaired by apply"
