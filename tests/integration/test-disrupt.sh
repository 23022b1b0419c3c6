#!/usr/bin/env bash
# Disruptive changes (SPEC 7.4) against real namespaces: the plan marks
# them, apply --no-disrupt refuses them and changes nothing (checked in the
# kernel with ip -j), and lets a plan without any through:
# test-disrupt.sh NETCONVERGE SOURCE-DIR
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=${P}br
WEB=$P-web
DB=$P-db
two=$(nc_config apply-two)
one=$(nc_config apply-one)

# Every link of the host and the containers, with its ifindex.
links() {
        local ns
        for ns in "$H" "$WEB" "$DB"; do
                echo "[$ns]"
                nc_ifindexes "$ns"
        done
}

nc_expect 0 apply "$two"
before=$(links)

# Removing db from the file: its veth goes, which breaks its traffic.
nc_expect 2 diff "$one"
grep -q "^- veth veth[0-9a-f]* <-> eth0 in netns $DB (disrupts db)\$" <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "diff does not mark db's veth as disrupting db"; }
nc_pass "diff marks the removal (disrupts db)"

nc_expect 1 apply "$one" --no-disrupt
grep -q -- "--no-disrupt: - veth .* (disrupts db)" <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "apply --no-disrupt does not name the disruptive change"; }
[ "$(links)" = "$before" ] || nc_fail "apply --no-disrupt changed links"
nc_ping "$DB" 10.123.0.1 || nc_fail "db lost its network after a refused apply"
nc_pass "apply --no-disrupt refuses, nothing changed"

nc_expect 1 apply "$one" --no-disrupt --dry-run
[ "$(links)" = "$before" ] || nc_fail "apply --no-disrupt --dry-run changed links"
nc_pass "apply --no-disrupt --dry-run exits 1"

nc_expect 1 -o json apply "$one" --no-disrupt
timeout 10 python3 - "$NC_OUT" <<'PY' || nc_fail "the JSON document of a refused apply is not what it should be"
import json, sys
d = json.loads(sys.argv[1])
kinds = {e["kind"] for e in d["errors"]}
assert kinds == {"disrupt"}, kinds
bad = [c for c in d["changes"] if c.get("disruptive")]
assert bad and all(c["disrupts"] == ["db"] for c in bad), bad
assert all(c["outcome"] == "not attempted" for c in d["changes"]), d["changes"]
assert d["summary"]["applied"] == 0, d["summary"]
PY
nc_pass "-o json: errors of kind disrupt, the change marked, nothing attempted"

# Without the flag it goes; adding db back disrupts nobody.
nc_expect 0 apply "$one"
[ -z "$(nc_in "$DB" -j link show dev eth0 2>/dev/null | nc_j 'd')" ] || nc_fail "db's eth0 is still there"
nc_expect 0 apply "$two" --no-disrupt
nc_ping "$DB" 10.123.0.3 || nc_fail "db cannot reach web after apply --no-disrupt added it"
nc_pass "a plan without disruptive changes goes through --no-disrupt"
