#!/usr/bin/env bash
# Times apply at scale: bench-apply.sh NETCONVERGE SOURCE-DIR [N]
#
# In namespaces of its own (lib.sh): applies a file with N (default 1000)
# containers on one bridge, applies it again (nothing to do), destroys it
# (one link-group delete), then rebuilds it and deletes the same links one
# RTM_DELLINK at a time for comparison. A measurement, not a test: it
# asserts only that each step succeeded. Root only.
source "$(dirname "$0")/lib.sh"
NC_TIMEOUT=600
nc_init "$1" "$2"
n=${3:-1000}

file=$NC_TMP/bench.yaml
{
        printf 'version: 1\nbridges:\n  %sbr:\n    subnet: 10.200.0.0/16\ncontainers:\n' "$NC_PREFIX"
        for i in $(seq 1 "$n"); do
                printf '  c%04d:\n    netns: %s-c%04d\n    networks: [%sbr]\n' "$i" "$NC_PREFIX" "$i" "$NC_PREFIX"
        done
} >"$file"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

t=$(date +%s%N); nc_expect 0 -q apply "$file"; nc_log "apply $n containers (namespaces created): $(ms "$t") ms"
t=$(date +%s%N); nc_expect 0 -q apply "$file"; nc_log "apply again (No changes.): $(ms "$t") ms"
t=$(date +%s%N); nc_expect 0 -q destroy; nc_log "destroy ($((n + 1)) links, one group delete): $(ms "$t") ms"
t=$(date +%s%N); nc_expect 0 -q apply "$file"; nc_log "apply $n containers (namespaces exist): $(ms "$t") ms"
nc_in "$NC_HOST" -o link show | awk -F': ' '$2 ~ /^veth/ { sub(/@.*/, "", $2); print "link del dev " $2 }' >"$NC_TMP/del"
nc_in "$NC_HOST" -o link show | awk -F': ' '$2 ~ /br$/ { print "link del dev " $2 }' >>"$NC_TMP/del"
t=$(date +%s%N); timeout 600 ip -n "$NC_HOST" -batch "$NC_TMP/del"
nc_log "delete the same $(wc -l <"$NC_TMP/del") links one by one (ip -batch): $(ms "$t") ms"
