#!/usr/bin/env bash
# examples/fleet: generate.py's per-host files are valid, each lists every
# other host as a remote and not itself.  fleet-example.sh NETCONVERGE SRC
set -euo pipefail
nc=$1
src=$2
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml is missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/examples/fleet/generate.py" "$src/examples/fleet/fleet.yaml" "$tmp" >/dev/null
n=0
for f in "$tmp"/*.yaml; do
        "$nc" validate "$f" >/dev/null
        own=$(python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); h = yaml.safe_load(open(sys.argv[2]))
n = sys.argv[1].rsplit("/", 1)[1][:-5]
r = d["bridges"]["fleet0"]["vxlan"]["remotes"]
want = sorted(v["underlay_address"] for k, v in h["hosts"].items() if k != n)
print("ok" if sorted(r) == want else "bad %s: %s, expected %s" % (n, r, want))' "$f" "$src/examples/fleet/fleet.yaml")
        [ "$own" = ok ] || { echo "$own"; exit 1; }
        n=$((n + 1))
done
[ "$n" = 3 ] || { echo "expected 3 host files, got $n"; exit 1; }
echo "ok: $n valid host files"
