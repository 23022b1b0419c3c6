#!/usr/bin/env bash
# Apply's behaviour on changes the kernel refuses, on plans built by hand
# (apply-failures.c): test-apply-failures.sh APPLY-FAILURES SOURCE-DIR
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

timeout "$NC_TIMEOUT" "$NC_BIN" "$NC_HOST" "$NC_PREFIX" || nc_fail "apply-failures reported failed checks"
nc_pass "refused changes reported, dependents skipped, the rest applied; removal by group; lock"
