#!/usr/bin/env bash
# Crash injection over every kernel request (issue 11 item 2, SPEC 6):
#   test-crash.sh NETCONVERGE-FAULT SOURCE-DIR [small|full]
#
# NETCONVERGE-FAULT is the netconverge-fault binary of a -DNC_FAULT=ON tree
# ("none": not built, skipped). NC_FAULT=kill:K makes it SIGKILL itself
# right after the kernel answered its K-th request that changes something;
# skip:K leaves the K-th unsent and takes it as acknowledged; count prints
# "nc-fault: N requests" (src/util/fault.h).
#
# For each scenario (fresh host, drifted host, destroy, prune) the run from
# its start state is counted (N), then for EVERY K in 1..N: back to the
# start state, the run killed after request K, and then
#   - apply/prune: the next apply exits 0 and `diff` says "No changes.";
#   - destroy: the next destroy exits 0 and nothing owned is left;
#   - always: the foreign link, its address and routes, the host's lo and
#     the foreign nft table are as they were (ip -j / nft -j).
# Then skip:K for every K of the fresh apply: apply must exit 1 and name
# what did not converge, except the K listed in SKIP_UNOBSERVABLE with the
# reason why nothing observable is missing.
#
# "small" (tests/run.sh, integration/crash) is a file with every kind of
# step (tests/integration/crash-small.yaml.in); "full" (bench/crash-sweep.sh)
# is two bridges and 40 containers. Every failing K is reported, then the
# test fails; the summary line counts crash points and recoveries.
source "$(dirname "$0")/lib.sh"
if [ "$1" = none ]; then
        echo "SKIP: netconverge-fault not built (configure with -DNC_FAULT=ON)"
        exit 77
fi
nc_init "$1" "$2"
SIZE=${3:-small}

P=$NC_PREFIX
H=$NC_HOST
NEW=$P-new                              # the namespace apply creates
command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"
nft_in() { timeout 10 ip netns exec "$H" nft "$@"; }

if [ "$SIZE" = small ]; then
        full=$(nc_config crash-small)
        pruned=$(nc_config crash-small-prune)
        CONTAINERS=("$P-web" "$P-both" "$P-other")      # made by the test; $NEW is not
        WEB=$P-web OTHER=$P-other BRIDGE_B=${P}b
