#!/usr/bin/env bash
# Owned tables against the real kernel, checked with nft's own view (not
# the tool's word): test-table.sh NETCONVERGE SOURCE-DIR
#
# The table netconverge makes carries its mark (the comment "managed by
# netconverge"); destroy removes every marked table whatever settings.table
# was; a table of the wanted name without the mark is a conflict that
# changes nothing; a table an earlier netconverge made (no mark, all ours)
# is taken over and marked; a new settings.table removes the old table.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
T=$P-tab
MARK='comment "managed by netconverge"'
custom=$(nc_config table)
default=$(nc_config table-default)

command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"

nft_in() { timeout 10 ip netns exec "$H" nft "$@"; }

# The inet tables of the host namespace, one a line, sorted.
tables() { nft_in -j list tables | nc_j '[t["table"]["name"] for t in d["nftables"] if "table" in t and t["table"]["family"] == "inet"]' | sort; }
# (Never `nft ... | grep -q`: under pipefail, grep's early exit can kill
# the writer with SIGPIPE and fail the pipeline.)
has_table() { local t; t=$(tables); grep -qxF -- "$1" <<<"$t"; }
# nft 1.0.6's JSON leaves table comments out; its text shows them.
marked() { local t; t=$(nft_in list table inet "$1") && grep -qF -- "$MARK" <<<"$t"; }
# comment=expression for every rule of a table, sorted, handles left out.
rules_of() {
        nft_in -j list table inet "$1" |
                nc_j '[str(r["rule"].get("comment")) + " in " + r["rule"]["chain"] + ": " + json.dumps(r["rule"]["expr"], sort_keys=True) for r in d["nftables"] if "rule" in r]' |
                sort
}
# The table as nft writes it, without its mark: what a netconverge from
# before the mark left behind.
unmark() {
        nft_in list table inet "$1" | grep -vF -- "$MARK" >"$NC_TMP/unmarked.nft"
        nft_in delete table inet "$1"
        nft_in -f "$NC_TMP/unmarked.nft"
        ! marked "$1" || nc_fail "could not make an unmarked copy of table inet $1"
}

# nc_j runs python with json imported only for d: give rules_of json too.
nc_j() {
        python3 -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1], {"d": d, "json": json})
print("\n".join(str(x) for x in v) if isinstance(v, list) else v)
' "$1"
}

# --- A custom settings.table: made with the mark.
nc_expect 0 apply "$custom" --wait 0
has_table "$T" || nc_fail "apply did not make table inet $T: $(tables | tr '\n' ' ')"
marked "$T" || nc_fail "table inet $T has no mark: $(nft_in list table inet "$T")"
has_table netconverge && nc_fail "apply with settings.table $T made table inet netconverge"
nc_expect 0 apply "$custom" --wait 0
[[ $NC_OUT == *"No changes."* ]] || nc_fail "a second apply changed something: $NC_OUT"
nc_pass "apply with settings.table $T makes it with the mark"

# show finds it by the mark, with no file.
nc_expect 0 show
grep -qE "^  table: \"?$T\"?\$" <<<"$NC_OUT" || nc_fail "show did not find table $T: $NC_OUT"
nc_pass "show finds the owned table by its mark"

# --- destroy: whatever settings.table was.
nc_expect 0 destroy
has_table "$T" && nc_fail "destroy left table inet $T behind"
[ -z "$(tables)" ] || nc_fail "destroy left tables: $(tables | tr '\n' ' ')"
nc_pass "destroy removes the custom-named owned table"

# --- A table of our name that someone else made: a conflict, nothing changes.
nft_in add table inet netconverge
nft_in add chain inet netconverge mine '{ type filter hook input priority 0; policy accept; }'
nft_in list table inet netconverge >"$NC_TMP/foreign.before"
nc_expect 1 apply "$default" --wait 0
[[ $NC_OUT == *"conflict: nftables table inet netconverge exists and is not managed by netconverge"* ]] ||
        nc_fail "no conflict for the foreign table: $NC_OUT"
