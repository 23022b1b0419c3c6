#!/usr/bin/env bash
# Blast radius (SPEC 7.6, 7.7): test-blast.sh NETCONVERGE SOURCE-DIR
#
# One file, two good containers and one of each problem confined to a
# container: its namespace is the one netconverge acts in (by name, by
# /proc/self/ns/net, by a symlink to it), is shared with another container
# (a symlink, a second name bound onto it), is no namespace (a directory, a file with data, a FIFO that
# must not block), or holds a foreign eth0. Each is reported by name, left
# as it is, the good ones converge (ping), apply exits 1; the host gets no
# eth0 and no default route (ip -j). Then a container namespace deleted
# while an apply runs: the others converge, it is reported and waits.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
T=$NC_TMP
for ns in sa ok1 ok2 fl; do ip netns add "$P-$ns"; done
ln -s "/run/netns/$H" "$T/hostlink"
ln -s "/run/netns/$P-sa" "$T/salink"
# A second name bound onto the same namespace (what `ip netns attach` does);
# the cleanup's `ip netns del` unmounts it.
touch "/run/netns/$P-sc"
mount --bind "/run/netns/$P-sa" "/run/netns/$P-sc"
mkdir "$T/adir"
echo "not a namespace" >"$T/afile"
mkfifo "$T/afifo"
# The container renamed our eth0 and made its own; here it never had ours.
nc_in "$P-fl" link add eth0 type veth peer name fl-other
nc_in "$P-fl" link set eth0 up

f=$T/blast.yaml
cat >"$f" <<YAML
version: 1
bridges:
  ${P}br:
    subnet: 10.137.1.0/24
containers:
  byname:
    netns: $H
    networks: [${P}br]
    ports: ["8081:80"]
  byproc:
    netns: /proc/self/ns/net
    networks: [${P}br]
  bylink:
    netns: $T/hostlink
    networks: [${P}br]
  sa:
    netns: $P-sa
    networks: [${P}br]
  sb:
    netns: $T/salink
    networks: [${P}br]
  sc:
    netns: $P-sc
    networks: [${P}br]
  dir:
    netns: $T/adir
    networks: [${P}br]
  file:
    netns: $T/afile
    networks: [${P}br]
  fifo:
    netns: $T/afifo
    networks: [${P}br]
  foreign:
    netns: $P-fl
    networks: [${P}br]
  ok1:
    netns: $P-ok1
    networks:
      ${P}br: {address: 10.137.1.11}
    ports: ["8080:80"]
  ok2:
    netns: $P-ok2
    networks:
      ${P}br: {address: 10.137.1.12}
YAML

host_has_no_container_parts() {
        local what=$1
        if nc_in "$H" link show dev eth0 >/dev/null 2>&1; then
                nc_fail "$what: the host namespace got an eth0"
        fi
        [ -z "$(nc_in "$H" -j route show default | nc_j 'd')" ] || nc_fail "$what: the host got a default route: $(nc_in "$H" route show default)"
        [ -z "$(nc_in "$H" -j -4 addr show | nc_j '[a["local"] for l in d for a in l.get("addr_info", []) if a["local"].startswith("10.137.1.") and a["local"] != "10.137.1.1"]')" ] ||
                nc_fail "$what: a container address landed in the host namespace"
}

reported() { # CONTAINER CAUSE-WORDS
        local line
        line=$(grep -F "conflict: container $1: " <<<"$NC_OUT" || true)
        grep -qF "$2" <<<"$line" || nc_fail "container $1 not reported with '$2': $NC_OUT"
}

nc_expect 1 apply "$f"
for c in byname byproc bylink; do
        reported "$c" "is the network namespace netconverge acts in"
done
reported sa "netns $P-sa is the same network namespace as netns $T/salink of container sb"
reported sb "netns $T/salink is the same network namespace as netns $P-sa of container sa"
reported sc "netns $P-sc is the same network namespace as netns $T/salink of container sb"
for c in dir file fifo; do
        reported "$c" "is not a network namespace"
done
reported foreign "link eth0 in netns $P-fl exists and is not managed by netconverge"
host_has_no_container_parts "first apply"
nc_pass "each problem reported by container; nothing of them in the host"

# The good ones converged: they reach each other and the gateway.
nc_ping "$P-ok1" 10.137.1.12 || nc_fail "ok1 cannot reach ok2"
nc_ping "$P-ok2" 10.137.1.1 || nc_fail "ok2 cannot reach the gateway"
[ "$(nc_in "$P-ok1" -j route show default | nc_j 'd[0]["gateway"]')" = 10.137.1.1 ] || nc_fail "ok1 has no default route"
nc_pass "the other containers converged (ping)"

# Left as they are: nothing added in the shared or the foreign namespace.
[ -z "$(nc_in "$P-sa" -j link show | nc_j '[l["ifname"] for l in d if l["ifname"] != "lo"]')" ] ||
        nc_fail "the shared namespace got links: $(nc_in "$P-sa" link show)"
[ "$(nc_in "$P-fl" -j -d link show dev eth0 | nc_j 'd[0]["linkinfo"]["info_kind"]')" = veth ] &&
        [ -z "$(nc_link_field "$P-fl" eth0 ifalias)" ] || nc_fail "the foreign eth0 was touched"
[ -z "$(nc_in "$P-fl" -j -4 addr show dev eth0 | nc_j '[a["local"] for l in d for a in l.get("addr_info", [])]')" ] ||
        nc_fail "an address went onto the foreign eth0"
