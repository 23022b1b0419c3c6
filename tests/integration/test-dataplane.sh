#!/usr/bin/env bash
# SPEC 7.2's data plane with real packets (issue 14 items 1 and 8):
# test-dataplane.sh NETCONVERGE SOURCE-DIR
#
# - hairpin: a container reaches a published port through the host's
#   addresses (the uplink's, the bridge gateway's), its own port included,
#   in both families, and the replies come back through the host (the
#   server sees the gateway: masqueraded);
# - localhost: the host reaches the ports published on every address
#   through 127.0.0.1, and a port published on 127.0.0.1 through
#   127.0.0.1; [::1] is not translated (the kernel cannot route the reply
#   of a DNAT from ::1), so it is refused at once, not left hanging;
# - the guard: a hand-made SYN to 127.0.0.1 that arrives from the outside
#   host (198.51.100.2, routed at the host's uplink) gets no answer, neither
#   from a published port nor from a loopback service of the host; with the
#   guard rule deleted by hand it does (the probe can fail), and apply puts
#   the guard back.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
WEB=$P-web
CLIENT=$P-client
GW=10.124.1.1
GW6=fd00:7c:1::1
UPLINK=198.51.100.1
OUTSIDE=198.51.100.2
UPLINK6=fd00:c6::1
OUTSIDE6=fd00:c6::2
T=netconverge
check=$NC_SRC/tests/integration/netcheck.py
probe=$NC_SRC/tests/integration/synprobe.py
file=$(nc_config dataplane)

command -v nft >/dev/null || nc_fail "nft is missing (the test changes the table by hand with it)"

nft_in() { timeout 10 ip netns exec "$H" nft "$@"; }
in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }
rule_handle() {
        nft_in -j -a list table inet "$T" |
                nc_j "[r['rule']['handle'] for r in d['nftables'] if 'rule' in r and r['rule'].get('comment') == '$1']"
}

# A dual-stack server in NS on PORT for at most 60 s; each peer's address
# (IPv4-mapped ones as plain IPv4) goes to $NC_TMP/peers-NS-PORT.
tcp_server() {
        local ns=$1 port=$2 reply=$3
        nc_background timeout 65 ip netns exec "$ns" python3 "$check" tcp-server :: "$port" "$reply" \
                "$NC_TMP/peers-$ns-$port" 60
        nc_wait_until 5 in_ns "$ns" python3 "$check" wait-tcp 127.0.0.1 "$port" 1 ||
                nc_fail "tcp server in $ns:$port did not start"
}

# reach NS HOST PORT REPLY PEER: a connection from NS to HOST:PORT answers
# REPLY, and the server saw PEER (empty: not checked).
reach() {
        local ns=$1 host=$2 port=$3 reply=$4 peer=$5 got seen peers
        # web's server behind the published port: 8080 -> 80, 8443 -> 443.
        peers=$NC_TMP/peers-$WEB-$([ "$port" = 8443 ] && echo 443 || echo 80)
        : >"$peers"
        got=$(in_ns "$ns" python3 "$check" tcp-client "$host" "$port" 2>&1) || true
        [ "$got" = "$reply" ] || { nc_log "from $ns to $host:$port: '$got'"; return 1; }
        seen=$(sed 's/^::ffff://' "$peers" 2>/dev/null)
        [ -z "$peer" ] || [ "$seen" = "$peer" ] || { nc_log "from $ns to $host:$port the server saw '$seen', not $peer"; return 1; }
}

# --- the outside world: a veth to the host's uplink, both families
nc_outside "$OUT" "$UPLINK" "$OUTSIDE" "$UPLINK6" "$OUTSIDE6"
host_mac=$(nc_link_field "$H" "$P-up" address)

nc_expect 0 apply "$file"
nc_pass "apply"
grep -qF "sysctl net.ipv4.conf.all.route_localnet" <<<"$NC_OUT" || nc_fail "apply did not plan route_localnet: $NC_OUT"
[ "$(in_ns "$H" cat /proc/sys/net/ipv4/conf/all/route_localnet)" = 1 ] || nc_fail "route_localnet is not 1"
nc_expect 0 diff "$file"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "diff after apply: $NC_OUT"
nc_pass "route_localnet 1, and a second plan has no changes"

