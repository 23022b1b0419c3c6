#!/usr/bin/env bash
# watch against real namespaces, checked in the kernel (ip -j), not by the
# tool's word: test-watch.sh NETCONVERGE SOURCE-DIR
#
# The watchers run in the background, started here and stopped by their
# PIDs (lib.sh tracks them). The first watches a regular file with a long
# --interval, so whatever it repairs within a second was repaired by a
# netlink event; the second watches a symlink with --interval 2, for the
# resync, SIGHUP, sd_notify and the journal's log format.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=${P}br
WEB=$P-web
DB=$P-db
CACHE=$P-cache
EXTRA=$P-extra
GW=10.125.0.1
WEB_IP=10.125.0.10
DB_IP=10.125.0.11
CACHE_IP=10.125.0.12
EXTRA_IP=10.125.0.13

# --- Helpers: milliseconds, bounded polls, kernel checks.

now_ms() {
        local t=${EPOCHREALTIME/[.,]/}
        NOW_MS=$((10#$t / 1000))
}

# within MS COMMAND...: polls every 10 ms until COMMAND succeeds or MS
# milliseconds pass; ELAPSED says how long it took.
within() {
        local limit=$1 start; shift
        now_ms; start=$NOW_MS
        while :; do
                if "$@"; then
                        now_ms; ELAPSED=$((NOW_MS - start))
                        return 0
                fi
                now_ms; ELAPSED=$((NOW_MS - start))
                [ "$ELAPSED" -lt "$limit" ] || return 1
                sleep 0.01
        done
}

has_addr() {    # NS DEV ADDRESS
        grep -q "\"local\":\"$3\"" <<<"$(ip -n "$1" -j -4 addr show dev "$2" 2>/dev/null)"
}
has_default() { # NS GATEWAY
        grep -q "\"gateway\":\"$2\"" <<<"$(ip -n "$1" -j route show default 2>/dev/null)"
}
has_link() {    # NS NAME
        ip -n "$1" -j link show dev "$2" >/dev/null 2>&1
}
no_link() { ! has_link "$@"; }
# A container's network as SPEC 2 wants it, seen from its namespace: the
# veth's end with its address, and the default route via the gateway.
container_ok() {        # NS ADDRESS
        has_addr "$1" eth0 "$2" && has_default "$1" "$GW"
}
# The host end of a container's veth, by its ownership alias.
host_end() {
        nc_in "$H" -j -d link show master "$BR" |
                nc_j "[l['ifname'] for l in d if l.get('ifalias', '').startswith('netconverge:veth $1 ')]"
}
# Everything a bad edit must leave alone.
kernel_state() {
        local ns
        for ns in "$H" "$WEB" "$DB" "$CACHE" "$P-ghost"; do
                [ -e "/run/netns/$ns" ] || continue
                echo "[$ns]"
                nc_in "$ns" -j link show        # not -d: it has running timers
                # IPv4 only: an IPv6 link-local address's duplicate address
                # detection ends by itself (the bridge was set down above).
                nc_in "$ns" -j -4 addr show
                nc_in "$ns" -j route show
        done
        if command -v nft >/dev/null; then
                timeout 10 ip netns exec "$H" nft -a list ruleset
        fi
}
alive() { kill -0 "$1" 2>/dev/null; }
# "converged:" summaries so far (one per cycle that changed something).
converged_count() { grep -c -E '^[^ ]+ converged: ' "$1" || true; }
fd_count() { ls "/proc/$1/fd" | wc -l; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }      # utime + stime
# A median and a maximum of numbers on stdin.
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "median %d ms, max %d ms", v[int((NR + 1) / 2)], v[NR] }'; }

# The configurations: A = web; B = web + db; C = web + cache.
write_conf() {  # FILE CONTAINERS...
        local f=$1 c; shift
        {
                printf 'version: 1\nbridges:\n  %s:\n    subnet: 10.125.0.0/24\n' "$BR"
                printf 'containers:\n'
                for c in "$@"; do
                        case $c in
                        web) printf '  web:\n    netns: %s\n    networks:\n      %s: { address: %s }\n' "$WEB" "$BR" "$WEB_IP" ;;
                        db) printf '  db:\n    netns: %s\n    networks:\n      %s: { address: %s }\n' "$DB" "$BR" "$DB_IP" ;;
                        cache) printf '  cache:\n    netns: %s\n    networks:\n      %s: { address: %s }\n' "$CACHE" "$BR" "$CACHE_IP" ;;
                        extra) printf '  extra:\n    netns: %s\n    networks:\n      %s: { address: %s }\n' "$EXTRA" "$BR" "$EXTRA_IP" ;;
                        esac
                done
        } >"$f"
}
# The two ways a file gets changed: in place, and atomically (a temporary
# file in the same directory renamed over it).
edit_in_place() { write_conf "$@"; }
edit_atomic() {
        local f=$1; shift
        write_conf "$f.tmp" "$@"
        mv -f "$f.tmp" "$f"
}

