#!/usr/bin/env bash
# The watch soak: netconverge watch under random edits of its file and
# random drift by hand, for a long time, on a throwaway host namespace.
# Not a test (tests/run.sh never runs it): a measurement with pass/fail.
#
#   tests/soak/soak.sh [--duration SECONDS] [--containers N] [--bridges B]
#                      [--seed S] [--out DIR] [--nc BINARY]
#
# Defaults: 1800 s (30 min), 200 containers over 3 bridges, seed from the
# clock, out /tmp/nc-soak-DATE, netconverge from build/. Root only.
#
# What it does (tests/soak/soak.py; README.md in this directory):
#  - makes a "host" namespace PREFIX-host (PREFIX unique to the run) and
#    runs `netconverge -n PREFIX-host watch FILE` on a file of B bridges and
#    N containers (namespaces PREFIX-cNNN, created by netconverge), each
#    with an explicit address and 0 to 2 published ports;
#  - until DURATION is up: one to three random events (file edits: add or
#    remove a container, add or remove a port, change a bridge's mtu;
#    drift by hand with ip/nft inside the namespaces: delete a host veth,
#    set a link down, change a container's address, delete its default
#    route, delete an nftables rule), then a quiet period: the checker
#    polls (bounded, 90 s) until `netconverge diff FILE` exits 0 AND an
#    independent check of the kernel (ip -j, nft -j) matches the file;
#  - every 60 s samples the watcher's VmRSS (/proc/PID/status) and open fds
#    (/proc/PID/fd) into OUT/samples.csv;
#  - measures RSS and fds at two checkpoints with the ORIGINAL file in force
#    (so the state, and whatever the watcher keeps of it, is the same):
#    after the warm-up (5 min, or a sixth of the duration if shorter) and at
#    the end.
# It fails (exit 1) when any quiet period does not converge within its
# bound, when the watcher exits, or when between the two checkpoints
#    RSS grows by more than 1024 kB, or the fd count grows at all.
# Figures: OUT/summary.txt; the watcher's log: OUT/watch.log.
#
# Safety: only namespaces named PREFIX-* are made, all removed by a trap on
# any exit (with netconverge's lock file); the watcher is the only
# background process and is stopped by its PID; every command is bounded.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
nc_bin=$top/build/netconverge
out=/tmp/nc-soak-$(date -u +%Y%m%dT%H%M%SZ)
args=()
while [ $# -gt 0 ]; do
        case $1 in
        --nc) nc_bin=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --duration | --containers | --bridges | --seed) args+=("$1" "$2"); shift 2 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
        esac
done
if [ "$(id -u)" -ne 0 ]; then
        echo "soak.sh: needs root (network namespaces)" >&2
        exit 77
fi
for t in ip nft python3 timeout; do
        command -v "$t" >/dev/null || { echo "soak.sh: $t is missing" >&2; exit 1; }
done
[ -x "$nc_bin" ] || { echo "soak.sh: no netconverge at $nc_bin (build first, or --nc)" >&2; exit 1; }

prefix=$(printf 's%05x' $(( ($$ ^ RANDOM << 8) & 0xfffff )))
host=$prefix-host
mkdir -p "$out"
chmod 700 "$out"
pidfile=$out/watch.pid

namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${prefix}-" || true; }

cleanup() {
        local rc=$? pid ns
        trap - EXIT INT TERM
        if [ -s "$pidfile" ]; then
                pid=$(cat "$pidfile")
                kill "$pid" 2>/dev/null || true
                timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
        fi
        if [ -e "/run/netns/$host" ]; then
                rm -f "/run/netconverge/lock-$(stat -L -c %i "/run/netns/$host" 2>/dev/null)"
        fi
        namespaces | sed 's/^/netns delete /' | timeout 120 ip -force -batch - 2>/dev/null || true
        if [ -n "$(namespaces)" ]; then
                echo "soak.sh: namespaces left behind: $(namespaces | tr '\n' ' ')" >&2
                rc=1
        fi
        echo "soak.sh: exit $rc; figures in $out/summary.txt" >&2
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$host"
echo "soak.sh: prefix $prefix, host namespace $host, output $out" >&2
python3 "$top/tests/soak/soak.py" --nc "$nc_bin" --prefix "$prefix" --host "$host" --out "$out" \
        --pidfile "$pidfile" "${args[@]}"
