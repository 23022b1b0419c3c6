#!/usr/bin/env bash
# The bash completion (packaging/bash-completion/netconverge) in plain bash,
# without the bash-completion package: commands, options, -o formats, FILE
# arguments, and (as root, in a namespace this test makes) names from
# /run/netns for -n.
#   test-completion.sh SOURCE_DIR
set -euo pipefail

top=$1
work=$(mktemp -d)
ns=
cleanup() {
        [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
        rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=/dev/null
source "$top/packaging/bash-completion/netconverge"

fail=0
expect() {
        local want=$1; shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _netconverge
        local got
        got=$( ((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
        if [ "$got" != "$want" ]; then
                echo "FAIL: [$*] -> '$got', want '$want'"
                fail=1
        fi
}

expect "apply destroy diff show validate watch " netconverge ""
expect "--netns " netconverge --ne
expect "dot json text " netconverge -o ""
expect "apply " netconverge -o json ap
expect "--detailed-exitcode --dry-run " netconverge apply --d
expect "--dry-run --force --help " netconverge -q destroy --
expect "--force " netconverge apply f.yaml --f
expect "--observed " netconverge diff --ob
expect "" netconverge show ""

mkdir "$work/dir"
touch "$work/a.yaml" "$work/b.yml" "$work/notes.txt"
expect "$work/a.yaml $work/b.yml $work/dir " netconverge validate "$work/"
expect "$work/a.yaml $work/b.yml $work/dir $work/notes.txt " netconverge diff --observed "$work/"

if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
        ns="nccomp$$"
        ip netns add "$ns"
        expect "$ns " netconverge -n "nccomp$$"
        expect "$ns " netconverge --netns nccomp$$
else
        echo "not root: -n NETNS completion not checked"
fi
[ $fail = 0 ] && echo "completion: ok"
exit $fail
