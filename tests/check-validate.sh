#!/usr/bin/env bash
# Runs one file of the validation corpus and compares it with its golden file.
#
#   check-validate.sh BINARY DIR NAME MODE
#
# MODE bad:  `netconverge validate NAME.yaml` run in DIR must exit 1, print
#            nothing on stdout, and print exactly NAME.expected on stderr.
#            `-o json validate NAME.yaml` must exit 1 and print on stdout a
#            JSON document (format_version 1, valid false) whose "errors"
#            array has as many objects as NAME.expected has lines, each of
#            kind "file" with file, line, column, path and message, which
#            render to the same lines as the text output.
#            Text keeps control bytes from the file out: neither validate
#            nor `diff --observed /dev/null NAME.yaml` (which must exit 1)
#            may print a byte below 0x20 other than newline and tab, or DEL,
#            on stdout or stderr (src/util/escape.h). The JSON messages hold
#            the real characters (as \u00XX), so they are compared with the
#            text after the same escaping.
# MODE good: `netconverge -v validate NAME.yaml` run in DIR must exit 0,
#            print nothing on stderr, and print exactly NAME.expected on
#            stdout.
#
# Each run is bounded by `timeout 20`, so a hang fails the test. On a
# mismatch the script prints a unified diff and exits 1.
set -euo pipefail

