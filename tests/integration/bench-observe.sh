#!/usr/bin/env bash
# Times observation at scale: bench-observe.sh NETCONVERGE [N]
#
# Builds a "host" namespace with an owned bridge and N (default 1000)
# owned veths whose other ends sit in N container namespaces (address,
# lo up, default route), then times `netconverge -n HOST show --snapshot`.
# A measurement, not a test: it asserts nothing about time. Root only;
# everything it creates is removed on exit.
set -euo pipefail

nc=$1
n=${2:-1000}
p=nct-bench-$$
host=$p-host
tmp=$(mktemp -d)

cleanup() {
        # One batch: deleting a namespace tears down its veth end and the pair.
        { echo "netns delete $host"; for i in $(seq 1 "$n"); do echo "netns delete $p-c$i"; done; } >"$tmp/del"
        timeout 300 ip -force -batch "$tmp/del" 2>/dev/null || true
        rm -rf "$tmp"
}
trap cleanup EXIT

for i in $(seq 1 "$n"); do echo "netns add $p-c$i"; done >"$tmp/ns"
echo "netns add $host" >>"$tmp/ns"
timeout 300 ip -batch "$tmp/ns"

{
        echo "link add br0 type bridge"
        echo "link set br0 alias netconverge:bridge up"
        echo "address add 10.88.0.1/16 dev br0"
        for i in $(seq 1 "$n"); do
                echo "link add vb$i type veth peer name eth0 netns $p-c$i"
                echo "link set vb$i alias \"netconverge:veth c$i br0 $p-c$i\" master br0 up"
        done
} >"$tmp/host"
timeout 300 ip -n "$host" -batch "$tmp/host"

for i in $(seq 1 "$n"); do
        printf 'link set lo up\nlink set eth0 alias "netconverge:peer c%d br0" up\naddress add 10.88.%d.%d/16 dev eth0\nroute add default via 10.88.0.1 dev eth0 proto 78\n' \
                "$i" $((i / 250)) $((i % 250 + 2)) | timeout 20 ip -n "$p-c$i" -batch -
done

timeout 60 "$nc" -n "$host" show --snapshot >"$tmp/snap"
echo "snapshot: $(grep -c 'kind: veth' "$tmp/snap") veths, $(grep -c 'exists: true' "$tmp/snap") namespaces, $(wc -c <"$tmp/snap") bytes"
for run in 1 2 3 4 5; do
        /usr/bin/time -f "run $run: %e s elapsed, %U s user, %S s system, %M KiB max RSS" \
                timeout 60 "$nc" -n "$host" show --snapshot >/dev/null
done
/usr/bin/time -f "show: %e s elapsed" timeout 60 "$nc" -n "$host" show >"$tmp/show.yaml"
/usr/bin/time -f "validate show's output: %e s elapsed" timeout 60 "$nc" validate "$tmp/show.yaml"
