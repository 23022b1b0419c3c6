#!/usr/bin/env bash
# apply, diff, show and destroy against real namespaces, checked in the
# kernel (ip -j), not by the tool's word: test-apply.sh NETCONVERGE SOURCE-DIR
#
# Everything happens in namespaces of this run (lib.sh): the "host" is
# $NC_HOST, reached with -n, and the containers' namespaces are named in
# the config files with the run's prefix.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=${P}br
WEB=$P-web
DB=$P-db
two=$(nc_config apply-two)
one=$(nc_config apply-one)
dbonly=$(nc_config apply-db)

# The host end of a container's veth: the port of the bridge whose alias
# names that container.
host_end() {
        nc_in "$H" -j -d link show master "$BR" |
                nc_j "[l['ifname'] for l in d if l.get('ifalias', '').startswith('netconverge:veth $1 ')]"
}

# SPEC 2 in the kernel: check-converged.py over every namespace's ip -j.
check_converged() {
        local ns
        for ns in "$H" "$WEB" "$DB"; do
                nc_in "$ns" -j -d link show >"$NC_TMP/$ns.link"
                nc_in "$ns" -j -4 addr show >"$NC_TMP/$ns.addr"
                nc_in "$ns" -j route show >"$NC_TMP/$ns.route"
        done
        timeout 5 ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward >"$NC_TMP/ip_forward"
        timeout 10 python3 "$NC_SRC/tests/integration/check-converged.py" "$NC_TMP" "$H" "$BR" 1450 10.123.0.1/24 \
                "web $WEB 10.123.0.3 02:42:0a:7b:00:03" "db $DB 10.123.0.2 02:42:0a:7b:00:02" ||
                nc_fail "not converged"
}

# When apply exits 0, traffic flows (SPEC 6): no waiting here.
check_traffic() {
        nc_ping "$WEB" 10.123.0.1 || nc_fail "web cannot reach the gateway"
        nc_ping "$DB" 10.123.0.1 || nc_fail "db cannot reach the gateway"
        nc_ping "$WEB" 10.123.0.2 || nc_fail "web cannot reach db"
        nc_ping "$DB" 10.123.0.3 || nc_fail "db cannot reach web"
}

# Every namespace's ifindexes: what "not touched" means for links.
all_ifindexes() {
        local ns
        for ns in "$H" "$WEB" "$DB"; do
                echo "[$ns]"
                nc_ifindexes "$ns"
        done
}

# Foreign objects in the host: a vxlan (unlike dummy or ifb, its module
# makes no devices in the machine's own namespace when it loads) with an
# address and a route via it, and a veth pair, the kind netconverge makes
# itself. Never to change.
make_foreign() {
        nc_in "$H" link add "${P}f0" type vxlan id 42 dstport 4789
        nc_in "$H" addr add 192.0.2.1/24 dev "${P}f0"
        nc_in "$H" link set "${P}f0" up
        nc_in "$H" route add 198.51.100.0/24 via 192.0.2.2
        nc_in "$H" link add "${P}v0" type veth peer name "${P}v1"
        nc_in "$H" addr add 192.0.3.1/24 dev "${P}v0"
        nc_in "$H" link set "${P}v0" up
        nc_in "$H" link set "${P}v1" up
}
foreign() {
        local l
        for l in "${P}f0" "${P}v0" "${P}v1"; do
                nc_in "$H" -j -d link show dev "$l"
                nc_in "$H" -j -4 addr show dev "$l"
        done
        nc_in "$H" -j route show 198.51.100.0/24
}
check_foreign() {
        [ "$(foreign)" = "$foreign_before" ] || nc_fail "foreign objects changed ($1)"
}

# --- A conflict changes nothing: a foreign link named like the bridge.
nc_in "$H" link add "$BR" type bridge
state_before=$(nc_in "$H" -j -d link show; nc_in "$H" -j addr show; nc_in "$H" -j route show)
nc_expect 1 apply "$two"
grep -q "$BR" <<<"$NC_OUT" || nc_fail "the conflict does not name $BR: $NC_OUT"
[ "$(nc_in "$H" -j -d link show; nc_in "$H" -j addr show; nc_in "$H" -j route show)" = "$state_before" ] ||
        nc_fail "a conflicting apply changed the host"
[ -z "$(ip netns list | grep -E "^($WEB|$DB)( |$)" || true)" ] || nc_fail "a conflicting apply created namespaces"
nc_in "$H" link del "$BR"
nc_pass "conflict: exit 1, nothing changed"

# --- Fresh apply.
make_foreign
foreign_before=$(foreign)
nc_expect 0 apply "$two"
check_converged
check_traffic
check_foreign "apply"
nc_pass "apply: converged in the kernel, traffic flows"

# --- Again: nothing to do, nothing touched.
ifindexes_before=$(all_ifindexes)
nc_expect 0 apply "$two"
grep -q "No changes." <<<"$NC_OUT" || nc_fail "second apply: $NC_OUT"
[ "$(all_ifindexes)" = "$ifindexes_before" ] || nc_fail "second apply changed ifindexes"
nc_expect 0 diff "$two"
grep -q "No changes." <<<"$NC_OUT" || nc_fail "diff after apply: $NC_OUT"
nc_pass "re-apply: No changes., every ifindex kept"

