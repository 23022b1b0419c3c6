#!/usr/bin/env bash
# One golden case: run-case.sh NETCONVERGE CASE_DIR
#
# A case directory holds config.yaml and observed.snap (a snapshot, the form
# `show --snapshot` writes; an empty file is a fresh host), and the expected
# plan.txt, plan.json and exit-code of `netconverge diff config.yaml
# --observed observed.snap`. Extra config-*.yaml and observed-*.snap files
# (the same containers listed in another order, the same kernel state listed
# in another order) must give byte-identical output. With UPDATE_GOLDEN=1
# the expected files are rewritten from config.yaml + observed.snap; review
# the diff before committing.
set -euo pipefail

nc=$1
dir=$2
cd "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # CONFIG SNAP OUT_PREFIX
        local status=0
        timeout 20 "$nc" diff "$1" --observed "$2" >"$tmp/$3.txt" 2>"$tmp/$3.err" || status=$?
        echo "$status" >"$tmp/$3.code"
        # Conflicts and errors go to stderr: keep them in the text golden.
        cat "$tmp/$3.err" >>"$tmp/$3.txt"
        timeout 20 "$nc" -o json diff "$1" --observed "$2" >"$tmp/$3.json" 2>/dev/null || true
}

run config.yaml observed.snap main
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$tmp/main.txt" plan.txt
        cp "$tmp/main.json" plan.json
        cp "$tmp/main.code" exit-code
        echo "updated $dir"
        exit 0
fi

fail=0
check() { # GOT EXPECTED WHAT
        if ! diff -u "$2" "$1"; then
                echo "FAIL: $dir: $3 differs from $(basename "$2")"
                fail=1
        fi
}
check "$tmp/main.txt" plan.txt "text plan"
check "$tmp/main.json" plan.json "JSON plan"
check "$tmp/main.code" exit-code "exit code"

shopt -s nullglob
for cfg in config.yaml config-*.yaml; do
        for snap in observed.snap observed-*.snap; do
                [ "$cfg" = config.yaml ] && [ "$snap" = observed.snap ] && continue
                run "$cfg" "$snap" alt
                check "$tmp/alt.txt" plan.txt "text plan of $cfg + $snap"
                check "$tmp/alt.json" plan.json "JSON plan of $cfg + $snap"
        done
done
exit $fail
