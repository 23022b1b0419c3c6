#!/usr/bin/env bash
# The crash-injection sweep at full size: bench/crash-sweep.sh [BUILD_DIR] [SCENARIOS]
#
# tests/integration/test-crash.sh over two bridges and 40 containers (tcp
# and udp ports published, masquerade, isolation, one namespace apply
# creates): for every K from 1 to the number of kernel requests of a fresh
# apply, a drifted apply, a destroy and a prune, the run is killed after
# request K and one more run must repair it, nothing foreign changed; then
# every request of the fresh apply is skipped in turn and verification
# must catch it. tests/run.sh runs the same sweep over a small file with
# every kind of step (integration/crash); this one takes tens of minutes,
# so it is a bench script. BUILD_DIR (default build/) must be a
# -DNC_FAULT=ON tree (it has netconverge-fault). SCENARIOS: a subset of
# "fresh drifted destroy prune skip" (the default: all).
#
# Root only; the same safety as the test (tests/integration/lib.sh): its
# own namespaces under a unique prefix, removed on any exit. The summary
# line ("crash points: ..., recovered with one run: ...") and every
# failing K are printed at the end; docs/crash-safety.md has the figures
# of the last run.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
bin=$build/netconverge-fault
[ -x "$bin" ] || { echo "$0: $bin missing: configure $build with -DNC_FAULT=ON and build it" >&2; exit 1; }
# bash reads a script as it runs it: a copy, so that editing the tree
# during a run of tens of minutes cannot change it half-way.
copy=$(mktemp -d /tmp/crash-sweep.XXXXXX)
trap 'rm -rf "$copy"' EXIT
cp "$top/tests/integration/test-crash.sh" "$top/tests/integration/lib.sh" "$copy/"
start=$SECONDS
rc=0
NC_CRASH_SCENARIOS=${2:-fresh drifted destroy prune skip} NC_TIMEOUT=60 \
        bash "$copy/test-crash.sh" "$(realpath "$bin")" "$top" full || rc=$?
echo "crash-sweep: $((SECONDS - start)) s, exit $rc" >&2
exit $rc
