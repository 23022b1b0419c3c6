#!/usr/bin/env bash
# A running watch and the other commands, in real namespaces, checked in
# the kernel (ip -j, nft -j): test-watchguard.sh NETCONVERGE SOURCE-DIR
#
#  1. the watch advertises itself (/run/netconverge/watch-INODE: pid, file);
#  2. apply of another file and destroy refuse while it runs (exit 1,
#     nothing changed), go on with --force, and the watch converges back;
#     the watch's own file is applied; a second watch is refused;
#  3. apply --force and destroy --force racing the watch's cycles: each
#     exits 0, the watch's file ends in force;
#  4. SIGTERM removes the advertisement, a SIGKILLed watch's stale one
#     blocks nothing and the next watch replaces it;
#  5. a directory others can write, or a symlink, is refused (in a private
#     mount namespace);
#  6. the netlink monitor overrun for real (a flood of events while the
#     watch is stopped): one warning, a full resync repairs a container;
#  7. the -n namespace deleted under the watch: it exits 1 naming it.
# Watchers are started here and stopped by their PIDs (lib.sh tracks them).
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
WEB=$P-web
ADV=/run/netconverge/watch-$NC_HOST_INO
A=$NC_TMP/a.yaml
B=$NC_TMP/b.yaml
LOG=$NC_TMP/watch.log
: >"$LOG"

cat >"$A" <<YAML
version: 1
bridges:
  ${P}a:
    subnet: 10.128.1.0/24
containers:
  web:
    netns: $WEB
    networks:
      ${P}a: { address: 10.128.1.10 }
YAML
cat >"$B" <<YAML
version: 1
bridges:
  ${P}b:
    subnet: 10.128.2.0/24
YAML

has_link() { ip -n "$1" -j link show dev "$2" >/dev/null 2>&1; }
has_default() { grep -q '"gateway":"10.128.1.1"' <<<"$(ip -n "$WEB" -j route show default 2>/dev/null)"; }
alive() { kill -0 "$1" 2>/dev/null; }
# What a refused command must leave exactly as it was.
kernel_state() {
        local ns
        for ns in "$H" "$WEB"; do
                echo "[$ns]"
                nc_in "$ns" -j link show
                nc_in "$ns" -j -4 addr show
                nc_in "$ns" -j route show
        done
        timeout 10 ip netns exec "$H" nft -j list ruleset
}
# The watch's file in force: diff says so, and B's bridge is gone.
a_in_force() {
        nc_run diff "$A"
        [ "$NC_RC" -eq 0 ] && ! has_link "$H" "${P}b" && has_default
}
# The host end of web's veth, by its ownership alias.
host_end() {
        nc_in "$H" -j -d link show master "${P}a" |
                nc_j "[l['ifname'] for l in d if l.get('ifalias', '').startswith('netconverge:veth web ')]"
}
advertised_pid() { [ -f "$ADV" ] && head -n1 "$ADV"; }
advertised_by() { [ "$(advertised_pid)" = "$1" ]; }
# start_watch: the watcher of A, started from its directory with a relative
# path (the advertisement has it absolute); W is its PID.
start_watch() {
        nc_background bash -c 'cd "$1" && exec "$2" -n "$3" watch a.yaml --interval 3600' _ \
                "$NC_TMP" "$NC_BIN" "$H" 2>>"$LOG"
        W=$!
        nc_wait_until 20 advertised_by "$W" ||
                nc_fail "watch $W did not advertise itself in $ADV: $(cat "$LOG")"
        nc_wait_until 20 a_in_force || nc_fail "watch $W did not converge: $(cat "$LOG")"
}
stop_watch() {
        kill -TERM "$W"
        local rc=0
        wait "$W" || rc=$?
        [ "$rc" -eq 0 ] || nc_fail "watch $W: SIGTERM gave exit $rc: $(cat "$LOG")"
}