# --- Two runs never interleave: with the run lock of the host namespace
# held elsewhere, apply waits for it (the time-out itself is
# apply-failures' to check: the CLI waits a minute).
if command -v flock >/dev/null; then
        lock=/run/netconverge/lock-$(stat -L -c %i "/run/netns/$H")
        mkdir -p /run/netconverge
        nc_background timeout 10 flock -x "$lock" sleep 1
        nc_wait_until 5 sh -c "! flock -n -x '$lock' true" || nc_fail "the test could not take the lock"
        start=$(date +%s%N)
        nc_expect 0 apply "$two"
        waited=$(( ($(date +%s%N) - start) / 1000000 ))
        [ "$waited" -ge 500 ] || nc_fail "apply did not wait for the lock (${waited} ms)"
        nc_pass "lock: the second run waited ${waited} ms"
fi

# --- show, fed back to diff, is in sync.
nc_expect 0 show
printf '%s\n' "$NC_OUT" >"$NC_TMP/shown.yaml"
nc_expect 0 diff "$NC_TMP/shown.yaml"
grep -q "No changes." <<<"$NC_OUT" || nc_fail "show fed to diff: $NC_OUT"
nc_pass "show | diff: in sync"

# --- Drift, one kind at a time: diff sees it (exit 2), apply repairs it,
# and what did not drift keeps its identity.
drift() {
        local what=$1; shift
        local before
        "$@"
        nc_expect 2 diff "$two"
        before=$(all_ifindexes)
        nc_expect 0 apply "$two"
        check_converged
        check_traffic
        check_foreign "drift: $what"
        nc_expect 0 diff "$two"
        [ "$what" = "veth deleted" ] || [ "$(all_ifindexes)" = "$before" ] || nc_fail "repairing $what replaced links"
        nc_pass "drift repaired: $what"
}
drift "address deleted" nc_in "$WEB" addr del 10.123.0.3/24 dev eth0
drift "bridge down" nc_in "$H" link set "$BR" down
drift "veth mtu" nc_in "$H" link set "$(host_end db)" mtu 1400
drift "container end down" nc_in "$DB" link set eth0 down
drift "veth deleted" nc_in "$H" link del "$(host_end web)"

# --- Prune: db leaves the file; only its veth goes.
web_end=$(host_end web)
keep_before=$(nc_ifindexes "$WEB"; nc_link_field "$H" "$web_end" ifindex; nc_link_field "$H" "$BR" ifindex)
nc_expect 0 apply "$one"
[ -z "$(host_end db)" ] || nc_fail "prune: db's veth is still on $BR"
nc_in "$DB" link show dev eth0 >/dev/null 2>&1 && nc_fail "prune: db's eth0 is still there"
# (Not `ip netns list | grep -q`: with pipefail, grep's early exit makes a
# long list fail with SIGPIPE.)
[ -e "/run/netns/$DB" ] || nc_fail "prune deleted db's namespace"
[ "$(nc_ifindexes "$WEB"; nc_link_field "$H" "$web_end" ifindex; nc_link_field "$H" "$BR" ifindex)" = "$keep_before" ] ||
        nc_fail "prune touched what stays"
nc_ping "$WEB" 10.123.0.1 || nc_fail "web lost the gateway in the prune"
check_foreign "prune"
nc_expect 0 diff "$one"
nc_pass "prune: only db's veth removed"

# --- Growing a converged host by one container: apply verifies by reading
# again what it changed and keeps the rest of its first look; the new
# container sorts before (db) and after (web) the one kept.
grow() {
        nc_expect 0 apply "$two"
        check_converged
        check_traffic
        nc_expect 0 diff "$two"
        grep -q "No changes." <<<"$NC_OUT" || nc_fail "grow ($1): diff after apply: $NC_OUT"
}
grow "db back"
nc_expect 0 apply "$dbonly"
nc_in "$WEB" link show dev eth0 >/dev/null 2>&1 && nc_fail "prune: web's eth0 is still there"
grow "web back"
nc_pass "grow: one container added to a converged host, converged and verified"

# --- destroy: everything owned goes, the namespaces and foreign objects stay.
nc_expect 0 destroy
nc_in "$H" link show dev "$BR" >/dev/null 2>&1 && nc_fail "destroy left $BR"
[ -z "$(nc_in "$H" -j link show | nc_j '[l["ifname"] for l in d if l.get("ifname", "").startswith("veth")]')" ] ||
        nc_fail "destroy left veths"
nc_in "$WEB" link show dev eth0 >/dev/null 2>&1 && nc_fail "destroy left web's eth0"
for ns in "$WEB" "$DB"; do
        [ -e "/run/netns/$ns" ] || nc_fail "destroy deleted namespace $ns"
done
check_foreign "destroy"
nc_pass "destroy: owned objects gone, namespaces and foreign objects kept"
