#!/usr/bin/env bash
# SPEC 7.2's icc: false with real packets (issue 14 items 5 and 8):
# test-icc.sh NETCONVERGE SOURCE-DIR
#
# icc: false puts every container's bridge port in isolated mode
# (IFLA_BRPORT_ISOLATED: isolated ports exchange no frames with each other,
# only with the bridge itself and ports that are not isolated), which works
# with or without br_netfilter, at layer 2, where the inet table cannot
# see. The containers of the bridge cannot reach each other (ping, TCP);
# the host reaches both, and the published port answers the host and the
# outside host; icc: true (the default) opens the way again.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
WEB=$P-web
DB=$P-db
UPLINK=198.51.100.1
check=$NC_SRC/tests/integration/netcheck.py
file=$(nc_config icc)
open=$(nc_config icc-on)

in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }
reach() {
        local got
        got=$(in_ns "$1" python3 "$check" tcp-client "$2" "$3" 2>&1) || true
        [ "$got" = "$4" ] || { nc_log "from $1 to $2:$3: '$got'"; return 1; }
}

nc_outside "$OUT" "$UPLINK" 198.51.100.2

nc_expect 0 apply "$file"
nc_pass "apply"
WEB_IP=$(in_ns "$WEB" ip -j -4 addr show dev eth0 | nc_j 'd[0]["addr_info"][0]["local"]')
DB_IP=$(in_ns "$DB" ip -j -4 addr show dev eth0 | nc_j 'd[0]["addr_info"][0]["local"]')
for v in $(nc_in "$H" -j link show type veth | nc_j "[l['ifname'] for l in d if l.get('master') == '${P}a']"); do
        [ "$(nc_in "$H" -j -d link show dev "$v" | nc_j 'd[0]["linkinfo"]["info_slave_data"]["isolated"]')" = true ] ||
                nc_fail "$v is not an isolated port"
done
nc_background timeout 65 ip netns exec "$WEB" python3 "$check" tcp-server 0.0.0.0 80 hello-web "$NC_TMP/peers" 60
nc_wait_until 5 in_ns "$WEB" python3 "$check" wait-tcp 127.0.0.1 80 1 || nc_fail "web's server did not start"

! nc_ping "$DB" "$WEB_IP" || nc_fail "icc: false: db pinged web"
! nc_ping "$WEB" "$DB_IP" || nc_fail "icc: false: web pinged db"
! reach "$DB" "$WEB_IP" 80 hello-web || nc_fail "icc: false: db reached web's port 80"
nc_ping "$H" "$WEB_IP" && nc_ping "$H" "$DB_IP" || nc_fail "icc: false: the host cannot reach its containers"
reach "$H" "$WEB_IP" 80 hello-web || nc_fail "icc: false: the host cannot reach web:80"
reach "$OUT" "$UPLINK" 8080 hello-web || nc_fail "icc: false: the published port does not answer the outside"
reach "$H" 127.0.0.1 8080 hello-web || nc_fail "icc: false: the published port does not answer 127.0.0.1"
nc_expect 0 diff "$file"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "diff after apply: $NC_OUT"
nc_pass "icc: false: the containers cannot reach each other; the host and the published port reach them"

nc_expect 0 apply "$open"
grep -qF "port isolated on -> off" <<<"$NC_OUT" || nc_fail "icc: true did not plan the ports back: $NC_OUT"
nc_ping "$DB" "$WEB_IP" || nc_fail "icc: true: db cannot ping web"
reach "$DB" "$WEB_IP" 80 hello-web || nc_fail "icc: true: db cannot reach web:80"
nc_pass "icc: true opens the way between the containers again"

nc_expect 0 destroy
nc_pass "destroy"