nft_in list table inet netconverge | diff -u "$NC_TMP/foreign.before" - || nc_fail "the foreign table was changed"
nc_in "$H" link show "${P}a" >/dev/null 2>&1 && nc_fail "apply made the bridge despite the conflict"
# destroy leaves it too: it is not marked.
nc_expect 0 destroy
nft_in list table inet netconverge | diff -u "$NC_TMP/foreign.before" - || nc_fail "destroy changed the foreign table"
nft_in delete table inet netconverge
# An empty table of our name is no evidence of an earlier netconverge either.
nft_in add table inet netconverge
nc_expect 1 apply "$default" --wait 0
[[ $NC_OUT == *"conflict: nftables table inet netconverge"* ]] || nc_fail "no conflict for an empty table: $NC_OUT"
nft_in delete table inet netconverge
nc_pass "a foreign table of the wanted name is a conflict and stays as it was"

# --- An earlier netconverge's table (no mark, all ours): taken over.
nc_expect 0 apply "$default" --wait 0
rules_of netconverge >"$NC_TMP/rules.before"
[ "$(wc -l <"$NC_TMP/rules.before")" -ge 5 ] || nc_fail "too few rules to test with: $(cat "$NC_TMP/rules.before")"
unmark netconverge
nc_expect 2 diff "$default"
[[ $NC_OUT == *"~ nft table inet netconverge: mark as owned"* ]] || nc_fail "diff does not plan the takeover: $NC_OUT"
nc_expect 0 apply "$default" --wait 0
marked netconverge || nc_fail "the taken-over table has no mark: $(nft_in list table inet netconverge)"
rules_of netconverge | diff -u "$NC_TMP/rules.before" - || nc_fail "the taken-over table's rules differ"
nc_expect 0 apply "$default" --wait 0
[[ $NC_OUT == *"No changes."* ]] || nc_fail "apply after the takeover changed something: $NC_OUT"
nc_pass "a table an earlier netconverge made is taken over and marked"

# One rule that is not ours in it: not evidence enough.
unmark netconverge
nft_in add rule inet netconverge forward counter
nft_in list table inet netconverge >"$NC_TMP/almost.before"
nc_expect 1 apply "$default" --wait 0
[[ $NC_OUT == *"conflict: nftables table inet netconverge"* ]] || nc_fail "no conflict for a table with a foreign rule"
nft_in list table inet netconverge | diff -u "$NC_TMP/almost.before" - || nc_fail "the near-legacy table was changed"
nft_in delete table inet netconverge
nc_expect 0 destroy
nc_pass "an unmarked table with a rule netconverge does not make is a conflict"

# --- Another settings.table: the old owned table goes, in the same batch.
nc_expect 0 apply "$default" --wait 0
marked netconverge || nc_fail "no mark on table inet netconverge: $NC_OUT $(nft_in list table inet netconverge)"
nc_expect 0 apply "$custom" --wait 0
[[ $NC_OUT == *"- nft table inet netconverge"* ]] || nc_fail "the rename did not plan the removal: $NC_OUT"
has_table netconverge && nc_fail "the old table inet netconverge is still there"
marked "$T" || nc_fail "table inet $T has no mark after the rename"
nc_pass "a new settings.table removes the old owned table"

# --- watch notices drift in a custom-named table.
LOG=$NC_TMP/watch.log
nc_background "$NC_BIN" -v -n "$H" watch "$custom" --interval 3600 2>>"$LOG"
nc_wait_until 10 grep -q 'cycle 1 (start)' "$LOG" || nc_fail "the watcher did not start: $(cat "$LOG")"
# The published port is an element of its map (SPEC 7.2).
map=$(nft_in list map inet "$T" ports4_tcp)
grep -qF 'publish tcp 0.0.0.0:8080' <<<"$map" || nc_fail "no published port in table $T"
nft_in delete element inet "$T" ports4_tcp "{ 8080 }"
restored() { local t; t=$(nft_in list map inet "$T" ports4_tcp) && grep -qF 'publish tcp 0.0.0.0:8080' <<<"$t"; }
nc_wait_until 10 restored ||
        nc_fail "the watcher did not restore the element in table $T: $(cat "$LOG")"
nc_pass "watch restores a port element deleted from the custom-named table"
kill "${NC_PIDS[-1]}"
wait "${NC_PIDS[-1]}" 2>/dev/null || true

nc_expect 0 destroy
[ -z "$(tables)" ] || nc_fail "destroy left tables: $(tables | tr '\n' ' ')"