else
        # Two bridges, 40 containers alternating between them, c00 and c01
        # publishing tcp and udp ports, c39's namespace left to apply.
        full=$NC_TMP/full.yaml
        pruned=$NC_TMP/pruned.yaml
        CONTAINERS=()
        gen() {
                local keep_b=$1 i net
                printf 'version: 1\nbridges:\n  %sa:\n    subnet: 10.126.0.0/22\n' "$P"
                [ "$keep_b" = 1 ] && printf '  %sb:\n    subnet: 10.126.4.0/22\n' "$P"
                printf 'containers:\n'
                for i in $(seq -w 0 39); do
                        if [ $((10#$i % 2)) = 0 ]; then net=${P}a; else net=${P}b; fi
                        [ "$keep_b" = 1 ] || [ "$net" = "${P}a" ] || continue
                        printf '  c%s:\n    netns: %s\n    networks: [%s]\n' "$i" \
                                "$([ "$i" = 39 ] && echo "$NEW" || echo "$P-c$i")" "$net"
                        if [ "$i" = 00 ] || [ "$i" = 01 ]; then
                                printf '    ports: ["%d:80", "%d:53/udp"]\n' $((8000 + 10#$i)) $((5300 + 10#$i))
                        fi
                done
        }
        gen 1 >"$full"
        gen 0 >"$pruned"
        for i in $(seq -w 0 38); do CONTAINERS+=("$P-c$i"); done
        WEB=$P-c00 OTHER=$P-c01 BRIDGE_B=${P}b
fi

FOREIGN=$P-fx
# A state the test made and nobody may change: a link with an address and
# a route in the host namespace, the host's lo, and an nft table.
make_foreign() {
        # One ip and one nft process: this runs before every crash point.
        # A veth (no dummy module everywhere) with fixed MACs, its peer
        # left down: no carrier, so no IPv6 link-local address coming and
        # going between two looks.
        timeout 10 ip -n "$H" -batch - <<EOF
link set lo up
link add $FOREIGN address 02:00:5e:00:53:01 type veth peer name $P-fy address 02:00:5e:00:53:02
addr add 198.51.100.1/24 dev $FOREIGN
link set $FOREIGN up
route add 198.51.100.128/25 via 198.51.100.2 dev $FOREIGN
EOF
        nft_in -f - <<'NFT'
table inet foreign {
        chain input {
                type filter hook input priority 10; policy accept;
                tcp dport 9 counter drop
        }
}
NFT
}
foreign_state() {
        timeout 10 ip -n "$H" -j -d -batch - <<EOF
link show dev lo
link show dev $FOREIGN
route show table all dev $FOREIGN
EOF
        # Not in the batch: there `addr show` prints the link without its addresses.
        nc_in "$H" -j addr show dev "$FOREIGN"
        nft_in -j list table inet foreign
}

# Every namespace of the run deleted and made again: the start state of a
# fresh host, exactly, whatever the last K left (a half-made /run/netns
# file included). The lock file of the old host namespace goes with it.
hard_reset() {
        local ns all
        rm -f "/run/netconverge/lock-$(stat -L -c %i "/run/netns/$H" 2>/dev/null)"
        # One ip process each way: this runs before every crash point.
        all=$(nc_namespaces)
        if [ -n "$all" ]; then
                sed 's/^/netns del /' <<<"$all" | timeout 30 ip -force -batch - 2>/dev/null || true
                for ns in $all; do rm -f "/run/netns/$ns"; done
        fi
        printf 'netns add %s\n' "$H" "${CONTAINERS[@]}" | timeout 30 ip -batch -
        make_foreign
}

# The drift: a host veth deleted, a container address changed, a rule of
# ours deleted, a bridge down, forwarding off.
drift() {
        local veth handle addr
        veth=$(nc_in "$H" -j -d link show type veth |
                nc_j "[l['ifname'] for l in d if '$WEB' in l.get('ifalias', '')][0]")
        [ -n "$veth" ] || nc_fail "drift: no host veth of $WEB"
        nc_in "$H" link del "$veth"
        addr=$(nc_in "$OTHER" -j addr show dev eth0 |
                nc_j "[a['local'] + '/' + str(a['prefixlen']) for a in d[0]['addr_info'] if a['family'] == 'inet'][0]")
        nc_in "$OTHER" addr del "$addr" dev eth0
        nc_in "$OTHER" addr add "${addr%.*/*}.200/${addr#*/}" dev eth0
        handle=$(nft_in -j -a list chain inet netconverge forward |
                nc_j '[r["rule"]["handle"] for r in d["nftables"] if "rule" in r][0]')
        nft_in delete rule inet netconverge forward handle "$handle"
        nc_in "$H" link set "$BRIDGE_B" down
        timeout 10 ip netns exec "$H" sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
}

start_fresh() { hard_reset; }
start_drifted() { hard_reset; must 0 apply "$full"; drift; }
start_destroy() { hard_reset; must 0 apply "$full"; }
start_prune() { hard_reset; must 0 apply "$full"; }

# netconverge must exit CODE while setting up a start state.
must() {
        local want=$1; shift
        nc_run "$@"
        [ "$NC_RC" -eq "$want" ] || { nc_log "$NC_OUT"; nc_fail "setup: netconverge $* exited $NC_RC, not $want"; }
}

# Owned objects left anywhere: links with our alias, our table.
owned_left() {
        local ns
        for ns in "$H" "${CONTAINERS[@]}" "$NEW"; do
                [ -e "/run/netns/$ns" ] || continue
                nc_in "$ns" -j -d link show 2>/dev/null |
                        nc_j "[ '$ns:' + l['ifname'] for l in d if l.get('ifalias', '').startswith('netconverge:') or l.get('group') in ('0x6e63', '0x6e64')]" || true
        done
        nft_in list tables | grep -F 'table inet netconverge' || true
}

FAILURES=()
fail_k() { nc_log "FAIL: $*"; FAILURES+=("$*"); }

# The scenario's run: what is counted and killed.
scenario_run() {
        case $1 in
        fresh | drifted) nc_run apply "$full" ;;
        destroy) nc_run destroy ;;
        prune) nc_run apply "$pruned" ;;
        esac
}

# After a crash: one run converges, and nothing foreign changed.
recovered() {
        local s=$1 k=$2 file=$full left
        [ "$s" = prune ] && file=$pruned
        if [ "$s" = destroy ]; then
                nc_run destroy
                [ "$NC_RC" -eq 0 ] || { fail_k "$s kill:$k: next destroy exited $NC_RC: $(tail -n 3 <<<"$NC_OUT")"; return 1; }
                left=$(owned_left)
                [ -z "$left" ] || { fail_k "$s kill:$k: destroy left owned objects: $(tr '\n' ' ' <<<"$left")"; return 1; }
        else
                nc_run apply "$file"
                [ "$NC_RC" -eq 0 ] || { fail_k "$s kill:$k: next apply exited $NC_RC: $(grep -m 3 'netconverge' <<<"$NC_OUT" | tr '\n' ' ')"; return 1; }
                nc_run diff "$file"
                if [ "$NC_RC" -ne 0 ] || ! grep -qx 'No changes.' <<<"$NC_OUT"; then
                        fail_k "$s kill:$k: diff after the repair exited $NC_RC: $(tr '\n' ' ' <<<"$NC_OUT" | cut -c1-300)"
                        return 1
                fi
        fi
        if [ "$(foreign_state)" != "$FOREIGN_BEFORE" ]; then
                fail_k "$s kill:$k: foreign objects changed: $(diff <(echo "$FOREIGN_BEFORE") <(foreign_state) | head -5 | tr '\n' ' ')"
                return 1
        fi
        return 0
}

# N: the requests of the scenario's run from its start state (a run
# without a fault, which must succeed).
count_requests() {
        local s=$1
        "start_$s"
        NC_FAULT=count scenario_run "$s"
        [ "$NC_RC" -eq 0 ] || { nc_log "$NC_OUT"; nc_fail "$s: the run without a fault exited $NC_RC"; }
        N=$(sed -n 's/^nc-fault: \([0-9]*\) requests$/\1/p' <<<"$NC_OUT")
        [ -n "$N" ] && [ "$N" -gt 0 ] || nc_fail "$s: no request count in: $NC_OUT"
}

POINTS=0 RECOVERED=0
sweep_kill() {
        local s=$1 k
        count_requests "$s"
        nc_log "== $s: $N requests"
        for k in $(seq 1 "$N"); do
                "start_$s"
                NC_FAULT=kill:$k scenario_run "$s"
                POINTS=$((POINTS + 1))
                if [ "$NC_RC" -ne 137 ] || ! grep -q "^nc-fault: killed after request $k " <<<"$NC_OUT"; then
                        fail_k "$s kill:$k: the run was not killed (exit $NC_RC): $(tail -n 2 <<<"$NC_OUT" | tr '\n' ' ')"
                        continue
                fi
                recovered "$s" "$k" && RECOVERED=$((RECOVERED + 1))
        done
}

# Requests of the fresh apply whose skipping leaves nothing observable
# missing, each with the reason (K: reason). Only the first: making
# /run/netns a shared mount (the first step of creating $NEW), which it is
# already wherever `ip netns add` ran before.
declare -A SKIP_UNOBSERVABLE=(
        [1]="/run/netns is already a shared mount point (ip netns add made it one)"
)
SKIP_CAUGHT=0 SKIP_EXPLAINED=0
sweep_skip() {
        local k
        count_requests fresh
        nc_log "== fresh, skip: $N requests"
        for k in $(seq 1 "$N"); do
                start_fresh
                # --wait 0: a skipped "up" would otherwise cost the whole
                # wait for a link that cannot come up; verification reads
                # the admin state and names it all the same.
                NC_FAULT=skip:$k nc_run apply --wait 0 "$full"
                if ! grep -q "^nc-fault: request $k not sent" <<<"$NC_OUT"; then
                        fail_k "skip:$k: request $k was not skipped: $(tail -n 2 <<<"$NC_OUT" | tr '\n' ' ')"
                elif [ -n "${SKIP_UNOBSERVABLE[$k]:-}" ]; then
                        if [ "$NC_RC" -ne 0 ]; then
                                fail_k "skip:$k: expected to change nothing observable (${SKIP_UNOBSERVABLE[$k]}), but apply exited $NC_RC: $(grep -m 3 netconverge <<<"$NC_OUT" | tr '\n' ' ')"
                        else
                                SKIP_EXPLAINED=$((SKIP_EXPLAINED + 1))
                        fi
                elif [ "$NC_RC" -ne 1 ]; then
                        fail_k "skip:$k: apply exited $NC_RC with request $k never made (verification missed it)"
                elif ! grep -qE '^netconverge: apply: (the kernel did not converge; still to do:$|conflict: link )' <<<"$NC_OUT"; then
                        # Verification's words (a change that failed because of the
                        # skip is reported too, but that is not verification).
                        fail_k "skip:$k: apply exited 1 without naming what did not converge: $(tr '\n' ' ' <<<"$NC_OUT" | cut -c1-300)"
                else
                        SKIP_CAUGHT=$((SKIP_CAUGHT + 1))
                fi
        done
}

hard_reset
FOREIGN_BEFORE=$(foreign_state)
# What is compared must be there to compare.
for want in '"ifname":"lo"' "\"ifname\":\"$FOREIGN\"" '"local":"198.51.100.1"' '"dst":"198.51.100.128/25"' '"dport"'; do
        grep -qF -- "$want" <<<"$FOREIGN_BEFORE" || nc_fail "the foreign state lacks $want: $FOREIGN_BEFORE"
done
SCENARIOS=${NC_CRASH_SCENARIOS:-fresh drifted destroy prune skip}
for s in $SCENARIOS; do
        if [ "$s" = skip ]; then sweep_skip; else sweep_kill "$s"; fi
done
nc_log "crash points: $POINTS, recovered with one run: $RECOVERED; skips caught by verification: $SKIP_CAUGHT, explained: $SKIP_EXPLAINED (${!SKIP_UNOBSERVABLE[*]})"
if [ "${#FAILURES[@]}" -gt 0 ]; then
        nc_log "${#FAILURES[@]} failure(s):"
        printf '  %s\n' "${FAILURES[@]}" >&2
        nc_fail "crash sweep"
fi
nc_pass "every crash point recovered, every skipped request caught"
