# shellcheck shell=bash
# nftables helpers of the integration tests, sourced after lib.sh: the
# kernel checked with nft(8) in the test's host namespace ($NC_HOST).

nft_in() { timeout 10 ip netns exec "$NC_HOST" nft "$@"; }

# nc_fill_forward_hook TABLE: a foreign inet table TABLE whose base chains
# fill the forward hook to the kernel's limit (MAX_HOOK_COUNT, 1024 per
# hook), so that registering one more forward base chain in ANY table fails
# with E2BIG: a real refusal of netconverge's batch by the kernel, caused
# from outside its own table. Bounded: at most 200 single additions after
# one batch of 900.
nc_fill_forward_hook() {
        local t=$1 i
        python3 -c '
import sys
print("table inet %s {" % sys.argv[1])
for i in range(900):
        print("  chain c%d { type filter hook forward priority %d; policy accept; }" % (i, i))
print("}")' "$t" >"$NC_TMP/fill.nft"
        nft_in -f "$NC_TMP/fill.nft" || nc_fail "could not make table inet $t"
        for ((i = 900; i < 1100; i++)); do
                if ! nft_in add chain inet "$t" "c$i" "{ type filter hook forward priority $i; policy accept; }" \
                        2>"$NC_TMP/fill.err"; then
                        grep -q "Argument list too long" "$NC_TMP/fill.err" ||
                                nc_fail "filling the forward hook: $(cat "$NC_TMP/fill.err")"
                        return 0
                fi
        done
        nc_fail "the forward hook took 1100 base chains: no limit to fill"
}
