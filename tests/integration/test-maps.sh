#!/usr/bin/env bash
# Published ports as elements of nftables maps (SPEC 7.2, issue 14 item 4):
# test-maps.sh NETCONVERGE SOURCE-DIR
#
# 2000 published ports make a table of a few rules (one lookup per map in
# use), not 2000; a connection from outside reaches the first and the last
# port; adding one port adds exactly one element and keeps every rule
# handle and every other element.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
WEB=$P-web
UPLINK=198.51.100.1
OUTSIDE=198.51.100.2
T=netconverge
check=$NC_SRC/tests/integration/netcheck.py
f=$(nc_config maps)
more=$(nc_config maps-more)

command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"

nft_in() { timeout 20 ip netns exec "$H" nft "$@"; }
in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }

# The table as nft -j sees it: "rules N", then one line per rule
# (comment=handle) and per element (map comment), sorted.
table_facts() {
        nft_in -j -a list table inet "$T" | python3 -c '
import json, sys
d = json.load(sys.stdin)["nftables"]
rules = [r["rule"] for r in d if "rule" in r]
print("rules", len(rules))
for r in rules:
    print("rule", r.get("comment"), r["handle"])
for m in (x["map"] for x in d if "map" in x):
    for e in m.get("elem", []):
        print("elem", m["name"], e[0]["elem"]["comment"], json.dumps(e[1]))
' | sort
}

# --- the outside world
nc_outside "$OUT" "$UPLINK" "$OUTSIDE"

nc_expect 0 apply "$f"
table_facts >"$NC_TMP/before"
n_rules=$(awk '$1 == "rules" { print $2 }' "$NC_TMP/before")
n_elems=$(grep -c '^elem ports4_tcp publish tcp 0.0.0.0:' "$NC_TMP/before")
[ "$n_elems" -eq 2000 ] || nc_fail "$n_elems elements in ports4_tcp, not 2000"
[ "$n_rules" -le 36 ] || nc_fail "2000 published ports make $n_rules rules, not a few dozen"
grep -qxF 'elem ports4_tcp publish tcp 0.0.0.0:11999 {"concat": ["10.127.1.2", 21999]}' "$NC_TMP/before" ||
        nc_fail "the last port's element is not 11999 : 10.127.1.2 . 21999"
nc_pass "2000 published ports: 2000 elements of ports4_tcp, $n_rules rules in the table"

nc_expect 0 apply "$f"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "second apply was not a no-op: $NC_OUT"
nc_pass "2000 elements observed back as the file's ports: No changes."

# --- real packets through the first and the last port
for port in 20000 21999; do
        nc_background timeout 25 ip netns exec "$WEB" python3 "$check" tcp-server 0.0.0.0 "$port" "web-$port" \
                "$NC_TMP/peers-$port" 20
        nc_wait_until 5 in_ns "$WEB" python3 "$check" wait-tcp 127.0.0.1 "$port" 1 ||
                nc_fail "tcp server on $port did not start"
done
got=$(in_ns "$OUT" python3 "$check" tcp-client "$UPLINK" 10000) || true
[ "$got" = web-20000 ] || nc_fail "the first published port (10000) answered '$got'"
got=$(in_ns "$OUT" python3 "$check" tcp-client "$UPLINK" 11999) || true
[ "$got" = web-21999 ] || nc_fail "the last published port (11999) answered '$got'"
got=$(in_ns "$OUT" python3 "$check" tcp-client "$UPLINK" 12000) || true
[ -z "$got" ] || nc_fail "port 12000 answered before it was published: '$got'"
nc_pass "the outside reaches the first and the last of 2000 ports, translated by the map"

# --- one port more: one element more, nothing else
nc_expect 2 diff "$more"
want="+ nat publish tcp 0.0.0.0:12000 -> 10.127.1.2:80
Plan: 1 to add, 0 to change, 0 to remove."
[ "$NC_OUT" = "$want" ] || nc_fail "adding a port plans more than its element: $NC_OUT"
nc_expect 0 apply "$more"
table_facts >"$NC_TMP/after"
diff "$NC_TMP/before" "$NC_TMP/after" >"$NC_TMP/delta" || true
[ "$(grep -c '^[<>]' "$NC_TMP/delta")" -eq 1 ] &&
        grep -qxF '> elem ports4_tcp publish tcp 0.0.0.0:12000 {"concat": ["10.127.1.2", 80]}' "$NC_TMP/delta" ||
        nc_fail "adding a port changed more than one element: $(cat "$NC_TMP/delta")"
nc_pass "adding a port adds one element; every rule keeps its handle, every other element stays"

nc_background timeout 25 ip netns exec "$WEB" python3 "$check" tcp-server 0.0.0.0 80 web-80 "$NC_TMP/peers-80" 20
nc_wait_until 5 in_ns "$WEB" python3 "$check" wait-tcp 127.0.0.1 80 1 || nc_fail "tcp server on 80 did not start"
got=$(in_ns "$OUT" python3 "$check" tcp-client "$UPLINK" 12000) || true
[ "$got" = web-80 ] || nc_fail "the added port (12000) answered '$got'"
nc_pass "the added port answers"

# --- and back: one element less
nc_expect 0 apply "$f"
table_facts >"$NC_TMP/again"
cmp -s "$NC_TMP/before" "$NC_TMP/again" || nc_fail "removing the port changed more than its element: $(diff "$NC_TMP/before" "$NC_TMP/again")"
nc_pass "removing it removes its element alone"
