#!/usr/bin/env bash
# SPEC 7.5 over IPv6 (issue 16): three "hosts" on one underlay that has
# IPv6 only (eth1, 2001:db8::1K/64, nodad), one VXLAN bridge each with
# IPv6 remotes, IPv4 containers (vxlan.yaml.in, as test-vxlan.sh). The
# VXLAN link's local address is the underlay's IPv6 one, its MTU and the
# bridge's the underlay's minus 70; its FDB entries have IPv6 dsts; a
# host whose underlay has no IPv6 address yet waits; a remote that is the
# host's own IPv6 address is a conflict; containers ping across hosts,
# full-size frames included; every diff is in sync; nothing is multicast.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
UL=$P-ul
H=("" "$NC_HOST" "$P-h2" "$P-h3")
VX=vx-$P-f
INOS=()

# The run locks netconverge made for the two extra hosts (lib.sh removes
# the first host's), only if nobody holds them.
extra_cleanup() {
        local ino f
        for ino in "${INOS[@]}"; do
                f=/run/netconverge/lock-$ino
                if [ -f "$f" ] && { ! command -v flock >/dev/null || flock -n "$f" true 2>/dev/null; }; then
                        rm -f "$f"
                fi
        done
}
# set +e first: a failing command in the trap must not skip nc_cleanup.
trap 'rc=$?; set +e; extra_cleanup; (exit $rc); nc_cleanup' EXIT

command -v bridge >/dev/null || { nc_log "SKIP: bridge(8) is missing"; exit 77; }

ul6() { printf '2001:db8::1%s' "$1"; }

ip netns add "$UL"
nc_in "$UL" link add ul type bridge
nc_in "$UL" link set ul up
for k in 1 2 3; do
        [ "$k" = 1 ] || ip netns add "${H[k]}"
        INOS+=("$(stat -L -c %i "/run/netns/${H[k]}")")
        nc_in "$UL" link add "ul$k" type veth peer name eth1 netns "${H[k]}"
        nc_in "$UL" link set "ul$k" master ul up
        nc_in "${H[k]}" link set eth1 up
        nc_in "${H[k]}" link set lo up
done
# Host 3's underlay address comes later.
for k in 1 2; do
        nc_in "${H[k]}" addr add "$(ul6 "$k")/64" dev eth1 nodad
done

# host K's file: remotes are the other hosts' underlay addresses, or $2.
config() { # K [REMOTES]
        local k=$1 remotes=${2-} j
        if [ $# -lt 2 ]; then
                for j in 1 2 3; do
                        [ "$j" = "$k" ] || remotes=${remotes:+$remotes, }\"$(ul6 "$j")\"
                done
        fi
        sed -e "s/@P@/$P/g" -e "s/@K@/$k/g" -e "s/@REMOTES@/$remotes/" \
                "$NC_SRC/tests/integration/vxlan.yaml.in" >"$NC_TMP/host$k.yaml"
        printf '%s\n' "$NC_TMP/host$k.yaml"
}

on() { # K ARGS...: netconverge on host K, bounded; $NC_OUT, $NC_RC
        local k=$1; shift
        NC_RC=0
        NC_OUT=$(timeout "$NC_TIMEOUT" "$NC_BIN" -n "${H[k]}" "$@" 2>&1) || NC_RC=$?
}

expect_on() { # CODE K ARGS...
        local want=$1; shift
        on "$@"
        if [ "$NC_RC" -ne "$want" ]; then
                nc_log "$NC_OUT"
                nc_fail "host $1: netconverge ${*:2} exited $NC_RC, expected $want"
        fi
}

# Host 3 without an IPv6 address on eth1: its bridge waits, no VXLAN link.
expect_on 0 3 apply "$(config 3)"
grep -q "^waiting: bridge $P-f (vxlan underlay eth1 has no IPv6 address)" <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "host 3 does not wait for its underlay's IPv6 address"; }
[ -z "$(nc_in "${H[3]}" -o link show | grep "$VX" || true)" ] || nc_fail "host 3 made $VX without a local address"
nc_in "${H[3]}" addr add "$(ul6 3)/64" dev eth1 nodad
nc_pass "a host whose underlay has no IPv6 address waits"

# A remote that is the host's own address: a conflict, nothing changes.
expect_on 1 1 diff "$(config 1 "\"$(ul6 1)\", \"$(ul6 2)\"")"
grep -q "vxlan remote $(ul6 1) is this host's own address (on eth1)" <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "host 1's own IPv6 address as a remote is not a conflict"; }
nc_pass "a remote that is the host's own IPv6 address is a conflict"

