#!/usr/bin/env bash
# A published host port that a process of the host already listens on is a
# pre-flight warning naming port, protocol and address (issue 14 item 6,
# SPEC 7.2): test-listeners.sh NETCONVERGE SOURCE-DIR
#
# In the test's host namespace: python3 -m http.server on published
# 0.0.0.0:8080 (a real server: it answers), and one process holding the
# other sockets: UDP 127.0.0.1:5353 (published there: named), UDP
# 127.0.0.2:5353 (another address: not named), TCP [::]:9091 dual stack
# (takes 127.0.0.1:9091: named), TCP [::]:9090 v6only (takes no IPv4: not
# named), TCP 8081 (not published: not named). Once they stop, no warning.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"
command -v python3 >/dev/null || nc_fail "python3 is missing (the listeners are python3)"

f=$(nc_config listeners)
ip -n "$NC_HOST" link set lo up
nc_background timeout 110 ip netns exec "$NC_HOST" python3 -m http.server 8080 --bind 0.0.0.0 --directory "$NC_TMP"
nc_background timeout 110 ip netns exec "$NC_HOST" python3 -c '
import socket, sys, time
def sock(family, kind, addr, v6only=None):
        s = socket.socket(family, kind)
        if v6only is not None:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
        s.bind(addr)
        if kind == socket.SOCK_STREAM:
                s.listen()
        return s
held = [sock(socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", 5353)),
        sock(socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.2", 5353)),
        sock(socket.AF_INET6, socket.SOCK_STREAM, ("::", 9091), 0),
        sock(socket.AF_INET6, socket.SOCK_STREAM, ("::", 9090), 1),
        sock(socket.AF_INET, socket.SOCK_STREAM, ("0.0.0.0", 8081))]
open(sys.argv[1], "w").close()
time.sleep(110)
' "$NC_TMP/held"
served() {
        timeout 5 ip netns exec "$NC_HOST" python3 -c '
import urllib.request
urllib.request.urlopen("http://127.0.0.1:8080/", timeout=1).read()' 2>/dev/null
}
nc_wait_until 30 served || nc_fail "http.server on 8080 does not answer"
nc_wait_until 30 test -e "$NC_TMP/held" || nc_fail "the other sockets were not opened"
nc_pass "a real http.server answers on 8080; the other sockets are bound"

w_tcp="warning: published port tcp 0.0.0.0:8080: a process of the host already listens on tcp 0.0.0.0:8080"
w_udp="warning: published port udp 127.0.0.1:5353: a process of the host already listens on udp 127.0.0.1:5353"
w_dual="warning: published port tcp 127.0.0.1:9091: a process of the host already listens on tcp [::]:9091"
# What the host namespace holds, for a failure's message.
sockets() { timeout 10 ip netns exec "$NC_HOST" ss -tuanH 2>&1 || true; }
nc_expect 2 diff "$f"
for w in "$w_tcp" "$w_udp" "$w_dual"; do
        grep -qF -- "$w" <<<"$NC_OUT" || nc_fail "diff does not warn '$w': $NC_OUT; sockets: $(sockets)"
done
n=$(grep -c "^netconverge: diff: warning: " <<<"$NC_OUT" || true)
[ "$n" = 3 ] || nc_fail "diff printed $n warnings, expected 3 (no decoy): $NC_OUT; sockets: $(sockets)"
nc_pass "diff names the three sockets that take published ports, and no decoy"

nc_expect 2 -o json diff "$f"
json=$(sed -n '/^{/,$p' <<<"$NC_OUT")
got=$(nc_j '"|".join(w.split(":")[0] + ":" + w.split(":")[1] for w in d["warnings"])' <<<"$json")
[ "$got" = "published port tcp 0.0.0.0:8080|published port tcp 127.0.0.1:9091|published port udp 127.0.0.1:5353" ] ||
        nc_fail "diff -o json warnings: '$got'"
nc_pass "diff -o json lists them under warnings, sorted"

# show has no file: it records every socket, and diff --observed of that
# snapshot warns as diff does.
nc_expect 0 show --snapshot
snap=$NC_OUT
grep -qF -- '  - {protocol: tcp, address: "::", port: 9090, v6only: true}' <<<"$snap" ||
        nc_fail "show --snapshot does not record the v6only socket: $snap"
grep -qF -- '  - {protocol: udp, address: "127.0.0.2", port: 5353}' <<<"$snap" ||
        nc_fail "show --snapshot does not record the UDP decoy: $snap"
printf '%s\n' "$snap" >"$NC_TMP/observed.snap"
nc_expect 2 diff "$f" --observed "$NC_TMP/observed.snap"
n=$(grep -c "warning: published port" <<<"$NC_OUT" || true)
[ "$n" = 3 ] || nc_fail "diff --observed of the snapshot warned $n times, expected 3: $NC_OUT"
nc_pass "show --snapshot records the sockets; diff --observed of it warns the same"

for pid in "${NC_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
for pid in "${NC_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
NC_PIDS=()
nc_expect 2 diff "$f"
grep -q "warning" <<<"$NC_OUT" && nc_fail "a warning with the listeners gone: $NC_OUT"
nc_pass "listeners stopped: no warning"
