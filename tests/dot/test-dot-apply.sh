#!/usr/bin/env bash
# show -o dot on a real host: test-dot-apply.sh NETCONVERGE SOURCE-DIR RENDER-DOT
# Applies two isolated bridges with published ports in throwaway namespaces
# (tests/integration/lib.sh), then the observed topology's graph must be
# accepted by dot -Tsvg, show what was applied, and be the same bytes as
# the file's own graph (render-dot): what was drawn is what was asked for.
source "$(dirname "$0")/../integration/lib.sh"
render=$3
nc_init "$1" "$2"
command -v dot >/dev/null || nc_fail "dot is missing (graphviz; scripts/install-deps.sh test)"

P=$NC_PREFIX
file=$(nc_config nat)
nc_expect 0 apply "$file"
nc_expect 0 -o dot show
printf '%s\n' "$NC_OUT" >"$NC_TMP/show.dot"
timeout 60 dot -Tsvg "$NC_TMP/show.dot" >"$NC_TMP/show.svg" || nc_fail "dot -Tsvg rejected show -o dot"
[ -s "$NC_TMP/show.svg" ] || nc_fail "dot -Tsvg drew nothing"
for want in "bridge ${P}a\\n10.124.1.0/24" "bridge ${P}b\\n10.124.2.0/24" "netns $P-web" "netns $P-other" \
            'tcp 0.0.0.0:8080' 'udp 0.0.0.0:5353' '-> 10.124.1.2:80' 'label="isolated"' 'masquerade\n10.124.1.0/24'; do
        grep -qF -- "$want" "$NC_TMP/show.dot" || { cat "$NC_TMP/show.dot" >&2; nc_fail "show -o dot lacks '$want'"; }
done
"$render" "$file" >"$NC_TMP/file.dot" || nc_fail "render-dot $file"
diff -u "$NC_TMP/file.dot" "$NC_TMP/show.dot" || nc_fail "show -o dot after apply differs from the file's graph"
nc_pass "show -o dot after apply is a graph dot draws, the file's own"
nc_expect 0 destroy
