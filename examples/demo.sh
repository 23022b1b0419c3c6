#!/usr/bin/env bash
# The demo: builds netconverge, then runs its main job on
# examples/docker0.yaml inside throwaway network namespaces, never touching
# this machine's own network:
#   plan -> apply -> ping between the two containers -> the published port
#   answering from an "outside" host -> "No changes." -> drift by hand ->
#   repaired -> destroy -> clean-up.
#
#   examples/demo.sh        (as root; a user without root: sudo examples/demo.sh)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh" demo
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
        [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
        # The run lock netconverge made for the demo's host namespace.
        [ -e "/run/netns/$host" ] && rm -f "/run/netconverge/lock-$(stat -L -c %i "/run/netns/$host")"
        for ns in "$host" "$prefix-web" "$prefix-db" "$prefix-out"; do
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
# An "outside" host on the demo host's uplink, 198.51.100.0/24.
ip netns add "$prefix-out"
ip -n "$host" link add uplink type veth peer name eth0 netns "$prefix-out"
ip -n "$host" addr add 198.51.100.1/24 dev uplink
ip -n "$host" link set uplink up
ip -n "$prefix-out" addr add 198.51.100.2/24 dev eth0
ip -n "$prefix-out" link set eth0 up

cd "$work"
say "examples/docker0.yaml, with the demo's namespace names:"
grep -v '^#' docker0.yaml | sed '/^$/d'

step "netconverge -n $host diff docker0.yaml"
"$nc" -n "$host" diff docker0.yaml || [ $? -eq 2 ]

step "netconverge -n $host apply docker0.yaml"
"$nc" -n "$host" apply docker0.yaml

step "ip netns exec $prefix-web ping -c 2 172.17.0.2    # web -> db, across the bridge"
ip netns exec "$prefix-web" ping -c 2 -W 1 172.17.0.2

say "web publishes 8080:80. A web server in web, asked from the outside host via the uplink:"
mkdir -p "$work/www" && echo "hello from the web container" >"$work/www/index.html"
ip netns exec "$prefix-web" python3 -m http.server 80 --bind 0.0.0.0 --directory "$work/www" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
        ip netns exec "$prefix-web" python3 -c 'import socket; socket.create_connection(("127.0.0.1", 80), 0.2)' 2>/dev/null && break
        sleep 0.1
done
step "from the outside host ($prefix-out): GET http://198.51.100.1:8080/"
ip netns exec "$prefix-out" python3 -c 'import urllib.request; print(urllib.request.urlopen("http://198.51.100.1:8080/", timeout=3).read().decode(), end="")'
kill "$server"; wait "$server" 2>/dev/null || true; server=

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
