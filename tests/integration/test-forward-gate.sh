#!/usr/bin/env bash
# Forwarding is turned on only once the nftables batch holding the
# isolation rules is in (SPEC 7.7): test-forward-gate.sh NETCONVERGE SOURCE-DIR
#
# The batch is made to fail for real from outside the owned table: another
# table's base chains fill the forward hook to the kernel's limit, and the
# owned table's forward chain, deleted by hand, cannot be registered again
# ("Argument list too long"). (A foreign verdict map in the owned table did
# it before; such objects are now removed in the same batch.) The sysctl
# change after it must then be "not attempted": net.ipv4.ip_forward stays
# 0, read from the kernel. Once the filler table is gone, the next apply
# converges and forwarding comes on with isolation in place.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"
source "$NC_SRC/tests/integration/nftlib.sh"

P=$NC_PREFIX
H=$NC_HOST
f=$(nc_config forward-gate)
command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"
forward() { timeout 10 ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward; }

nc_expect 0 apply "$f"
[ "$(forward)" = 1 ] || nc_fail "ip_forward not on after the first apply"

timeout 10 ip netns exec "$H" sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
nft_in flush chain inet netconverge forward
nft_in delete chain inet netconverge forward
nc_fill_forward_hook "${P}fill"

nc_expect 1 apply "$f"
grep -qF -- "+ nft chain forward (filter, hook forward, priority 0): Argument list too long" <<<"$NC_OUT" ||
        nc_fail "no batch failure reported: $NC_OUT"
grep -qF -- "~ sysctl net.ipv4.ip_forward: 0 -> 1: not attempted" <<<"$NC_OUT" ||
        nc_fail "the sysctl change is not reported as not attempted: $NC_OUT"
[ "$(forward)" = 0 ] || nc_fail "ip_forward was turned on although the nftables batch failed"
nc_pass "batch refused: ip_forward stays 0"

nc_expect 1 -o json apply "$f"
outcome=$(nc_j '[c["outcome"] for c in d["changes"] if c["object"] == "sysctl"][0]' <<<"$NC_OUT")
[ "$outcome" = "not attempted" ] || nc_fail "JSON outcome of the sysctl change is '$outcome'"
[ "$(forward)" = 0 ] || nc_fail "ip_forward turned on by the JSON run"

nft_in delete table inet "${P}fill"
nc_expect 0 apply "$f"
[ "$(forward)" = 1 ] || nc_fail "ip_forward not on once the batch went in"
# Isolation is in place: one cannot reach two across the bridges.
if timeout 10 ip netns exec "$P-one" ping -c 1 -W 1 10.81.2.2 >/dev/null 2>&1; then
        nc_fail "isolated bridges reach each other"
fi
nc_expect 0 diff "$f"
nc_pass "filler table removed: converged, forwarding on, bridges isolated"
