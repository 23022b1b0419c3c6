#!/usr/bin/env bash
# IPv6 and dual stack (SPEC 7.1, issue 13 item 6), with real packets in the
# test's own namespaces: test-ipv6.sh NETCONVERGE SOURCE-DIR
#
# The "host" namespace $NC_HOST is joined to an "outside" namespace by a
# veth with 198.51.100.0/24 and 2001:db8:100::/64 (host ::1, outside ::2).
# The outside has no route to the containers' subnets: it sees a container
# only through the masquerade, and reaches one only through a published port.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
UP6=2001:db8:100::1
OUT6=2001:db8:100::2
UP4=198.51.100.1
WEB6=fd00:125:1::3
PEER6=fd00:125:1::2
SIX6=fd00:125:2::2
check=$NC_SRC/tests/integration/netcheck.py
file=$(nc_config ipv6)

command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"
in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }

# A server in NS on [::]:PORT (both families) for at most 20 s.
tcp_server() {
        local ns=$1 port=$2 reply=$3
        nc_background timeout 25 ip netns exec "$ns" python3 "$check" tcp-server :: "$port" "$reply" \
                "$NC_TMP/peers-$ns-$port" 20
        nc_wait_until 5 in_ns "$ns" python3 "$check" wait-tcp ::1 "$port" 1 ||
                nc_fail "tcp server in $ns:$port did not start"
        : >"$NC_TMP/peers-$ns-$port"
}

# --- the outside world
nc_outside "$OUT" "$UP4" 198.51.100.2 "$UP6" "$OUT6"

# The uplink takes a route from router advertisements (protocol ra, as the
# kernel's own would be) with accept_ra 1: forwarding would stop that, and
# diff says so, naming the uplink only (SPEC 7.1).
in_ns "$H" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$P-up/accept_ra"
nc_in "$H" -6 route add 2001:db8:ffff::/64 via "$OUT6" dev "$P-up" proto ra
nc_expect 2 diff "$file"
grep -q "warning: $P-up takes IPv6 routes or addresses from router advertisements (accept_ra 1)" <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "no accept_ra warning for the uplink"; }
[ "$(grep -c 'router advertisements' <<<"$NC_OUT")" -eq 1 ] || { nc_log "$NC_OUT"; nc_fail "more than the uplink named"; }
in_ns "$H" sh -c "echo 2 >/proc/sys/net/ipv6/conf/$P-up/accept_ra"
nc_expect 2 diff "$file"
if grep -q 'router advertisements' <<<"$NC_OUT"; then nc_log "$NC_OUT"; nc_fail "accept_ra 2 warned about"; fi
nc_pass "the accept_ra warning names the uplink that uses router advertisements, only with accept_ra 1"

nc_expect 0 apply "$file"
nc_pass "apply"
nc_expect 0 diff "$file"
[ "$NC_OUT" = "No changes." ] || { nc_log "$NC_OUT"; nc_fail "a second diff is not in sync"; }
nc_pass "in sync after apply (observation reads back every IPv6 object)"

