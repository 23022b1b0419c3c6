#!/usr/bin/env bash
# SPEC 7.6 against real namespaces: test-trust.sh NETCONVERGE SOURCE-DIR
#
# apply and watch refuse a file that someone other than root could change
# (owned by nobody, group- or world-writable, a directory above it or a
# symlink's directory writable by others without the sticky bit), with
# exit 1, a message naming the path, owner and mode, and nothing changed
# in the kernel (ip -j, nft -j, the namespaces); validate and diff warn and
# go on. A running watch refuses a reload the same way and keeps the last
# good file. The run lock cannot be redirected: a symlink, a FIFO, a
# directory or a hard link at its path is refused and nothing is written
# through it.
source "$(dirname "$0")/lib.sh"
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=${P}br
B2=${P}b2
NOBODY=$(id -u nobody 2>/dev/null) || { nc_log "SKIP: no user nobody"; exit 77; }
LOCK=/run/netconverge/lock-$(stat -L -c %i "/run/netns/$H")

# A directory at the lock path is not removed by lib.sh's rm -f: take it
# away first, then nc_cleanup with the script's exit status as $? (errexit
# holds in traps: a failing (exit RC) must be followed by ||).
trap 'rc=$?; rmdir "$LOCK" 2>/dev/null || true; (exit $rc) || nc_cleanup; nc_cleanup' EXIT

# nobody must reach the files of the watch test; 0711 is no more writable.
chmod 0711 "$NC_TMP"
GOOD=$(nc_config apply-one)

# What a refused run must leave alone: the host namespace's links and
# ruleset, and which namespaces of this run exist.
kernel_state() {
        nc_in "$H" -j link show
        nc_namespaces
        if command -v nft >/dev/null; then
                timeout "$NC_TIMEOUT" ip netns exec "$H" nft -j list ruleset
        fi
}

# case_dir NAME: a fresh directory for one case, root's and 0755.
case_dir() {
        local d=$NC_TMP/$1
        mkdir -m 0755 "$d"
        printf '%s\n' "$d"
}

# refused FILE REASON: apply (also --dry-run and -o json) exits 1 with
# "apply: FILE: refusing: REASON", and nothing changes; validate and diff
# exit as usual with the same words as a warning on stderr.
refused() {
        local file=$1 reason=$2 before after out err rc
        before=$(kernel_state)
        nc_run apply "$file"
        [ "$NC_RC" -eq 1 ] || { nc_log "$NC_OUT"; nc_fail "apply $file: exit $NC_RC, expected 1 ($reason)"; }
        grep -qF "netconverge: apply: $file: refusing: $reason" <<<"$NC_OUT" ||
                nc_fail "apply $file: no 'refusing: $reason' in: $NC_OUT"
        nc_run apply --dry-run "$file"
        [ "$NC_RC" -eq 1 ] || nc_fail "apply --dry-run $file: exit $NC_RC, expected 1"
        rc=0
        out=$(timeout "$NC_TIMEOUT" "$NC_BIN" -n "$H" -o json apply "$file" 2>/dev/null) || rc=$?
        [ "$rc" -eq 1 ] || nc_fail "-o json apply $file: exit $rc, expected 1"
        [ "$(nc_j '[e["kind"] + ": " + e["message"] for e in d["errors"]][0]' <<<"$out")" = \
                "file: $file: refusing: $reason" ] || nc_fail "-o json apply $file: not the JSON error: $out"
        after=$(kernel_state)
        [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2; nc_fail "a refused apply changed the kernel"; }

        rc=0
        err=$(timeout "$NC_TIMEOUT" "$NC_BIN" validate "$file" 2>&1 >/dev/null) || rc=$?
        [ "$rc" -eq 0 ] || nc_fail "validate $file: exit $rc, expected 0: $err"
        grep -qF "netconverge: validate: warning: $file: $reason; apply and watch refuse such a file" <<<"$err" ||
                nc_fail "validate $file: no warning on stderr: $err"
        # No warnings list in the JSON documents: the warning is on stderr,
        # the document on stdout says valid.
        rc=0
        out=$(timeout "$NC_TIMEOUT" "$NC_BIN" -o json validate "$file" 2>"$NC_TMP/json-err") || rc=$?
        [ "$rc" -eq 0 ] && [ "$(nc_j 'd["valid"] and d["errors"] == []' <<<"$out")" = true ] ||
                nc_fail "-o json validate $file: exit $rc, not a valid document: $out"
        grep -qF "netconverge: validate: warning: $file: $reason" "$NC_TMP/json-err" ||
                nc_fail "-o json validate $file: no warning on stderr: $(cat "$NC_TMP/json-err")"
        rc=0
        err=$(timeout "$NC_TIMEOUT" "$NC_BIN" -n "$H" diff "$file" 2>&1 >/dev/null) || rc=$?
        [ "$rc" -eq 2 ] || nc_fail "diff $file: exit $rc, expected 2 (changes pending): $err"
        grep -qF "netconverge: diff: warning: $file: $reason" <<<"$err" || nc_fail "diff $file: no warning on stderr: $err"
        nc_pass "refused: $file: $reason"
}

