#!/usr/bin/env bash
# The owned nftables table hardened (issue 11): test-nftguard.sh NETCONVERGE SOURCE-DIR NFT-OWNER
#
# 1. The batch refused by the kernel (the forward hook full, filled from
#    another table): nothing of it applied, the links and addresses made
#    before it consistent, the refused change named with the kernel's
#    error, ip_forward left off; once the cause is gone the next apply
#    converges. Then the same with the table in place: a new rule and a
#    re-made chain refused together, every existing rule keeps its handle.
# 2. `flags dormant` on the owned table is drift, woken in place.
# 3. Foreign sets, maps, chains, rules and stateful objects in the owned
#    table (a verdict map jumping to a foreign chain and to ours, a set used
#    by rules, a counter named by a rule and held by an object map) are all
#    removed in one batch that succeeds; ours keep their handles.
# 4. A table of our name owned by another process (NFT_TABLE_F_OWNER) is a
#    conflict naming it and the owner's port id; nothing changes.
# 5. Under watch, the dormant flag and a foreign map are repaired on the
#    nftables event.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"
source "$NC_SRC/tests/integration/nftlib.sh"
OWNER_BIN=$3

P=$NC_PREFIX
H=$NC_HOST
T=netconverge
FILL=${P}fill
f=$(nc_config nftguard)
more=$(nc_config nftguard-more)
command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"
forward() { timeout 10 ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward; }
has_table() { nft_in list table inet "$1" >/dev/null 2>&1; }
# chain:comment=handle of every rule of our table, sorted.
handles() {
        nft_in -j -a list table inet "$T" | nc_j '
sorted("%s:%s=%s" % (r["chain"], r.get("comment", ""), r["handle"])
       for r in (x["rule"] for x in d["nftables"] if "rule" in x))'
}
# The table's flags as nft lists them ("dormant", "owner"; nft 1.0.6's JSON
# garbles table flags, so the text): one a line, none when none.
table_flags() {
        nft_in list table inet "$1" | awk '/^\tflags /{ sub(/^\tflags /, ""); gsub(/,/, "\n"); print }'
}
links() { nc_in "$H" -j link show | nc_j 'sorted(l["ifname"] + "=" + str(l.get("ifalias", "")) for l in d)'; }
# The plan against `show --snapshot` of the kernel is the live plan: what
# was observed (flags, sets, maps, flowtables) is written and read back.
same_plan_from_snapshot() {
        local live
        nc_expect 2 diff "$1"
        live=$NC_OUT
        nc_expect 0 show --snapshot
        printf '%s\n' "$NC_OUT" >"$NC_TMP/live.snap"
        grep -q "$2" "$NC_TMP/live.snap" || nc_fail "the snapshot lacks '$2': $(cat "$NC_TMP/live.snap")"
        nc_expect 2 diff "$1" --observed "$NC_TMP/live.snap"
        [ "$NC_OUT" = "$live" ] || nc_fail "plan from the snapshot differs: $NC_OUT"
}

# --- 1a. refused on a fresh host -------------------------------------------
nc_fill_forward_hook "$FILL"
nft_in list table inet "$FILL" >"$NC_TMP/fill.before"
nc_expect 1 apply "$f"
grep -qF -- "+ nft chain forward (filter, hook forward, priority 0): Argument list too long" <<<"$NC_OUT" ||
        nc_fail "the refused change and the kernel's error are not named: $NC_OUT"
grep -qF -- "+ nat publish tcp 0.0.0.0:8080 -> 10.82.1.2:80: not applied: the nftables batch was rejected" <<<"$NC_OUT" ||
        nc_fail "the other changes of the batch are not reported as not applied: $NC_OUT"
grep -qF -- "~ sysctl net.ipv4.ip_forward: 0 -> 1: not attempted" <<<"$NC_OUT" ||
        nc_fail "the sysctl change is not reported as not attempted: $NC_OUT"
! has_table "$T" || nc_fail "part of the refused batch was applied: table inet $T exists"
[ "$(forward)" = 0 ] || nc_fail "ip_forward on although the batch was refused"
nft_in list table inet "$FILL" >"$NC_TMP/fill.after"
cmp -s "$NC_TMP/fill.before" "$NC_TMP/fill.after" || nc_fail "the other table changed"
# The netlink part is in and consistent: what is left is exactly the batch
# and the sysctl behind it.
nc_expect 2 diff "$f"
rest=$(grep -vE '^(\+ nft (table|chain|map) |\+ (nat|filter) |~ sysctl net.ipv4.(ip_forward|conf.all.route_localnet)|Plan: )' <<<"$NC_OUT" || true)
[ -z "$rest" ] || nc_fail "after the refused batch, more than nftables is pending: $rest"
grep -qF "${P}a=netconverge:bridge" <<<"$(links)" || nc_fail "bridge ${P}a missing after the refused batch"
nc_pass "batch refused on a fresh host: nothing of it applied, the rest consistent, forwarding off"

