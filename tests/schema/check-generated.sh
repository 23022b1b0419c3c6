#!/usr/bin/env bash
# check-generated.sh GEN-SCHEMA SCHEMA.json: the committed schema is what
# the parser's key tables print. UPDATE_GOLDEN=1 rewrites it; review the diff.
set -euo pipefail

gen=$1
committed=$2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

"$gen" >"$tmp"
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$tmp" "$committed"
        echo "updated $committed"
        exit 0
fi
if ! diff -u "$committed" "$tmp"; then
        echo "$committed differs from the key tables in src/config/schema.c;" \
             "rerun with UPDATE_GOLDEN=1 and review the diff" >&2
        exit 1
fi
