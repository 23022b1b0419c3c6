#!/usr/bin/env bash
# The dot renderer without root: test-dot.sh RENDER-DOT NETCONVERGE SOURCE-DIR
# Every example's graph is accepted by `dot -Tsvg` and is the same bytes
# twice; docs/docker0.svg is current; the hostile model's graph is valid
# UTF-8 with its names escaped; -o dot on a command other than show is a
# usage error.
set -euo pipefail

render=$1
nc=$2
src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

command -v dot >/dev/null || fail "dot is missing (graphviz; scripts/install-deps.sh test)"

svg() { # DOT-FILE: dot accepts it and draws something
        timeout 60 dot -Tsvg "$1" >"$1.svg" 2>"$1.err" || { cat "$1.err" >&2; fail "dot -Tsvg rejected $1"; }
        [ -s "$1.svg" ] || fail "dot -Tsvg drew nothing for $1"
        grep -q '<svg' "$1.svg" || fail "no <svg> for $1"
}

for f in "$src"/examples/*.yaml; do
        name=$(basename "$f" .yaml)
        "$render" "$f" >"$tmp/$name.dot" || fail "render-dot $f"
        "$render" "$f" | cmp -s - "$tmp/$name.dot" || fail "two renderings of $f differ"
        svg "$tmp/$name.dot"
done

# docker0: the objects the picture must show.
d=$tmp/docker0.dot
for want in 'bridge docker0\n172.17.0.0/16\ngateway 172.17.0.1' 'eth0\n172.17.0.3/16\n02:42:ac:11:00:03' \
            'netns web' 'tcp 0.0.0.0:8080' '-> 172.17.0.3:80' 'masquerade\n172.17.0.0/16'; do
        grep -qF -- "$want" "$d" || fail "docker0.dot lacks '$want'"
done
# dual stack (SPEC 7.1): both families on the bridge, the interfaces, the
# ports (no host_ip: both; [::1]: IPv6 only) and the masquerade; an IPv6-only
# bridge shows no IPv4 at all.
d=$tmp/dual-stack.dot
for want in 'bridge docker0\n172.17.0.0/16\ngateway 172.17.0.1\nfd00:17::/64\ngateway fd00:17::1' \
            'bridge repl\nfd00:18::/64\ngateway fd00:18::1\nmtu' 'eth0\n172.17.0.3/16\nfd00:17::3/64' \
            'tcp 0.0.0.0:8080, [::]:8080' '-> 172.17.0.3:80, [fd00:17::3]:80' 'tcp [::1]:9090"' \
            '-> [fd00:17::3]:9090"' 'masquerade\n172.17.0.0/16\nfd00:17::/64'; do
        grep -qF -- "$want" "$d" || fail "dual-stack.dot lacks '$want'"
done
if grep -qF '0.0.0.0/0' "$d"; then fail "dual-stack.dot draws an IPv4 subnet for the IPv6-only bridge"; fi
# two bridges, isolated: one dashed red edge between them.
[ "$(grep -c 'label="isolated"' "$tmp/two-bridges.dot")" -eq 1 ] || fail "two-bridges.dot: not one isolation edge"

# The README's picture shows what the renderer draws today (its words, not
# its layout, which depends on graphviz's version); see docs/dot.md to remake it.
words() { grep -o '>[^<]*</text>' "$1" | sort; }
if ! diff -u <(words "$src/docs/docker0.svg") <(words "$tmp/docker0.dot.svg"); then
        fail "docs/docker0.svg is not what render-dot draws for examples/docker0.yaml; remake it (docs/dot.md)"
fi

h=$tmp/hostile.dot
"$render" --hostile >"$h" || fail "render-dot --hostile"
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$h" || fail "hostile.dot is not UTF-8"
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f]' "$h"; then fail "hostile.dot holds control characters"; fi
for want in 'label="bridge br\"\\N\n' 'we?b?(' '/proc/1/ns/net\\\"}' $'\xc3\xbc\\"0' 'v\\???' \
            'left out: \"quoted\" \\ and ??\l' 'label="netconverge (nftables table inet t\"able)"'; do
        grep -qF -- "$want" "$h" || fail "hostile.dot lacks '$want'"
done
[ "$(grep -c 'label="bridge br???' "$h")" -eq 2 ] || fail "hostile.dot: two bridges whose names read alike are not two nodes"
# Three isolated bridges: three pairs.
[ "$(grep -c 'label="isolated"' "$h")" -eq 3 ] || fail "hostile.dot: not three isolation edges"
svg "$h"

for cmd in "validate x.yaml" "diff x.yaml" "apply x.yaml" "destroy" "watch x.yaml"; do
        rc=0
        # shellcheck disable=SC2086
        "$nc" -o dot $cmd >"$tmp/out" 2>"$tmp/err" || rc=$?
        [ "$rc" -eq 1 ] || fail "-o dot $cmd exited $rc, expected 1"
        grep -q 'only show draws a graph' "$tmp/err" || fail "-o dot $cmd: $(cat "$tmp/err")"
done
rc=0
"$nc" -o dot show --snapshot >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || fail "-o dot show --snapshot exited $rc, expected 1"
echo "ok: dot renderer"
