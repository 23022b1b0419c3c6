#!/usr/bin/env bash
# SPEC 7.5, issue 16 item 4: three "hosts" on one underlay, one VXLAN
# bridge each, the same file but for range, remotes and containers. The
# underlay is a bridge in a fourth namespace with a veth to each host
# (eth1, 192.0.2.1K/24). Containers on different hosts ping each other and
# reach a TCP server across hosts; each host's diff is in sync; a host
# whose remotes are removed, or which is destroyed, leaves the other two
# connected; nothing is multicast (no VXLAN group, only unicast FDB
# entries).
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

ip netns add "$UL"
nc_in "$UL" link add ul type bridge
nc_in "$UL" link set ul up
for k in 1 2 3; do
        [ "$k" = 1 ] || ip netns add "${H[k]}"
        INOS+=("$(stat -L -c %i "/run/netns/${H[k]}")")
        nc_in "$UL" link add "ul$k" type veth peer name eth1 netns "${H[k]}"
        nc_in "$UL" link set "ul$k" master ul up
        nc_in "${H[k]}" addr add "192.0.2.1$k/24" dev eth1
        nc_in "${H[k]}" link set eth1 up
        nc_in "${H[k]}" link set lo up
done

# host K's file: remotes are the other hosts' underlay addresses, or $2.
config() { # K [REMOTES]
        local k=$1 remotes=${2-} j
        if [ $# -lt 2 ]; then
                for j in 1 2 3; do
                        [ "$j" = "$k" ] || remotes=${remotes:+$remotes, }192.0.2.1$j
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

for k in 1 2 3; do
        expect_on 0 "$k" apply "$(config "$k")"
done
nc_pass "three hosts applied"

# The VXLAN link as the kernel has it: VNI, port, local, underlay,
# learning off, no multicast group, enslaved, up, in our group, marked.
for k in 1 2 3; do
        got=$(nc_in "${H[k]}" -j -d link show dev "$VX" | nc_j '(lambda l, x: " ".join(str(v) for v in [
                x["id"], x["port"], x.get("local"), x.get("learning"), "group" in x or "group6" in x,
                l.get("master"), "UP" in l["flags"], l["group"], l.get("ifalias"), l["mtu"]]))(d[0], d[0]["linkinfo"]["info_data"])')
        want="42 4789 192.0.2.1$k False False $P-f True 28259 netconverge:vxlan $P-f 1450"
        [ "$got" = "$want" ] || nc_fail "host $k: $VX is [$got], expected [$want]"
        # The bridge takes the underlay's MTU minus 50 when the file gives none.
        [ "$(nc_link_field "${H[k]}" "$P-f" mtu)" = 1450 ] || nc_fail "host $k: bridge MTU is not 1450"
        fdb=$(timeout 10 bridge -n "${H[k]}" -j fdb show dev "$VX" |
                nc_j 'sorted(e["mac"] + " " + e["dst"] for e in d if "dst" in e)')
        want=""
        for j in 1 2 3; do
                [ "$j" = "$k" ] || want=${want:+$want$'\n'}"00:00:00:00:00:00 192.0.2.1$j"
        done
        [ "$fdb" = "$want" ] || nc_fail "host $k: FDB is [$fdb], expected [$want]"
done
nc_pass "VXLAN links and FDB entries as planned; no multicast group"

c() { printf '%s-c%s' "$P" "$1"; }
addr_of() { printf '10.90.%s.2' "$1"; }     # the range's first address after the gateway

for pair in "1 2" "2 3" "3 1" "2 1"; do
        read -r a b <<<"$pair"
        nc_wait_until 5 nc_ping "$(c "$a")" "$(addr_of "$b")" ||
                nc_fail "container on host $a cannot ping the one on host $b"
done
nc_pass "containers on different hosts ping each other"

# A TCP server on host 3, a client on host 1.
nc_background timeout 60 ip netns exec "$(c 3)" python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080))
s.listen(4)
while True:
        c, _ = s.accept()
        c.sendall(b"hello from host 3\n")
        c.close()