for k in 1 2 3; do
        expect_on 0 "$k" apply "$(config "$k")"
done
nc_pass "three hosts applied"

# The VXLAN link as the kernel has it: VNI, port, local (IPv6), underlay,
# learning off, no multicast group, enslaved, up, in our group, marked,
# MTU 1500 - 70.
for k in 1 2 3; do
        got=$(nc_in "${H[k]}" -j -d link show dev "$VX" | nc_j '(lambda l, x: " ".join(str(v) for v in [
                x["id"], x["port"], x.get("local6"), x.get("learning"), "group" in x or "group6" in x,
                l.get("master"), "UP" in l["flags"], l["group"], l.get("ifalias"), l["mtu"]]))(d[0], d[0]["linkinfo"]["info_data"])')
        want="42 4789 $(ul6 "$k") False False $P-f True 28259 netconverge:vxlan $P-f 1430"
        [ "$got" = "$want" ] || nc_fail "host $k: $VX is [$got], expected [$want]"
        [ "$(nc_link_field "${H[k]}" "$P-f" mtu)" = 1430 ] || nc_fail "host $k: bridge MTU is not 1430"
        fdb=$(timeout 10 bridge -n "${H[k]}" -j fdb show dev "$VX" |
                nc_j 'sorted(e["mac"] + " " + e["dst"] for e in d if "dst" in e)')
        want=""
        for j in 1 2 3; do
                [ "$j" = "$k" ] || want=${want:+$want$'\n'}"00:00:00:00:00:00 $(ul6 "$j")"
        done
        [ "$fdb" = "$want" ] || nc_fail "host $k: FDB is [$fdb], expected [$want]"
done
nc_pass "VXLAN links (local IPv6, MTU 1430) and FDB entries (dst IPv6) as planned; no multicast group"

c() { printf '%s-c%s' "$P" "$1"; }
addr_of() { printf '10.90.%s.2' "$1"; }     # the range's first address after the gateway

for pair in "1 2" "2 3" "3 1" "2 1"; do
        read -r a b <<<"$pair"
        nc_wait_until 5 nc_ping "$(c "$a")" "$(addr_of "$b")" ||
                nc_fail "container on host $a cannot ping the one on host $b"
done
nc_pass "containers on different hosts ping each other over the IPv6 underlay"

# A frame the size of the containers' MTU (1430: 1402 bytes of ICMP data,
# 8 of ICMP, 20 of IPv4), not to be fragmented, crosses: 1430 + 14 + 8 +
# 8 + 40 is the underlay's 1500.
big_ping() { timeout 5 ip netns exec "$(c 1)" ping -n -q -c1 -W1 -M do -s 1402 "$(addr_of 2)" >/dev/null 2>&1; }
if command -v ping >/dev/null; then
        nc_wait_until 5 big_ping || nc_fail "a full-size frame does not cross from host 1 to host 2"
        nc_pass "full-size frames cross"
fi

# The underlay carries the containers' traffic as UDP over IPv6 to port
# 4789: the kernel's VXLAN socket is an IPv6 one.
[ -n "$(timeout 10 ip netns exec "${H[1]}" ss -H -u -l -n '( sport = :4789 )' 2>/dev/null | grep -F '[::]' || true)" ] ||
        ! command -v ss >/dev/null || nc_fail "host 1 has no IPv6 VXLAN socket"

for k in 1 2 3; do
        expect_on 0 "$k" diff "$NC_TMP/host$k.yaml"
done
nc_pass "every host's diff is in sync"

# show gives the remotes back, quoted.
expect_on 0 1 show
grep -qF "remotes: [\"$(ul6 2)\", \"$(ul6 3)\"]" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "show does not give the IPv6 remotes"; }
nc_pass "show gives the IPv6 remotes"

# Host 3 forgets host 1: exactly one FDB entry goes, and hosts 2 and 3
# stay connected.
config 3 "\"$(ul6 2)\"" >/dev/null
expect_on 2 3 diff "$NC_TMP/host3.yaml"
grep -q "^- fdb 00:00:00:00:00:00 dst $(ul6 1) on $VX" <<<"$NC_OUT" && grep -q '^Plan: 0 to add, 0 to change, 1 to remove' <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "removing a remote is not exactly one FDB removal"; }
expect_on 0 3 apply "$NC_TMP/host3.yaml"
nc_wait_until 5 nc_ping "$(c 3)" "$(addr_of 2)" || nc_fail "hosts 2 and 3 lost each other"
nc_pass "an IPv6 remote removed is one FDB entry removed"
