#!/usr/bin/env bash
# The command line as a user meets it: help, version, exit codes, examples,
# files that cannot be read, and the commands whose work lands later.
set -uo pipefail

nc=$1
top=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run EXPECTED_STATUS CMD...: runs with a bound, keeps stdout/stderr.
run() {
        local want=$1; shift
        timeout 20 "$@" >"$tmp/out" 2>"$tmp/err"
        local got=$?
        [ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(head -c 400 "$tmp/err")"
}
expect_in() { grep -qF -- "$2" "$tmp/$1" || fail "$1 lacks '$2': $(head -c 400 "$tmp/$1")"; }
expect_is() { printf '%s\n' "$2" | cmp -s - "$tmp/$1" || fail "$1 is '$(cat "$tmp/$1")', expected '$2'"; }

run 0 "$nc" --help
for c in validate diff apply show watch destroy; do expect_in out "  $c"; done
expect_in out "Exit codes"
# Every command's own --help: its usage on stdout, exit 0, and never the
# command itself (apply --help with a file changes nothing: no root needed).
declare -A own_option=([validate]="FILE" [diff]="--observed SNAP" [apply]="--detailed-exitcode"
                       [show]="--snapshot" [watch]="--interval S" [destroy]="--dry-run")
for c in validate diff apply show watch destroy; do
        run 0 "$nc" "$c" --help
        expect_in out "Usage: netconverge [-n NETNS] [-o text|json|dot] [-v|-q] $c"
        expect_in out "${own_option[$c]}"
        expect_in out "Exit codes"
        [ ! -s "$tmp/err" ] || fail "$c --help wrote to stderr: $(head -c 200 "$tmp/err")"
done
run 0 "$nc" apply "$tmp/missing.yaml" --dry-run -h
expect_in out "Usage: netconverge [-n NETNS] [-o text|json|dot] [-v|-q] apply"
run 0 "$nc" --help
expect_in out "  destroy [--dry-run]"
run 0 "$nc" --version
grep -qE '^netconverge [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || fail "--version printed '$(cat "$tmp/out")'"
run 1 "$nc"
expect_in err "Usage:"
run 1 "$nc" frobnicate
expect_is err "netconverge: unknown command 'frobnicate'; see netconverge --help"
run 1 "$nc" -o yaml validate "$top/examples/docker0.yaml"
expect_is err "netconverge: -o: unknown output format 'yaml'; use text, json or dot"
run 1 "$nc" -n a/b validate "$top/examples/docker0.yaml"
expect_in err "-n: namespace name 'a/b'"

for f in "$top"/examples/*.yaml; do
        run 0 "$nc" validate "$f"
        expect_in out "valid:"
        run 0 "$nc" -o json validate "$f"
        expect_is out "[]"
        run 0 "$nc" -q validate "$f"
        [ ! -s "$tmp/out" ] || fail "-q validate printed '$(cat "$tmp/out")'"
done
run 0 "$nc" -v validate "$top/examples/docker0.yaml"
expect_in out "web (netns web)"
expect_in out "publish tcp 0.0.0.0:8080 -> 172.17.0.3:80"

run 1 "$nc" validate
expect_is err "netconverge: validate: expected one FILE argument"
run 1 "$nc" validate "$tmp/missing.yaml"
expect_is err "$tmp/missing.yaml: cannot read the file: No such file or directory"
run 1 "$nc" validate "$tmp"
expect_is err "$tmp: cannot read the file: Is a directory"
run 1 "$nc" validate /dev/zero
expect_is err "/dev/zero: the file is larger than the limit of 4194304 bytes"
head -c 5000000 /dev/urandom >"$tmp/big.yaml"
run 1 "$nc" validate "$tmp/big.yaml"
expect_is err "$tmp/big.yaml: the file is larger than the limit of 4194304 bytes"
run 1 "$nc" -o json validate "$tmp/missing.yaml"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["line"] is None and "No such file" in d[0]["message"], d' \
        "$tmp/out" || fail "json error for a missing file: $(cat "$tmp/out")"

# Planning without root: a snapshot, /dev/null being a fresh host.
run 2 "$nc" diff "$top/examples/docker0.yaml" --observed /dev/null
expect_in out "+ bridge docker0 (mtu 1500)"
expect_in out "Plan: 21 to add, 3 to change, 0 to remove."
run 2 "$nc" -o json diff "$top/examples/docker0.yaml" --observed /dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]=={"add":21,"change":3,"remove":0}, d["summary"]' \
        "$tmp/out" || fail "json plan summary: $(head -c 300 "$tmp/out")"
printf 'snapshot: 1\nlinks:\n  - {netns: "", name: x, kind: frob}\n' >"$tmp/bad.snap"
run 1 "$nc" diff "$top/examples/docker0.yaml" --observed "$tmp/bad.snap"
expect_in err "bad.snap:3:"
run 1 "$nc" diff "$tmp/missing.yaml" --observed /dev/null
expect_is err "$tmp/missing.yaml: cannot read the file: No such file or directory"

# Never without -n here: these checks run in the machine's own namespace,
# so only commands that cannot change the kernel are run for real.
run 1 "$nc" apply
expect_in err "expected one FILE argument"
run 1 "$nc" watch "$tmp/missing.yaml" --interval soon
expect_in err "'soon' is not a number of seconds"
run 1 "$nc" destroy extra
expect_in err "takes no arguments"

if [ "$failures" -gt 0 ]; then
        echo "$failures check(s) failed"
        exit 1
fi
echo "all CLI checks passed"
