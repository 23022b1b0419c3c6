#!/usr/bin/env bash
# Another table's forward base chain with policy drop is a warning (SPEC
# 7.4 pre-flight, issue 15 item 3): test-forward-drop.sh NETCONVERGE SOURCE-DIR
#
# In the test's own host namespace: iptables-nft's leftover as Docker and
# firewalld leave it (table ip filter, chain FORWARD, policy drop), and a
# table ip with the owned table's name (another family: not ours) with one
# too. diff and apply name both (text on stderr, JSON "warnings"), apply
# still converges; chains that are no such thing (policy accept, hook
# input, family bridge) are not named. Once the tables are gone, no
# warning, and the snapshot has no nft_forward_drops.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"
source "$NC_SRC/tests/integration/nftlib.sh"
command -v nft >/dev/null || nc_fail "nft is missing (the test makes the foreign chains with it)"

f=$(nc_config forward-drop)
drop_ip="warning: nftables table ip filter: forward chain FORWARD has policy drop (priority 0)"
drop_same_name="warning: nftables table ip netconverge: forward chain FWD has policy drop (priority -5)"

nft_in add table ip filter
nft_in add chain ip filter FORWARD '{ type filter hook forward priority 0; policy drop; }'
nft_in add table ip netconverge
nft_in add chain ip netconverge FWD '{ type filter hook forward priority -5; policy drop; }'
# Not such chains: accepting, another hook, another family.
nft_in add table ip6 ok
nft_in add chain ip6 ok forward '{ type filter hook forward priority 0; policy accept; }'
nft_in add table inet other
nft_in add chain inet other input '{ type filter hook input priority 0; policy drop; }'
nft_in add table bridge br
nft_in add chain bridge br forward '{ type filter hook forward priority 0; policy drop; }'

nc_expect 2 diff "$f"
grep -qF -- "$drop_ip" <<<"$NC_OUT" || nc_fail "diff does not warn of ip filter FORWARD: $NC_OUT"
grep -qF -- "$drop_same_name" <<<"$NC_OUT" || nc_fail "diff does not warn of ip netconverge FWD: $NC_OUT"
n=$(grep -c "^netconverge: diff: warning: " <<<"$NC_OUT" || true)
[ "$n" = 2 ] || nc_fail "diff printed $n warnings, expected 2: $NC_OUT"
nc_pass "diff warns of the two forward drop chains, and of nothing else"

nc_expect 2 -o json diff "$f"
json=$(sed -n '/^{/,$p' <<<"$NC_OUT")
got=$(nc_j '"|".join(w.split(":")[0] for w in d["warnings"])' <<<"$json")
[ "$got" = "nftables table ip filter|nftables table ip netconverge" ] ||
        nc_fail "diff -o json warnings: '$got'"
[ "$(nc_j 'len(d["errors"])' <<<"$json")" = 0 ] || nc_fail "a warning became an error: $json"
nc_pass "diff -o json lists them under warnings, sorted, not as errors"

nc_expect 0 apply "$f"
grep -qF -- "netconverge: apply: $drop_ip" <<<"$NC_OUT" || nc_fail "apply does not warn: $NC_OUT"
n=$(grep -c "warning: nftables table ip filter" <<<"$NC_OUT" || true)
[ "$n" = 1 ] || nc_fail "apply warned $n times of ip filter, expected once: $NC_OUT"
nc_expect 0 diff "$f"
grep -qF -- "$drop_ip" <<<"$NC_OUT" || nc_fail "diff of the converged host does not warn: $NC_OUT"
nc_pass "apply converges (exit 0) and warns once; diff then is clean and still warns"

nc_expect 0 -o json apply "$f"
json=$(sed -n '/^{/,$p' <<<"$NC_OUT")
[ "$(nc_j 'len(d["warnings"])' <<<"$json")" = 2 ] || nc_fail "apply -o json warnings: $json"
nc_expect 0 show --snapshot
grep -qF -- "  - {family: ip, table: filter, chain: FORWARD, priority: 0}" <<<"$NC_OUT" ||
        nc_fail "show --snapshot does not list ip filter FORWARD: $NC_OUT"
grep -q "table: br\|table: ok\|table: other" <<<"$NC_OUT" && nc_fail "show --snapshot lists a chain that drops nothing forwarded: $NC_OUT"
nc_pass "apply -o json has the warnings; show --snapshot records the chains"

nft_in delete table ip filter
nft_in delete table ip netconverge
nc_expect 0 diff "$f"
grep -q "warning" <<<"$NC_OUT" && nc_fail "a warning with the tables gone: $NC_OUT"
nc_expect 0 -o json diff "$f"
[ "$(nc_j 'len(d["warnings"])' <<<"$NC_OUT")" = 0 ] || nc_fail "JSON warnings with the tables gone: $NC_OUT"
nc_expect 0 show --snapshot
grep -q "nft_forward_drops" <<<"$NC_OUT" && nc_fail "show --snapshot still has nft_forward_drops: $NC_OUT"
nc_pass "tables deleted: no warning, nothing in the snapshot"

