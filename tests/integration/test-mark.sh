#!/usr/bin/env bash
# What a killed apply leaves is finished by the next one: test-mark.sh NETCONVERGE SOURCE-DIR
#
# Each crash state is made by hand with ip(8), as an apply killed at that
# point leaves it (docs/crash-safety.md):
#   - the bridge made in netconverge's link group (0x6e63), no alias yet;
#   - c1's /run/netns entry an empty file, no namespace bound onto it;
#   - c2's veth pair made (both ends in the group), neither end's alias set;
#   - c3's host end marked, its container end not;
#   - a host veth of a derived name in the group, unmarked, that the file
#     does not want (its container removed from the file);
#   - a hand-made bridge carrying a copy of netconverge's bridge alias in
#     group 0: not ours, never pruned, a conflict when a file wants it.
# One apply exits 0 (it verifies), diff says "No changes.", the links it
# finished keep their ifindex, c1 is a namespace; destroy leaves nothing in
# the group and no link marked as ours, but the hand-made one. Then a
# /run/netns entry holding bytes is left byte-identical, and reported.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=$P-br
G=0x6e63
f=$(nc_config mark)

# The host end name netconverge derives (model/names.c): "veth" and the
# FNV-1a hash of "CONTAINER\0BRIDGE\0".
derived() {
        python3 -c '
import sys
h = 2166136261
for b in (sys.argv[1] + "\0" + sys.argv[2] + "\0").encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
print("veth%08x" % h)' "$1" "$2"
}
V2=$(derived c2 "$BR")
V3=$(derived c3 "$BR")
link_json() { nc_in "$1" -j -d link show dev "$2" 2>/dev/null || echo '[]'; }
alias_of() { nc_j 'd[0].get("ifalias", "") if d else "GONE"' <<<"$(link_json "$1" "$2")"; }
group_of() { nc_j 'str(d[0].get("group")) if d else "GONE"' <<<"$(link_json "$1" "$2")"; }
ifindex_of() { nc_j 'd[0]["ifindex"] if d else "GONE"' <<<"$(link_json "$1" "$2")"; }

# The crash states.
nc_in "$H" link set lo up
nc_in "$H" link add "$BR" group $G type bridge
touch "/run/netns/$P-c1"
timeout 10 ip netns add "$P-c2"
timeout 10 ip netns add "$P-c3"
timeout 10 ip netns add "$P-left"
nc_in "$H" link add "$V2" group $G type veth peer name eth0 netns "$P-c2" group $G
nc_in "$H" link set "$V2" master "$BR"
nc_in "$H" link add "$V3" group $G type veth peer name eth0 netns "$P-c3" group $G
nc_in "$H" link set "$V3" alias "netconverge:veth c3 $BR $P-c3" master "$BR"
nc_in "$H" link add vethdeadbeef group $G type veth peer name eth0 netns "$P-left" group $G
nc_in "$H" link add "$P-fx" type bridge
nc_in "$H" link set "$P-fx" alias "netconverge:bridge"
# Unmarked bridges of the group the file does not want: one empty (an
# apply died before its alias, then the file changed): pruned; one holding
# a port of someone else: kept, with its port.
nc_in "$H" link add "$P-lb" group $G type bridge
nc_in "$H" link add "$P-kb" group $G type bridge
nc_in "$H" link add "$P-kd" type veth peer name "$P-kp"   # no dummy in this kernel
nc_in "$H" link set "$P-kd" master "$P-kb"
[ ! -s "/run/netns/$P-c1" ] || nc_fail "the half-made namespace file is not empty"
before_br=$(ifindex_of "$H" "$BR")
before_v2=$(ifindex_of "$H" "$V2")
before_v3=$(ifindex_of "$H" "$V3")
before_c2=$(ifindex_of "$P-c2" eth0)

nc_expect 2 diff "$f"
grep -qF "~ bridge $BR: mark" <<<"$NC_OUT" || nc_fail "the unmarked bridge is not finished: $NC_OUT"
grep -qF "~ veth $V2 <-> eth0 in netns $P-c2: mark host end, mark container end" <<<"$NC_OUT" ||
        nc_fail "c2's unmarked pair is not finished: $NC_OUT"
grep -qF "~ veth $V3 <-> eth0 in netns $P-c3: mark container end" <<<"$NC_OUT" ||
        nc_fail "c3's unmarked container end is not finished: $NC_OUT"
grep -qF "+ netns $P-c1" <<<"$NC_OUT" || nc_fail "the half-made namespace is not made: $NC_OUT"
grep -qF -- "- veth vethdeadbeef" <<<"$NC_OUT" || nc_fail "the unmarked leftover is not pruned: $NC_OUT"
if grep -qF "$P-fx" <<<"$NC_OUT"; then nc_fail "the hand-made bridge with a copied alias is in the plan: $NC_OUT"; fi
grep -qF -- "- bridge $P-lb" <<<"$NC_OUT" || nc_fail "the empty unmarked bridge is not pruned: $NC_OUT"
if grep -qF "$P-kb" <<<"$NC_OUT"; then nc_fail "the unmarked bridge holding a foreign port is in the plan: $NC_OUT"; fi
nc_pass "diff: crash states finished, no conflict"

