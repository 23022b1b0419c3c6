#!/usr/bin/env bash
# -o json against real namespaces: test-json.sh NETCONVERGE SOURCE-DIR
#
# apply and destroy print one JSON document with every change's outcome,
# checked against the kernel (ip -j), not against the tool's word; a change
# the kernel refuses is "failed" with the kernel's message and verification
# says what is left; a kernel name that is not UTF-8 keeps the JSON valid
# and goes through a snapshot byte for byte.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=${P}br
WEB=$P-web
one=$(nc_config apply-one)
ip netns add "$WEB"

# nc_json ARGS...: netconverge -n $H -o json ARGS, stdout to $NC_TMP/out,
# stderr to $NC_TMP/err, exit code in $NC_RC.
nc_json() {
        NC_RC=0
        timeout "$NC_TIMEOUT" "$NC_BIN" -n "$H" -o json "$@" >"$NC_TMP/out" 2>"$NC_TMP/err" || NC_RC=$?
        [ "$NC_RC" -ne 124 ] || nc_fail "netconverge -o json $* did not finish within ${NC_TIMEOUT}s"
}

# check WHAT EXPR: $NC_TMP/out is exactly one JSON document in strict
# UTF-8 (python's json refuses anything after it), and EXPR holds over it
# (d, with the changes' outcomes in o).
check() {
        python3 -c '
import json, sys
with open(sys.argv[1], encoding="utf-8", errors="strict") as f:
    d = json.loads(f.read())
o = [c.get("outcome") for c in d.get("changes", [])]
if not eval("(" + sys.argv[2] + ")"):
    sys.exit(json.dumps(d, indent=1)[:3000])
' "$NC_TMP/out" "$2" || nc_fail "$1"
}

no_stderr() { [ ! -s "$NC_TMP/err" ] || nc_fail "$1 wrote on stderr: $(head -c 500 "$NC_TMP/err")"; }

ip_forward() { timeout 5 ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward; }

# 0. A conflict (a foreign bridge of the wanted name): the plan in the
# document, nothing attempted, the conflict as an error; nothing changed.
nc_in "$H" link add "$BR" type bridge
nc_json apply "$one"
[ "$NC_RC" -eq 1 ] || nc_fail "apply with a conflict exited $NC_RC, expected 1"
no_stderr "apply -o json with a conflict"
check "conflict document" "len(d['conflicts']) == 1 and '$BR' in d['conflicts'][0]
        and [e['kind'] for e in d['errors']] == ['conflict'] and set(o) <= {'not attempted'}
        and d['verified'] is None"
[ -z "$(nc_in "$WEB" -o link show type veth)" ] || nc_fail "apply changed something despite a conflict"
nc_in "$H" link del "$BR"
nc_pass "apply -o json with a conflict: the conflict in the document, nothing attempted or changed"

# 1. --dry-run: every change "not attempted", nothing in the kernel.
nc_json apply "$one" --dry-run
[ "$NC_RC" -eq 0 ] || nc_fail "apply --dry-run -o json exited $NC_RC"
no_stderr "apply --dry-run -o json"
check "dry run document" "d['format_version'] == 1 and d['command'] == 'apply' and d['dry_run'] is True
        and len(o) > 0 and set(o) == {'not attempted'} and d['verified'] is None and d['errors'] == []
        and d['summary']['not_attempted'] == len(o) and d['summary']['applied'] == 0"
nc_in "$H" link show "$BR" >/dev/null 2>&1 && nc_fail "--dry-run made the bridge"
nc_pass "apply --dry-run -o json: one document, everything not attempted, kernel untouched"

# 2. A change the kernel refuses: /proc/sys read-only in a mount namespace
# of netconverge's own, so writing ip_forward fails (EROFS) and every other
# change is made.
NC_RC=0
timeout "$NC_TIMEOUT" unshare -m --propagation private sh -c '
        mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys /proc/sys || exit 99
        exec "$@"' sh "$NC_BIN" -n "$H" -o json apply "$one" >"$NC_TMP/out" 2>"$NC_TMP/err" || NC_RC=$?