# Drop rules (issue 15's last clause): in forward base chains with policy
# accept, rules that drop or reject the bridges' traffic are named with
# their handle; decoys are not: a drop on another interface, an accept, a
# drop behind a match netconverge does not read (a port), ct state invalid,
# a source outside the bridge's subnet.
br=${NC_PREFIX}br
# Real packets: the container reaches an "outside" host (a veth from the
# host namespace, 198.51.100.0/24) through the masquerade, until the rules
# the warnings name are there.
out=$NC_PREFIX-out
ip netns add "$out"
nc_in "$NC_HOST" link add "$NC_PREFIX-up" type veth peer name "$NC_PREFIX-o" netns "$out"
nc_in "$NC_HOST" addr add 198.51.100.1/24 dev "$NC_PREFIX-up"
nc_in "$NC_HOST" link set "$NC_PREFIX-up" up
nc_in "$out" addr add 198.51.100.2/24 dev "$NC_PREFIX-o"
nc_in "$out" link set "$NC_PREFIX-o" up
nc_wait_until 5 nc_ping "$NC_PREFIX-web" 198.51.100.2 || nc_fail "web does not reach the outside host before the rules"
nft_in add table inet fw
nft_in add chain inet fw filter_FORWARD '{ type filter hook forward priority 10; policy accept; }'
nft_in add rule inet fw filter_FORWARD ct state invalid drop
nft_in add rule inet fw filter_FORWARD iifname "lo" accept
nft_in add rule inet fw filter_FORWARD oifname "eth9" drop
nft_in add rule inet fw filter_FORWARD tcp dport 22 drop
nft_in add rule inet fw filter_FORWARD ip saddr 198.51.100.0/24 drop
nft_in add rule inet fw filter_FORWARD reject with icmpx admin-prohibited
nft_in add table ip legacy
nft_in add chain ip legacy FORWARD '{ type filter hook forward priority 0; policy accept; }'
nft_in add rule ip legacy FORWARD iifname "${br:0:4}*" counter drop
nft_in add rule ip legacy FORWARD ip daddr 10.126.0.128/25 ct state new,established drop
nft_in add rule ip legacy FORWARD iifname "eth*" drop
handle() { # TABLE CHAIN FAMILY PATTERN: the handle of the rule nft lists with PATTERN
        nft_in -a list chain "$3" "$1" "$2" | sed -n "s/.*$4.* # handle \([0-9]*\)$/\1/p"
}
h_reject=$(handle fw filter_FORWARD inet "reject")
h_wild=$(handle legacy FORWARD ip "iifname")
h_daddr=$(handle legacy FORWARD ip "ip daddr")
want_reject="warning: nftables table inet fw: forward chain filter_FORWARD, rule handle $h_reject (reject): it rejects bridge $br's"
want_wild="warning: nftables table ip legacy: forward chain FORWARD, rule handle $h_wild (iifname \"${br:0:4}*\" drop): it drops bridge $br's"
want_daddr="warning: nftables table ip legacy: forward chain FORWARD, rule handle $h_daddr (ip daddr 10.126.0.128/25 ct state established,new drop)"

nc_expect 0 diff "$f"
for w in "$want_reject" "$want_wild" "$want_daddr"; do
        grep -qF -- "$w" <<<"$NC_OUT" || nc_fail "diff does not warn '$w': $NC_OUT"
done
n=$(grep -c "^netconverge: diff: warning: " <<<"$NC_OUT" || true)
[ "$n" = 3 ] || nc_fail "diff printed $n warnings, expected 3 (no decoy): $NC_OUT"
nc_pass "diff names the final reject, the wildcard drop and the daddr drop, and no decoy"
nc_ping "$NC_PREFIX-web" 198.51.100.2 && nc_fail "web reaches the outside host through the rules the warnings name"
nc_pass "and they do stop the container's traffic (the ping that passed before fails)"

nc_expect 0 -o json diff "$f"
json=$(sed -n '/^{/,$p' <<<"$NC_OUT")
[ "$(nc_j 'len(d["warnings"])' <<<"$json")" = 3 ] || nc_fail "diff -o json warnings: $NC_OUT"
nc_expect 0 show --snapshot
snap=$NC_OUT
grep -qF -- "  - {family: inet, table: fw, chain: filter_FORWARD, handle: $h_reject, reject: true}" <<<"$snap" ||
        nc_fail "show --snapshot does not record the reject: $snap"
# Every drop rule read in full is a fact of the snapshot (the pre-flight,
# not observation, holds it against the bridges); not those with a match
# netconverge does not read (the port, ct state invalid), nor the accept.
[ "$(grep -c "table: fw, \|table: legacy, " <<<"$snap")" = 6 ] || nc_fail "show --snapshot: not the 6 drop rules: $snap"
grep -q "table: fw, chain: filter_FORWARD, handle: [1235]," <<<"$snap" &&
        nc_fail "show --snapshot records a rule with a match it cannot read, or an accept: $snap"
snapfile=$NC_TMP/observed.snap
printf '%s\n' "$snap" >"$snapfile"
nc_expect 0 diff "$f" --observed "$snapfile"
n=$(grep -c "warning: nftables table" <<<"$NC_OUT" || true)
[ "$n" = 3 ] || nc_fail "diff --observed of the snapshot warned $n times, expected 3: $NC_OUT"
nc_pass "the snapshot records the drop rules it reads in full; diff --observed of it warns the same"

nft_in delete table inet fw
nft_in delete table ip legacy
nc_expect 0 diff "$f"
grep -q "warning" <<<"$NC_OUT" && nc_fail "a warning with the drop rules gone: $NC_OUT"
nc_wait_until 5 nc_ping "$NC_PREFIX-web" 198.51.100.2 || nc_fail "web does not reach the outside host without the rules"
nc_pass "drop rules deleted: no warning, and the container reaches out again"