mkdir -p "$NC_TMP/etc"
F=$NC_TMP/etc/netconverge.yaml
LOG1=$NC_TMP/watch1.log

# --- A file that does not load at start is fatal (there is no last good one).
printf 'version: 1\nbridges: [\n' >"$NC_TMP/bad.yaml"
nc_expect 1 watch "$NC_TMP/bad.yaml" --interval 3600
grep -q "bad.yaml:" <<<"$NC_OUT" || nc_fail "no diagnostic for a bad file at start: $NC_OUT"
nc_pass "a bad file at start: exit 1 with its diagnostics"

# --- Start: converges the file.
# Under AddressSanitizer, freed memory waits in a quarantine (256 MB by
# default) and shows as RSS growth: a small one for the RSS check below.
asan=no
if grep -q libasan <<<"$(ldd "$NC_BIN" 2>/dev/null)"; then
        asan=yes
fi
edit_in_place "$F" web
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4 \
        nc_background "$NC_BIN" -n "$H" watch "$F" --interval 3600 2>>"$LOG1"
W1=$!
within 10000 container_ok "$WEB" "$WEB_IP" || { cat "$LOG1" >&2; nc_fail "the first cycle did not converge"; }
first=$ELAPSED
within 2000 grep -q ' converged: ' "$LOG1" || nc_fail "no summary line: $(cat "$LOG1")"
grep -q -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{2}:[0-9]{2} \+ bridge '"$BR"' ' "$LOG1" ||
        nc_fail "changes are not logged one a line with a timestamp: $(cat "$LOG1")"
nc_pass "start: converged in ${first} ms, one timestamped line per change"

# --- An atomic replace that adds a container: within 2 s.
edit_atomic "$F" web db
within 2000 container_ok "$DB" "$DB_IP" || { cat "$LOG1" >&2; nc_fail "atomic replace: db not converged within 2 s"; }
nc_pass "atomic replace adding db: converged in ${ELAPSED} ms"

# --- An in-place edit: db goes, cache comes, within 2 s.
DB_END=$(host_end db)
[ -n "$DB_END" ] || nc_fail "db has no host end"
edit_in_place "$F" web cache
cache_in_db_out() { container_ok "$CACHE" "$CACHE_IP" && no_link "$H" "$DB_END"; }
within 2000 cache_in_db_out ||
        { cat "$LOG1" >&2; nc_fail "in-place edit: not converged within 2 s"; }
nc_pass "in-place edit (db out, cache in): converged in ${ELAPSED} ms"
grep -q -E ' converged: [0-9]+ added, [0-9]+ changed, [0-9]+ removed \(file changed\)$' "$LOG1" ||
        nc_fail "no summary naming the file change: $(cat "$LOG1")"

# --- Another run holds the run lock: the watcher does not block on it (it
# tries again shortly) and converges once the lock is free.
if command -v flock >/dev/null; then
        lock=/run/netconverge/lock-$(stat -L -c %i "/run/netns/$H")
        mkdir -p /run/netconverge
        nc_background timeout 10 flock -x "$lock" sleep 1.5
        holder=$!
        lock_held() { ! flock -n -x "$lock" true; }
        within 5000 lock_held || nc_fail "the test could not take the lock"
        edit_atomic "$F" web cache db
        sleep 0.5
        has_addr "$DB" eth0 "$DB_IP" && nc_fail "the watcher applied while another run held the lock"
        wait "$holder" || true
        within 2000 container_ok "$DB" "$DB_IP" || nc_fail "lock released: db not converged within 2 s"
        nc_pass "run lock held elsewhere: waited, then converged ${ELAPSED} ms after its release"
        edit_atomic "$F" web cache
        within 2000 no_link "$H" "$DB_END" || nc_fail "db not removed again"
fi

