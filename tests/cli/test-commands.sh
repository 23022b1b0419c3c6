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
# json_is FILE EXPR [ARG]: FILE holds exactly one JSON document, read as
# strict UTF-8, and the python expression EXPR holds (d is the document,
# arg is ARG).
json_is() {
        python3 -c '
import json, sys
with open(sys.argv[1], encoding="utf-8", errors="strict") as f:
    d = json.loads(f.read())
arg = sys.argv[2]
sys.exit(0 if eval("(" + sys.argv[3] + ")") else 1)
' "$tmp/$1" "${3:-}" "$2" || fail "$1 is not one JSON document where $2: $(head -c 600 "$tmp/$1")"
}
# json_error KIND TEXT: stdout is an error document of one error of KIND
# whose message contains TEXT, and nothing went to stderr.
json_error() {
        json_is out "d['format_version'] == 1 and set(d) == {'format_version', 'command', 'errors'}
                     and [e['kind'] for e in d['errors']] == ['$1'] and arg in d['errors'][0]['message']" "$2"
        [ ! -s "$tmp/err" ] || fail "-o json wrote on stderr: $(cat "$tmp/err")"
}

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
        json_is out "d == {'format_version': 1, 'command': 'validate', 'file': arg, 'valid': True, 'errors': []}" "$f"
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
# A FIFO is refused at once, never waited on (it used to block open()
# forever); run's timeout turns a hang into exit 124.
mkfifo "$tmp/fifo.yaml"
run 1 "$nc" validate "$tmp/fifo.yaml"
expect_is err "$tmp/fifo.yaml: cannot read the file: it is a FIFO, not a regular file"
run 1 "$nc" diff "$top/examples/docker0.yaml" --observed "$tmp/fifo.yaml"
expect_in err "it is a FIFO, not a regular file"
# Control bytes never reach the terminal raw (issue 11): a file name with
# an ESC sequence and a byte that is not UTF-8, a key with a BEL, an option
# with an ESC; each shown C-style (src/util/escape.h).
no_controls() {
        [ "$(cat "$tmp/out" "$tmp/err" | LC_ALL=C tr -d '\n\t\040-\176\200-\377' | wc -c)" -eq 0 ] ||
                fail "$1: control bytes on stdout/stderr: $(cat -A "$tmp/err" | head -c 400)"
}
weird=$tmp/$'\e[2Jx\xff'.yaml
printf 'version: 1\n"bridges\\a": {}\n' >"$weird"
run 1 "$nc" validate "$weird"
expect_is err "$tmp/\x1b[2Jx\xff.yaml:2:1: bridges\a: unknown key; did you mean 'bridges'?"
no_controls "validate of a file with an ESC in its name"
run 1 "$nc" diff --observed /dev/null "$weird"
no_controls "diff of a file with an ESC in its name"
run 1 "$nc" validate $'--\e[31mx' "$weird"
expect_is err "netconverge: validate: unknown option '--\x1b[31mx'"
no_controls "an option with an ESC"
run 1 "$nc" $'\e]0;owned\a'
expect_in err "unknown command '\x1b]0;owned\a'"
no_controls "a command with an OSC sequence"
run 1 "$nc" validate /dev/zero
expect_is err "/dev/zero: the file is larger than the limit of 4194304 bytes"
head -c 5000000 /dev/urandom >"$tmp/big.yaml"
run 1 "$nc" validate "$tmp/big.yaml"
expect_is err "$tmp/big.yaml: the file is larger than the limit of 4194304 bytes"
run 1 "$nc" -o json validate "$tmp/missing.yaml"
json_is out "d['valid'] is False and d['errors'][0]['kind'] == 'file' and d['errors'][0]['line'] is None
             and 'No such file' in d['errors'][0]['message']"
[ ! -s "$tmp/err" ] || fail "-o json validate wrote on stderr: $(cat "$tmp/err")"