nft_in delete table inet "$FILL"
nc_expect 0 apply "$f"
nc_expect 0 diff "$f"
[ "$(forward)" = 1 ] || nc_fail "ip_forward not on once the batch went in"
nc_pass "cause gone: the next apply converged"

# --- 1b. refused with the table in place ------------------------------------
# The forward chain deleted by hand (to be made again) and a new port in
# the file: both in one batch, which the full hook refuses.
nft_in flush chain inet "$T" forward
nft_in delete chain inet "$T" forward
handles | grep -v '^forward:' >"$NC_TMP/handles.before"
nc_fill_forward_hook "$FILL"
nc_expect 1 apply "$more"
grep -qF -- "+ nft chain forward (filter, hook forward, priority 0): Argument list too long" <<<"$NC_OUT" ||
        nc_fail "the refused change is not named: $NC_OUT"
grep -qF -- "+ nat publish udp 0.0.0.0:5353 -> 10.82.1.2:53: not applied" <<<"$NC_OUT" ||
        nc_fail "the new rule is not reported as not applied: $NC_OUT"
handles >"$NC_TMP/handles.after"
cmp -s "$NC_TMP/handles.before" "$NC_TMP/handles.after" ||
        nc_fail "the refused batch changed the table: $(diff "$NC_TMP/handles.before" "$NC_TMP/handles.after")"
nft_in delete table inet "$FILL"
nc_expect 0 apply "$more"
nc_expect 0 diff "$more"
# The new port is an element of the udp map (SPEC 7.2).
grep -qF 'comment "publish udp 0.0.0.0:5353"' <<<"$(nft_in list map inet "$T" ports4_udp)" ||
        nc_fail "the new port's element is missing"
nc_pass "batch refused with the table in place: no rule touched; converged after"

# --- 2. dormant -------------------------------------------------------------
handles >"$NC_TMP/handles.before"
nft_in add table inet "$T" '{ flags dormant; }'
grep -qx "dormant" <<<"$(table_flags "$T")" || nc_fail "could not make the table dormant: $(nft_in list table inet "$T")"
nc_expect 2 diff "$more"
grep -qF -- "~ nft table inet $T: dormant -> active" <<<"$NC_OUT" || nc_fail "dormant is not drift: $NC_OUT"
same_plan_from_snapshot "$more" '^  dormant: true$'
nc_expect 2 -o json diff "$more"
dormant=$(nc_j '(lambda c: "%s %s" % (c["old"], c["new"]))(d["changes"][0]["changed"]["dormant"])' <<<"$NC_OUT")
[ "$dormant" = "True False" ] || nc_fail "JSON of the dormant change: $NC_OUT"
nc_expect 0 apply "$more"
[ -z "$(table_flags "$T")" ] || nc_fail "the table still has flags: $(table_flags "$T")"
handles >"$NC_TMP/handles.after"
cmp -s "$NC_TMP/handles.before" "$NC_TMP/handles.after" || nc_fail "waking the table replaced rules"
nc_expect 0 diff "$more"
nc_pass "dormant table woken in place, rules kept"

# --- 3. foreign objects -----------------------------------------------------
handles >"$NC_TMP/handles.before"
nft_in add set inet "$T" s '{ type ipv4_addr; }'
nft_in add chain inet "$T" extra
nft_in add rule inet "$T" extra ip saddr @s jump publish
nft_in add map inet "$T" vm '{ type ipv4_addr : verdict; elements = { 192.0.2.1 : jump extra, 192.0.2.2 : jump publish } }'
nft_in add rule inet "$T" forward ip daddr @s drop
# A stateful object, named by a foreign rule and held by an object map.
nft_in add counter inet "$T" cnt
nft_in add rule inet "$T" forward counter name cnt
nft_in add map inet "$T" om '{ type ipv4_addr : counter; elements = { 192.0.2.9 : "cnt" } }'
# Our masquerade rule's key on a rule that uses the set: removed and added
# again before the set goes (a replacement after it would fail, EBUSY).
mh=$(handles | sed -n "s/^postrouting:masquerade ${P}a=//p")
[ -n "$mh" ] || nc_fail "no masquerade rule for ${P}a"
nft_in replace rule inet "$T" postrouting handle "$mh" ip saddr @s masquerade comment "\"masquerade ${P}a\""
grep -v "^postrouting:masquerade ${P}a=" "$NC_TMP/handles.before" >"$NC_TMP/handles.kept"
mv "$NC_TMP/handles.kept" "$NC_TMP/handles.before"
# Flowtables need nf_flow_table_inet, which a kernel may lack.
ft=0
if nft_in add flowtable inet "$T" ft '{ hook ingress priority 0; devices = { lo }; }' 2>/dev/null; then
        ft=1
        nft_in add rule inet "$T" forward ip protocol tcp flow add @ft
