#!/usr/bin/env bash
# The connection tracking entries of an old translation are deleted in the
# apply that changes it (SPEC 7.2), and no others:
#   test-conntrack.sh NETCONVERGE SOURCE-DIR
#
# The run's "host" namespace $NC_HOST is joined to an "outside" namespace by
# a veth in 198.51.100.0/24 (host .1, outside .2). Containers a and b sit on
# one bridge, each with a UDP sink on ports 53, 60 and 70 that records what
# it receives. The outside sends a datagram every 100 ms from a fixed
# source port to each of three published ports, so that each flow is one
# conntrack entry that never expires:
#   5353 -> a:53, then moved to b:53: the datagrams must reach b (without
#           the flush they keep going to a for as long as they flow);
#   6000 -> a:60, unchanged: its entry (same conntrack id) stays;
#   7000 -> a:70, removed: its translated entry is gone after the apply.
# A TCP connection through 8000 -> a:80, also removed, is cut: its entry
# goes, and its next segment meets the host itself, which resets it.
# Then b's address changes: the entry of a flow b opened to the outside
# (original source b's old address, masqueraded) is gone too, and the flow
# to 6000 still keeps its entry. Entries are read with conntrack(8).
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
A=$P-a
B=$P-b
A_IP=10.126.1.2
B_IP=10.126.1.3
B_IP2=10.126.1.4
UPLINK=198.51.100.1
OUTSIDE=198.51.100.2
before=$(nc_config conntrack-before)
after=$(nc_config conntrack-after)
readdressed=$(nc_config conntrack-readdressed)
py=$NC_TMP/ct.py

command -v conntrack >/dev/null ||
        nc_fail "conntrack is missing (the test reads the kernel's table with it: scripts/install-deps.sh test)"

cat >"$py" <<'PY'
"""sink PORT LOG SECONDS: each datagram's text, a line of LOG.
flow SPORT HOST PORT TAG SECONDS: "TAG N" every 100 ms from source port SPORT.
tcpsink PORT LOG SECONDS: one connection's lines, each a line of LOG.
tcpflow SPORT HOST PORT SECONDS DONE: a connection from SPORT, a line every
100 ms; the error that ends it is written to DONE.
find SPORT DPORT REPLY_SRC: "ID mark=MARK" for each entry (conntrack -L -o id
on stdin) whose original tuple has SPORT and DPORT and whose reply source
is REPLY_SRC ("-": any); one a line.
src ADDR: the same for entries whose original source is ADDR."""
import socket, sys, time

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "sink":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(a[0])))
    end = time.monotonic() + float(a[2])
    while time.monotonic() < end:
        s.settimeout(max(0.05, end - time.monotonic()))
        try:
            m = s.recv(100)
        except socket.timeout:
            break
        with open(a[1], "a") as f:
            f.write(m.decode() + "\n")
elif cmd == "tcpsink":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(a[0])))
    s.listen(1)
    s.settimeout(float(a[2]))
    c, _ = s.accept()
    c.settimeout(float(a[2]))
    for line in c.makefile():
        with open(a[1], "a") as f:
            f.write(line)
elif cmd == "tcpflow":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(a[0])))
    s.settimeout(5)
    end, n, why = time.monotonic() + float(a[3]), 0, "timeout"
    try:
        s.connect((a[1], int(a[2])))
        while time.monotonic() < end:
            s.sendall(b"tcp %d\n" % n)
            n += 1
            time.sleep(0.1)
    except OSError as e:
        why = type(e).__name__
    with open(a[4], "w") as f:
        f.write(why + "\n")
elif cmd == "flow":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(a[0])))
    end, n = time.monotonic() + float(a[4]), 0
    while time.monotonic() < end:
        try:
            s.sendto(("%s %d" % (a[3], n)).encode(), (a[1], int(a[2])))
        except OSError:
            pass                        # a port unreachable reported back: keep going
        n += 1
        time.sleep(0.1)
else:
    for line in sys.stdin:
        kv = [t.split("=", 1) for t in line.split() if "=" in t]
        orig, reply = {}, {}
        for k, v in kv:
            if k in orig:
                reply.setdefault(k, v)
            else:
                orig[k] = v
        if cmd == "find":
            if orig.get("sport") == a[0] and orig.get("dport") == a[1] and a[2] in ("-", reply.get("src")):
                print(orig.get("id"), "mark=" + str(orig.get("mark")))
        elif orig.get("src") == a[0]:
            print(orig.get("id"), "mark=" + str(orig.get("mark")))
