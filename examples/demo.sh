#!/usr/bin/env bash
# The demo: builds netconverge and runs it on the bundled examples.
#
#   examples/demo.sh        (as root; a user without root: sudo examples/demo.sh)
#
# Today netconverge validates files and computes their desired state
# (addresses, MACs, veth names, published ports); the live reconcile that
# builds it in a throwaway namespace arrives with the next release, and this
# script will then show it end to end.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh" build
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target netconverge >/dev/null
nc="$top/build/netconverge"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }

cd "$top"
for f in examples/*.yaml; do
        step "netconverge validate $f"
        "$nc" validate "$f"
        step "netconverge -v validate $f"
        "$nc" -v validate "$f"
done

# And what a mistake looks like: every problem, in one run, with its place.
bad=$(mktemp --suffix=.yaml)
trap 'rm -f "$bad"' EXIT
cat >"$bad" <<'YAML'
version: 1
bridges:
  docker0:
    subnet: 172.17.0.1/16
    masqerade: yes
containers:
  web:
    networks: [docker1]
    ports: ["80"]
YAML
step "netconverge validate broken.yaml   # expected to fail"
if "$nc" validate "$bad" 2>&1 | sed "s|$bad|broken.yaml|"; then :; fi
"$nc" -q validate "$bad" 2>/dev/null && { echo "demo: broken.yaml validated?" >&2; exit 1; }
echo
echo "demo: done"
