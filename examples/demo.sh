#!/usr/bin/env bash
# The demo: builds netconverge, then runs its main job on
# examples/docker0.yaml inside throwaway network namespaces, never touching
# this machine's own network:
#   plan -> apply -> ping between the two containers -> "No changes." ->
#   drift by hand -> repaired -> destroy -> clean-up.
#
#   examples/demo.sh        (as root; a user without root: sudo examples/demo.sh)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh" build
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target netconverge >/dev/null
nc="$top/build/netconverge"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }

# Everything the demo makes carries this prefix, and goes in the trap.
prefix="ncdemo$$"
host="$prefix-host"
work=$(mktemp -d)
cleanup() {
        for ns in "$host" "$prefix-web" "$prefix-db"; do
                ip netns del "$ns" 2>/dev/null || true
        done
        rm -rf "$work"
}
trap cleanup EXIT

# The example names its namespaces "web" and "db"; the demo gives them its
# own prefix so that it can never meet namespaces of yours.
sed -e "s/^\(    netns:\) web\b/\1 $prefix-web/" -e "s/^\(    netns:\) db\b/\1 $prefix-db/" \
        "$top/examples/docker0.yaml" >"$work/docker0.yaml"
ip netns add "$host"
ip -n "$host" link set lo up

cd "$work"
say "examples/docker0.yaml, with the demo's namespace names:"
grep -v '^#' docker0.yaml | sed '/^$/d'

step "netconverge -n $host diff docker0.yaml"
"$nc" -n "$host" diff docker0.yaml || [ $? -eq 2 ]

step "netconverge -n $host apply docker0.yaml"
"$nc" -n "$host" apply docker0.yaml

step "ip netns exec $prefix-web ping -c 2 172.17.0.2    # web -> db, across the bridge"
ip netns exec "$prefix-web" ping -c 2 -W 1 172.17.0.2

step "netconverge -n $host diff docker0.yaml"
"$nc" -n "$host" diff docker0.yaml

say "Drift by hand: the bridge goes down and db loses its address."
step "ip -n $host link set docker0 down; ip -n $prefix-db addr flush dev eth0"
ip -n "$host" link set docker0 down
ip -n "$prefix-db" addr flush dev eth0
step "netconverge -n $host apply docker0.yaml"
"$nc" -n "$host" apply docker0.yaml
step "ip netns exec $prefix-web ping -c 1 172.17.0.2"
ip netns exec "$prefix-web" ping -c 1 -W 1 172.17.0.2

step "netconverge -n $host show"
"$nc" -n "$host" show

step "netconverge -n $host destroy"
"$nc" -n "$host" destroy

echo
echo "demo: done (the throwaway namespaces are removed on exit)"