# --- A cycle that fails is logged and retried with backoff (1 s, 2 s, ...),
# never fatal: a container whose namespace is a plain file, not a
# namespace (that container's conflict, SPEC 7.7; the others converge),
# until the file goes and the retry creates the namespace. The
# file holds something: an empty one is a namespace half made, which the
# cycle finishes (docs/crash-safety.md).
GHOST=$P-ghost
printf 'not a namespace\n' >"/run/netns/$GHOST"
write_conf "$F.ghost" web cache
printf '  ghost:\n    netns: %s\n    networks:\n      %s: { address: 10.125.0.14 }\n' "$GHOST" "$BR" >>"$F.ghost"
mv -f "$F.ghost" "$F"
within 2500 grep -q 'retrying in 2 s$' "$LOG1" || { tail "$LOG1" >&2; nc_fail "no retry with backoff"; }
grep -q "conflict: container ghost: netns $GHOST is not a network namespace" "$LOG1" ||
        nc_fail "the failure is not logged: $(tail -5 "$LOG1")"
alive "$W1" || nc_fail "the watcher died on a failed cycle"
rm -f "/run/netns/$GHOST"
within 3000 container_ok "$GHOST" 10.125.0.14 || nc_fail "the retry did not converge once the obstacle went"
nc_pass "failed cycle: logged, retried with backoff, converged ${ELAPSED} ms after the obstacle went"
edit_atomic "$F" web cache
within 2000 no_link "$GHOST" eth0 || nc_fail "ghost not removed again"

# --- Drift in the host namespace, repaired by the netlink event (the
# interval is an hour): a veth deleted by hand, 20 times.
WEB_END=$(host_end web)
[ -n "$WEB_END" ] || nc_fail "web has no host end"
web_back() { has_link "$H" "$WEB_END" && container_ok "$WEB" "$WEB_IP"; }
latencies=()
for i in $(seq 20); do
        sleep 0.2
        nc_in "$H" link del "$WEB_END"
        within 1000 web_back ||
                { tail -30 "$LOG1" >&2; nc_fail "veth deleted by hand (try $i): not back within 1 s"; }
        latencies+=("$ELAPSED")
done
nc_pass "veth deleted by hand: back within 1 s, 20 tries: $(printf '%s\n' "${latencies[@]}" | stats)"

nc_in "$H" addr del "$GW/24" dev "$BR"
within 1000 has_addr "$H" "$BR" "$GW" || nc_fail "bridge address deleted by hand: not back within 1 s"
nc_pass "bridge address deleted by hand: back in ${ELAPSED} ms"

# A cycle for events reads again only the links they name, by ifindex: a
# link set down, and one renamed (the event has the new name only).
link_up() { [ "$(nc_in "$H" -j link show dev "$1" | nc_j 'str("UP" in d[0]["flags"])')" = True ]; }
nc_in "$H" link set "$BR" down
within 1000 link_up "$BR" || nc_fail "bridge set down by hand: not up again within 1 s"
nc_pass "bridge set down by hand: up again in ${ELAPSED} ms"
WEB_END=$(host_end web)
# (Down and renamed back to back: a link must be down to be renamed, and
# the watcher would bring it up again between two separate commands.)
printf 'link set %s down\nlink set %s name %s\n' "$WEB_END" "$WEB_END" "${P}moved" | nc_in "$H" -batch -
web_renamed_back() { ! has_link "$H" "${P}moved" && has_link "$H" "$WEB_END" && link_up "$WEB_END" && container_ok "$WEB" "$WEB_IP"; }
within 1000 web_renamed_back || { tail -20 "$LOG1" >&2; nc_fail "host veth renamed by hand: not back within 1 s"; }
nc_pass "host veth renamed by hand: back under its name in ${ELAPSED} ms"

ip_forward() { timeout 5 ip netns exec "$H" cat /proc/sys/net/ipv4/ip_forward; }
ip_forward_on() { [ "$(ip_forward)" = 1 ]; }
if ip_forward_on; then
        timeout 5 ip netns exec "$H" sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
        within 1000 ip_forward_on || nc_fail "net.ipv4.ip_forward set to 0 by hand: not back within 1 s"
        nc_pass "net.ipv4.ip_forward set to 0 by hand: back in ${ELAPSED} ms"
else
        nc_fail "net.ipv4.ip_forward is not 1 with a masquerading bridge"
fi

# The NAT rules, once the NAT work makes them.
masquerade_handle() {
        timeout 10 ip netns exec "$H" nft -a list chain inet netconverge postrouting 2>/dev/null |
                awk '/masquerade/ { print $NF; exit }'
}
# Back means a masquerade rule with another handle than the deleted one:
# the watcher may put it back before the test looks (within milliseconds).
masquerade_handle_new() { local h; h=$(masquerade_handle); [ -n "$h" ] && [ "$h" != "$old_handle" ]; }
if ! command -v nft >/dev/null; then
        nc_log "skip: nft rule deleted by hand (no nft(8) here)"
