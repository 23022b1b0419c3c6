#!/usr/bin/env bash
# A file using VXLAN (SPEC 7.5) is valid (validate exits 0) but diff, apply
# and watch refuse it with one error naming the bridge, and nothing at all
# changes in the kernel (nc_config_refuse_unapplied(): the kernel side of
# VXLAN is not there yet). The same file without vxlan applies, so the
# checks below can see a change when there is one.
#
#   test-vxlan-refused.sh BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

file=$(nc_config vxlan-refused)
want="bridges.$NC_PREFIX-br.vxlan: VXLAN (vxlan on bridge $NC_PREFIX-br) is not applied by this version yet"

# Everything netconverge could have made: links in the host namespace,
# container namespaces, our table.
state() {
        nc_in "$NC_HOST" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
        nc_namespaces | sort
        timeout 10 ip netns exec "$NC_HOST" nft list tables 2>/dev/null | sort || true
}
before=$(state)

nc_expect 0 validate "$file"
nc_pass "validate accepts the VXLAN file"

for cmd in "diff $file" "diff $file --out $NC_TMP/plan" "apply $file" "apply --dry-run $file"; do
        # shellcheck disable=SC2086
        nc_expect 1 $cmd
        grep -qF "$want" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "$cmd: no VXLAN refusal"; }
        [ "$(grep -c . <<<"$NC_OUT")" -eq 1 ] || { nc_log "$NC_OUT"; nc_fail "$cmd: more than the one error"; }
        nc_pass "$cmd refuses it"
done

# watch: the first load is fatal, so it exits (bounded by nc_run's timeout).
nc_expect 1 watch --interval 1 "$file"
grep -qF "$want" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "watch: no VXLAN refusal"; }
nc_pass "watch refuses it"

[ ! -e "$NC_TMP/plan" ] || nc_fail "diff --out saved a plan of a file it refuses"
after=$(state)
if [ "$before" != "$after" ]; then
        nc_log "before: $before"
        nc_log "after: $after"
        nc_fail "something changed in the kernel"
fi
nc_pass "nothing changed"

# The control: without vxlan the file applies, and the state above sees it.
sed -e '/vxlan:/d' "$file" >"$NC_TMP/v4.yaml"
nc_expect 0 apply "$NC_TMP/v4.yaml"
[ "$(state)" != "$before" ] || nc_fail "the file without vxlan changed nothing the check sees"
nc_expect 0 destroy
nc_pass "the same file without vxlan applies"