# Planning without root: a snapshot, /dev/null being a fresh host.
run 2 "$nc" diff "$top/examples/docker0.yaml" --observed /dev/null
expect_in out "+ bridge docker0 (mtu 1500)"
expect_in out "Plan: 27 to add, 4 to change, 0 to remove."
run 2 "$nc" -o json diff "$top/examples/docker0.yaml" --observed /dev/null
json_is out "d['summary'] == {'add': 27, 'change': 4, 'remove': 0} and d['format_version'] == 1 and d['errors'] == []"
printf 'snapshot: 1\nlinks:\n  - {netns: "", name: x, kind: frob}\n' >"$tmp/bad.snap"
run 1 "$nc" diff "$top/examples/docker0.yaml" --observed "$tmp/bad.snap"
expect_in err "bad.snap:3:"
# A rule with an empty chain list: a clear diagnostic (it used to reach
# bsearch() with a NULL array, which UBSan reports under clang).
printf 'snapshot: 1\nnft:\n  table: netconverge\n  chains: []\n  rules:\n    - {chain: output, key: "jump output", kind: jump, target: publish, not_loopback: true}\n' >"$tmp/nochains.snap"
run 1 "$nc" diff "$top/examples/docker0.yaml" --observed "$tmp/nochains.snap"
expect_is err "$tmp/nochains.snap:6:15: nft.rules[0].chain: chain 'output' is not listed under nft.chains"
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

# -o json: every error is one JSON document on stdout, nothing on stderr;
# text mode keeps its messages (checked above).
run 1 "$nc" -o json frobnicate
json_error usage "unknown command 'frobnicate'"
json_is out "d['command'] is None"
run 1 "$nc" -o json
json_error usage "no command given"
run 1 "$nc" -n a/b -o json validate "$top/examples/docker0.yaml"
json_error usage "-n: namespace name 'a/b'"
run 1 "$nc" -o json --bogus validate "$top/examples/docker0.yaml"
json_error usage "unknown option '--bogus'"
run 1 "$nc" -o json validate
json_error usage "expected one FILE argument"
json_is out "d['command'] == 'validate'"
run 1 "$nc" -o json apply
json_error usage "expected one FILE argument"
run 1 "$nc" -o json apply --frob x.yaml
json_error usage "unknown option '--frob'"
run 1 "$nc" -o json apply x.yaml --wait
json_error usage "option '--wait' requires an argument"
run 1 "$nc" -o json watch "$tmp/missing.yaml" --interval soon
json_error usage "'soon' is not a number of seconds"
run 1 "$nc" -o json destroy extra
json_error usage "takes no arguments"
run 1 "$nc" -o json diff "$tmp/missing.yaml" --observed /dev/null
json_error file "cannot read the file: No such file or directory"
json_is out "d['errors'][0]['file'] == arg and d['errors'][0]['line'] is None" "$tmp/missing.yaml"
run 1 "$nc" -o json diff "$top/examples/docker0.yaml" --observed "$tmp/bad.snap"
json_is out "{(e['kind'], e['line'], e['file']) for e in d['errors']} == {('snapshot', 3, arg)}" \
        "$tmp/bad.snap"
run 1 "$nc" -o json diff "$top/examples/docker0.yaml" --observed "$tmp/missing.snap"
json_error snapshot "No such file"
run 1 "$nc" -o json -n nc-no-such-netns-$$ diff "$top/examples/docker0.yaml"
json_error netns "cannot enter netns nc-no-such-netns-$$"
run 1 "$nc" -o json -n nc-no-such-netns-$$ show
json_error netns "entering netns nc-no-such-netns-$$"
run 1 "$nc" -o json -n nc-no-such-netns-$$ apply "$top/examples/docker0.yaml"
json_error netns "cannot enter netns"
json_is out "d['command'] == 'apply'"
# A snapshot holding a name that is not UTF-8 (as !!binary): the plan's
# JSON is still strict UTF-8.
printf 'snapshot: 1\nlinks:\n  - {netns: "", name: !!binary "ZG9ja2VyMP8=", kind: bridge, mtu: 1500}\n' >"$tmp/bin.snap"
run 2 "$nc" -o json diff "$top/examples/docker0.yaml" --observed "$tmp/bin.snap"
json_is out "d['errors'] == [] and d['summary']['add'] == 27"
# The error document's bytes are the contract: golden.
run 1 "$nc" -o json validate "$tmp/missing.yaml"
sed "s|$tmp|TMP|g" "$tmp/out" >"$tmp/golden"
diff -u "$top/tests/cli/error-document.json" "$tmp/golden" || fail "the error document differs from tests/cli/error-document.json"

if [ "$failures" -gt 0 ]; then
        echo "$failures check(s) failed"
        exit 1
fi
echo "all CLI checks passed"