else
        nc_log "note: this kernel makes no flowtables; their removal is covered by golden/nft-foreign-flowtable"
fi
nc_expect 2 diff "$more"
for line in "- nft set s" "- nft map vm" "- nft map om" "- nft counter cnt" "- nft chain extra"; do
        grep -qxF -- "$line" <<<"$NC_OUT" || nc_fail "'$line' not planned: $NC_OUT"
done
[ "$ft" = 0 ] || grep -qxF -- "- nft flowtable ft" <<<"$NC_OUT" || nc_fail "flowtable not planned: $NC_OUT"
same_plan_from_snapshot "$more" '^    - {kind: map, name: vm}$'
nc_expect 0 apply "$more"
nft_in -j list table inet "$T" >"$NC_TMP/table.json"
left=$(nc_j '
[k + " " + x[k]["name"] for x in d["nftables"] for k in ("set", "map", "flowtable", "chain", "counter")
 if k in x and x[k]["name"] not in ("forward", "guard", "output", "postrouting", "prerouting", "publish",
                                    "ports4_tcp", "ports4_udp")]' <"$NC_TMP/table.json")
[ -z "$left" ] || nc_fail "foreign objects left in the table: $left"
handles | grep -v "^postrouting:masquerade ${P}a=" >"$NC_TMP/handles.after"
cmp -s "$NC_TMP/handles.before" "$NC_TMP/handles.after" ||
        nc_fail "our rules changed: $(diff "$NC_TMP/handles.before" "$NC_TMP/handles.after")"
grep -q "^postrouting:masquerade ${P}a=" <<<"$(handles)" || nc_fail "the masquerade rule was not added again"
nc_expect 0 diff "$more"
nc_pass "foreign set, map, chain and rules removed in one batch; our rules kept"

# --- 4. a table of our name owned by another process ------------------------
nc_expect 0 destroy
! has_table "$T" || nc_fail "destroy left the table"
timeout 10 ip netns exec "$H" "$OWNER_BIN" "$T" >"$NC_TMP/owner.out" 2>&1 &
owner_pid=$!
NC_PIDS+=("$owner_pid")
nc_wait_until 10 grep -q '^owner ' "$NC_TMP/owner.out" || nc_fail "the owner helper did not start: $(cat "$NC_TMP/owner.out")"
port=$(awk '/^owner /{print $2}' "$NC_TMP/owner.out")
grep -qx "owner" <<<"$(table_flags "$T")" || nc_fail "the helper's table is not owned: $(nft_in list table inet "$T")"
links >"$NC_TMP/links.before"
nc_expect 1 apply "$f"
grep -qF "conflict: nftables table inet $T is owned by another process (netlink port id $port)" <<<"$NC_OUT" ||
        nc_fail "no conflict naming the owner: $NC_OUT"
links >"$NC_TMP/links.after"
cmp -s "$NC_TMP/links.before" "$NC_TMP/links.after" || nc_fail "the conflict changed links"
nc_expect 1 diff "$f"
kill "$owner_pid"
wait "$owner_pid" 2>/dev/null || true
nc_wait_until 10 bash -c "! timeout 5 ip netns exec '$H' nft list table inet '$T' >/dev/null 2>&1" ||
        nc_fail "the owned table outlived its process"
nc_expect 0 apply "$f"
nc_expect 0 diff "$f"
nc_pass "a table owned by another process is a conflict naming it; converged once it was gone"

# --- 5. the same drift under watch: repaired on the nftables event ----------
LOG=$NC_TMP/watch.log
nc_background "$NC_BIN" -v -n "$H" watch "$f" --interval 3600 2>>"$LOG"
watcher=$!
nc_wait_until 10 grep -q 'cycle 1 (start): in sync' "$LOG" || nc_fail "the watcher did not start: $(cat "$LOG")"
nft_in add table inet "$T" '{ flags dormant; }'
nft_in add map inet "$T" vm '{ type ipv4_addr : verdict; elements = { 192.0.2.2 : jump publish } }'
repaired() { [ -z "$(table_flags "$T")" ] && ! nft_in list map inet "$T" vm >/dev/null 2>&1; }
nc_wait_until 10 repaired || nc_fail "the watcher did not wake the table and remove the map: $(cat "$LOG")"
kill "$watcher"
wait "$watcher" 2>/dev/null || true
nc_expect 0 diff "$f"
nc_pass "under watch: dormant table woken and foreign map removed on the event"