nc_expect 0 apply "$f" --wait 5
nc_expect 0 diff "$f"
[ "$NC_OUT" = "No changes." ] || nc_fail "diff after one apply: $NC_OUT"
[ "$(stat -f -c %T "/run/netns/$P-c1")" = nsfs ] || nc_fail "/run/netns/$P-c1 is not a namespace"
[ "$(alias_of "$P-c1" eth0)" = "netconverge:peer c1 $BR" ] || nc_fail "c1 has no marked eth0"
for l in "$H $BR netconverge:bridge" "$H $V2 netconverge:veth c2 $BR $P-c2" "$P-c2 eth0 netconverge:peer c2 $BR" \
        "$H $V3 netconverge:veth c3 $BR $P-c3" "$P-c3 eth0 netconverge:peer c3 $BR"; do
        read -r ns name want <<<"$l"
        [ "$(alias_of "$ns" "$name")" = "$want" ] || nc_fail "$name in $ns: alias '$(alias_of "$ns" "$name")'"
        [ "$(group_of "$ns" "$name")" = 28259 ] || nc_fail "$name in $ns: group $(group_of "$ns" "$name")"
done
# The finished ends have IPv6 off, as if made in one go (set_alias()).
for l in "$H $V2" "$P-c2 eth0" "$P-c3 eth0"; do
        read -r ns name <<<"$l"
        mode=$(nc_j 'd[0].get("inet6_addr_gen_mode")' <<<"$(link_json "$ns" "$name")")
        [ -z "$mode" ] || [ "$mode" = none ] || nc_fail "$name in $ns: addrgenmode $mode"
done
[ "$(ifindex_of "$H" "$BR")" = "$before_br" ] && [ "$(ifindex_of "$H" "$V2")" = "$before_v2" ] &&
        [ "$(ifindex_of "$H" "$V3")" = "$before_v3" ] && [ "$(ifindex_of "$P-c2" eth0)" = "$before_c2" ] ||
        nc_fail "a finished link was made anew"
[ "$(ifindex_of "$H" vethdeadbeef)" = GONE ] || nc_fail "the unmarked leftover is still there"
[ "$(ifindex_of "$P-left" eth0)" = GONE ] || nc_fail "the unmarked leftover's container end is still there"
[ "$(alias_of "$H" "$P-fx")" = netconverge:bridge ] || nc_fail "the hand-made bridge with a copied alias was removed"
[ "$(ifindex_of "$H" "$P-lb")" = GONE ] || nc_fail "the empty unmarked bridge is still there"
[ "$(ifindex_of "$H" "$P-kb")" != GONE ] && [ "$(ifindex_of "$H" "$P-kd")" != GONE ] ||
        nc_fail "the unmarked bridge holding a foreign port, or its port, was removed"
nc_ping "$P-c1" 10.82.1.1 || nc_fail "c1 cannot reach its gateway"
nc_ping "$P-c2" 10.82.1.1 || nc_fail "c2 cannot reach its gateway"
nc_pass "one apply: converged, verified, marks finished in place, c1 a namespace"

# A copied alias outside our group is a conflict, not ours to take over.
nc_expect 1 diff "$(nc_config mark-copied)"
grep -qF "link $P-fx exists and is not managed by netconverge" <<<"$NC_OUT" ||
        nc_fail "a copied alias is not a conflict: $NC_OUT"
nc_pass "copied alias in group 0: conflict"

# destroy: nothing of the group left, whether marked or not, but the
# unmarked bridge holding someone else's port.
nc_in "$H" link add vethfeedf00d group $G type veth peer name eth0 netns "$P-left" group $G
nc_expect 0 destroy
members=$(nc_j "[l['ifname'] for l in d if str(l.get('group')) in ('28259', '28260')]" \
        <<<"$(nc_in "$H" -j -d link show)")
[ "$members" = "$P-kb" ] || nc_fail "destroy left links of the group (all but $P-kb should go): $members"
marked=$(nc_j "[l['ifname'] for l in d if l.get('ifalias', '').startswith('netconverge:')]" \
        <<<"$(nc_in "$H" -j -d link show)")
[ "$marked" = "$P-fx" ] || nc_fail "after destroy, links marked as ours: $marked"
[ "$(ifindex_of "$P-left" eth0)" = GONE ] || nc_fail "destroy left the unmarked leftover's container end"
nc_pass "destroy: nothing of the group left, the hand-made bridge untouched"

# A /run/netns entry that holds something is never netconverge's to
# finish: left byte-identical, and the container named.
printf 'not a namespace\n' >"/run/netns/$P-c4"
sum=$(sha256sum <"/run/netns/$P-c4")
nc_run apply "$(nc_config mark-file)" --wait 0
[ "$NC_RC" -ne 0 ] || nc_fail "apply with a non-empty file as c4's namespace exited 0"
grep -qF "$P-c4" <<<"$NC_OUT" || nc_fail "the message does not name c4's namespace: $NC_OUT"
[ "$(sha256sum <"/run/netns/$P-c4")" = "$sum" ] || nc_fail "the file at /run/netns/$P-c4 changed"
[ "$(stat -f -c %T "/run/netns/$P-c4")" != nsfs ] || nc_fail "a namespace was bound over /run/netns/$P-c4"
nc_pass "a non-empty file at a netns path: left as it was, reported"
