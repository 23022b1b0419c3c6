#!/usr/bin/env bash
# netconverge's benchmark: bench/run.sh [--quick] [--runs R] [--big-runs R] [--cni-runs R]
#                                       [--no-cni] [--no-watch] [--nc BINARY] [--out FILE]
#
# Root only. Everything happens in network namespaces this script creates
# with a unique prefix (nbXXXXX-...) and always removes (trap EXIT); the
# machine's own namespace is never touched, and no traffic is sent. See
# bench/README.md for what is measured and how; results go to FILE
# (default: bench/results-<date>.md) as a Markdown table.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bench=$top/bench
quick=0 runs=5 big_runs=5 cni_runs=1 do_cni=1 do_watch=1 nc= out= args="$*"
while [ $# -gt 0 ]; do
        case $1 in
        --quick) quick=1 ;;
        --runs) runs=$2; shift ;;
        --big-runs) big_runs=$2; shift ;;
        --cni-runs) cni_runs=$2; shift ;;
        --no-cni) do_cni=0 ;;
        --no-watch) do_watch=0 ;;
        --nc) nc=$2; shift ;;
        --out) out=$2; shift ;;
        *) echo "usage: $0 [--quick] [--runs R] [--big-runs R] [--cni-runs R] [--no-cni] [--no-watch] [--nc BIN] [--out FILE]" >&2
           exit 1 ;;
        esac
        shift
done
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (network namespaces)" >&2; exit 1; }
for t in ip nft python3 timeout /usr/bin/time; do
        command -v "$t" >/dev/null || { echo "$0: $t is missing: scripts/install-deps.sh bench" >&2; exit 1; }
done
if [ "$do_cni" -eq 1 ] && [ ! -x /usr/lib/cni/bridge ]; then
        echo "$0: no CNI plugins in /usr/lib/cni (scripts/install-deps.sh bench), or pass --no-cni" >&2
        exit 1
fi
if [ -z "$nc" ]; then
        cmake -S "$top" -B "$top/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
        cmake --build "$top/build-bench" -j"$(nproc)" --target netconverge >/dev/null
        nc=$top/build-bench/netconverge
fi
[ -z "$out" ] && out=$bench/results-$(date +%Y%m%d-%H%M%S).md
# The tree the binary was built from (HEAD may move during a long run).
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet HEAD 2>/dev/null || echo '+dirty')
# "big": the shapes where the slow baselines may run fewer times.
if [ "$quick" -eq 1 ]; then
        shapes=("1 10" "1 100")
        runs=3 big=100 big_runs=3 cni_runs=1 tries=10
else
        shapes=("1 10" "1 100" "1 1000" "10 100")
        big=1000 tries=20
fi

P=$(printf 'nb%05x' $(( ($$ ^ RANDOM << 8) & 0xfffff )))
H=$P-h
TMP=$(mktemp -d "/tmp/$P.XXXXXX")
watch_pid=
locks=()

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$P-" || true; }

drop_namespaces() {
        local list
        list=$(our_namespaces)
        [ -n "$list" ] || return 0
        # ip -batch: one process for all of them.
        printf 'netns delete %s\n' $list >"$TMP/del.batch"
        timeout 300 ip -force -batch "$TMP/del.batch" 2>/dev/null || true
        for ns in $(our_namespaces); do timeout 10 ip netns delete "$ns" 2>/dev/null || true; done
}