PY

in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }
ct_list() { in_ns "$H" conntrack -L -f ipv4 -o id 2>/dev/null; }
# ct_find SPORT DPORT REPLY_SRC
ct_find() { python3 "$py" find "$@" <<<"$(ct_list)"; }
ct_from() { python3 "$py" src "$1" <<<"$(ct_list)"; }
# ct_mark MARK CONNTRACK-FILTER...: marks the entries, so that a later look
# tells the same entry from one deleted and made again (a new entry may
# get the same id: the kernel's id hashes the entry's address and tuple).
ct_mark() { local m=$1; shift; in_ns "$H" conntrack -U -f ipv4 -p udp "$@" -m "$m" >/dev/null 2>&1; }
count() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# more_than FILE N: the file has more than N lines.
more_than() { [ "$(count "$1")" -gt "$2" ]; }

# --- the outside world
nc_outside "$OUT" "$UPLINK" "$OUTSIDE"

nc_expect 0 apply "$before"
nc_pass "apply: udp 5353, 6000, 7000 and tcp 8000 published to a"

for ns in "$A" "$B"; do
        for port in 53 60 70; do
                nc_background timeout 120 ip netns exec "$ns" python3 "$py" sink "$port" "$NC_TMP/$ns-$port" 110
        done
done
nc_background timeout 120 ip netns exec "$OUT" python3 "$py" sink 9999 "$NC_TMP/out-9999" 110
nc_background timeout 120 ip netns exec "$A" python3 "$py" tcpsink 80 "$NC_TMP/$A-80" 110
sleep 0.3
nc_background timeout 120 ip netns exec "$OUT" python3 "$py" flow 40053 "$UPLINK" 5353 moved 110
nc_background timeout 120 ip netns exec "$OUT" python3 "$py" flow 40060 "$UPLINK" 6000 kept 110
nc_background timeout 120 ip netns exec "$OUT" python3 "$py" flow 40070 "$UPLINK" 7000 removed 110
nc_background timeout 120 ip netns exec "$B" python3 "$py" flow 41000 "$OUTSIDE" 9999 from-b 110
nc_background timeout 120 ip netns exec "$OUT" python3 "$py" tcpflow 40080 "$UPLINK" 8000 110 "$NC_TMP/tcp-done"

nc_wait_until 10 more_than "$NC_TMP/$A-53" 2 || nc_fail "the flow to 5353 does not reach a"
nc_wait_until 10 more_than "$NC_TMP/$A-60" 2 || nc_fail "the flow to 6000 does not reach a"
nc_wait_until 10 more_than "$NC_TMP/$A-70" 2 || nc_fail "the flow to 7000 does not reach a"
nc_wait_until 10 more_than "$NC_TMP/out-9999" 2 || nc_fail "the flow from b does not reach the outside"
nc_wait_until 10 more_than "$NC_TMP/$A-80" 2 ||
        nc_fail "the tcp connection to 8000 does not reach a: $(cat "$NC_TMP/tcp-done" 2>/dev/null || true)"
[ -n "$(ct_find 40080 8000 "$A_IP")" ] || nc_fail "no entry of the tcp connection: $(ct_list)"
moved_id=$(ct_find 40053 5353 "$A_IP")
kept_id=$(ct_find 40060 6000 "$A_IP")
removed_id=$(ct_find 40070 7000 "$A_IP")
from_b_id=$(ct_from "$B_IP")
[ -n "$moved_id" ] && [ -n "$kept_id" ] && [ -n "$removed_id" ] && [ -n "$from_b_id" ] ||
        nc_fail "missing conntrack entries (moved '$moved_id', kept '$kept_id', removed '$removed_id', from b '$from_b_id'): $(ct_list)"
ct_mark 77 --orig-port-src 40060 --orig-port-dst 6000 || nc_fail "could not mark the unrelated flow's entry"
ct_mark 78 --orig-src "$B_IP" --orig-port-src 41000 || nc_fail "could not mark b's own flow's entry"
ct_mark 76 --orig-port-src 40053 --orig-port-dst 5353 || nc_fail "could not mark the moved flow's entry"
moved_id=$(ct_find 40053 5353 "$A_IP")
kept_id=$(ct_find 40060 6000 "$A_IP")
from_b_id=$(ct_from "$B_IP")
grep -q 'mark=76$' <<<"$moved_id" && grep -q 'mark=77$' <<<"$kept_id" && grep -q 'mark=78$' <<<"$from_b_id" ||
        nc_fail "the marks did not stick ('$moved_id', '$kept_id', '$from_b_id'): $(ct_list)"
