#!/usr/bin/env bash
# The unit's WatchdogSec=: `watch` sends WATCHDOG=1 from its loop at half the
# interval systemd gives it (WATCHDOG_USEC, for WATCHDOG_PID), and nothing
# when there is no watchdog. Runs the watcher with -n on a host namespace of
# its own, with a datagram socket standing in for systemd's.
#   test-watchdog.sh NETCONVERGE SOURCE_DIR
source "$(dirname "$0")/../integration/lib.sh"
BIN=$(readlink -f "$1")
# A here-string, not `ldd | grep -q`: grep's early exit can kill ldd with
# SIGPIPE (the ASan build's longer list), and pipefail then reads "not linked".
if ! grep -q libsystemd <<<"$(ldd "$BIN" 2>/dev/null)"; then
        echo "built without libsystemd: no sd_notify, no watchdog; skipped"
        exit 77
fi
nc_init "$BIN" "$2"
F=$NC_TMP/wd.yaml
cat >"$F" <<YAML
version: 1
bridges:
  ${NC_PREFIX}w:
    subnet: 10.127.0.0/24
YAML

pings() { grep -c '^WATCHDOG=1$' "$1" || true; }

# 1. WatchdogSec=200ms: a ping every 100 ms, from the start on.
N1=$NC_TMP/notify1.log
: >"$N1"
nc_notify_listener "$NC_TMP/n1.sock" "$N1" 60
# exec: WATCHDOG_PID must be the watcher's own PID, as systemd sets it.
nc_background bash -c 'export WATCHDOG_PID=$$; exec "$@"' _ env NOTIFY_SOCKET="$NC_TMP/n1.sock" \
        WATCHDOG_USEC=200000 "$NC_BIN" -n "$NC_HOST" watch "$F" --interval 3600
W=$!
nc_wait_until 5 grep -q 'READY=1' "$N1" || nc_fail "no READY=1: $(cat "$N1")"
before=$(pings "$N1")
sleep 1
after=$(pings "$N1")
kill -TERM "$W"
wait "$W" || nc_fail "watch exited $? on SIGTERM"
# 10 expected in the second; at least 5 leaves room for a slow machine.
[ $((after - before)) -ge 5 ] || nc_fail "$((after - before)) WATCHDOG=1 in 1 s with WATCHDOG_USEC=200000: $(cat "$N1")"
[ "$(pings "$N1")" -le 40 ] || nc_fail "far too many pings: the loop spins"
nc_pass "WATCHDOG_USEC=200000: $((after - before)) pings in 1 s"

# 2. No watchdog asked for (or for another PID): no pings, READY still.
N2=$NC_TMP/notify2.log
: >"$N2"
nc_notify_listener "$NC_TMP/n2.sock" "$N2" 60
nc_background env NOTIFY_SOCKET="$NC_TMP/n2.sock" WATCHDOG_USEC=200000 WATCHDOG_PID=1 \
        "$NC_BIN" -n "$NC_HOST" watch "$F" --interval 3600
W=$!
nc_wait_until 5 grep -q 'READY=1' "$N2" || nc_fail "no READY=1: $(cat "$N2")"
sleep 0.5
kill -TERM "$W"
wait "$W" || nc_fail "watch exited $? on SIGTERM"
[ "$(pings "$N2")" -eq 0 ] || nc_fail "WATCHDOG=1 sent for another process's watchdog: $(cat "$N2")"
nc_pass "WATCHDOG_PID of another process: no pings"
