#!/usr/bin/env bash
# apply, diff and destroy under valgrind's memcheck, against real
# namespaces: nothing uninitialised reaches the kernel or a decision (the
# nftables batch once sent heap bytes as attribute padding) and nothing is
# read out of bounds: test-valgrind.sh NETCONVERGE SOURCE-DIR
source "$(dirname "$0")/lib.sh"
if ! command -v valgrind >/dev/null; then
        echo "SKIP: valgrind is missing (scripts/install-deps.sh test installs it)" >&2
        exit 77
fi
nc_init "$1" "$2"

two=$(nc_config nat)
vg() {
        local name=$1; shift
        NC_RC=0
        timeout 300 valgrind --quiet --error-exitcode=99 --leak-check=no --track-origins=yes \
                --log-file="$NC_TMP/$name.vg" "$NC_BIN" -n "$NC_HOST" "$@" >"$NC_TMP/$name.out" 2>&1 || NC_RC=$?
        # Its own warnings (an ioctl it has no wrapper for: nsfs's
        # NS_GET_NSTYPE) are not errors: --error-exitcode says.
        if [ "$NC_RC" -eq 99 ]; then
                cat "$NC_TMP/$name.vg" >&2
                nc_fail "valgrind found errors in netconverge $*"
        fi
}
vg apply apply "$two"
[ "$NC_RC" -eq 0 ] || { cat "$NC_TMP/apply.out" >&2; nc_fail "apply exited $NC_RC"; }
vg diff diff "$two"
[ "$NC_RC" -eq 0 ] || { cat "$NC_TMP/diff.out" >&2; nc_fail "diff exited $NC_RC"; }
vg destroy destroy
[ "$NC_RC" -eq 0 ] || { cat "$NC_TMP/destroy.out" >&2; nc_fail "destroy exited $NC_RC"; }
nc_pass "apply, diff and destroy: no memcheck error"