# --- The file itself.
d=$(case_dir group-writable); cp "$GOOD" "$d/f.yaml"; chmod 0664 "$d/f.yaml"
refused "$d/f.yaml" "group-writable (mode 0664, owner root uid 0)"

d=$(case_dir world-writable); cp "$GOOD" "$d/f.yaml"; chmod 0646 "$d/f.yaml"
refused "$d/f.yaml" "world-writable (mode 0646, owner root uid 0)"

d=$(case_dir nobody-owned); cp "$GOOD" "$d/f.yaml"; chmod 0644 "$d/f.yaml"; chown nobody "$d/f.yaml"
refused "$d/f.yaml" "owned by another user (mode 0644, owner nobody uid $NOBODY)"

# --- The directories above it, up to /.
d=$(case_dir open-dir); cp "$GOOD" "$d/f.yaml"; chmod 0777 "$d"
refused "$d/f.yaml" "directory $d above it is world-writable without the sticky bit (mode 0777, owner root uid 0)"

d=$(case_dir group-dir); cp "$GOOD" "$d/f.yaml"; chmod 0775 "$d"
refused "$d/f.yaml" "directory $d above it is group-writable without the sticky bit (mode 0775, owner root uid 0)"

d=$(case_dir nobody-dir); cp "$GOOD" "$d/f.yaml"; chown nobody "$d"
refused "$d/f.yaml" "directory $d above it is owned by another user (mode 0755, owner nobody uid $NOBODY)"

d=$(case_dir open-grandparent); mkdir -m 0755 "$d/sub"; cp "$GOOD" "$d/sub/f.yaml"; chmod 0777 "$d"
refused "$d/sub/f.yaml" "directory $d above it is world-writable without the sticky bit (mode 0777, owner root uid 0)"

# A sticky world-writable directory (like /tmp) holds only what its owner
# may rename: fine for a file of root's, not for one of nobody's.
d=$(case_dir sticky-nobody); cp "$GOOD" "$d/f.yaml"; chown nobody "$d/f.yaml"; chmod 1777 "$d"
refused "$d/f.yaml" "owned by another user (mode 0644, owner nobody uid $NOBODY)"

# --- Symbolic links: where the link lives counts, not only where it leads.
safe=$(case_dir safe); cp "$GOOD" "$safe/f.yaml"
d=$(case_dir link-open-dir); ln -s "$safe/f.yaml" "$d/link.yaml"; chmod 0777 "$d"
refused "$d/link.yaml" "directory $d above it is world-writable without the sticky bit (mode 0777, owner root uid 0)"

d=$(case_dir link-nobody); ln -s "$safe/f.yaml" "$d/link.yaml"; chown -h nobody "$d/link.yaml"; chmod 1777 "$d"
refused "$d/link.yaml" "symbolic link $d/link.yaml on the way is owned by another user (mode 0777, owner nobody uid $NOBODY)"

# A link to an unsafe file names the file it leads to.
d=$(case_dir link-to-writable); cp "$GOOD" "$d/f.yaml"; chmod 0666 "$d/f.yaml"; ln -s f.yaml "$d/link.yaml"
refused "$d/link.yaml" "$d/f.yaml is world-writable (mode 0666, owner root uid 0)"