cleanup() {
        local rc=$?
        trap - EXIT INT TERM
        if [ -n "$watch_pid" ]; then
                kill "$watch_pid" 2>/dev/null || true
                timeout 10 tail --pid="$watch_pid" -f /dev/null 2>/dev/null || kill -9 "$watch_pid" 2>/dev/null || true
        fi
        drop_namespaces
        for l in "${locks[@]}"; do rm -f "$l"; done
        [ -n "$(our_namespaces)" ] && { log "namespaces left behind: $(our_namespaces | tr '\n' ' ')"; rc=1; }
        rm -rf "$TMP"
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU busy percent over 0.3 s, from /proc/stat.
cpu_busy() {
        local a b
        read -r _ a1 a2 a3 a4 a5 a6 a7 _ </proc/stat
        sleep 0.3
        read -r _ b1 b2 b3 b4 b5 b6 b7 _ </proc/stat
        a=$(( (b1 + b2 + b3 + b4 + b5 + b6 + b7) - (a1 + a2 + a3 + a4 + a5 + a6 + a7) ))
        b=$(( (b4 + b5) - (a4 + a5) ))
        [ "$a" -gt 0 ] || { echo 0; return; }
        echo $(( 100 - 100 * b / a ))
}

# The kernel tears a deleted namespace down in a worker that holds the
# rtnl lock for long stretches while it mostly waits (RCU), so a quiet CPU
# is not enough: a request that needs rtnl (lo up, a no-op) must also be
# answered at once, five times in a row.
rtnl_free() {
        local ok=0 t0 ms
        [ -e "/run/netns/$H" ] || return 0
        for _ in 1 2 3 4 5 6 7 8 9 10; do
                t0=$EPOCHREALTIME
                ip -n "$H" link set lo up
                ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }')
                if [ "$ms" -lt 8 ]; then ok=$((ok + 1)); [ "$ok" -ge 5 ] && return 0; else ok=0; fi
                sleep 0.05
        done
        return 1
}

# Waits (bounded) until the CPUs are quiet (the kernel tears deleted
# namespaces down in the background), so that one run's clean-up is not
# timed as part of the next.
settle() {
        local deadline=$((SECONDS + 60)) quiet=0
        while [ "$SECONDS" -lt "$deadline" ]; do
                if [ "$(cpu_busy)" -lt 15 ] && rtnl_free; then
                        quiet=$((quiet + 1))
                        [ "$quiet" -ge 2 ] && return 0
                else
                        quiet=0
                fi
        done
        log "warning: not quiet after 60 s (load $(cut -d' ' -f1-3 /proc/loadavg)); going on"
}

# The namespaces of a shape: the host one and N containers' (their
# creation timed apart). Made once per shape: deleting a thousand
# namespaces keeps the kernel busy (and the rtnl lock taken) for long after,
# which would be timed as part of whatever runs next. Between runs,
# netconverge's destroy empties them; after a baseline, the host namespace
# is made anew (reset_host), which takes every container's veth with it.
make_namespaces() {
        local n=$1 label=$2 t0
        drop_namespaces
        settle
        { echo "netns add $H"; for i in $(seq 1 "$n"); do printf 'netns add %s-c%05d\n' "$P" "$i"; done; } >"$TMP/add.batch"
        t0=$EPOCHREALTIME
        timeout 300 ip -batch "$TMP/add.batch"
        record "$label" "netns create ($n + host, one ip -batch)" "$t0" ""
        ip -n "$H" link set lo up
        locks+=("/run/netconverge/lock-$(stat -L -c %i "/run/netns/$H")")
}

reset_host() {
        timeout 60 ip netns delete "$H"
        ip netns add "$H"
        ip -n "$H" link set lo up
        locks+=("/run/netconverge/lock-$(stat -L -c %i "/run/netns/$H")")
        settle
}