[ "$NC_RC" -ne 99 ] || nc_fail "could not make /proc/sys read-only"
[ "$NC_RC" -eq 1 ] || nc_fail "apply with a refused change exited $NC_RC, expected 1"
no_stderr "apply -o json with a failure"
check "failed change document" "
        [c['object'] for c in d['changes'] if c['outcome'] == 'failed'] == ['sysctl']
        and 'Read-only file system' in [c for c in d['changes'] if c['outcome'] == 'failed'][0]['message']
        and o.count('applied') == len(o) - 1
        and d['summary']['failed'] == 1 and d['summary']['applied'] == len(o) - 1
        and d['summary']['not_attempted'] == 0
        and d['verified'] is False and [c['object'] for c in d['still_to_do']] == ['sysctl']
        and [c['changed'] for c in d['still_to_do']] == [{'value': {'old': 0, 'new': 1}}]
        and {e['kind'] for e in d['errors']} == {'apply', 'verify'}"
# The whole document is golden, but for what the run's prefix decides (the
# names, and the veth name hashed from them); UPDATE_GOLDEN=1 rewrites it.
golden=$NC_SRC/tests/integration/json-apply-failed.expected
sed -e "s/$P/P/g" -e 's/veth[0-9a-f]\{8\}/vethHASH/g' "$NC_TMP/out" >"$NC_TMP/normalised"
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$NC_TMP/normalised" "$golden"; fi
diff -u "$golden" "$NC_TMP/normalised" || nc_fail "the apply document differs from $golden"
# The kernel agrees: the bridge and the veth are there, ip_forward is not on.
[ "$(nc_link_field "$H" "$BR" mtu)" = 1450 ] || nc_fail "the bridge is not there after a partial apply"
[ "$(nc_link_field "$WEB" eth0 mtu)" = 1450 ] || nc_fail "the container's veth is not there after a partial apply"
[ "$(ip_forward)" = 0 ] || nc_fail "ip_forward changed though its write failed"
nc_pass "apply -o json: a refused change is failed with the kernel's message, the rest applied, not verified"

# 3. Apply again, for real: only the sysctl is left, and it is applied.
nc_json apply "$one"
[ "$NC_RC" -eq 0 ] || nc_fail "apply -o json exited $NC_RC: $(cat "$NC_TMP/out" "$NC_TMP/err")"
no_stderr "apply -o json"
check "apply document" "[c['object'] for c in d['changes']] == ['sysctl'] and o == ['applied']
        and d['verified'] is True and d['still_to_do'] == [] and d['errors'] == [] and d['not_up'] == []"
[ "$(ip_forward)" = 1 ] || nc_fail "ip_forward is not on after apply said applied"
nc_json apply "$one"
check "in sync document" "d['changes'] == [] and d['verified'] is True and d['summary']['add'] == 0"
nc_pass "apply -o json: outcomes match the kernel; in sync is an empty change list, verified"

# 4. A ~ carries its old and new values: the bridge's MTU drifts.
nc_in "$H" link set "$BR" mtu 1400
nc_json diff "$one"
[ "$NC_RC" -eq 2 ] || nc_fail "diff after drift exited $NC_RC"
check "drift diff document" "[(c['action'], c['object'], c['changed']) for c in d['changes']]
        == [('modify', 'bridge', {'mtu': {'old': 1400, 'new': 1450}})]"
nc_json apply "$one"
check "drift apply document" "o == ['applied'] and d['verified'] is True"
[ "$(nc_link_field "$H" "$BR" mtu)" = 1450 ] || nc_fail "the bridge's MTU was not restored"
nc_pass "~ changes carry old and new values; applied, and the kernel shows it"