nc_pass "four UDP flows, each one conntrack entry"

# --- a dry run plans the move and deletes nothing
nc_expect 0 apply --dry-run "$after"
grep -qF "~ nat publish udp 0.0.0.0:5353 -> $B_IP:53" <<<"$NC_OUT" || nc_fail "the move is not planned: $NC_OUT"
[ "$(ct_find 40053 5353 "$A_IP")" = "$moved_id" ] || nc_fail "a dry run deleted the moved flow's entry: $(ct_list)"
nc_pass "apply --dry-run leaves the entries"

# --- the move: within a bounded wait the datagrams reach b
nc_expect 0 apply "$after"
grep -q warning <<<"$NC_OUT" && nc_fail "apply warned: $NC_OUT"
[ -z "$(ct_find 40070 7000 "$A_IP")" ] || nc_fail "the removed port's entry is still there: $(ct_list)"
[ -z "$(ct_find 40080 8000 "$A_IP")" ] || nc_fail "the removed tcp port's entry is still there: $(ct_list)"
nc_wait_until 10 test -s "$NC_TMP/tcp-done" || nc_fail "the tcp connection through the removed port goes on"
grep -qx ConnectionResetError "$NC_TMP/tcp-done" || nc_fail "the tcp connection ended with $(cat "$NC_TMP/tcp-done")"
nc_pass "the removed ports' translated entries are gone; the tcp connection through one is reset"
nc_wait_until 10 more_than "$NC_TMP/$B-53" 2 ||
        nc_fail "the moved flow does not reach b (a got $(count "$NC_TMP/$A-53"), b $(count "$NC_TMP/$B-53")): $(ct_list)"
# Once b has it, a gets none of it: no datagram reaches a while three more
# reach b (counted from b's sixth, so that a datagram a's sink received just
# before the apply and wrote late is not taken for one after it).
nc_wait_until 10 more_than "$NC_TMP/$B-53" 5 || nc_fail "the moved flow stopped reaching b"
a_now=$(count "$NC_TMP/$A-53")
b_now=$(count "$NC_TMP/$B-53")
nc_wait_until 10 more_than "$NC_TMP/$B-53" $((b_now + 3)) || nc_fail "the moved flow stopped"
[ "$(count "$NC_TMP/$A-53")" -eq "$a_now" ] || nc_fail "the moved flow still reaches a as well"
[ -n "$(ct_find 40053 5353 "$B_IP")" ] || nc_fail "no entry of the moved flow to b: $(ct_list)"
nc_pass "the moved UDP flow reaches b at once"
[ "$(ct_find 40060 6000 "$A_IP")" = "$kept_id" ] || nc_fail "the unrelated flow's entry changed: $(ct_list)"
[ "$(ct_from "$B_IP")" = "$from_b_id" ] || nc_fail "b's own flow lost its entry, though b kept its address: $(ct_list)"
k=$(count "$NC_TMP/$A-60")
nc_wait_until 10 more_than "$NC_TMP/$A-60" $((k + 2)) || nc_fail "the unrelated flow stopped reaching a"
nc_pass "the unrelated flows keep their entries (ids $kept_id, $from_b_id)"

# --- b's address changes: the entry of the flow it opened goes, the rest stays
nc_expect 0 apply "$readdressed"
grep -q warning <<<"$NC_OUT" && nc_fail "apply warned: $NC_OUT"
[ -z "$(ct_from "$B_IP")" ] || nc_fail "an entry of b's old address $B_IP is still there: $(ct_list)"
[ "$(ct_find 40060 6000 "$A_IP")" = "$kept_id" ] || nc_fail "the unrelated flow's entry changed: $(ct_list)"
b_now=$(count "$NC_TMP/$B-53")
nc_wait_until 10 more_than "$NC_TMP/$B-53" $((b_now + 2)) || nc_fail "the moved flow does not follow b's new address"
[ -n "$(ct_find 40053 5353 "$B_IP2")" ] || nc_fail "no entry of the flow to b's new address: $(ct_list)"
nc_pass "b's address changed: its old entries are gone, a's flow keeps its entry"

nc_expect 0 apply "$readdressed"
grep -qx "No changes." <<<"$NC_OUT" || nc_fail "the last apply again was not a no-op: $NC_OUT"