# --- Trusted: a file of root's in a sticky world-writable directory,
# reached through a root-owned link; validate says nothing on stderr.
d=$(case_dir sticky-ok); cp "$GOOD" "$d/f.yaml"; chmod 1777 "$d"
ln -s "$d/f.yaml" "$safe/ok.yaml"
err=$(timeout "$NC_TIMEOUT" "$NC_BIN" validate "$safe/ok.yaml" 2>&1 >/dev/null) || nc_fail "validate of a trusted file failed: $err"
[ -z "$err" ] || nc_fail "validate of a trusted file warned: $err"
nc_expect 0 apply "$safe/ok.yaml"
nc_in "$H" link show dev "$BR" >/dev/null || nc_fail "the trusted file was not applied: no $BR in $H"
nc_pass "trusted: a root file in a sticky directory, through a root link, applied"

# --- The lock cannot be redirected. The lock path is named by the host
# namespace's inode, so these runs disturb no other.
mkdir -p /run/netconverge
printf 'precious\n' >"$NC_TMP/victim"
lock_refused() {
        local what=$1 words=$2 before after
        before=$(kernel_state)
        nc_run apply "$safe/f.yaml"
        [ "$NC_RC" -eq 1 ] || { nc_log "$NC_OUT"; nc_fail "apply with $what at the lock path: exit $NC_RC, expected 1"; }
        grep -qF "cannot take the run lock $LOCK: $words" <<<"$NC_OUT" ||
                nc_fail "apply with $what at the lock path: no '$words' in: $NC_OUT"
        after=$(kernel_state)
        [ "$before" = "$after" ] || nc_fail "apply with $what at the lock path changed the kernel"
        [ "$(cat "$NC_TMP/victim")" = precious ] || nc_fail "apply with $what at the lock path wrote through it"
        nc_pass "lock: $what refused ($words)"
}
# Drift that the refused runs would otherwise repair.
nc_in "$H" link set dev "$BR" mtu 1400

rm -f "$LOCK"
ln -s "$NC_TMP/victim" "$LOCK"
lock_refused "a symlink to a file" "it is a symbolic link; refusing to follow it"
rm -f "$LOCK"
ln -s "$NC_TMP/absent" "$LOCK"
lock_refused "a dangling symlink" "it is a symbolic link; refusing to follow it"
[ ! -e "$NC_TMP/absent" ] || nc_fail "the dangling lock symlink's target was created"
rm -f "$LOCK"
mkfifo -m 0600 "$LOCK"
lock_refused "a FIFO" "it is not a regular file (a FIFO, a socket or a device); refusing"
rm -f "$LOCK"
mkdir -m 0700 "$LOCK"
lock_refused "a directory" "it is a directory, not a regular file; refusing"
rmdir "$LOCK"
# (Another file system for /run and /tmp: no hard link to make, skipped.)
if ln "$NC_TMP/victim" "$LOCK" 2>/dev/null; then
        lock_refused "a hard link" "it has another name (a hard link); refusing"
        rm -f "$LOCK"
else
        nc_log "skip: a hard link at the lock path (/run and /tmp on different file systems)"
fi
nc_expect 0 apply "$safe/f.yaml"
[ "$(nc_link_field "$H" "$BR" mtu)" = 1450 ] || nc_fail "with the lock path clear, apply did not repair the mtu"
[ -f "$LOCK" ] && [ ! -L "$LOCK" ] || nc_fail "apply did not make its lock as a regular file"
nc_pass "lock: a regular file again once the path is clear"

# --- watch refuses an untrusted file at the start, and on every reload.
d=$(case_dir watch-start); cp "$GOOD" "$d/f.yaml"; chmod 0664 "$d/f.yaml"
before=$(kernel_state)
nc_run watch "$d/f.yaml" --interval 3600
[ "$NC_RC" -eq 1 ] || nc_fail "watch of a group-writable file: exit $NC_RC, expected 1: $NC_OUT"
grep -qF "error: $d/f.yaml: refusing: group-writable (mode 0664, owner root uid 0)" <<<"$NC_OUT" ||
        nc_fail "watch of a group-writable file: no refusal logged: $NC_OUT"
[ "$before" = "$(kernel_state)" ] || nc_fail "a refused watch changed the kernel"
nc_pass "watch: a group-writable file refused at the start"

W=$(case_dir watch)
cp "$GOOD" "$W/f.yaml"
LOG=$NC_TMP/watch.log
# -v: the first cycle, in sync, is logged only at debug level.
nc_background "$NC_BIN" -v -n "$H" watch "$W/f.yaml" --interval 3600 2>>"$LOG"
WATCH=$!
nc_wait_until 20 grep -q 'cycle 1 (start): in sync\| converged: ' "$LOG" || { cat "$LOG" >&2; nc_fail "watch did not start"; }
refusals() { grep -c "refusing: " "$LOG" || true; }