elif [ -z "$(masquerade_handle)" ]; then
        nc_log "skip: nft rule deleted by hand (table inet netconverge has no masquerade rule in $H yet: NAT not applied)"
else
        old_handle=$(masquerade_handle)
        timeout 10 ip netns exec "$H" nft delete rule inet netconverge postrouting handle "$old_handle" ||
                nc_fail "the test could not delete the masquerade rule"
        within 1000 masquerade_handle_new ||
                nc_fail "nft rule deleted by hand: not back within 1 s"
        nc_pass "nft rule deleted by hand: back in ${ELAPSED} ms"
fi

# --- An invalid edit: logged with its position, the process stays, the
# kernel stays as it was.
sleep 0.3
before=$(kernel_state)
printf 'version: 1\nbridges:\n  %s:\n    subnet: 10.125.0.0/33\n' "$BR" >"$F"
within 2000 grep -q "$F:4:13: bridges.$BR.subnet:" "$LOG1" ||
        nc_fail "the invalid edit is not logged with its line:column: $(tail -5 "$LOG1")"
grep -q "the last good configuration stays in force" "$LOG1" || nc_fail "no word that the last good file stays"
sleep 0.3
alive "$W1" || nc_fail "the watcher died on an invalid edit"
after=$(kernel_state)
[ "$after" = "$before" ] || { diff <(echo "$before") <(echo "$after") >&2; tail -20 "$LOG1" >&2; nc_fail "an invalid edit changed the kernel"; }
nc_pass "invalid edit: logged at $F:4:13, still running, kernel unchanged"
edit_atomic "$F" web cache

# --- 200 edit cycles, alternating two files and the two ways of writing:
# no fd or memory growth (RSS after a warm-up, with a small fixed slack).
sleep 0.3
count=$(converged_count "$LOG1")
count_reached() { [ "$(converged_count "$LOG1")" -ge "$count" ]; }
now_ms; t0=$NOW_MS
for i in $(seq 200); do
        if [ $((i % 2)) -eq 1 ]; then other=db; else other=cache; fi
        if [ $((i % 4)) -lt 2 ]; then edit_atomic "$F" web "$other"; else edit_in_place "$F" web "$other"; fi
        count=$((count + 1))
        within 5000 count_reached ||
                { tail -20 "$LOG1" >&2; nc_fail "edit $i: no converged cycle within 5 s"; }
        if [ "$i" -eq 20 ]; then
                fds0=$(fd_count "$W1")
                rss0=$(rss_kb "$W1")
        fi
done
now_ms; t1=$NOW_MS
fds1=$(fd_count "$W1")
rss1=$(rss_kb "$W1")
within 2000 container_ok "$CACHE" "$CACHE_IP" || nc_fail "not converged after the 200 edits"
nc_log "200 edit cycles in $(( (t1 - t0) / 1000 )).$(( (t1 - t0) % 1000 / 100 )) s: fds $fds0 -> $fds1, VmRSS $rss0 -> $rss1 kB"
[ "$fds1" -le "$fds0" ] || nc_fail "file descriptors grew over 200 cycles: $fds0 -> $fds1"
slack=1024
if [ "$asan" = yes ]; then
        slack=8192      # the quarantine, and the sanitizer's own allocator
fi
[ "$rss1" -le $((rss0 + slack)) ] || nc_fail "memory grew over 200 cycles: $rss0 -> $rss1 kB (slack $slack kB)"
nc_pass "200 edit cycles: fds $fds0 -> $fds1, VmRSS $rss0 -> $rss1 kB"

# --- Idle: no CPU (no polling; epoll_wait blocks on the timer alone).
sleep 1
c0=$(cpu_ticks "$W1")
sleep 5
c1=$(cpu_ticks "$W1")
idle_ms=$(( (c1 - c0) * 1000 / $(getconf CLK_TCK) ))
[ "$idle_ms" -lt 50 ] || nc_fail "idle for 5 s it used $idle_ms ms of CPU"
nc_pass "idle 5 s: $idle_ms ms of CPU"

# --- SIGTERM: exit 0, nothing torn down.
kill -TERM "$W1"
rc=0
wait "$W1" || rc=$?
[ "$rc" -eq 0 ] || nc_fail "SIGTERM: exit $rc, not 0"
has_link "$H" "$BR" && container_ok "$WEB" "$WEB_IP" && container_ok "$CACHE" "$CACHE_IP" ||
        nc_fail "SIGTERM tore something down"