# --- 5 first (no watch yet): a directory others can write is not trusted.
# In a private mount namespace of its own, /run/netconverge is a world-
# writable tmpfs; it goes with the namespace (nothing left mounted).
# (The watch gets an empty file: were it to start, it would have nothing to
# make, in particular no namespace mounted only in that mount namespace.)
mkdir -p /run/netconverge
printf 'version: 1\n' >"$NC_TMP/empty.yaml"
if command -v unshare >/dev/null; then
        out=$(timeout 10 unshare -m --propagation private sh -c \
                'mount -t tmpfs -o mode=0777 nc-test /run/netconverge && exec "$0" -n "$1" watch "$2"' \
                "$NC_BIN" "$H" "$NC_TMP/empty.yaml" 2>&1) && nc_fail "watch used a world-writable /run/netconverge: $out"
        grep -Eq "/run/netconverge (\(owner uid 0, mode 0777\) is writable by others than root|is owned by another user or writable by others); refusing" <<<"$out" ||
                nc_fail "watch: no clear refusal of the world-writable directory: $out"
        out=$(timeout 30 unshare -m --propagation private sh -c \
                'mount -t tmpfs -o mode=0777 nc-test /run/netconverge && exec "$0" -n "$1" apply "$2"' \
                "$NC_BIN" "$H" "$B" 2>&1) && nc_fail "apply trusted a world-writable /run/netconverge: $out"
        grep -Eq 'cannot tell whether a watch runs here: .*refusing it; use --force|cannot take the run lock .*: /run/netconverge is owned by another user or writable by others; refusing' <<<"$out" ||
                nc_fail "apply: no clear refusal of the world-writable directory: $out"
        has_link "$H" "${P}b" && nc_fail "the refused apply changed the kernel"
        nc_pass "a world-writable /run/netconverge is refused by watch and apply"

        # /run/netconverge a symlink: a tmpfs on /run in the private mount
        # namespace, /run/netns bound back into it, the symlink pointing into
        # the test's directory.
        mkdir "$NC_TMP/netns-bind" "$NC_TMP/elsewhere"
        symlinked() {   # COMMAND ARGS...
                timeout 10 unshare -m --propagation private sh -c '
                        t=$1; shift
                        mount --rbind /run/netns "$t/netns-bind" && mount -t tmpfs nc-test /run &&
                        mkdir /run/netns && mount --rbind "$t/netns-bind" /run/netns &&
                        ln -s "$t/elsewhere" /run/netconverge && exec "$@"' _ "$NC_TMP" "$@" 2>&1
        }
        out=$(symlinked "$NC_BIN" -n "$H" watch "$NC_TMP/empty.yaml") &&
                nc_fail "watch used a symlinked /run/netconverge: $out"
        grep -q '/run/netconverge is a symbolic link or not a directory; refusing it' <<<"$out" ||
                nc_fail "watch: no clear refusal of the symlinked directory: $out"
        out=$(symlinked "$NC_BIN" -n "$H" apply "$B") && nc_fail "apply trusted a symlinked /run/netconverge: $out"
        grep -Eq '(cannot tell whether a watch runs here|cannot take the run lock [^:]*): /run/netconverge is a symbolic link' <<<"$out" ||
                nc_fail "apply: no clear refusal of the symlinked directory: $out"
        has_link "$H" "${P}b" && nc_fail "the refused apply changed the kernel"
        [ -z "$(ls -A "$NC_TMP/elsewhere" | grep -v '^lock-')" ] ||
                nc_fail "something was written through the symlink: $(ls -A "$NC_TMP/elsewhere")"
        nc_pass "a symlinked /run/netconverge is refused by watch and apply"
fi

