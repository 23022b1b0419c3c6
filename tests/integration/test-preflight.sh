#!/usr/bin/env bash
# Pre-flight (SPEC 7.4) against real namespaces: a bridge subnet that
# overlaps an address or a route of a host link netconverge does not own is
# a conflict found while planning, and apply changes nothing (checked with
# ip -j and nft); without the overlap the same file applies:
# test-preflight.sh NETCONVERGE SOURCE-DIR
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
two=$(nc_config apply-two)     # bridge ${P}br, 10.123.0.0/24

# A link of someone else's in the host namespace: one end of a veth pair,
# the other end in a namespace of this run.
ip netns add "$P-out"
nc_in "$H" link add "${P}up" type veth peer name eth0 netns "$P-out"
nc_in "$H" link set "${P}up" up

state() {
        nc_in "$H" -j -d link show | nc_j '[(l["ifname"], l.get("ifindex")) for l in d]'
        timeout 10 ip netns exec "$H" nft list tables 2>/dev/null || true
        ls /run/netns | grep -c "^$P-" || true
}

expect_conflict() {
        local what=$1 want=$2 before
        before=$(state)
        nc_expect 1 apply "$two"
        grep -q -- "$want" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "$what: no conflict naming it"; }
        [ "$(state)" = "$before" ] || nc_fail "$what: apply changed something"
        nc_pass "$what: a conflict, nothing changed"
}

nc_in "$H" addr add 10.123.0.77/24 dev "${P}up"
expect_conflict "an address in the subnet on a foreign link" \
        "conflict: bridge ${P}br: subnet 10.123.0.0/24 overlaps address 10.123.0.77/24 on ${P}up"
nc_in "$H" addr flush dev "${P}up"

nc_in "$H" addr add 192.0.2.1/24 dev "${P}up"
nc_in "$H" route add 10.123.0.0/16 via 192.0.2.254 dev "${P}up"
expect_conflict "a route over the subnet via a foreign link" \
        "conflict: bridge ${P}br: subnet 10.123.0.0/24 overlaps route 10.123.0.0/16 via 192.0.2.254 dev ${P}up"
nc_in "$H" route del 10.123.0.0/16

# No overlap left (a default route via the foreign link is every host's).
nc_in "$H" route add default via 192.0.2.254 dev "${P}up"
nc_expect 0 apply "$two"
nc_ping "$P-db" 10.123.0.1 || nc_fail "db cannot reach its gateway"
nc_pass "without the overlap the file applies"