# --- addresses, routes, link-local: the kernel's own view
addrs() { nc_in "$1" -j addr show dev "$2" | nc_j "[a['local'] + '/' + str(a['prefixlen']) for a in d[0]['addr_info'] if a['family'] == '$3' and a.get('scope') != 'link']"; }
[ "$(addrs "$P-web" eth0 inet6)" = "$WEB6/64" ] || nc_fail "web has no $WEB6/64: $(addrs "$P-web" eth0 inet6)"
[ "$(addrs "$P-web" eth0 inet)" = "10.125.1.3/24" ] || nc_fail "web lost its IPv4 address"
[ "$(addrs "$H" "${P}d" inet6)" = "fd00:125:1::1/64" ] || nc_fail "the bridge has no gateway6"
[ "$(addrs "$P-six" eth0 inet6)" = "$SIX6/64" ] || nc_fail "six has no $SIX6/64"
[ -z "$(addrs "$P-six" eth0 inet)" ] || nc_fail "six, on an IPv6-only bridge, has an IPv4 address"
# Docker's MAC on an IPv6-only network: 02:42 and address6's last 4 bytes.
[ "$(nc_link_field "$P-six" eth0 address)" = "02:42:00:00:00:02" ] || nc_fail "six's MAC: $(nc_link_field "$P-six" eth0 address)"
def6=$(nc_in "$P-web" -6 -j route show default | nc_j "[r['gateway'] + ' ' + r['dev'] for r in d]")
[ "$def6" = "fd00:125:1::1 eth0" ] || nc_fail "web's IPv6 default route: $def6"
# Link-local on the links of IPv6 bridges, none on the IPv4-only one's.
ll() { nc_in "$1" -j addr show dev "$2" | nc_j "[a['local'] for a in d[0]['addr_info'] if a['family'] == 'inet6']"; }
ll "$P-web" eth0 | grep -q '^fe80:' || nc_fail "web's eth0 has no link-local address"
[ -z "$(ll "$P-four" eth0)" ] || nc_fail "four, on an IPv4-only bridge, has IPv6 addresses: $(ll "$P-four" eth0)"
[ "$(in_ns "$H" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ] || nc_fail "IPv6 forwarding is off"
nc_pass "addresses, routes, MAC, link-local and forwarding as SPEC 7.1 says"

# --- packets inside
nc_ping "$P-web" "$PEER6" || nc_fail "web cannot ping peer over IPv6"
nc_ping "$P-web" fd00:125:1::1 || nc_fail "web cannot ping its gateway6"
nc_ping "$P-six" fd00:125:2::1 || nc_fail "six cannot ping its gateway6"
nc_ping "$P-four" 10.125.3.1 || nc_fail "four cannot ping its IPv4 gateway"
nc_pass "container to container and to the gateway over IPv6"
if nc_ping "$P-six" "$WEB6"; then nc_fail "six reaches web across isolated bridges over IPv6"; fi
if nc_ping "$P-web" "$SIX6"; then nc_fail "web reaches six across isolated bridges over IPv6"; fi
nc_pass "isolation between the bridges holds for IPv6"

# --- NAT66 out: the outside sees the host's address, not the container's
tcp_server "$OUT" 7000 out
got=$(in_ns "$P-web" python3 "$check" tcp-client "$OUT6" 7000) || nc_fail "web cannot reach the outside over IPv6"
[ "$got" = out ] || nc_fail "web got '$got' from the outside"
[ "$(cat "$NC_TMP/peers-$OUT-7000")" = "$UP6" ] ||
        nc_fail "the outside saw $(cat "$NC_TMP/peers-$OUT-7000"), not the host's $UP6 (no masquerade)"
nc_pass "container to an outside host through NAT66"

# --- published ports over IPv6: from outside, and from the host itself
tcp_server "$P-web" 80 web
got=$(in_ns "$OUT" python3 "$check" tcp-client "$UP6" 8080) || nc_fail "outside cannot reach [$UP6]:8080"
[ "$got" = web ] || nc_fail "outside got '$got' from [$UP6]:8080"
got=$(in_ns "$OUT" python3 "$check" tcp-client "$UP4" 8080) || nc_fail "outside cannot reach $UP4:8080"
[ "$got" = web ] || nc_fail "outside got '$got' from $UP4:8080"
got=$(in_ns "$H" python3 "$check" tcp-client "$UP6" 8080) || nc_fail "the host cannot reach [$UP6]:8080"
[ "$got" = web ] || nc_fail "the host got '$got' from [$UP6]:8080"
nc_pass "a published TCP port over IPv6 (and IPv4) from outside and from the host"
nc_background timeout 25 ip netns exec "$P-web" python3 "$check" udp-server :: 53 dns 20
nc_wait_until 5 in_ns "$OUT" python3 "$check" udp-client "$UP6" 5353 >/dev/null ||
        nc_fail "outside cannot reach udp [$UP6]:5353"
[ "$(in_ns "$OUT" python3 "$check" udp-client "$UP6" 5353)" = dns ] || nc_fail "udp [$UP6]:5353 answered wrong"
nc_pass "a published UDP port over IPv6 from outside"

# The outside has no route to the containers, so nothing reached them but
# through the host: drop the published port and the outside is out.
if in_ns "$OUT" python3 "$check" tcp-client "$WEB6" 80 >/dev/null 2>&1; then
        nc_fail "the outside reaches web's address directly"
fi

# watch repairs IPv6 drift on the kernel's word (RTNLGRP_IPV6_*), not at
# its next resync an hour away: the bridge's gateway6 deleted by hand
# comes back, and so does the IPv6 forwarding turned off.
nc_background "$NC_BIN" -v -n "$H" watch "$file" --interval 3600 2>>"$NC_TMP/watch.log"
W=$!
nc_wait_until 15 grep -q 'in sync' "$NC_TMP/watch.log" || { cat "$NC_TMP/watch.log" >&2; nc_fail "watch did not start"; }
has_gateway6() { [ "$(addrs "$H" "${P}d" inet6)" = "fd00:125:1::1/64" ]; }
forwarding6() { [ "$(in_ns "$H" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ]; }
nc_in "$H" -6 addr del fd00:125:1::1/64 dev "${P}d"
nc_wait_until 10 has_gateway6 ||
        { cat "$NC_TMP/watch.log" >&2; nc_fail "watch did not put gateway6 back"; }
in_ns "$H" sh -c 'echo 0 >/proc/sys/net/ipv6/conf/all/forwarding'
nc_wait_until 10 forwarding6 ||
        { cat "$NC_TMP/watch.log" >&2; nc_fail "watch did not turn IPv6 forwarding back on"; }
kill -TERM "$W"
wait "$W" || nc_fail "watch exited $? on SIGTERM"
nc_pass "watch repairs a deleted gateway6 and IPv6 forwarding turned off, on the kernel's events"

# show renders the IPv6 side back: a file that plans nothing.
nc_expect 0 show
printf '%s\n' "$NC_OUT" >"$NC_TMP/shown.yaml"
chmod 600 "$NC_TMP/shown.yaml"
grep -q 'subnet6: "fd00:125:1::/64"' "$NC_TMP/shown.yaml" || { nc_log "$NC_OUT"; nc_fail "show has no subnet6"; }
grep -q "address6: \"$WEB6\"" "$NC_TMP/shown.yaml" || { nc_log "$NC_OUT"; nc_fail "show has no address6 for web"; }
nc_expect 0 diff "$NC_TMP/shown.yaml"
[ "$NC_OUT" = "No changes." ] || { nc_log "$NC_OUT"; nc_fail "show's file does not describe the state"; }
nc_expect 0 -o json show
json=$(nc_j "[n.get('address6') for c in d['containers'] if c['name'] == 'web' for n in c['networks']]" <<<"$NC_OUT")
[ "$json" = "$WEB6" ] || { nc_log "$NC_OUT"; nc_fail "show -o json has no address6 for web: $json"; }
json=$(nc_j "[b.get('subnet', '-') + ' ' + b.get('subnet6', '-') for b in d['bridges']]" <<<"$NC_OUT" | sort)
[ "$json" = "$(printf '%s\n' "10.125.1.0/24 fd00:125:1::/64" "10.125.3.0/24 -" "- fd00:125:2::/64" | sort)" ] ||
        { nc_log "$NC_OUT"; nc_fail "show -o json's bridges: $json"; }
nc_pass "show renders subnet6, gateway6 and address6 back, in YAML and JSON"

nc_expect 0 destroy
if nc_in "$P-web" link show dev eth0 >/dev/null 2>&1; then nc_fail "destroy left web's eth0"; fi
[ -z "$(nc_in "$H" -6 addr show scope global | grep fd00:125)" ] || nc_fail "destroy left a gateway6"
nc_pass "destroy"
