#!/usr/bin/env bash
# NAT, published ports and isolation, checked with real packets and with
# nft's own view of the table: test-nat.sh NETCONVERGE SOURCE-DIR
#
# The run's "host" namespace $NC_HOST is joined to an "outside" namespace by
# a veth in 198.51.100.0/24 (host .1, outside .2). The outside has no route
# to the containers' subnets, so a container reaches it only through the
# masquerade, and it reaches a container only through a published port.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
WEB=$P-web
OTHER=$P-other
WEB_IP=10.124.1.2
OTHER_IP=10.124.2.2
UPLINK=198.51.100.1
OUTSIDE=198.51.100.2
T=netconverge
check=$NC_SRC/tests/integration/netcheck.py
nat=$(nc_config nat)
open=$(nc_config nat-open)

command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"

nft_in() { timeout 10 ip netns exec "$H" nft "$@"; }
in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }

# comment=handle for every rule of our table, sorted: handles must survive
# a no-op apply.
rule_handles() {
        nft_in -j -a list table inet "$T" |
                nc_j '[str(r["rule"].get("comment")) + "=" + str(r["rule"]["handle"]) for r in d["nftables"] if "rule" in r]' | sort
}
rule_handle() { rule_handles | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# A server in NS on PORT for at most 20 s, and wait until it listens.
tcp_server() {
        local ns=$1 port=$2 reply=$3
        nc_background timeout 25 ip netns exec "$ns" python3 "$check" tcp-server 0.0.0.0 "$port" "$reply" \
                "$NC_TMP/peers-$ns-$port" 20
        nc_wait_until 5 in_ns "$ns" python3 "$check" wait-tcp 127.0.0.1 "$port" 1 ||
                nc_fail "tcp server in $ns:$port did not start"
        : >"$NC_TMP/peers-$ns-$port"
}

# --- the outside world
nc_outside "$OUT" "$UPLINK" "$OUTSIDE"

# A table of someone else's: never read for writing, never touched.
nft_in -f - <<'NFT'
table inet foreign {
        chain input { type filter hook input priority 10; policy accept; counter comment "foreign"; }
        chain keep { tcp dport 9999 counter accept; }
}
NFT
nft_in list table inet foreign >"$NC_TMP/foreign.before"

nc_expect 0 apply "$nat"
nc_pass "apply"

# --- the table as nft sees it
nft_in -j list table inet "$T" >"$NC_TMP/table.json"
python3 - "$NC_TMP/table.json" "$P" <<'PY' || nc_fail "the table is not what SPEC 2 asks for"
import json, sys
d = json.load(open(sys.argv[1]))["nftables"]
p = sys.argv[2]
chains = {c["chain"]["name"]: c["chain"] for c in d if "chain" in c}
rules = {r["rule"].get("comment"): r["rule"] for r in d if "rule" in r}
assert chains["postrouting"]["hook"] == "postrouting" and chains["postrouting"]["type"] == "nat", chains
assert chains["prerouting"]["hook"] == "prerouting" and chains["output"]["hook"] == "output", chains
assert chains["forward"]["type"] == "filter" and "hook" not in chains["publish"], chains
want = {f"masquerade {p}a", f"masquerade {p}b", "jump prerouting", "jump output", "guard lo",
        f"hairpin {p}a", f"hairpin {p}b", f"localhost {p}a", f"localhost {p}b", f"filter {p}a", f"filter {p}b",
        "ports tcp", "ports udp", f"isolate {p}a {p}b", f"isolate {p}b {p}a"}
assert set(rules) == want, sorted(rules)
# The published ports are elements of one map per protocol (SPEC 7.2), each
# with its key as its comment; one lookup rule per map.
maps = {m["map"]["name"]: m["map"] for m in d if "map" in m}
assert set(maps) == {"ports4_tcp", "ports4_udp"}, sorted(maps)
elems = {e[0]["elem"]["comment"]: (e[0]["elem"]["val"], e[1]["concat"]) for m in maps.values() for e in m["elem"]}
assert elems == {"publish tcp 0.0.0.0:8080": (8080, ["10.124.1.2", 80]),
                 "publish udp 0.0.0.0:5353": (5353, ["10.124.1.2", 53])}, elems
assert rules[f"masquerade {p}a"]["chain"] == "postrouting"
assert any("masquerade" in e for e in rules[f"masquerade {p}a"]["expr"]), rules[f"masquerade {p}a"]
dnat = [e["dnat"] for e in rules["ports tcp"]["expr"] if "dnat" in e][0]
assert dnat["addr"]["map"]["data"] == "@ports4_tcp", dnat
assert any("drop" in e for e in rules[f"isolate {p}a {p}b"]["expr"])
# SPEC 7.2: no return rule (hairpin); the guard sees packets before any DNAT.
assert chains["guard"]["hook"] == "prerouting" and chains["guard"]["prio"] < -100, chains["guard"]
PY
[ "$(in_ns "$H" cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || nc_fail "ip_forward is not 1"
nc_pass "table, chains, rules and ip_forward in the kernel"

# --- masquerade: the outside sees the host's uplink address
tcp_server "$OUT" 9000 outside
in_ns "$WEB" python3 "$check" tcp-client "$OUTSIDE" 9000 | grep -qx outside || nc_fail "web cannot reach the outside"
[ "$(cat "$NC_TMP/peers-$OUT-9000")" = "$UPLINK" ] ||
        nc_fail "the outside saw $(cat "$NC_TMP/peers-$OUT-9000"), not the uplink address $UPLINK"
nc_pass "masquerade: a container reaches the outside as $UPLINK"

# --- published ports, from outside and from the host itself
tcp_server "$WEB" 80 hello-web
nc_background timeout 25 ip netns exec "$WEB" python3 "$check" udp-server 0.0.0.0 53 hello-udp 20
sleep 0.2
in_ns "$OUT" python3 "$check" tcp-client "$UPLINK" 8080 | grep -qx hello-web || nc_fail "tcp 8080 not published to the outside"
grep -qx "$OUTSIDE" "$NC_TMP/peers-$WEB-80" || nc_fail "the container did not see the outside's address"
in_ns "$OUT" python3 "$check" udp-client "$UPLINK" 5353 | grep -qx hello-udp || nc_fail "udp 5353 not published to the outside"
in_ns "$H" python3 "$check" tcp-client "$UPLINK" 8080 | grep -qx hello-web ||
        nc_fail "tcp 8080 not reachable from the host through its own uplink address"
nc_pass "published tcp and udp ports answer from outside and from the host"

# --- isolation
! nc_ping "$WEB" "$OTHER_IP" || nc_fail "isolated bridges: web reached other"
! nc_ping "$OTHER" "$WEB_IP" || nc_fail "isolated bridges: other reached web"
nc_ping "$WEB" "$UPLINK" || nc_fail "web cannot reach the host"
nc_pass "isolated bridges cannot reach each other"

# --- a second apply changes nothing and keeps every rule handle
rule_handles >"$NC_TMP/handles.before"
nc_expect 0 apply "$nat"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "second apply was not a no-op: $NC_OUT"
rule_handles >"$NC_TMP/handles.after"
cmp -s "$NC_TMP/handles.before" "$NC_TMP/handles.after" || nc_fail "rule handles changed: $(diff "$NC_TMP/handles.before" "$NC_TMP/handles.after")"
nc_pass "second apply: No changes., same rule handles"

# --- drift by hand: a rule deleted, a rule changed, the table deleted
nft_in delete element inet "$T" ports4_tcp "{ 8080 }"
nc_expect 2 diff "$nat"
grep -qF "+ nat publish tcp 0.0.0.0:8080 -> $WEB_IP:80" <<<"$NC_OUT" || nc_fail "diff did not show the deleted element: $NC_OUT"
nc_expect 0 apply "$nat"
in_ns "$OUT" python3 "$check" tcp-client "$UPLINK" 8080 | grep -qx hello-web || nc_fail "deleted publish element not repaired"

h=$(rule_handle "masquerade ${P}a")
nft_in replace rule inet "$T" postrouting handle "$h" ip saddr 10.124.1.0/24 accept comment "\"masquerade ${P}a\""
nc_expect 2 diff "$nat"
grep -qF "~ nat masquerade 10.124.1.0/24 out !${P}a" <<<"$NC_OUT" || nc_fail "diff did not show the changed rule: $NC_OUT"
nc_expect 0 apply "$nat"
[ "$(rule_handle "masquerade ${P}a")" = "$h" ] || nc_fail "the repaired rule did not keep its handle $h"
: >"$NC_TMP/peers-$OUT-9000"
in_ns "$WEB" python3 "$check" tcp-client "$OUTSIDE" 9000 | grep -qx outside || nc_fail "changed masquerade rule not repaired"

nft_in add rule inet "$T" forward counter
nc_expect 2 diff "$nat"
grep -qF -- "- nft rule in chain forward, not made by netconverge" <<<"$NC_OUT" || nc_fail "a foreign rule in the table was not planned away: $NC_OUT"
nc_expect 0 apply "$nat"

nft_in delete table inet "$T"
nc_expect 2 diff "$nat"
nc_expect 0 apply "$nat"
in_ns "$OUT" python3 "$check" tcp-client "$UPLINK" 8080 | grep -qx hello-web || nc_fail "deleted table not repaired"
nc_pass "rule deleted, rule changed, foreign rule and table deleted by hand: repaired"

# --- isolated: false on both bridges opens the way
nc_expect 0 apply "$open"
nc_ping "$WEB" "$OTHER_IP" || nc_fail "open bridges: web cannot reach other"
nc_ping "$OTHER" "$WEB_IP" || nc_fail "open bridges: other cannot reach web"
nc_pass "isolated: false lets the bridges talk"

# --- destroy: our table goes, the foreign one stays byte-identical
nft_in list table inet foreign >"$NC_TMP/foreign.applied"
nc_expect 0 destroy
nft_in list tables >"$NC_TMP/tables"
grep -q "inet $T\$" "$NC_TMP/tables" && nc_fail "destroy left the table"
nft_in list table inet foreign >"$NC_TMP/foreign.after"
# Counters count packets; compare the rules, not the numbers.
for f in before applied after; do
        sed -E 's/packets [0-9]+ bytes [0-9]+/packets N bytes N/' "$NC_TMP/foreign.$f" >"$NC_TMP/foreign.$f.rules"
done
cmp -s "$NC_TMP/foreign.before.rules" "$NC_TMP/foreign.applied.rules" ||
        nc_fail "apply changed the foreign table: $(diff "$NC_TMP/foreign.before.rules" "$NC_TMP/foreign.applied.rules")"
cmp -s "$NC_TMP/foreign.before.rules" "$NC_TMP/foreign.after.rules" ||
        nc_fail "destroy changed the foreign table: $(diff "$NC_TMP/foreign.before.rules" "$NC_TMP/foreign.after.rules")"
grep -q 'packets N bytes N' "$NC_TMP/foreign.after.rules" || nc_fail "the foreign table's counter is gone"
nc_pass "destroy removed the table; the foreign table is unchanged"
