# shellcheck shell=bash
# The integration tests' library: sourced, never run.
#
# A test never touches the machine's own network namespace. nc_init makes a
# "host" namespace of its own, $NC_HOST, and every namespace the test makes
# (by hand or through a config file) is named $NC_PREFIX-something, unique
# to this run. A trap removes all of them on any exit, failure or signal.
# Every wait is bounded; background processes are tracked by PID and only
# those are killed.
#
#   source lib.sh
#   nc_init "$BIN" "$SRC"           # root, tools, prefix, host namespace, trap
#   nc_run apply FILE               # netconverge -n $NC_HOST ... (bounded)
#   nc_expect 2 diff FILE           # run, check the exit code
#   nc_in NS ...                    # ip -n NS ...
#   ip -n NS -j link show | nc_j 'd[0]["mtu"]'
#   nc_config NAME                  # tests/integration/NAME.yaml.in -> $NC_TMP/NAME.yaml

set -euo pipefail

NC_TIMEOUT=${NC_TIMEOUT:-30}            # seconds, per command
NC_PIDS=()
NC_FAILED=0

nc_log() { printf '%s\n' "$*" >&2; }

nc_fail() {
        nc_log "FAIL: $*"
        NC_FAILED=$((NC_FAILED + 1))
        exit 1
}

nc_pass() { nc_log "ok: $*"; }

# Every namespace this run made, whatever made it.
nc_namespaces() {
        ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${NC_PREFIX}-" || true
}

nc_cleanup() {
        local rc=$? pid ns
        trap - EXIT INT TERM
        for pid in "${NC_PIDS[@]}"; do
                kill "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
        done
        # The run lock and a watch's advertisement netconverge made for our
        # host namespace (by its inode, noted at start: the test may have
        # deleted the namespace). Only if nobody holds them: once our
        # namespace is gone its inode number may be another's.
        local f
        for f in lock watch; do
                f=/run/netconverge/$f-${NC_HOST_INO:-none}
                if [ -f "$f" ] && { ! command -v flock >/dev/null || flock -n "$f" true 2>/dev/null; }; then
                        rm -f "$f"
                fi
        done
        for ns in $(nc_namespaces); do
                timeout 10 ip netns del "$ns" 2>/dev/null || nc_log "warning: could not delete netns $ns"
        done
        if [ -n "$(nc_namespaces)" ]; then
                nc_log "FAIL: namespaces left behind: $(nc_namespaces | tr '\n' ' ')"
                rc=1
        fi
        [ -n "${NC_TMP:-}" ] && rm -rf "$NC_TMP"
        if [ "$rc" -eq 0 ]; then nc_log "PASS: ${NC_TEST_NAME:-test}"; else nc_log "FAILED: ${NC_TEST_NAME:-test}"; fi
        exit "$rc"
}

# nc_init BIN SRC: checks, prefix, temporary directory, host namespace.
nc_init() {
        NC_BIN=$1
        NC_SRC=$2
        NC_TEST_NAME=$(basename "$0" .sh)
        if [ "$(id -u)" -ne 0 ]; then
                nc_log "SKIP: $NC_TEST_NAME needs root (network namespaces)"
                exit 77
        fi
        local t
        for t in ip python3 timeout; do
                command -v "$t" >/dev/null || { nc_log "FAIL: $t is missing"; exit 1; }
        done
        # Short: it goes into bridge names, which are at most 15 bytes.
        NC_PREFIX=$(printf 'n%05x' $(( ($$ ^ RANDOM << 8) & 0xfffff )))
        NC_HOST=$NC_PREFIX-host
        NC_TMP=$(mktemp -d "/tmp/$NC_PREFIX.XXXXXX")
        trap nc_cleanup EXIT
        trap 'exit 130' INT TERM
        ip netns add "$NC_HOST"
        NC_HOST_INO=$(stat -L -c %i "/run/netns/$NC_HOST")
        nc_log "== $NC_TEST_NAME: prefix $NC_PREFIX, host namespace $NC_HOST"
}

# A config template with @P@ standing for the prefix.
nc_config() {
        local name=$1
        sed "s/@P@/$NC_PREFIX/g" "$NC_SRC/tests/integration/$name.yaml.in" >"$NC_TMP/$name.yaml"
        printf '%s\n' "$NC_TMP/$name.yaml"
}

# netconverge in the host namespace, bounded; output in $NC_OUT (stdout and
# stderr together), exit code in $NC_RC. Never fails the test by itself.
nc_run() {
        NC_RC=0
        NC_OUT=$(timeout "$NC_TIMEOUT" "$NC_BIN" -n "$NC_HOST" "$@" 2>&1) || NC_RC=$?
        if [ "$NC_RC" -eq 124 ]; then
                nc_fail "netconverge $* did not finish within ${NC_TIMEOUT}s"
        fi
}