nc_pass "the problem containers were left as they are"

# The same again: nothing more to do for the rest, still exit 1.
nc_expect 1 apply "$f"
grep -qF "No changes." <<<"$NC_OUT" || nc_fail "the second apply was not in sync for the rest: $NC_OUT"
nc_expect 1 diff "$f"
host_has_no_container_parts "second apply"
nc_expect 1 -o json apply "$f"
n=$(nc_j 'len([c for c in d["conflicts"] if c.startswith("container ")])' <<<"$NC_OUT")
[ "$n" = 10 ] || nc_fail "the JSON document lists $n container conflicts, not 10: $NC_OUT"
nc_pass "second apply: in sync for the rest, exit 1, conflicts in JSON"

# A converged container renames our eth0 and makes an eth0 of its own: it
# is reported and left as it is (its host end keeps its ifindex, its
# published port its rule), ok2 stays converged.
command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"
# The published ports are elements of the port maps (SPEC 7.2).
publish_rules() { timeout 10 ip netns exec "$H" nft list map inet netconverge ports4_tcp; }
grep -q '8080 comment "publish tcp 0.0.0.0:8080"' <<<"$(publish_rules)" || nc_fail "ok1's published port has no element"
before=$(nc_ifindexes "$H")
nc_in "$P-ok1" link set eth0 down
nc_in "$P-ok1" link set eth0 name eth0old
nc_in "$P-ok1" link set eth0old up
nc_in "$P-ok1" link add eth0 type veth peer name ok1-other
nc_expect 1 apply "$f"
reported ok1 "link eth0 in netns $P-ok1 exists and is not managed by netconverge"
[ "$(nc_ifindexes "$H")" = "$before" ] || nc_fail "host links changed: $(diff <(echo "$before") <(nc_ifindexes "$H"))"
grep -q '8080 comment "publish tcp 0.0.0.0:8080"' <<<"$(publish_rules)" || nc_fail "ok1's published port lost its element"
[ -z "$(nc_link_field "$P-ok1" eth0 ifalias)" ] || nc_fail "the new eth0 was taken over"
[ -z "$(nc_in "$P-ok1" -j -4 addr show dev eth0 | nc_j '[a["local"] for l in d for a in l.get("addr_info", [])]')" ] ||
        nc_fail "an address went onto ok1's new eth0"
nc_ping "$P-ok2" 10.137.1.1 || nc_fail "ok2 lost the gateway"
host_has_no_container_parts "eth0 renamed"
nc_pass "a renamed eth0 and a new one: ok1 reported and left as it is, the rest converged"

# A container namespace deleted while an apply runs. Many containers make
# the apply long enough to delete one during it, as soon as the first veth
# of the others exists (bounded: 60 s); it may be deleted before
# observation or after apply instead: every outcome must leave the others
# converged, and the victim reported (failed changes or waiting) and then
# waiting.
g=$T/gone.yaml
{
        printf 'version: 1\nbridges:\n  %sbr:\n    subnet: 10.137.1.0/24\ncontainers:\n' "$P"
        for i in $(seq 1 30); do
                printf '  c%02d:\n    netns: %s-c%02d\n    networks: [%sbr]\n' "$i" "$P" "$i" "$P"
        done
        printf '  victim:\n    netns: /run/netns/%s-victim\n    networks: [%sbr]\n' "$P" "$P"
} >"$g"
ip netns add "$P-victim"
nc_background timeout 60 bash -c '
        until ip -n "$1" link show dev eth0 >/dev/null 2>&1; do sleep 0.001; done
        ip netns del "$2"' _ "$P-c01" "$P-victim"
killer=${NC_PIDS[-1]}
nc_run apply "$g"
killed=0
wait "$killer" || killed=$?
[ "$killed" = 0 ] || nc_fail "the namespace was not deleted within 60 s (exit $killed): $NC_OUT"
[ -e "/run/netns/$P-victim" ] && nc_fail "the victim namespace is still there"
case $NC_RC in
0) grep -qF "waiting: container victim" <<<"$NC_OUT" || nc_log "note: deleted after the apply" ;;
1) grep -qF "container victim: netns /run/netns/$P-victim was deleted while applying; it waits for it" <<<"$NC_OUT" ||
        nc_fail "apply failed without saying the victim's namespace went: $NC_OUT"
   if grep -F "netconverge: apply: " <<<"$NC_OUT" | grep -vF -e "/run/netns/$P-victim" -e "container victim:" >&2; then
        nc_fail "a change outside the victim failed: $NC_OUT"
   fi ;;
*) nc_fail "apply exited $NC_RC: $NC_OUT" ;;
esac
nc_log "deleted mid-apply: exit $NC_RC; what was said of the victim:"
grep -F victim <<<"$NC_OUT" >&2 || true
for i in 01 15 30; do
        a=$(nc_in "$P-c$i" -j -4 addr show dev eth0 | nc_j 'd[0]["addr_info"][0]["local"]')
        nc_ping "$P-c$i" 10.137.1.1 || nc_fail "c$i ($a) cannot reach the gateway after the victim went"
done
nc_expect 0 apply "$g"
grep -qF "waiting: container victim (netns /run/netns/$P-victim does not exist)" <<<"$NC_OUT" ||
        nc_fail "the victim does not wait: $NC_OUT"
nc_expect 0 diff "$g"
nc_pass "namespace deleted mid-apply: the others converged, the victim waits"
