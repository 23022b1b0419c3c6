#!/usr/bin/env bash
# Connect latency through the first and the last of N published ports
# (issue 14 item 4): ports-connect.sh NETCONVERGE [N] [CONNECTS] [ROUNDS]
#
# A host namespace with an uplink to an "outside" namespace (198.51.100.0/24),
# one container publishing N host ports 10000.. all to its port 80, where a
# server accepts and resets. From outside, CONNECTS sequential connects to
# the first port, then to the last, ROUNDS times alternating; each line is
# connects/s and the connect() time (SYN to SYN-ACK, through the DNAT). Run
# it with main's binary (one DNAT rule per port, walked in order) and with
# the maps' (one map lookup). Namespaces are removed on exit.
set -euo pipefail
nc=$1 n=${2:-1000} connects=${3:-2000} rounds=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
P=pc$(printf '%04x' $(( $$ & 0xffff )))
H=$P-host OUT=$P-out WEB=$P-web
tmp=$(mktemp -d)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
        for ns in "$H" "$OUT" "$WEB"; do ip netns del "$ns" 2>/dev/null || true; done
        rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$H"
ip netns add "$OUT"
ip -n "$H" link add "$P-up" type veth peer name "$P-o" netns "$OUT"
ip -n "$H" addr add 198.51.100.1/24 dev "$P-up"
ip -n "$H" link set "$P-up" up
ip -n "$H" link set lo up
ip -n "$OUT" addr add 198.51.100.2/24 dev "$P-o"
ip -n "$OUT" link set "$P-o" up
ip -n "$OUT" link set lo up
{
        printf 'version: 1\nbridges:\n  %sb:\n    subnet: 10.128.1.0/24\ncontainers:\n' "$P"
        printf '  web:\n    netns: %s\n    networks: [%sb]\n    ports:\n' "$WEB" "$P"
        for i in $(seq 0 $((n - 1))); do printf '      - "%d:80"\n' $((10000 + i)); done
} >"$tmp/ports.yaml"
chmod 600 "$tmp/ports.yaml"
"$nc" -n "$H" apply "$tmp/ports.yaml" | tail -1
echo "rules in the table: $(ip netns exec "$H" nft -j list table inet netconverge |
        python3 -c 'import json,sys; print(sum(1 for x in json.load(sys.stdin)["nftables"] if "rule" in x))')"
timeout 600 ip netns exec "$WEB" python3 "$here/ports-connect.py" server 0.0.0.0 80 600 &
pids+=($!)
for _ in $(seq 50); do ip netns exec "$WEB" ss -ltn | grep -q ":80 " && break; sleep 0.1; done
last=$((10000 + n - 1))
for r in $(seq 1 "$rounds"); do
        for port in 10000 "$last"; do
                printf 'round %d port %d: ' "$r" "$port"
                ip netns exec "$OUT" python3 "$here/ports-connect.py" client 198.51.100.1 "$port" "$connects"
        done
done
