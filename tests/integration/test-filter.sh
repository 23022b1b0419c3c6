#!/usr/bin/env bash
# SPEC 7.2's filter and internal bridges with real packets (issue 14 items
# 3 and 8): test-filter.sh NETCONVERGE SOURCE-DIR
#
# The outside host (198.51.100.2) routes the containers' subnets through
# the host's uplink, as a neighbour that routes a bridge's subnet through
# this host would:
# - it reaches web's published port through the uplink (DNAT), but neither
#   web's unpublished port 9090 nor the published port's target 80 at
#   web's own address (routed access, dropped as Docker 28 does);
# - web's own connections out still get their answers;
# - vault, on an internal bridge, reaches nothing outside (no masquerade,
#   nothing forwarded out but to our bridges), but reaches web on a bridge
#   that is not isolated from it;
# each with its negative: without the filter rule the routed access works,
# without the internal rule vault reaches the outside.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
WEB=$P-web
VAULT=$P-vault
UPLINK=198.51.100.1
OUTSIDE=198.51.100.2
T=netconverge
check=$NC_SRC/tests/integration/netcheck.py
file=$(nc_config filter)

command -v nft >/dev/null || nc_fail "nft is missing (the test changes the table by hand with it)"

nft_in() { timeout 10 ip netns exec "$H" nft "$@"; }
in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }
rule_handle() {
        nft_in -j -a list table inet "$T" |
                nc_j "[r['rule']['handle'] for r in d['nftables'] if 'rule' in r and r['rule'].get('comment') == '$1']"
}
tcp_server() {
        local ns=$1 port=$2 reply=$3
        nc_background timeout 65 ip netns exec "$ns" python3 "$check" tcp-server 0.0.0.0 "$port" "$reply" \
                "$NC_TMP/peers-$ns-$port" 60
        nc_wait_until 5 in_ns "$ns" python3 "$check" wait-tcp 127.0.0.1 "$port" 1 ||
                nc_fail "tcp server in $ns:$port did not start"
}
# reach NS HOST PORT REPLY: exit 0 when the connection answers REPLY.
reach() {
        local got
        got=$(in_ns "$1" python3 "$check" tcp-client "$2" "$3" 2>&1) || true
        [ "$got" = "$4" ] || { nc_log "from $1 to $2:$3: '$got'"; return 1; }
}

nc_outside "$OUT" "$UPLINK" "$OUTSIDE"
# The neighbour routes the containers' subnets through the host.
nc_in "$OUT" route add 10.124.0.0/16 via "$UPLINK"

nc_expect 0 apply "$file"
nc_pass "apply"
WEB_IP=$(in_ns "$WEB" ip -j -4 addr show dev eth0 | nc_j 'd[0]["addr_info"][0]["local"]')
[ -n "$WEB_IP" ] || nc_fail "web has no address"

tcp_server "$WEB" 80 hello-web
tcp_server "$WEB" 9090 unpublished
tcp_server "$OUT" 9000 outside

# --- the filter
reach "$OUT" "$UPLINK" 8080 hello-web || nc_fail "the published port does not answer the outside"
! reach "$OUT" "$WEB_IP" 9090 unpublished || nc_fail "routed access to web's unpublished port 9090 got through"
! reach "$OUT" "$WEB_IP" 80 hello-web || nc_fail "routed access to web's port 80 (the published port's target) got through"
reach "$WEB" "$OUTSIDE" 9000 outside || nc_fail "web's own connection out got no answer"
nc_pass "filter: the outside reaches the published port only, web's own connections are answered"

h=$(rule_handle "filter ${P}a")
[ -n "$h" ] || nc_fail "no filter rule for ${P}a"
nft_in delete rule inet "$T" forward handle "$h"
reach "$OUT" "$WEB_IP" 9090 unpublished || nc_fail "without the filter rule routed access still fails: the test proves nothing"
nc_expect 0 apply "$file"
! reach "$OUT" "$WEB_IP" 9090 unpublished || nc_fail "routed access got through after the filter was repaired"
nc_pass "without the filter rule routed access works; apply puts it back"

# --- internal
! reach "$VAULT" "$OUTSIDE" 9000 outside || nc_fail "vault, on an internal bridge, reached the outside"
! nc_ping "$VAULT" "$OUTSIDE" || nc_fail "vault, on an internal bridge, pinged the outside"
reach "$VAULT" "$WEB_IP" 80 hello-web || nc_fail "vault cannot reach web on a bridge not isolated from it"
nft_in -j list table inet "$T" | nc_j "[r['rule'].get('comment') for r in d['nftables'] if 'rule' in r]" |
        grep -qx "masquerade ${P}b" && nc_fail "the internal bridge has a masquerade rule"
h=$(rule_handle "internal ${P}b")
[ -n "$h" ] || nc_fail "no internal rule for ${P}b"
nft_in delete rule inet "$T" forward handle "$h"
reach "$VAULT" "$OUTSIDE" 9000 outside || nc_fail "without the internal rule vault still cannot get out: the test proves nothing"
nc_expect 0 apply "$file"
! reach "$VAULT" "$OUTSIDE" 9000 outside || nc_fail "vault got out after the internal rule was repaired"
nc_pass "internal: no way out, another bridge that allows it is reached; without the rule the way out opens, apply closes it"

nc_expect 0 destroy
nc_pass "destroy"