# nc_expect CODE ARGS...: netconverge must exit with CODE.
nc_expect() {
        local want=$1; shift
        nc_run "$@"
        if [ "$NC_RC" -ne "$want" ]; then
                nc_log "$NC_OUT"
                nc_fail "netconverge $* exited $NC_RC, expected $want"
        fi
}

nc_in() {
        local ns=$1; shift
        timeout "$NC_TIMEOUT" ip -n "$ns" "$@"
}

# Reads JSON on stdin and prints the Python expression over it (named d);
# lists print one item a line, None prints nothing.
nc_j() {
        python3 -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1], {"d": d})
if isinstance(v, (list, tuple)):
        print("\n".join(str(x) for x in v))
elif isinstance(v, bool):
        print("true" if v else "false")
elif v is not None:
        print(v)
' "$1"
}

# nc_link_field NS IFNAME FIELD: a field of `ip -j -d link show` (flags as
# a comma list), empty when absent.
nc_link_field() {
        nc_in "$1" -j -d link show dev "$2" | nc_j "(lambda l: ','.join(l['flags']) if '$3' == 'flags' else l.get('$3'))(d[0])"
}

# name=ifindex, one a line, sorted: what must not change across applies.
nc_ifindexes() {
        nc_in "$1" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 "=" $1 }' | sort
}

# nc_wait_until SECONDS COMMAND...: polls every 50 ms.
nc_wait_until() {
        local seconds=$1; shift
        local deadline=$((SECONDS + seconds))
        until "$@"; do
                [ "$SECONDS" -lt "$deadline" ] || return 1
                sleep 0.05
        done
}

# nc_ping NS ADDRESS: one echo request, one second at most.
nc_ping() {
        if command -v ping >/dev/null; then
                timeout 5 ip netns exec "$1" ping -n -q -c1 -W1 "$2" >/dev/null 2>&1
        else
                timeout 5 ip netns exec "$1" python3 - "$2" <<'EOF'
# ICMP echo without ping(8): raw socket, one request, one second.
import os, socket, struct, sys
def csum(b):
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        s = (s >> 16) + (s & 0xffff)
        return ~(s + (s >> 16)) & 0xffff
ident = os.getpid() & 0xffff
body = b"netconverge-test"
hdr = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + body), ident, 1) + body
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(1)
s.sendto(pkt, (sys.argv[1], 0))
try:
        while True:
                data, addr = s.recvfrom(2048)
                ihl = (data[0] & 15) * 4
                t, _, _, i, _ = struct.unpack("!BBHHH", data[ihl:ihl + 8])
                if t == 0 and i == ident and addr[0] == sys.argv[1]:
                        sys.exit(0)
except socket.timeout:
        sys.exit(1)
EOF
        fi
}

# nc_outside NS UPLINK OUTSIDE [UPLINK6 OUTSIDE6]: an "outside" namespace NS
# joined to the run's host namespace by a veth, $NC_PREFIX-up on the host's
# side with UPLINK/24 (and UPLINK6/64), $NC_PREFIX-o on the outside's with
# OUTSIDE/24 (and OUTSIDE6/64); IPv6 without duplicate address detection,
# so it works at once. Both ends and both namespaces' lo up; NS is removed
# by the cleanup like every namespace of the run.
nc_outside() {
        local ns=$1 up=$2 out=$3 up6=${4:-} out6=${5:-}
        ip netns add "$ns"
        nc_in "$NC_HOST" link add "$NC_PREFIX-up" type veth peer name "$NC_PREFIX-o" netns "$ns"
        nc_in "$NC_HOST" addr add "$up/24" dev "$NC_PREFIX-up"
        nc_in "$ns" addr add "$out/24" dev "$NC_PREFIX-o"
        if [ -n "$up6" ]; then
                nc_in "$NC_HOST" addr add "$up6/64" dev "$NC_PREFIX-up" nodad
                nc_in "$ns" addr add "$out6/64" dev "$NC_PREFIX-o" nodad
        fi
        nc_in "$NC_HOST" link set "$NC_PREFIX-up" up
        nc_in "$NC_HOST" link set lo up
        nc_in "$ns" link set "$NC_PREFIX-o" up
        nc_in "$ns" link set lo up
}

# Starts a background command and remembers its PID for the cleanup.
nc_background() {
        "$@" &
        NC_PIDS+=("$!")
}

# nc_notify_listener SOCKET NOTES SECONDS: stands in for systemd's notify
# socket (NOTIFY_SOCKET) for at most SECONDS; each datagram becomes one line
# of NOTES, its newlines as " | ". Returns once it listens.
nc_notify_listener() {
        nc_background timeout "$3" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".up", "w").close()
while True:
        m = s.recv(4096).decode()
        with open(sys.argv[2], "a") as f:
                f.write(m.replace("\n", " | ") + "\n")
' "$1" "$2"
        nc_wait_until 5 test -e "$2.up" || nc_fail "the notify listener did not start"
}