if [[ $# -ne 4 ]]; then
        echo "usage: $0 BINARY DIR NAME bad|good" >&2
        exit 2
fi
bin=$1 dir=$2 name=$3 mode=$4
case $bin in
/*) ;;
*) bin=$PWD/$bin ;;
esac
cd "$dir"

yaml=$name.yaml
expected=$name.expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
        echo "FAIL $dir/$yaml: $*" >&2
        failed=1
}

# run OUT ERR ARGS...: runs the binary under timeout; prints its exit status.
run() {
        local out=$1 err=$2 rc=0
        shift 2
        timeout 20 "$bin" "$@" >"$out" 2>"$err" || rc=$?
        echo "$rc"
}

# Says what an unexpected exit status means.
describe_status() {
        local rc=$1
        if [[ $rc -eq 124 ]]; then
                echo "timed out after 20 s (a hang?)"
        elif [[ $rc -gt 128 ]]; then
                echo "killed by signal $((rc - 128)) (a crash?)"
        else
                echo "exit status $rc"
        fi
}

show() {
        echo "--- $1:" >&2
        cat "$2" >&2
}

compare() {
        local want=$1 got=$2 what=$3
        if ! diff -u --label "$dir/$want" --label "$what" "$want" "$got" >&2; then
                fail "$what differs from $want (diff above)"
        fi
}

[[ -f $yaml ]] || { echo "FAIL: no $dir/$yaml" >&2; exit 1; }
[[ -f $expected ]] || { echo "FAIL: no $dir/$expected" >&2; exit 1; }

# Renders the errors of a validate JSON document as the text form
# FILE[:LINE:COLUMN][: PATH]: MESSAGE, one per line (a newline in a field
# as \n, as the text printers write it), after checking that
# every element has the five keys. Exits non-zero when it cannot.
json_to_text() {
        if command -v jq >/dev/null 2>&1; then
                jq -r '
                  if type != "object" or .format_version != 1 or .valid != false or (.errors | type) != "array"
                  then error("not a validate document with format_version 1, valid false and errors") else . end
                  | .errors[]
                  | if type != "object" then error("an element is not an object") else . end
                  | if (has("file") and has("line") and has("column") and has("path") and has("message")
                        and .kind == "file") | not
                    then error("an element lacks one of file, line, column, path, message") else . end
                  | (.file, .path, .message) |= gsub("\n"; "\\n")
                  | "\(.file)\(if .line != null then ":\(.line):\(.column)" else "" end)\(if .path != "" then ": \(.path)" else "" end): \(.message)"
                ' "$1"
        else
                python3 - "$1" <<'EOF'
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        v = json.load(f)
except ValueError as e:
    sys.exit(f"not JSON: {e}")
if not isinstance(v, dict) or v.get("format_version") != 1 or v.get("valid") is not False \
        or not isinstance(v.get("errors"), list):
    sys.exit("not a validate document with format_version 1, valid false and errors")
for x in v["errors"]:
    if not isinstance(x, dict) or not {"file", "line", "column", "path", "message"} <= x.keys() \
            or x.get("kind") != "file":
        sys.exit("an element lacks one of file, line, column, path, message")
    # A newline in a field is one line of text all the same (escape_text).
    for k in ("file", "path", "message"):
        x[k] = x[k].replace("\n", "\\n")
    place = f":{x['line']}:{x['column']}" if x["line"] is not None else ""
    path = f": {x['path']}" if x["path"] else ""
    print(f"{x['file']}{place}{path}: {x['message']}")
EOF
        fi
}

# The text printers' escaping (src/util/escape.c) of a UTF-8 stream: C0
# controls and DEL as \a \b \t \n \v \f \r or \xHH, C1 controls byte by
# byte; the rest as it is.
escape_text() {
        python3 -c '
import sys
NAMED = {7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r"}
for line in sys.stdin.buffer.read().decode("utf-8", "surrogateescape").split("\n")[:-1]:
    out = []
    for ch in line:
        c = ord(ch)
        if c < 0x20 or 0x7f <= c < 0xa0:
            out.append("\\" + NAMED[c] if c in NAMED else "".join("\\x%02x" % b for b in ch.encode()))
        else:
            out.append(ch)
    sys.stdout.buffer.write(("".join(out) + "\n").encode("utf-8", "surrogateescape"))
'
}

# control_bytes FILE...: how many bytes below 0x20 other than newline and
# tab, and DEL, the files hold together.
control_bytes() {
        cat "$@" | LC_ALL=C tr -d '\n\t\040-\176\200-\377' | wc -c
}

case $mode in
bad)
        rc=$(run "$tmp/out" "$tmp/err" validate "$yaml")
        if [[ $rc -ne 1 ]]; then
                fail "validate: expected exit status 1, got $(describe_status "$rc")"
        fi
        if [[ -s $tmp/out ]]; then
                fail "validate: expected nothing on stdout"
                show stdout "$tmp/out"
        fi
        compare "$expected" "$tmp/err" "stderr of 'netconverge validate $yaml'"
        if [[ $(control_bytes "$tmp/out" "$tmp/err") -ne 0 ]]; then
                fail "validate: control bytes reached the terminal (cat -A):"
                cat -A "$tmp/err" >&2
        fi
        rc=$(run "$tmp/diff-out" "$tmp/diff-err" diff --observed /dev/null "$yaml")
        if [[ $rc -ne 1 ]]; then
                fail "diff --observed /dev/null: expected exit status 1, got $(describe_status "$rc")"
        fi
        if [[ $(control_bytes "$tmp/diff-out" "$tmp/diff-err") -ne 0 ]]; then
                fail "diff: control bytes reached the terminal (cat -A):"
                cat -A "$tmp/diff-err" >&2
        fi

        rc=$(run "$tmp/json" "$tmp/json-err" -o json validate "$yaml")
        if [[ $rc -ne 1 ]]; then
                fail "-o json validate: expected exit status 1, got $(describe_status "$rc")"
        fi
        if [[ -s $tmp/json-err ]]; then
                fail "-o json validate: expected nothing on stderr"
                show stderr "$tmp/json-err"
        fi
        if ! json_to_text "$tmp/json" >"$tmp/json-raw" 2>"$tmp/jq-err" ||
                ! escape_text <"$tmp/json-raw" >"$tmp/json-text"; then
                fail "-o json validate: the output is not a JSON array of diagnostics: $(cat "$tmp/jq-err")"
                show stdout "$tmp/json"
        else
                want=$(wc -l <"$expected")
                got=$(wc -l <"$tmp/json-text")
                if [[ $want -ne $got ]]; then
                        fail "-o json validate: expected $want diagnostics, got $got"
                        show stdout "$tmp/json"
                fi
                # The JSON form must say what the text form says.
                if ! diff -u --label "text output" --label "JSON output rendered as text" \
                        "$tmp/err" "$tmp/json-text" >&2; then
                        fail "-o json validate disagrees with the text output (diff above)"
                fi
        fi
        ;;
good)
        rc=$(run "$tmp/out" "$tmp/err" -v validate "$yaml")
        if [[ $rc -ne 0 ]]; then
                fail "-v validate: expected exit status 0, got $(describe_status "$rc")"
        fi
        if [[ -s $tmp/err ]]; then
                fail "-v validate: expected nothing on stderr"
                show stderr "$tmp/err"
        fi
        compare "$expected" "$tmp/out" "stdout of 'netconverge -v validate $yaml'"
        ;;
*)
        echo "usage: $0 BINARY DIR NAME bad|good" >&2
        exit 2
        ;;
esac

exit "$failed"
