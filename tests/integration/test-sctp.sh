#!/usr/bin/env bash
# SCTP published ports (issue 14 item 7): test-sctp.sh NETCONVERGE SOURCE-DIR
#
# The DNAT rule loads and reads back in nft's JSON as "sctp dport 3868 dnat
# ip to ADDR:3868"; a second run observes it (the decoder
# knows sctp) and has nothing to do. Then real packets: the kernel here may
# have no SCTP sockets, so an "outside" namespace (198.51.100.2, joined to
# the host by a veth) sends a hand-made INIT chunk over a raw socket, and a
# raw socket in the container must see it arrive translated to its address;
# an unpublished SCTP port must not reach it.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
OUT=$P-out
DIAM=$P-diam
DIAM_IP=10.125.1.2
UPLINK=198.51.100.1
OUTSIDE=198.51.100.2
T=netconverge
sctp=$NC_SRC/tests/integration/sctpcheck.py
f=$(nc_config sctp)
command -v nft >/dev/null || nc_fail "nft is missing (the test checks the kernel with it)"
in_ns() { local ns=$1; shift; timeout 10 ip netns exec "$ns" "$@"; }

nc_outside "$OUT" "$UPLINK" "$OUTSIDE"

nc_expect 0 apply "$f"
in_ns "$H" nft -j list table inet "$T" >"$NC_TMP/table.json"
python3 - "$NC_TMP/table.json" <<'PY' || nc_fail "the sctp DNAT rules are not what the file says"
import json, sys
d = json.load(open(sys.argv[1]))["nftables"]
rules = {r["rule"].get("comment"): r["rule"]["expr"] for r in d if "rule" in r}


def matches(expr):
    return {json.dumps(m["match"]["left"], sort_keys=True): m["match"]["right"] for m in expr if "match" in m}


def payload(protocol, field):
    return json.dumps({"payload": {"protocol": protocol, "field": field}}, sort_keys=True)


# The ports are elements of per-protocol maps (SPEC 7.2), looked up by
# "meta l4proto sctp" rules; tcp on the same number is in tcp's map.
maps = {m["map"]["name"]: m["map"] for m in d if "map" in m}
elems = {e[0]["elem"]["comment"]: (m["name"], e[0]["elem"]["val"], e[1]["concat"])
         for m in maps.values() for e in m.get("elem", [])}
assert elems["publish sctp 0.0.0.0:3868"] == ("ports4_sctp", 3868, ["10.125.1.2", 3868]), elems
assert elems["publish sctp 127.0.0.1:2905"] == ("ports4_sctp_addr", {"concat": ["127.0.0.1", 2905]},
                                                 ["10.125.1.2", 2905]), elems
assert elems["publish tcp 0.0.0.0:3868"][0] == "ports4_tcp", elems
# nft shows our "meta l4proto sctp th dport" key as "sctp dport".
for key, proto in (("ports sctp", "sctp"), ("ports sctp addr", "sctp"), ("ports tcp", "tcp")):
    dnat = [e["dnat"] for e in rules[key] if "dnat" in e][0]
    assert proto in json.dumps(dnat["addr"]["map"]["key"]), (key, rules[key])
PY
nc_pass "sctp ports in the kernel: elements of the sctp maps, dnat to the container; tcp on the same number apart"

nc_expect 0 diff "$f"
nc_expect 0 apply "$f"
grep -q "No changes" <<<"$NC_OUT" || nc_fail "a second apply is not a no-op: $NC_OUT"
nc_pass "the sctp rules are observed as the file's: nothing to do"

nc_expect 0 show
printf '%s\n' "$NC_OUT" >"$NC_TMP/shown.yaml"
grep -qF -- '- "3868:3868/sctp"' "$NC_TMP/shown.yaml" && grep -qF -- '- "127.0.0.1:2905:2905/sctp"' "$NC_TMP/shown.yaml" ||
        nc_fail "show does not write the sctp ports: $NC_OUT"
nc_expect 0 validate "$NC_TMP/shown.yaml"
nc_pass "show writes the sctp ports in the short syntax, and its file validates"

# Real packets: an INIT to the published port reaches the container,
# translated; one to an unpublished port does not.
nc_background timeout 25 ip netns exec "$DIAM" python3 "$sctp" sniff "$NC_TMP/seen" 20
nc_wait_until 5 test -e "$NC_TMP/seen.up" || nc_fail "the sctp sniffer did not start"
in_ns "$OUT" python3 "$sctp" send "$UPLINK" 3869
in_ns "$OUT" python3 "$sctp" send "$UPLINK" 3868
nc_wait_until 5 grep -q . "$NC_TMP/seen" || nc_fail "no sctp packet reached the container through 3868"
sleep 0.3
[ "$(cat "$NC_TMP/seen")" = "$DIAM_IP 3868" ] ||
        nc_fail "the container saw '$(tr '\n' ';' <"$NC_TMP/seen")', expected only '$DIAM_IP 3868'"
nc_pass "an sctp INIT to $UPLINK:3868 reaches $DIAM_IP:3868; one to 3869 does not"