# Results: one line per sample, "label<TAB>measure<TAB>ms<TAB>rss_kb".
record() {
        local ms
        ms=$(awk -v a="$3" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
        printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$ms" "${4:-}" >>"$TMP/results.tsv"
}

# timed LABEL MEASURE EXPECTED-RC CMD...: one sample, wall time from
# $EPOCHREALTIME around the command, peak RSS from /usr/bin/time.
timed() {
        local label=$1 what=$2 want=$3 t0 rc=0 end
        shift 3
        t0=$EPOCHREALTIME
        /usr/bin/time -f %M -o "$TMP/rss" "$@" >"$TMP/cmd.out" 2>&1 || rc=$?
        end=$EPOCHREALTIME
        if ! [[ "$rc" =~ ^($want)$ ]]; then
                cat "$TMP/cmd.out" >&2
                die "$label: $what: $* exited $rc, expected $want"
        fi
        local ms
        ms=$(awk -v a="$t0" -v b="$end" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
        printf '%s\t%s\t%s\t%s\n' "$label" "$what" "$ms" "$(tail -n1 "$TMP/rss")" >>"$TMP/results.tsv"
}

nc_h() { timeout 600 "$nc" -n "$H" "$@"; }

# The untimed checks.
check_nc() {
        local file=$1 samples=$2 n=$3 b=$4 rc=0 o
        o=$(nc_h diff "$file" 2>&1) || rc=$?
        [ "$rc" -eq 0 ] && [ "$o" = "No changes." ] || die "diff $file after apply: exit $rc: $(head -5 <<<"$o")"
        python3 "$bench/check.py" built nc "$H" "$n" "$b" "$samples" || die "the kernel is not converged"
}
check_gone() { python3 "$bench/check.py" gone "$H" "$1" || die "destroy left things behind"; }

# One shape: B bridges x K containers each.
shape() {
        local b=$1 k=$2 n=$(($1 * $2)) label r rr d
        label=$( [ "$b" -eq 1 ] && echo "N=$n" || echo "${b}x$k" )
        d=$TMP/$label
        mkdir -p "$d"
        rr=$runs
        [ "$n" -ge "$big" ] && rr=$big_runs
        log "== $label: $rr runs"
        python3 "$bench/gen.py" config "$P" "$b" "$k" "$d/full.yaml"
        python3 "$bench/gen.py" config "$P" "$b" "$k" "$d/plus.yaml" --extra x1
        python3 "$bench/gen.py" config "$P" "$b" "$k" "$d/addr1.yaml" --address c00002=10.100.200.201
        python3 "$bench/gen.py" config "$P" "$b" "$k" "$d/addr2.yaml" --address c00002=10.100.200.202
        python3 "$bench/gen.py" samples "$P" "$b" "$k" >"$d/samples"
        python3 "$bench/gen.py" ip "$P" "$b" "$k" "$d/ip"
        python3 "$bench/gen.py" cni "$P" "$b" "$k" "$d/cni"
        # The iproute2/nft baseline as one script: one ip -batch for the
        # host side, one ip -n NS -batch per container, one nft -f.
        {
                echo "set -e"
                echo "ip -n $H -batch $d/ip/host.batch"
                for f in "$d"/ip/ns/*.batch; do echo "ip -n $(basename "$f" .batch) -batch $f"; done
                echo "ip netns exec $H sh -c 'nft -f $d/ip/ruleset.nft && echo 1 >/proc/sys/net/ipv4/ip_forward'"
        } >"$d/ip.sh"

        make_namespaces "$n" "$label"
        for r in $(seq 1 "$rr"); do
                # netconverge: cold apply, then (last run) the no-op and one-container
                # operations, then destroy.
                settle
                timed "$label" "netconverge cold apply" 0 "$nc" -n "$H" -q apply "$d/full.yaml"
                check_nc "$d/full.yaml" "$d/samples" "$n" "$b"
                if [ "$r" -eq "$rr" ]; then
                        steady "$label" "$d" "$n" "$b" "$rr"
                fi
                settle
                timed "$label" "netconverge destroy" 0 "$nc" -n "$H" -q destroy
                check_gone "$d/samples"

                # The iproute2/nft baseline.
                settle
                timed "$label" "iproute2+nft cold" 0 bash "$d/ip.sh"
                python3 "$bench/check.py" built ip "$H" "$n" "$b" "$d/samples" || die "ip baseline not converged"
                reset_host

                # CNI.
                if [ "$do_cni" -eq 1 ] && { [ "$n" -lt "$big" ] || [ "$r" -le "$cni_runs" ]; }; then
                        rm -rf "$d/cni/ipam"
                        timed "$label" "CNI cold (loopback+bridge+portmap)" 0 ip netns exec "$H" bash "$d/cni/add.sh"
                        python3 "$bench/check.py" built cni "$H" "$n" "$b" "$d/samples" || die "CNI not converged"
                        reset_host
                fi
        done
        drop_namespaces
}

# On the converged host: no-op diff and apply, one container added and
# removed, one address changed, the watch repair.
steady() {
        local label=$1 d=$2 n=$3 b=$4 rr=$5 i a
        settle
        for i in $(seq 1 "$rr"); do
                timed "$label" "netconverge no-op diff" 0 "$nc" -n "$H" diff "$d/full.yaml"
                check_nc "$d/full.yaml" "$d/samples" "$n" "$b"
        done
        for i in $(seq 1 "$rr"); do
                timed "$label" "netconverge no-op apply" 0 "$nc" -n "$H" -q apply "$d/full.yaml"
                check_nc "$d/full.yaml" "$d/samples" "$n" "$b"
        done
        ip netns add "$P-x1"
        for i in $(seq 1 "$rr"); do
                timed "$label" "netconverge add one container" 0 "$nc" -n "$H" -q apply "$d/plus.yaml"
                [ "$(nc_h diff "$d/plus.yaml")" = "No changes." ] || die "plus.yaml not converged"
                [ "$(ip -n "$P-x1" -j -4 addr show dev eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["addr_info"][0]["local"])')" != "" ] ||
                        die "the added container has no address"
                timed "$label" "netconverge remove one container" 0 "$nc" -n "$H" -q apply "$d/full.yaml"
                check_nc "$d/full.yaml" "$d/samples" "$n" "$b"
                ip -n "$P-x1" link show eth0 >/dev/null 2>&1 && die "the removed container still has eth0"
        done
        # Between two explicit addresses, so that every run changes one.
        for i in $(seq 1 "$rr"); do
                a=$(( 2 - i % 2 ))
                timed "$label" "netconverge change one address" "0|1" "$nc" -n "$H" -q apply "$d/addr$a.yaml"
                if [ "$(nc_h diff "$d/addr$a.yaml")" != "No changes." ]; then
                        # Not converged: the sample does not count; say why, converge, go on.
                        sed -i '$d' "$TMP/results.tsv"
                        grep -q "not converge" "$TMP/cmd.out" || die "addr$a.yaml: $(cat "$TMP/cmd.out")"
                        grep -q "change one address" "$TMP/notes" 2>/dev/null ||
                                echo "$label	change one address: apply exits 1, not converged: $(grep '^[-+~] ' "$TMP/cmd.out" | head -1 | sed "s/$P/P/g") is still to do (the kernel flushed the route with the old address); those samples are left out" >>"$TMP/notes"
                        nc_h -q apply "$d/addr$a.yaml" >/dev/null
                        [ "$(nc_h diff "$d/addr$a.yaml")" = "No changes." ] || die "addr$a.yaml not converged"
                fi
                grep -q "inet 10.100.200.20$a/16" <<<"$(ip -n "$P-c00002" -4 addr show dev eth0)" || die "address not changed"
        done
        # Back to the file's own allocation for the rest.
        timeout 60 "$nc" -n "$H" -q destroy >/dev/null
        nc_h -q apply "$d/full.yaml" >/dev/null
        check_nc "$d/full.yaml" "$d/samples" "$n" "$b"
        if [ "$do_watch" -eq 1 ] && [ "$n" -eq "$big" ] && [ "$b" -eq 1 ]; then
                watch_repair "$label" "$d" "$n" "$b"
        fi
}

watch_repair() {
        local label=$1 d=$2 n=$3 b=$4 deadline first veth
        if ! grep -q '^  watch' <<<"$("$nc" --help 2>&1)"; then
                log "watch: not in this build; skipped"
                echo "$label	watch repair	skipped (no watch in this build)" >>"$TMP/notes"
                return 0
        fi
        first=$(head -n1 "$d/samples" | cut -d' ' -f1)
        veth=$(head -n1 "$d/samples" | cut -d' ' -f7)
        ip -n "$H" link show dev "$veth" >/dev/null || die "no host veth $veth for $first"
        "$nc" -n "$H" watch "$d/full.yaml" --interval 3600 >"$TMP/watch.log" 2>&1 &
        watch_pid=$!
        # Its first cycle: nothing to do, but it must be running.
        deadline=$((SECONDS + 60))
        until grep -q . "$TMP/watch.log" && [ "$(nc_h diff "$d/full.yaml")" = "No changes." ] && sleep 1; do
                kill -0 "$watch_pid" 2>/dev/null || { cat "$TMP/watch.log" >&2; die "watch exited"; }
                [ "$SECONDS" -lt "$deadline" ] || die "watch did not start within 60 s"
                sleep 0.2
        done
        settle
        timeout 120 python3 "$bench/repair.py" "$H" "$first" "$veth" "$tries" "$TMP/repair" || { tail -20 "$TMP/watch.log" >&2; die "repair"; }
        while read -r back route; do
                printf '%s\t%s\t%s\t%s\n' "$label" "watch repair: veth back, up, route ($tries tries)" "$back" "" >>"$TMP/results.tsv"
                printf '%s\t%s\t%s\t%s\n' "$label" "watch repair: default route back ($tries tries)" "$route" "" >>"$TMP/results.tsv"
        done <"$TMP/repair"
        awk -v pid="$watch_pid" '/VmHWM/ { print $2 }' "/proc/$watch_pid/status" >"$TMP/watch.hwm" 2>/dev/null || true
        printf '%s\t%s\t%s\t%s\n' "$label" "watch peak RSS after the tries (VmHWM)" "" "$(cat "$TMP/watch.hwm")" >>"$TMP/results.tsv"
        kill "$watch_pid"
        timeout 10 tail --pid="$watch_pid" -f /dev/null || die "watch did not exit on SIGTERM"
        watch_pid=
        cp "$TMP/watch.log" "$d/watch.log"
        check_nc "$d/full.yaml" "$d/samples" "$n" "$b"
}

# Dual stack (issue 13 item 7): the N=n shape with subnet6 on the bridge,
# so every container also gets address6, an IPv6 default route, link-local
# addresses and an IPv6 DNAT rule: cold apply and no-op diff, beside the
# IPv4 rows.
dual() {
        local n=$1 label="N=$1 dual stack" d=$TMP/dual-$1 r rr=$runs six
        [ "$n" -ge "$big" ] && rr=$big_runs
        mkdir -p "$d"
        log "== $label: $rr runs"
        python3 "$bench/gen.py" config "$P" 1 "$n" "$d/full.yaml" --dual
        python3 "$bench/gen.py" samples "$P" 1 "$n" >"$d/samples"
        make_namespaces "$n" "$label"
        for r in $(seq 1 "$rr"); do
                settle
                timed "$label" "netconverge cold apply" 0 "$nc" -n "$H" -q apply "$d/full.yaml"
                check_nc "$d/full.yaml" "$d/samples" "$n" 1
                six=$(ip -n "$P-c$(printf %05d "$n")" -j -6 addr show dev eth0 scope global |
                        python3 -c 'import json,sys; print(" ".join(a["local"] for i in json.load(sys.stdin) for a in i["addr_info"] if "local" in a))')
                [ "$six" = "fd00:64::$(printf %x $((n + 1)))" ] || die "$label: the last container's address6 is '$six'"
                if [ "$r" -eq "$rr" ]; then
                        settle
                        for i in $(seq 1 "$rr"); do
                                timed "$label" "netconverge no-op diff" 0 "$nc" -n "$H" diff "$d/full.yaml"
                                check_nc "$d/full.yaml" "$d/samples" "$n" 1
                        done
                fi
                settle
                timed "$label" "netconverge destroy" 0 "$nc" -n "$H" -q destroy
                check_gone "$d/samples"
        done
        drop_namespaces
}

# Planning alone, from generated snapshots (no kernel): B bridges x K.
planning() {
        local b=$1 k=$2 n=$(($1 * $2)) d i lines
        d=$TMP/plan-$n
        mkdir -p "$d"
        python3 "$bench/gen.py" config plan "$b" "$k" "$d/config.yaml"
        python3 "$bench/gen.py" snapshot plan "$b" "$k" "$d/converged.snap"
        # A limit of the product is a result, not a reason to stop the run.
        if ! "$nc" diff "$d/config.yaml" --observed "$d/converged.snap" >"$TMP/cmd.out" 2>&1; then
                log "plan $n: $(head -1 "$TMP/cmd.out")"
                echo "plan $n	diff --observed: failed: $(head -1 "$TMP/cmd.out" | sed "s|$d/||")" >>"$TMP/notes"
                return 0
        fi
        settle
        for i in $(seq 1 "$runs"); do
                timed "plan $n" "diff --observed (converged snapshot: No changes.)" 0 "$nc" diff "$d/config.yaml" --observed "$d/converged.snap"
                [ "$(cat "$TMP/cmd.out")" = "No changes." ] || die "plan $n: $(head -3 "$TMP/cmd.out")"
        done
        for i in $(seq 1 "$runs"); do
                timed "plan $n" "diff --observed /dev/null (fresh host: full plan)" 2 "$nc" diff "$d/config.yaml" --observed /dev/null
                lines=$(wc -l <"$TMP/cmd.out")
                # netns + veth + lo + address + route + publish per container, and the rest.
                [ "$lines" -gt $((6 * n)) ] || die "plan $n: $lines lines"
        done
}

machine() {
        echo "- host: $(uname -srm), $(nproc) CPUs: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
        echo "- netconverge: $("$nc" -V 2>&1 | head -1) (git $rev at the start of the run, $(grep -E '^CMAKE_BUILD_TYPE' "$(dirname "$nc")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?'))"
        echo "- $(ip -V); $(nft -v); containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null || echo none); $(iptables -V 2>/dev/null || echo 'no iptables')"
        echo "- libnl-route-3 $(pkg-config --modversion libnl-route-3.0 2>/dev/null), libnftnl $(pkg-config --modversion libnftnl 2>/dev/null), libmnl $(pkg-config --modversion libmnl 2>/dev/null)"
}

report() {
        {
                echo "## Run of $(date '+%Y-%m-%d %H:%M') ($( [ "$quick" -eq 1 ] && echo quick || echo full ); runs: $runs, at N >= $big: $big_runs, CNI at N >= $big: $cni_runs)"
                echo
                machine
                echo "- load average at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
                echo "- command: bench/run.sh $args"
                echo
                echo "| shape | measure | runs | median ms | min ms | max ms | peak RSS MB |"
                echo "|---|---|---:|---:|---:|---:|---:|"
                python3 - "$TMP/results.tsv" <<'EOF'
import statistics, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    label, what, ms, rss = line.rstrip("\n").split("\t")
    key = (label, what)
    if key not in rows:
        rows[key] = ([], [])
        order.append(key)
    if ms:
        rows[key][0].append(float(ms))
    if rss:
        rows[key][1].append(int(rss))
for key in order:
    ms, rss = rows[key]
    r = "%.1f" % (max(rss) / 1024) if rss else ""
    if ms:
        print("| %s | %s | %d | %.1f | %.1f | %.1f | %s |" % (key[0], key[1], len(ms), statistics.median(ms), min(ms), max(ms), r))
    else:
        print("| %s | %s | | | | | %s |" % (key[0], key[1], r))
EOF
                [ -f "$TMP/notes" ] && { echo; sed -e 's/^/- /' -e 's/	/: /' "$TMP/notes"; }
        } >"$out"
        cp "$TMP/results.tsv" "${out%.md}.tsv"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "prefix $P, host namespace $H, netconverge $nc; load $load_start"
: >"$TMP/results.tsv"
for s in "${shapes[@]}"; do
        shape $s
done
dual 100
[ "$quick" -eq 1 ] || dual 1000
if [ "$quick" -eq 1 ]; then
        planning 1 100
        planning 1 1000
else
        planning 1 1000
        planning 10 1000
fi
report
log "results: $out"
cat "$out"
