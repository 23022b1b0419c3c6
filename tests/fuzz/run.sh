#!/usr/bin/env bash
# Builds and runs one fuzzer: tests/fuzz/run.sh [SECONDS] [TARGET]
# (default 30 seconds, target config). TARGET:
#   config      the YAML front end; seeds: examples/, tests/bad, tests/good
#   snapshot    the snapshot's fast reader against its generic one
#               (fuzz-snapshot.c says what counts as a finding); seeds:
#               tests/golden/*/observed.snap
#   nft-decode  the nftables rule decoder on arbitrary rules; seeds: the
#               rules src/nft/build.c builds for every shape, written by
#               the fuzzer itself (NC_FUZZ_WRITE_SEEDS)
# tests/fuzz/corpus/TARGET/, when present, holds regression inputs (earlier
# findings), run first. New inputs go to a scratch corpus under the build
# directory, never into the source tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-30}
target=${2:-config}
build=${NC_FUZZ_BUILD:-$top/build-fuzz}

case $target in
config | snapshot | nft-decode) ;;
*) echo "run.sh: unknown fuzz target '$target' (config, snapshot, nft-decode)" >&2; exit 2 ;;
esac

CC=clang cmake -S "$top" -B "$build" -DNC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target "fuzz-$target" -j"$(nproc)" >/dev/null
bin="$build/tests/fuzz/fuzz-$target"

# The config fuzzer's scratch corpus keeps its old place.
work="$build/corpus"
[ "$target" = config ] || work="$build/corpus-$target"
mkdir -p "$work"
seeds=()
[ -d "$top/tests/fuzz/corpus/$target" ] && seeds+=("$top/tests/fuzz/corpus/$target")
extra=()
case $target in
config)
        seeds+=("$top/examples")
        for d in "$top/tests/bad" "$top/tests/good"; do [ -d "$d" ] && seeds+=("$d"); done
        extra=(-dict="$top/tests/fuzz/config.dict" -max_len=65536)
        ;;
snapshot)
        snaps="$build/seeds-snapshot"
        rm -rf "$snaps" && mkdir -p "$snaps"
        for f in "$top"/tests/golden/*/observed.snap; do
                cp "$f" "$snaps/$(basename "$(dirname "$f")").snap"
        done
        seeds+=("$snaps")
        extra=(-max_len=65536)
        ;;
nft-decode)
        rules="$build/seeds-nft-decode"
        rm -rf "$rules" && mkdir -p "$rules"
        NC_FUZZ_WRITE_SEEDS="$rules" "$bin"
        seeds+=("$rules")
        extra=(-max_len=4096)
        ;;
esac

# -malloc_limit_mb and -timeout turn one input's runaway memory or time
# into a finding; -rss_limit_mb is the whole process's, which also holds
# libFuzzer's growing corpus and ASan's quarantine (512 MB was reached by
# those alone once the scratch corpus had grown over several runs).
exec "$bin" "$work" "${seeds[@]}" "${extra[@]}" -max_total_time="$seconds" \
        -malloc_limit_mb=256 -rss_limit_mb=2048 -timeout=1 -print_final_stats=1 \
        -artifact_prefix="$build/$target-"