# 5. Kernel names that are not UTF-8: two links that differ only in a
# byte that is not UTF-8 (a writer that replaced such bytes with '?' would
# make them one, and the snapshot would not read back). show's JSON stays strict UTF-8; the snapshot keeps every
# byte, so diff against it plans exactly what the live diff plans.
# vxlan: unlike dummy, its module makes no device in the machine's own
# namespace when it loads.
nc_in "$H" link add name "$P"$'\xff' type vxlan id 42 dstport 4789
nc_in "$H" link add name "$P"$'\xfe' type vxlan id 43 dstport 4790
nc_json show --snapshot
[ "$NC_RC" -eq 0 ] || nc_fail "show -o json --snapshot exited $NC_RC: $(cat "$NC_TMP/err")"
check "snapshot JSON" "d['format_version'] == 1 and d['snapshot'] == 1
        and sorted(l['name'] for l in d['links'] if l['name'].startswith('$P') and l['kind'] == 'vxlan')
            == ['$P\ufffd', '$P\ufffd']"
nc_json show
[ "$NC_RC" -eq 0 ] || nc_fail "show -o json exited $NC_RC"
check "show JSON" "[b['name'] for b in d['bridges']] == ['$BR']"
timeout "$NC_TIMEOUT" "$NC_BIN" -n "$H" show --snapshot >"$NC_TMP/host.snap" || nc_fail "show --snapshot failed"
grep -q '!!binary' "$NC_TMP/host.snap" || nc_fail "the snapshot has no !!binary name"
# Now drift that both plans must see: the bridge down, and a rule in our
# table that is not ours, whose comment (where our keys go) is not UTF-8.
nc_in "$H" link set "$BR" down
timeout 10 ip netns exec "$H" nft add rule inet netconverge forward counter comment "\"$P$(printf '\xff')\"" ||
        nc_fail "could not add a rule with a comment that is not UTF-8"
nc_json diff "$one"
check "plan JSON with a rule comment that is not UTF-8" "
        [(c['action'], c['key']) for c in d['changes'] if c['object'] == 'nft-rule'] == [('remove', '$P\ufffd')]
        and '$P\ufffd' in [c for c in d['changes'] if c['object'] == 'nft-rule'][0]['text']"
timeout "$NC_TIMEOUT" "$NC_BIN" -n "$H" show --snapshot >"$NC_TMP/host.snap"
live=0 snap=0
timeout "$NC_TIMEOUT" "$NC_BIN" -n "$H" diff "$one" >"$NC_TMP/live.plan" 2>&1 || live=$?
timeout "$NC_TIMEOUT" "$NC_BIN" diff "$one" --observed "$NC_TMP/host.snap" >"$NC_TMP/snap.plan" 2>&1 || snap=$?
[ "$live" -eq 2 ] && [ "$snap" -eq 2 ] || nc_fail "diff exited $live live, $snap on the snapshot, expected 2 and 2"
diff -u "$NC_TMP/live.plan" "$NC_TMP/snap.plan" || nc_fail "the snapshot plans differently from the kernel"
nc_pass "link names and a rule comment that are not UTF-8: JSON valid, the snapshot round-trips and plans as the kernel does"

# 6. destroy -o json: everything applied, and gone from the kernel.
nc_json destroy
[ "$NC_RC" -eq 0 ] || nc_fail "destroy -o json exited $NC_RC: $(cat "$NC_TMP/out" "$NC_TMP/err")"
no_stderr "destroy -o json"
check "destroy document" "d['command'] == 'destroy' and len(o) > 0 and set(o) == {'applied'}
        and {c['action'] for c in d['changes']} == {'remove'} and d['verified'] is True
        and d['summary']['remove'] == len(o) and d['summary']['applied'] == len(o)"
nc_in "$H" link show "$BR" >/dev/null 2>&1 && nc_fail "destroy left the bridge"
nc_in "$H" link show "$P"$'\xff' >/dev/null 2>&1 || nc_fail "destroy removed a foreign link"
nc_pass "destroy -o json: every removal applied, and the kernel shows them gone"
