#!/usr/bin/env bash
# Builds and runs the YAML fuzzer: tests/fuzz/run.sh [SECONDS] (default 30).
# The seed corpus is the examples and the test files; new inputs go to a
# scratch corpus under the build directory, never into the source tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-30}
build=${NC_FUZZ_BUILD:-$top/build-fuzz}

CC=clang cmake -S "$top" -B "$build" -DNC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz-config -j"$(nproc)" >/dev/null

work="$build/corpus"
mkdir -p "$work"
seeds=("$top/examples")
for d in "$top/tests/bad" "$top/tests/good"; do [ -d "$d" ] && seeds+=("$d"); done

# -malloc_limit_mb and -timeout turn one input's runaway memory or time
# into a finding; -rss_limit_mb is the whole process's, which also holds
# libFuzzer's growing corpus and ASan's quarantine (512 MB was reached by
# those alone once the scratch corpus had grown over several runs).
exec "$build/tests/fuzz/fuzz-config" "$work" "${seeds[@]}" \
        -dict="$top/tests/fuzz/config.dict" -max_total_time="$seconds" -max_len=65536 \
        -malloc_limit_mb=256 -rss_limit_mb=2048 -timeout=1 -print_final_stats=1 -artifact_prefix="$build/"