# An edit made by nobody, possible because the file became world-writable.
chmod 0646 "$W/f.yaml"
n=$(refusals)
sed "s/@P@/$P/g" "$NC_SRC/tests/integration/trust-two.yaml.in" >"$NC_TMP/two.yaml"
chmod 0644 "$NC_TMP/two.yaml"
timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'cat "$1" >"$2"' sh "$NC_TMP/two.yaml" "$W/f.yaml" ||
        nc_fail "nobody could not write the world-writable file"
more() { [ "$(refusals)" -gt "$n" ]; }
nc_wait_until 10 more || { cat "$LOG" >&2; nc_fail "watch did not refuse the edit made by nobody"; }
grep -qF "error: $W/f.yaml: refusing: world-writable (mode 0646, owner root uid 0)" "$LOG" ||
        nc_fail "the refusal does not name path, mode and owner: $(tail -5 "$LOG")"
grep -q "not loaded; the last good configuration stays in force" "$LOG" || nc_fail "no word that the last good file stays"
# SIGHUP: refused again (a second line), and still nothing of the edit.
n=$(refusals)
kill -HUP "$WATCH"
nc_wait_until 10 more || { cat "$LOG" >&2; nc_fail "SIGHUP: the reload was not refused again"; }
! nc_in "$H" link show dev "$B2" >/dev/null 2>&1 || nc_fail "the edit made by nobody was applied: $B2 exists"
kill -0 "$WATCH" 2>/dev/null || nc_fail "watch exited on a refused reload"
nc_pass "watch: an edit made by nobody refused, twice, the last good file in force"

# Made safe again, the same file loads: the refusal was the trust check.
chmod 0644 "$W/f.yaml"
kill -HUP "$WATCH"
has_b2() { nc_in "$H" link show dev "$B2" >/dev/null 2>&1; }
nc_wait_until 10 has_b2 || { cat "$LOG" >&2; nc_fail "the file, made 0644, was not applied on SIGHUP"; }
# chmod g+w, then root's own edit dropping b2: refused, b2 stays.
chmod g+w "$W/f.yaml"
n=$(refusals)
cp "$GOOD" "$W/f.yaml"
nc_wait_until 10 more || { cat "$LOG" >&2; nc_fail "an edit of a group-writable file was not refused"; }
# The event may have been the chmod's: a SIGHUP reads the edited file.
n=$(refusals)
kill -HUP "$WATCH"
nc_wait_until 10 more || { cat "$LOG" >&2; nc_fail "SIGHUP: the edited group-writable file was not refused"; }
grep -qF "error: $W/f.yaml: refusing: group-writable (mode 0664, owner root uid 0)" "$LOG" ||
        nc_fail "the g+w refusal does not name path, mode and owner: $(tail -5 "$LOG")"
nc_in "$H" link show dev "$B2" >/dev/null || nc_fail "a refused reload pruned $B2"
nc_pass "watch: chmod g+w, then an edit: refused, the last good file in force"

# The watcher's log escapes what it quotes (issue 11): an edit with a
# terminal escape in a key is logged as \x1b, and no control byte but
# newline and tab is in the whole log.
chmod 0644 "$W/f.yaml"
printf 'version: 1\n"\\e[31mbridges": {}\n' >"$W/f.yaml"
kill -HUP "$WATCH"
nc_wait_until 10 grep -qF "$W/f.yaml:2:1: \x1b[31mbridges: unknown key" "$LOG" ||
        { cat -A "$LOG" | tail -5 >&2; nc_fail "the bad key is not logged escaped"; }
[ "$(LC_ALL=C tr -d '\n\t\040-\176\200-\377' <"$LOG" | wc -c)" -eq 0 ] ||
        { cat -A "$LOG" | tail -5 >&2; nc_fail "control bytes in the watcher's log"; }
nc_in "$H" link show dev "$B2" >/dev/null || nc_fail "a bad edit pruned $B2"
nc_pass "watch: a key with a terminal escape is logged escaped"

kill "$WATCH"
nc_wait_until 10 sh -c '! kill -0 "$1" 2>/dev/null' sh "$WATCH" || nc_fail "watch did not exit on SIGTERM"
