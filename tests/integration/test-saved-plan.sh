#!/usr/bin/env bash
# Saved plans (SPEC 7.4) against real namespaces: diff FILE --out PLAN,
# apply --plan PLAN makes exactly those changes, refuses a stale plan (the
# kernel changed since) without changing anything, a plan made for another
# namespace, and plans that are damaged, truncated, of another format
# version or not plans at all. Checked in the kernel (ip -j):
# test-saved-plan.sh NETCONVERGE SOURCE-DIR
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=${P}br
DB=$P-db
two=$(nc_config apply-two)
one=$(nc_config apply-one)
plan=$NC_TMP/plan.json

links() {
        local ns
        for ns in "$H" "$P-web" "$DB"; do
                echo "[$ns]"
                nc_ifindexes "$ns" 2>/dev/null
        done
}

nc_expect 0 apply "$one"

# --- saved, then applied: exactly its changes
nc_expect 2 diff "$two" --out "$plan"
[ "$(stat -c %a "$plan")" = 644 ] || nc_fail "the plan is not mode 644"
timeout 10 python3 - "$plan" <<'PY' || nc_fail "the saved plan is not the documented document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "netconverge-plan" and d["saved_plan_version"] == 1, d.get("kind")
assert d["file"]["digest"].startswith("fnv1a128:") and "version: 1" in d["file"]["content"]
assert d["observed"]["snapshot"].startswith("# netconverge snapshot")
assert any(c["text"].startswith("+ veth") for c in d["changes"]), d["changes"]
assert d["summary"]["add"] >= 4, d["summary"]
PY
# The file on disk changes afterwards: the plan carries its own.
sed -i 's/mtu: 1450/mtu: 1400/' "$two"
nc_expect 0 apply --plan "$plan"
nc_ping "$DB" 10.123.0.1 || nc_fail "db cannot reach its gateway after apply --plan"
[ "$(nc_link_field "$H" "$BR" mtu)" = 1450 ] || nc_fail "apply --plan did not use the file the plan carries"
sed -i 's/mtu: 1400/mtu: 1450/' "$two"
nc_expect 0 diff "$two"
nc_pass "diff --out then apply --plan: the plan's changes, from the file it carries"

# --- stale: the kernel changed since the plan was made
nc_expect 2 diff "$one" --out "$plan"
nc_in "$H" link set dev "$BR" mtu 1400
before=$(links)
nc_expect 1 apply --plan "$plan"
grep -q "stale" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "a stale plan is not called stale"; }
grep -q "then .*name: $BR.*mtu: 1450" <<<"$NC_OUT" && grep -q "now .*name: $BR.*mtu: 1400" <<<"$NC_OUT" ||
        { nc_log "$NC_OUT"; nc_fail "a stale plan does not say what differs"; }
nc_expect 1 -o json apply --plan "$plan"
timeout 10 python3 - "$NC_OUT" <<'PY' || nc_fail "-o json: a stale plan is not errors of kind stale"
import json, sys
d = json.loads(sys.argv[1])
assert {e["kind"] for e in d["errors"]} == {"stale"}, d["errors"]
assert all(c["outcome"] == "not attempted" for c in d["changes"]), d["changes"]
PY
[ "$(links)" = "$before" ] || nc_fail "a stale plan changed links"
[ "$(nc_link_field "$H" "$BR" mtu)" = 1400 ] || nc_fail "a stale plan changed the bridge"
nc_ping "$DB" 10.123.0.1 || nc_fail "db lost its network after a stale plan"
nc_pass "a stale plan changes nothing and says what differs"

# --- another namespace
ip netns add "$P-other"
NC_RC=0
out=$(timeout "$NC_TIMEOUT" "$NC_BIN" -n "$P-other" apply --plan "$plan" 2>&1) || NC_RC=$?
[ "$NC_RC" -eq 1 ] && grep -q "was made for -n $H" <<<"$out" || { nc_log "$out"; nc_fail "a plan for $H applied in $P-other"; }
nc_pass "a plan made with -n $H is refused in another namespace"

# --- not a plan, truncated, damaged, another version, writable by others, with a FILE
bad() {
        local what=$1 want=$2; shift 2
        nc_expect 1 apply --plan "$NC_TMP/bad.json" "$@"
        grep -q -- "$want" <<<"$NC_OUT" || { nc_log "$NC_OUT"; nc_fail "$what: no \"$want\""; }
        [ "$(links)" = "$before" ] || nc_fail "$what: links changed"
}
cp "$one" "$NC_TMP/bad.json"
bad "a config file" "not a netconverge plan"
head -c 300 "$plan" >"$NC_TMP/bad.json"
bad "a truncated plan" "bad.json:"
sed 's/"saved_plan_version": 1/"saved_plan_version": 2/' "$plan" >"$NC_TMP/bad.json"
bad "another format version" "format version 2"
sed 's/mtu: 1450/mtu: 1500/' "$plan" >"$NC_TMP/bad.json"
bad "an edited file in the plan" "damaged"
cp "$plan" "$NC_TMP/bad.json"
chmod 666 "$NC_TMP/bad.json"
bad "a world-writable plan" "writable"
chmod 644 "$NC_TMP/bad.json"
bad "a FILE beside --plan" "takes no arguments" "$one"
nc_pass "bad plans are refused with a clear error, nothing changed"
