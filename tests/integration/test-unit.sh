#!/usr/bin/env bash
# The systemd unit: test-unit.sh NETCONVERGE SOURCE-DIR
#  1. `systemd-analyze verify` accepts it (a copy whose ExecStart is the
#     built binary: verify wants the binary to exist);
#  2. it keeps the choices its comments explain: Type=notify, reload by
#     SIGHUP, and no option that gives the service its own mount namespace
#     or network namespace (either would hide the namespaces it creates);
#  3. its capability bounding set and NoNewPrivileges are enough: apply and
#     watch run under setpriv(1) with only those, in namespaces of this run.
# Skipped (77) only when neither systemd-analyze nor root is there.
source "$(dirname "$0")/lib.sh"
BIN=$(readlink -f "$1")
SRC=$2
UNIT=$SRC/packaging/systemd/netconverge.service
ran=0

fail() { echo "FAIL: $*" >&2; exit 1; }

[ -f "$UNIT" ] || fail "$UNIT is missing"

# --- 2. The choices, read from the file itself.
setting() { grep -E "^$1=" "$UNIT" | tail -1 | cut -d= -f2-; }
[ "$(setting Type)" = notify ] || fail "Type= is not notify"
[ "$(setting ExecStart)" = "/usr/sbin/netconverge watch /etc/netconverge/netconverge.yaml" ] ||
        fail "ExecStart= is $(setting ExecStart)"
[ "$(setting ExecReload)" = '/bin/kill -HUP $MAINPID' ] || fail "ExecReload= does not send SIGHUP"
[ "$(setting Restart)" = on-failure ] || fail "Restart= is not on-failure"
[ "$(setting CapabilityBoundingSet)" = "CAP_NET_ADMIN CAP_SYS_ADMIN" ] ||
        fail "CapabilityBoundingSet= is $(setting CapabilityBoundingSet)"
[ "$(setting NoNewPrivileges)" = yes ] || fail "NoNewPrivileges= is not yes"
[ "$(setting RestrictAddressFamilies)" = "AF_NETLINK AF_UNIX" ] || fail "RestrictAddressFamilies= changed"
for opt in PrivateNetwork ProtectSystem ProtectHome PrivateTmp PrivateDevices PrivateMounts ReadWritePaths \
           ReadOnlyPaths InaccessiblePaths BindPaths TemporaryFileSystem ProtectKernelTunables \
           ProtectKernelModules ProtectKernelLogs ProtectControlGroups ProtectProc ProcSubset RootDirectory \
           JoinsNamespaceOf NetworkNamespacePath PrivateUsers; do
        [ -z "$(setting "$opt")" ] || fail "$opt= is set: it gives the service its own mount or network namespace"
done
echo "ok: the unit's settings" >&2

# --- 1. systemd-analyze verify.
if command -v systemd-analyze >/dev/null; then
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        sed "s|^ExecStart=/usr/sbin/netconverge |ExecStart=$BIN |" "$UNIT" >"$tmp/netconverge.service"
        out=$(timeout 60 systemd-analyze verify "$tmp/netconverge.service" 2>&1) ||
                fail "systemd-analyze verify: $out"
        # It exits 0 on some warnings; any word about our unit is a failure.
        if grep -q netconverge <<<"$out"; then
                fail "systemd-analyze verify: $out"
        fi
        echo "ok: systemd-analyze verify accepts the unit" >&2
        rm -rf "$tmp"
        trap - EXIT
        ran=1
else
        echo "skip: systemd-analyze verify (no systemd-analyze here)" >&2
fi

# --- 3. The capabilities, in namespaces of this run.
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
        echo "skip: the capability check (needs root and setpriv)" >&2
        [ "$ran" -eq 1 ] && exit 0
        exit 77
fi
nc_init "$BIN" "$SRC"
P=$NC_PREFIX
H=$NC_HOST
F=$NC_TMP/unit.yaml
cat >"$F" <<YAML
version: 1
bridges:
  ${P}u:
    subnet: 10.126.0.0/24
containers:
  web:
    netns: $P-uweb
    networks: [${P}u]
    ports: ["8080:80"]
YAML
# What the unit leaves it: the two capabilities, no new privileges.
confined() {
        timeout "$NC_TIMEOUT" setpriv --bounding-set=-all,+net_admin,+sys_admin --inh-caps=-all \
                --no-new-privs -- "$@"
}
out=$(confined "$NC_BIN" -n "$H" apply "$F" 2>&1) || { echo "$out" >&2; nc_fail "apply with the unit's capabilities"; }
grep -q '"local":"10.126.0.2"' <<<"$(nc_in "$P-uweb" -j -4 addr show dev eth0)" ||
        nc_fail "the namespace created under the unit's capabilities is not usable from outside"
# Not `nft list | grep -q`: nft writes in many small writes, and under
# pipefail grep's early exit kills it with SIGPIPE (12 in 200 runs).
grep -q 'publish tcp 0.0.0.0:8080' <<<"$(timeout 10 ip netns exec "$H" nft list table inet netconverge)" ||
        nc_fail "no nftables rules under the unit's capabilities"
nc_pass "apply with only CAP_NET_ADMIN CAP_SYS_ADMIN and no new privileges: converged"

LOG=$NC_TMP/watch.log
nc_background setpriv --bounding-set=-all,+net_admin,+sys_admin --inh-caps=-all --no-new-privs -- \
        "$NC_BIN" -n "$H" watch "$F" --interval 3600 2>>"$LOG"
W=$!
nc_wait_until 10 grep -q 'watching' "$LOG" || nc_fail "watch did not start: $(cat "$LOG")"
sleep 0.3
end=$(nc_in "$H" -j -d link show master "${P}u" |
        nc_j "[l['ifname'] for l in d if l.get('ifalias', '').startswith('netconverge:veth web ')]")
[ -n "$end" ] || nc_fail "no host end for web"
nc_in "$H" link del "$end"
nc_wait_until 3 nc_in "$H" link show dev "$end" >/dev/null 2>&1 ||
        nc_fail "watch under the unit's capabilities did not repair a deleted veth: $(cat "$LOG")"
kill -TERM "$W"
rc=0
wait "$W" || rc=$?
[ "$rc" -eq 0 ] || nc_fail "watch under the unit's capabilities: SIGTERM gave $rc"
grep -q 'error' "$LOG" && nc_fail "errors under the unit's capabilities: $(cat "$LOG")"
nc_pass "watch with only CAP_NET_ADMIN CAP_SYS_ADMIN: netlink monitors work, drift repaired, exit 0"