WEB_IP=$(in_ns "$WEB" ip -j -4 addr show dev eth0 | nc_j 'd[0]["addr_info"][0]["local"]')
CLIENT_IP=$(in_ns "$CLIENT" ip -j -4 addr show dev eth0 | nc_j 'd[0]["addr_info"][0]["local"]')
[ -n "$WEB_IP" ] && [ -n "$CLIENT_IP" ] || nc_fail "containers have no address"
# IPv6 addresses pass DAD before they answer.
nc_wait_until 10 sh -c "! ip -n $WEB -6 addr show tentative | grep -q inet6" || nc_fail "web's IPv6 stays tentative"
nc_wait_until 10 sh -c "! ip -n $CLIENT -6 addr show tentative | grep -q inet6" || nc_fail "client's IPv6 stays tentative"

tcp_server "$WEB" 80 hello-web
tcp_server "$WEB" 443 hello-tls

# --- regression: the outside still reaches the published port
reach "$OUT" "$UPLINK" 8080 hello-web "$OUTSIDE" || nc_fail "the outside cannot reach 8080"
reach "$OUT" "$UPLINK6" 8080 hello-web "$OUTSIDE6" || nc_fail "the outside cannot reach [::]:8080"
nc_pass "the outside reaches the published port in both families, seen as itself"

# --- hairpin, both families: another container and the container itself.
# Twice when the kernel has br_netfilter (bridged frames through the inet
# hooks: the DNAT of a frame from a bridge port to a container of the same
# bridge bridges it, back out of the port it came in by for the container
# itself, hence hairpin mode), once routed (bridge-nf-call-iptables 0).
hairpin_checks() {
        reach "$CLIENT" "$UPLINK" 8080 hello-web "$GW" || nc_fail "$1: client -> uplink:8080 (hairpin) failed"
        reach "$CLIENT" "$GW" 8080 hello-web "$GW" || nc_fail "$1: client -> gateway:8080 (hairpin) failed"
        reach "$WEB" "$UPLINK" 8080 hello-web "$GW" || nc_fail "$1: web -> its own port through uplink:8080 failed"
        reach "$CLIENT" "$UPLINK6" 8080 hello-web "$GW6" || nc_fail "$1: client -> [uplink6]:8080 (hairpin) failed"
        reach "$WEB" "$UPLINK6" 8080 hello-web "$GW6" || nc_fail "$1: web -> its own port through [uplink6]:8080 failed"
        reach "$CLIENT" "$GW6" 8080 hello-web "$GW6" || nc_fail "$1: client -> [gateway6]:8080 (hairpin) failed"
        nc_pass "hairpin ($1): containers reach a published port, their own too, through the host's addresses (IPv4 and IPv6), masqueraded"
}
brnf() { in_ns "$H" sh -c "echo $1 >/proc/sys/net/bridge/bridge-nf-call-iptables && echo $1 >/proc/sys/net/bridge/bridge-nf-call-ip6tables"; }
web_veth=$(nc_in "$H" -j link show type veth | nc_j "[l['ifname'] for l in d if l.get('ifalias', '').startswith('netconverge:veth web ')]")
[ -n "$web_veth" ] || nc_fail "no host end for web"
[ "$(nc_in "$H" -j -d link show dev "$web_veth" | nc_j 'd[0]["linkinfo"]["info_slave_data"]["hairpin"]')" = true ] ||
        nc_fail "web's bridge port is not in hairpin mode"
if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
        brnf 1
        hairpin_checks "br_netfilter"
        # Hairpin mode is what takes the container back to itself there.
        nc_in "$H" link set "$web_veth" type bridge_slave hairpin off
        ! reach "$WEB" "$UPLINK" 8080 hello-web "" || nc_fail "web reached itself without hairpin mode: the test proves nothing"
        nc_expect 2 diff "$file"
        grep -qF "~ veth $web_veth <-> eth0 in netns $WEB: hairpin on" <<<"$NC_OUT" || nc_fail "diff did not plan hairpin mode back: $NC_OUT"
        nc_expect 0 apply "$file"
        reach "$WEB" "$UPLINK" 8080 hello-web "$GW" || nc_fail "hairpin mode not repaired"
        nc_pass "br_netfilter: without hairpin mode a container cannot reach itself; diff and apply turn it back on"
        brnf 0