# --- 1. The advertisement.
start_watch
W1=$W
[ "$(stat -c '%a %u %F' "$ADV")" = "644 0 regular file" ] || nc_fail "advertisement: $(stat -c '%a %u %F' "$ADV")"
[ "$(stat -c '%a %u' /run/netconverge)" = "755 0" ] || nc_fail "/run/netconverge: $(stat -c '%a %u' /run/netconverge)"
[ "$(sed -n 2p "$ADV")" = "$A" ] || nc_fail "advertisement does not name $A: $(cat "$ADV")"
flock -n "$ADV" true && nc_fail "the watch does not hold its advertisement locked"
nc_pass "watch $W1 advertises itself: $ADV (0644, root) holds its pid and $A, locked"

# --- 2. apply of another file, destroy: refused, nothing changed.
before=$(kernel_state)
nc_expect 1 apply "$B"
[[ $NC_OUT == *"apply: a watch (pid $W1) keeps $A in force on netns $H; stop it or use --force"* ]] ||
        nc_fail "apply: no refusal naming the watch: $NC_OUT"
nc_expect 1 -o json apply "$B"
[ "$(nc_j 'd["errors"][0]["kind"]' <<<"$NC_OUT")" = watch ] || nc_fail "apply -o json: not a 'watch' error: $NC_OUT"
nc_expect 1 destroy
[[ $NC_OUT == *"destroy: a watch (pid $W1) keeps $A in force on netns $H; stop it or use --force"* ]] ||
        nc_fail "destroy: no refusal naming the watch: $NC_OUT"
[ "$(kernel_state)" = "$before" ] || nc_fail "a refused apply or destroy changed the kernel: $(diff <(echo "$before") <(kernel_state))"
nc_pass "apply of another file and destroy refused (exit 1, pid and file named, JSON kind watch), kernel unchanged"
nc_expect 0 apply --dry-run "$B"
nc_expect 0 apply "$A"
[[ $NC_OUT == *"No changes."* ]] || nc_fail "apply of the watch's own file: $NC_OUT"
nc_pass "apply --dry-run and apply of the watch's own file go on"
out=$(timeout 30 "$NC_BIN" -n "$H" watch "$B" --interval 3600 2>&1) && nc_fail "a second watch started: $out"
grep -q "another watch (pid $W1) keeps $A in force on netns $H; stop it first" <<<"$out" ||
        nc_fail "second watch: no refusal naming the first: $out"
[ "$(advertised_pid)" = "$W1" ] || nc_fail "the refused second watch touched the advertisement"
nc_pass "a second watch on the namespace is refused"

# --force: applied (checked while the watch is stopped), then the watch
# converges back to its own file.
kill -STOP "$W1"
nc_expect 0 apply --force "$B"
[[ $NC_OUT == *"warning: a watch (pid $W1) keeps $A in force"* ]] || nc_fail "apply --force: no warning: $NC_OUT"
has_link "$H" "${P}b" && ! has_link "$H" "${P}a" || nc_fail "apply --force did not apply $B"
kill -CONT "$W1"
nc_wait_until 20 a_in_force || nc_fail "after apply --force the watch did not converge back: $(cat "$LOG")"
kill -STOP "$W1"
nc_expect 0 destroy --force
! has_link "$H" "${P}a" && ! has_link "$WEB" eth0 || nc_fail "destroy --force did not destroy"
kill -CONT "$W1"
nc_wait_until 20 a_in_force || nc_fail "after destroy --force the watch did not converge back: $(cat "$LOG")"
nc_pass "apply --force and destroy --force go on; the watch converges back to $A"