'
tcp_ok() { # FROM_K
        [ "$(timeout 5 ip netns exec "$(c "$1")" python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 8080), timeout=2)
print(s.recv(100).decode().strip())
' "$(addr_of 3)" 2>/dev/null)" = "hello from host 3" ]
}
nc_wait_until 10 tcp_ok 1 || nc_fail "host 1 cannot reach the TCP server on host 3"
nc_wait_until 10 tcp_ok 2 || nc_fail "host 2 cannot reach the TCP server on host 3"
nc_pass "TCP across hosts"

for k in 1 2 3; do
        expect_on 0 "$k" diff "$NC_TMP/host$k.yaml"
done
nc_pass "every host's diff is in sync"

# Host 3 forgets its remotes: exactly its two FDB entries go, and hosts 1
# and 2 stay connected.
config 3 "" >/dev/null
expect_on 2 3 diff "$NC_TMP/host3.yaml"
removed=$(grep -c '^- fdb 00:00:00:00:00:00 dst 192.0.2.1[12] on ' <<<"$NC_OUT" || true)
[ "$removed" = 2 ] && grep -q '^Plan: 0 to add, 0 to change, 2 to remove' <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "removing host 3's remotes is not exactly two FDB removals"; }
expect_on 0 3 apply "$NC_TMP/host3.yaml"
[ -z "$(timeout 10 bridge -n "${H[3]}" fdb show dev "$VX" | grep dst || true)" ] ||
        nc_fail "host 3 still has FDB entries"
nc_wait_until 5 nc_ping "$(c 1)" "$(addr_of 2)" || nc_fail "hosts 1 and 2 lost each other"
nc_ping "$(c 1)" "$(addr_of 3)" && nc_fail "host 1 still reaches host 3, which has no remotes"
nc_pass "a host without remotes leaves the other two connected"

# watch repairs an FDB entry deleted by hand, woken by the kernel's
# RTM_DELNEIGH (the resync is an hour away).
LOG=$NC_TMP/watch.log
nc_background "$NC_BIN" -v -n "${H[1]}" watch "$NC_TMP/host1.yaml" --interval 3600 2>>"$LOG"
nc_wait_until 10 grep -q 'watching ' "$LOG" || { cat "$LOG" >&2; nc_fail "watch did not start"; }
sleep 2      # its first cycle: in sync
timeout 10 bridge -n "${H[1]}" fdb del 00:00:00:00:00:00 dev "$VX" dst 192.0.2.12 ||
        nc_fail "could not delete an FDB entry by hand"
has_remote() { local fdb; fdb=$(timeout 10 bridge -n "${H[1]}" fdb show dev "$VX"); grep -q 'dst 192.0.2.12 ' <<<"$fdb"; }
nc_wait_until 5 has_remote || { cat "$LOG" >&2; nc_fail "watch did not put the FDB entry back"; }
grep -q 'RTM_DELNEIGH' "$LOG" || { cat "$LOG" >&2; nc_fail "the repair was not the kernel event's"; }
grep -q '+ fdb 00:00:00:00:00:00 dst 192.0.2.12 on '"$VX" "$LOG" || nc_fail "watch did not log the repair"
kill "${NC_PIDS[-1]}"
wait "${NC_PIDS[-1]}" 2>/dev/null || true
nc_pass "watch repairs a deleted FDB entry at once"

# Host 3 gets its remotes back; then host 2 is destroyed: 1 and 3 stay.
expect_on 0 3 apply "$(config 3)"
nc_wait_until 5 nc_ping "$(c 1)" "$(addr_of 3)" || nc_fail "host 1 does not reach host 3 again"
expect_on 0 2 destroy
[ -z "$(nc_in "${H[2]}" -o link show | grep -E "$VX|$P-f" || true)" ] || nc_fail "host 2 still has its links"
nc_wait_until 5 nc_ping "$(c 3)" "$(addr_of 1)" || nc_fail "hosts 1 and 3 lost each other after host 2 went"
nc_pass "a destroyed host leaves the other two connected"