fi
hairpin_checks "routed"

# The masquerade is what makes it work when routed: without it the server
# answers the client directly and the client's connection never completes.
h=$(rule_handle "hairpin ${P}a")
[ -n "$h" ] || nc_fail "no hairpin rule in the table"
nft_in delete rule inet "$T" postrouting handle "$h"
! reach "$CLIENT" "$UPLINK" 8080 hello-web "" || nc_fail "hairpin worked without its masquerade: the test proves nothing"
nc_expect 0 apply "$file"
reach "$CLIENT" "$UPLINK" 8080 hello-web "$GW" || nc_fail "hairpin not repaired"
nc_pass "without the hairpin masquerade hairpin fails; apply repairs it"

# --- localhost
reach "$H" 127.0.0.1 8080 hello-web "$GW" || nc_fail "host -> 127.0.0.1:8080 failed"
# [::1] is not DNATed (see lower-nft.c, add_jumps()): nothing listens on
# the host's ::1:8080, so the connection is refused at once.
got=$(in_ns "$H" python3 "$check" tcp-client ::1 8080 2>&1) && nc_fail "host -> [::1]:8080 answered '$got'"
grep -q "refused" <<<"$got" || nc_fail "host -> [::1]:8080: '$got', not refused"
reach "$H" 127.0.0.1 8443 hello-tls "$GW" || nc_fail "host -> 127.0.0.1:8443 (published on 127.0.0.1) failed"
reach "$H" "$UPLINK" 8080 hello-web "" || nc_fail "host -> uplink:8080 failed"
! reach "$OUT" "$UPLINK" 8443 hello-tls "" || nc_fail "a port published on 127.0.0.1 answers the outside on the uplink"
nc_pass "localhost: the host reaches published ports through 127.0.0.1, and the 127.0.0.1-only one; [::1] is left alone"

# --- the guard (CVE-2020-8558): 127.0.0.1 from outside the host
nc_background timeout 65 ip netns exec "$H" python3 "$check" tcp-server 127.0.0.1 7777 loopback-only "$NC_TMP/peers-lo" 60
nc_wait_until 5 in_ns "$H" python3 "$check" wait-tcp 127.0.0.1 7777 1 || nc_fail "loopback server did not start"
got=$(in_ns "$OUT" python3 "$probe" "$P-o" "$host_mac" "$OUTSIDE" "$UPLINK" 8080)
[ "$got" = synack ] || nc_fail "the probe got '$got' from uplink:8080: the probe itself does not work"
for port in 8080 8443 7777; do
        got=$(in_ns "$OUT" python3 "$probe" "$P-o" "$host_mac" "$OUTSIDE" 127.0.0.1 "$port")
        [ "$got" = none ] || nc_fail "a SYN to 127.0.0.1:$port from outside got '$got'"
done
nc_pass "SYNs from outside to 127.0.0.1 (published, 127.0.0.1-only, a loopback service) get no answer"

h=$(rule_handle "guard lo")
[ -n "$h" ] || nc_fail "no guard rule in the table"
nft_in delete rule inet "$T" guard handle "$h"
got=$(in_ns "$OUT" python3 "$probe" "$P-o" "$host_mac" "$OUTSIDE" 127.0.0.1 8080)
[ "$got" = synack ] || nc_fail "without the guard a SYN to 127.0.0.1:8080 got '$got': the probe proves nothing"
nc_expect 2 diff "$file"
grep -qF "+ filter guard: drop to 127.0.0.0/8 not from lo" <<<"$NC_OUT" || nc_fail "diff did not plan the guard back: $NC_OUT"
nc_expect 0 apply "$file"
got=$(in_ns "$OUT" python3 "$probe" "$P-o" "$host_mac" "$OUTSIDE" 127.0.0.1 8080)
[ "$got" = none ] || nc_fail "after the repair a SYN to 127.0.0.1:8080 got '$got'"
nc_pass "without the guard 127.0.0.1:8080 answers the outside; apply puts the guard back"

nc_expect 0 destroy
tables=$(nft_in list tables)
grep -q "inet $T\$" <<<"$tables" && nc_fail "destroy left the table"
nc_pass "destroy"
