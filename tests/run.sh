#!/usr/bin/env bash
# The one test command: installs what is missing (Debian, as root), builds a
# normal and an AddressSanitizer+UndefinedBehaviorSanitizer tree, and runs
# every test in both with ctest. Exits non-zero on any failure; the last
# thing it prints is ctest's summary.
#
#   tests/run.sh            (as root; a user without root: sudo tests/run.sh)
#
# NC_SKIP_INSTALL=1 skips the package step; NC_FUZZ_SECONDS (default 30)
# sets each fuzzer's smoke run (fuzz/config, fuzz/snapshot, fuzz/nft-decode,
# one after another: tests/fuzz/run.sh), 0 to skip them.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${NC_FUZZ_SECONDS:-30}

[ "${NC_SKIP_INSTALL:-0}" = 1 ] || bash "$top/scripts/install-deps.sh" test

configure_and_build() {
        local dir=$1; shift
        echo "== building $dir"
        cmake -S "$top" -B "$top/$dir" "$@" >/dev/null
        cmake --build "$top/$dir" -j"$jobs" >/dev/null
}

# NC_FAULT: the crash-injection binary for integration/crash (never packaged).
configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNC_TESTS=ON -DNC_MANPAGES=ON -DNC_FAULT=ON
smoke=OFF
if command -v clang >/dev/null && [ "$fuzz_seconds" != 0 ]; then smoke=ON; fi
configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug -DNC_SANITIZE=ON -DNC_TESTS=ON -DNC_FAULT=ON \
        -DNC_FUZZ_SMOKE="$smoke" -DNC_FUZZ_SECONDS="$fuzz_seconds"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
echo "== tests: normal build"
(cd "$top/build" && ctest -j"$jobs" --output-on-failure) || status=1
echo "== tests: AddressSanitizer + UndefinedBehaviorSanitizer build"
(cd "$top/build-asan" && ctest -j"$jobs" --output-on-failure) || status=1
exit $status
