#!/usr/bin/env bash
# A file using IPv6 is valid (validate exits 0) but diff, apply and watch
# refuse it with one error naming the bridge, and nothing at all changes in
# the kernel: not its IPv4 half either (issue 13: the kernel side of IPv6
# is not there yet; nc_config_refuse_ipv6()). The same file without IPv6
# applies, so the checks below can see a change when there is one.
#
#   test-ipv6-refused.sh BINARY SOURCE_DIR
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

file=$(nc_config ipv6-refused)
want="bridges.$NC_PREFIX-br.subnet6: IPv6 (subnet6 on bridge $NC_PREFIX-br) is not applied by this version yet"

# Everything netconverge could have made: links in the host namespace,
# container namespaces, our table.
state() {
        nc_in "$NC_HOST" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
        nc_namespaces | sort
        timeout 10 ip netns exec "$NC_HOST" nft list tables 2>/dev/null | sort || true
}
before=$(state)

nc_expect 0 validate "$file"
nc_pass "validate accepts the dual-stack file"

for cmd in "diff $file" "diff $file --out $NC_TMP/plan" "apply $file" "apply --dry-run $file"; do
        # shellcheck disable=SC2086
        nc_expect 1 $cmd
        grep -qF "$want" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "$cmd: no IPv6 refusal"; }
        [ "$(grep -c . <<<"$NC_OUT")" -eq 1 ] || { nc_log "$NC_OUT"; nc_fail "$cmd: more than the one error"; }
        nc_pass "$cmd refuses it"
done

# watch: the first load is fatal, so it exits (bounded by nc_run's timeout).
nc_expect 1 watch --interval 1 "$file"
grep -qF "$want" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "watch: no IPv6 refusal"; }
nc_pass "watch refuses it"

[ ! -e "$NC_TMP/plan" ] || nc_fail "diff --out saved a plan of a file it refuses"
after=$(state)
if [ "$before" != "$after" ]; then
        nc_log "before: $before"
        nc_log "after: $after"
        nc_fail "something changed in the kernel"
fi
nc_pass "nothing changed"

# VXLAN (SPEC 7.5) the same way: valid, refused by diff and apply, nothing
# changed.
sed -e '/subnet6:/d' -e '/ports:/d' "$file" >"$NC_TMP/v4.yaml"
python3 - "$NC_TMP/v4.yaml" "$NC_TMP/vxlan.yaml" <<'PY'
import sys, re
s = open(sys.argv[1]).read()
s = re.sub(r"(\n(\s+)subnet: (\S+)\n)", lambda m: m.group(1) + m.group(2) + "range: " + m.group(3) + "\n" +
           m.group(2) + "vxlan: { vni: 42, underlay: eth1, remotes: [192.0.2.12] }\n", s, count=1)
open(sys.argv[2], "w").write(s)
PY
nc_expect 0 validate "$NC_TMP/vxlan.yaml"
for cmd in diff apply; do
        nc_expect 1 $cmd "$NC_TMP/vxlan.yaml"
        grep -qF "VXLAN (vxlan on bridge $NC_PREFIX-br) is not applied by this version yet" <<<"$NC_OUT" ||
                { nc_log "$NC_OUT"; nc_fail "$cmd: no VXLAN refusal"; }
done
[ "$(state)" = "$before" ] || nc_fail "a VXLAN file changed something in the kernel"
nc_pass "a VXLAN file: valid, refused by diff and apply, nothing changed"

# The control: without IPv6 (and its IPv6 port) the file applies, and the
# state above sees it.
nc_expect 0 apply "$NC_TMP/v4.yaml"
[ "$(state)" != "$before" ] || nc_fail "the IPv4-only file changed nothing the check sees"
nc_expect 0 destroy
nc_pass "the same file without IPv6 applies"