grep -q "exiting, the kernel state stays as it is" "$LOG1" || nc_fail "no word on exit"
nc_pass "SIGTERM: exit 0, bridge and containers left as they were"

# --- The second watcher: a symlink in another directory (so that an edit
# of its target makes no inotify event), --interval 2, -v, under a fake
# systemd: a notify socket, and stderr as "the journal".
mkdir -p "$NC_TMP/etc2" "$NC_TMP/data"
write_conf "$NC_TMP/data/w2.yaml" web cache
ln -s "$NC_TMP/data/w2.yaml" "$NC_TMP/etc2/netconverge.yaml"
L=$NC_TMP/etc2/netconverge.yaml
LOG2=$NC_TMP/watch2.log
NOTES=$NC_TMP/notify.log
: >"$LOG2"
: >"$NOTES"
notify=no
if grep -q libsystemd <<<"$(ldd "$NC_BIN" 2>/dev/null)"; then
        notify=yes
        nc_notify_listener "$NC_TMP/notify.sock" "$NOTES" 120
fi
journal=$(stat -c '%d:%i' "$LOG2")
JOURNAL_STREAM=$journal NOTIFY_SOCKET=$NC_TMP/notify.sock \
        nc_background "$NC_BIN" -v -n "$H" watch "$L" --interval 2 2>>"$LOG2"
W2=$!
within 5000 grep -q 'cycle 1 (start): in sync' "$LOG2" || nc_fail "second watcher: no first cycle: $(cat "$LOG2")"
grep -q -E '^<7>cycle 1 \(start\): in sync$' "$LOG2" ||
        nc_fail "under the journal, lines should carry a <N> priority and no timestamp: $(head -3 "$LOG2")"
nc_pass "journal: <N> priorities, no timestamps"
if [ "$notify" = yes ]; then
        within 2000 grep -q 'READY=1' "$NOTES" || nc_fail "no READY=1: $(cat "$NOTES")"
        grep -q 'STATUS=Cycle 1: in sync' "$NOTES" || nc_fail "no STATUS after the first cycle: $(cat "$NOTES")"
fi

# Drift inside a container's namespace: no host event, the resync repairs it.
nc_in "$WEB" addr del "$WEB_IP/24" dev eth0
within 4000 has_addr "$WEB" eth0 "$WEB_IP" || nc_fail "container drift: not repaired by the resync within 4 s"
took=$ELAPSED
within 1000 grep -q -E '^<6>converged: [0-9]+ added, 0 changed, 0 removed \(resync\)$' "$LOG2" ||
        nc_fail "the repair was not a resync's: $(tail -5 "$LOG2")"
nc_pass "address deleted inside $WEB: repaired by the resync after ${took} ms"

# SIGHUP reloads: the target changes with no event; only the signal loads it.
write_conf "$NC_TMP/data/w2.yaml" web cache extra
sleep 2.5       # past a resync, which does not reload
has_link "$EXTRA" eth0 2>/dev/null && nc_fail "the file was reloaded without SIGHUP"
kill -HUP "$W2"
within 2000 container_ok "$EXTRA" "$EXTRA_IP" || nc_fail "SIGHUP: extra not converged within 2 s"
took=$ELAPSED
grep -q -E '^<6>converged: .* \(reload\)$' "$LOG2" || nc_fail "no reload summary: $(tail -5 "$LOG2")"
if [ "$notify" = yes ]; then
        reloaded_ready() { grep -A10 'RELOADING=1' "$NOTES" | grep -q 'READY=1'; }
        within 2000 reloaded_ready ||
                nc_fail "no RELOADING=1 then READY=1: $(cat "$NOTES")"
fi
nc_pass "SIGHUP: reloaded, extra converged in ${took} ms"

kill -TERM "$W2"
rc=0
wait "$W2" || rc=$?
[ "$rc" -eq 0 ] || nc_fail "second watcher: SIGTERM gave exit $rc"
if [ "$notify" = yes ]; then
        within 2000 grep -q 'STOPPING=1' "$NOTES" || nc_fail "no STOPPING=1: $(cat "$NOTES")"
        nc_pass "sd_notify: READY=1, STATUS, RELOADING=1/READY=1, STOPPING=1"
else
        nc_log "skip: sd_notify checks (built without libsystemd)"
fi
has_link "$H" "$BR" || nc_fail "the second watcher's exit tore the bridge down"