# --- 3. Racing the watch: drift makes it start a cycle; apply --force (or
# destroy --force) goes at once. The run lock orders them; each command
# exits 0 (or says it gave up on the lock), and the watch's file ends in force.
race() {        # COMMAND...
        local round end
        for round in 1 2 3 4; do
                end=$(host_end)
                [ -n "$end" ] || nc_fail "race: no host end for web"
                nc_in "$H" link del "$end"
                [ "$round" -gt 2 ] && sleep 0.0$((round * 2))
                nc_run "$@"
                if [ "$NC_RC" -ne 0 ] && ! grep -q 'holds the lock' <<<"$NC_OUT"; then
                        nc_fail "race round $round: $* exited $NC_RC: $NC_OUT"
                fi
                nc_wait_until 20 a_in_force || nc_fail "race round $round ($*): $A not back in force: $(cat "$LOG")"
        done
}
race apply --force "$B"
race destroy --force
alive "$W1" || nc_fail "the watch died in the races: $(cat "$LOG")"
nc_pass "apply --force and destroy --force racing the watch: all exit 0, $A in force, diff in sync"

# --- 4. SIGTERM: the advertisement goes, apply works.
stop_watch
[ -e "$ADV" ] && nc_fail "SIGTERM left the advertisement: $(cat "$ADV")"
nc_expect 0 apply "$B"
has_link "$H" "${P}b" || nc_fail "apply after the watch stopped did not apply"
nc_pass "after SIGTERM the advertisement is gone and apply of another file works"

# A SIGKILLed watch's advertisement is stale: nobody holds it.
start_watch
W2=$W
kill -KILL "$W2"
wait "$W2" 2>/dev/null || true
[ "$(advertised_pid)" = "$W2" ] || nc_fail "the SIGKILLed watch's advertisement is not there to test with"
nc_expect 0 apply "$B"
has_link "$H" "${P}b" || nc_fail "apply with a stale advertisement did not apply"
nc_expect 0 destroy
start_watch
[ "$(advertised_pid)" = "$W" ] || nc_fail "the new watch did not replace the stale advertisement"
nc_pass "a stale advertisement (pid $W2, SIGKILLed) blocks nothing; watch $W replaces it"

# --- 6. The monitor's receive buffer overrun, for real: with the watch
# stopped, drift inside web (no events come from container namespaces, so
# only a full resync repairs it) and flood the host namespace with 16,000
# events (4000 addresses added on a bridge of the test's own, then the
# bridge deleted); SIGCONT. The overrun must be said once, and the full
# resync must put web's default route back.
kill -STOP "$W"
nc_in "$WEB" route del default
nc_in "$H" link add "${P}fl" type bridge
for i in $(seq 0 15); do
        for j in $(seq 1 250); do
                echo "addr add 10.201.$i.$j/32 dev ${P}fl"
        done
done >"$NC_TMP/flood"
timeout 60 ip -n "$H" -batch "$NC_TMP/flood"
nc_in "$H" link del "${P}fl"
kill -CONT "$W"
nc_wait_until 20 has_default || nc_fail "no full resync after the overrun: web's route not repaired: $(cat "$LOG")"
n=$(grep -c 'netlink monitor: receive buffer overrun, events lost; resyncing everything' "$LOG" || true)
[ "$n" -eq 1 ] || nc_fail "the overrun was logged $n times, not once: $(cat "$LOG")"
grep -q 'warning: netlink monitor: receive buffer overrun' "$LOG" || nc_fail "the overrun is not a warning"
nc_wait_until 20 a_in_force || nc_fail "not in sync after the overrun: $(cat "$LOG")"
nc_pass "monitor overrun: said once, full resync repaired web's default route"

# --- 7. The -n namespace deleted under the watch: exit 1, naming it.
ip netns del "$H"
nc_wait_until 20 eval '! alive "$W"' || nc_fail "the watch did not exit after its namespace was deleted: $(cat "$LOG")"
rc=0
wait "$W" || rc=$?
[ "$rc" -eq 1 ] || nc_fail "the watch exited $rc, not 1, when its namespace was deleted"
grep -q "error: netns $H: /run/netns/$H was deleted while watching; exiting" "$LOG" ||
        nc_fail "no message naming the deleted namespace: $(cat "$LOG")"
[ -e "$ADV" ] && nc_fail "the advertisement outlived the watch"
nc_pass "host namespace deleted: the watch exits 1 naming $H, advertisement removed"
