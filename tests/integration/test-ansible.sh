#!/usr/bin/env bash
# The Ansible module and role (packaging/ansible/), driven by Debian's
# ansible-core against localhost, checked in the kernel (ip -j), not by
# the module's word: test-ansible.sh NETCONVERGE SOURCE-DIR
#
# The module acts with `netns:` on this run's "host" namespace $NC_HOST
# (lib.sh) and `binary:` the build tree's netconverge; the containers'
# namespaces carry the run's prefix. Ansible's own state (temporary files,
# ~/.ansible) goes into $NC_TMP, and its configuration is ours alone.
source "$(dirname "$0")/lib.sh"

for t in ansible-playbook ansible-doc; do
        if ! command -v "$t" >/dev/null; then
                echo "SKIP: $t is missing (scripts/install-deps.sh test installs ansible-core)" >&2
                exit 77
        fi
done
nc_init "$1" "$2"

P=$NC_PREFIX
H=$NC_HOST
BR=${P}a
C1=$P-c1
C2=$P-c2
GW=10.126.1.1
ANS=$NC_SRC/packaging/ansible
MODULE=$ANS/library/netconverge.py
file=$(nc_config ansible)
two=$(nc_config ansible-two)
bad=$(nc_config ansible-bad)

# --- the module compiles and documents itself (no ansible-test here:
# Debian's ansible-core ships it without its sanity requirements).
timeout 30 python3 -c 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)' \
        "$MODULE" "$NC_TMP/netconverge.pyc" || nc_fail "py_compile $MODULE"
export ANSIBLE_CONFIG=$NC_TMP/ansible.cfg ANSIBLE_HOME=$NC_TMP/ansible-home
cat >"$ANSIBLE_CONFIG" <<EOF
[defaults]
library = $ANS/library
roles_path = $ANS/roles
local_tmp = $NC_TMP/ansible-local
remote_tmp = $NC_TMP/ansible-remote
retry_files_enabled = false
nocolor = true
interpreter_python = /usr/bin/python3
EOF
timeout 60 ansible-doc --json -M "$ANS/library" netconverge >"$NC_TMP/doc.json" 2>"$NC_TMP/doc.err" ||
        { cat "$NC_TMP/doc.err" >&2; nc_fail "ansible-doc netconverge"; }
python3 - "$NC_TMP/doc.json" <<'PY' || nc_fail "ansible-doc: DOCUMENTATION, EXAMPLES or RETURN is not what the module takes"
import json, sys
d = json.load(open(sys.argv[1]))["netconverge"]
opts = d["doc"]["options"]
assert sorted(opts) == ["binary", "netns", "no_disrupt", "src", "state"], sorted(opts)
assert opts["no_disrupt"]["type"] == "bool" and opts["no_disrupt"]["default"] is False, opts["no_disrupt"]
assert opts["state"]["choices"] == ["present", "absent"] and opts["state"]["default"] == "present", opts["state"]
assert opts["src"]["type"] == opts["binary"]["type"] == "path", opts
assert "netconverge:" in d["examples"], d["examples"]
for key in ("rc", "result", "diff", "msg", "plan"):
    assert key in d["return"], key
PY
text=$(timeout 60 ansible-doc -M "$ANS/library" netconverge 2>&1) || { nc_log "$text"; nc_fail "ansible-doc (text)"; }
grep -q 'detailed-exitcode' <<<"$text" || nc_fail "ansible-doc renders no description"
# ansible-test sanity, the tests that need nothing from PyPI (validate-modules,
# pylint, pep8, yamllint and import install pinned requirements with pip:
# not here), on a copy laid out as the collection ansible-test wants.
coll=$NC_TMP/sanity/ansible_collections/netconverge/netconverge
mkdir -p "$coll/plugins/modules"
cp "$MODULE" "$coll/plugins/modules/"
sanity=()
for t in action-plugin-docs compile empty-init future-import-boilerplate line-endings metaclass-boilerplate \
        no-assert no-basestring no-dict-iteritems no-dict-iterkeys no-dict-itervalues no-get-exception \
        no-illegal-filenames no-main-display no-smart-quotes no-unicode-literals replace-urlopen \
        runtime-metadata shebang symlinks use-argspec-type-path use-compat-six; do
        sanity+=(--test "$t")
done
pyver=$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
(cd "$coll" && HOME=$NC_TMP timeout 300 ansible-test sanity --python "$pyver" "${sanity[@]}") >"$NC_TMP/sanity.log" 2>&1 ||
        { cat "$NC_TMP/sanity.log" >&2; nc_fail "ansible-test sanity"; }
nc_pass "py_compile, ansible-doc and ansible-test sanity ($((${#sanity[@]} / 2)) tests)"

# --- one task of the module; its registered result kept as JSON in OUT.
cat >"$NC_TMP/module.yml" <<'EOF'
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: netconverge
      netconverge:
        src: "{{ src | default(omit) }}"
        state: "{{ state }}"
        netns: "{{ netns }}"
        binary: "{{ binary }}"
        no_disrupt: "{{ no_disrupt | default(false) }}"
      register: r
      ignore_errors: true
    - name: keep the result for the test
      ansible.builtin.copy:
        content: "{{ r | to_nice_json }}"
        dest: "{{ out }}"
        mode: "0600"
      check_mode: false
      diff: false
EOF

# play NAME STATE SRC [ansible-playbook options]: runs module.yml; the
# result is in $NC_TMP/NAME.json, the playbook's output in $NC_TMP/NAME.log.
play() {
        local name=$1 state=$2 src=$3 rc=0; shift 3
        python3 -c 'import json, sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
                state "$state" netns "$H" binary "$NC_BIN" out "$NC_TMP/$name.json" \
                ${src:+src "$src"} ${NO_DISRUPT:+no_disrupt true} >"$NC_TMP/$name.vars"
        rm -f "$NC_TMP/$name.json"
        timeout 180 ansible-playbook -i localhost, -e "@$NC_TMP/$name.vars" "$@" "$NC_TMP/module.yml" \
                >"$NC_TMP/$name.log" 2>&1 || rc=$?
        if [ "$rc" -ne 0 ] || [ ! -s "$NC_TMP/$name.json" ]; then
                cat "$NC_TMP/$name.log" >&2
                nc_fail "ansible-playbook $name exited $rc"
        fi
}
# prepared NAME: diff.prepared of result NAME, exactly.
prepared() {
        python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["diff"]["prepared"])' "$NC_TMP/$1.json"
}
# r NAME EXPR: a Python expression over result NAME (named d).
r() { nc_j "$2" <"$NC_TMP/$1.json"; }
expect() {
        local name=$1 expr=$2 want=$3 got
        got=$(r "$name" "$expr")
        if [ "$got" != "$want" ]; then
                nc_log "$(cat "$NC_TMP/$name.json")"
                nc_fail "$name: $expr is '$got', expected '$want'"
        fi
}

links() { nc_in "$H" -j link show | nc_j '[l["ifname"] for l in d]' | sort; }
has_link() { nc_in "$H" link show dev "$1" >/dev/null 2>&1; }
netns_exists() { [ -e "/run/netns/$1" ]; }
# The kernel's own view of the host namespace: links and nftables.
kernel_state() {
        links
        if command -v nft >/dev/null; then
                timeout 10 ip netns exec "$H" nft list ruleset
        fi
}

# --- check mode: reports changed, changes nothing
kernel_state >"$NC_TMP/kernel.before"
# What `netconverge diff` prints, byte for byte (stdout only).
rc=0
timeout "$NC_TIMEOUT" "$NC_BIN" -n "$H" diff "$file" >"$NC_TMP/diff.txt" || rc=$?
[ "$rc" -eq 2 ] || nc_fail "netconverge diff exited $rc, expected 2"
play check present "$file" --check --diff
expect check 'd["failed"]' false
expect check 'd["changed"]' true
expect check 'd["rc"]' 2
expect check 'd["result"]["command"]' diff
kernel_state >"$NC_TMP/kernel.after"
cmp -s "$NC_TMP/kernel.before" "$NC_TMP/kernel.after" ||
        { diff "$NC_TMP/kernel.before" "$NC_TMP/kernel.after" >&2; nc_fail "check mode changed the kernel"; }
! netns_exists "$C1" || nc_fail "check mode made the container's namespace"
# diff mode: the plan's text, byte for byte what `netconverge diff` prints.
prepared check >"$NC_TMP/prepared.txt"
cmp -s "$NC_TMP/diff.txt" "$NC_TMP/prepared.txt" ||
        { diff "$NC_TMP/diff.txt" "$NC_TMP/prepared.txt" >&2; nc_fail "diff.prepared is not diff's text"; }
grep -qx "+ bridge $BR (mtu 1500)" "$NC_TMP/prepared.txt" || nc_fail "the plan adds no bridge"
grep -qx "waiting: container later (netns /run/$P-none/net does not exist)" "$NC_TMP/prepared.txt" ||
        nc_fail "the plan has no waiting line"
nc_pass "check mode: changed, nothing changed in the kernel, the plan as diff.prepared"

# --- a real run with diff mode: changes, returns apply's result
play apply present "$file" --diff
expect apply 'd["failed"]' false
expect apply 'd["changed"]' true
expect apply 'd["rc"]' 2
expect apply 'd["result"]["command"]' apply
expect apply 'd["result"]["verified"]' true
expect apply 'd["result"]["summary"]["failed"]' 0
expect apply '[c["outcome"] for c in d["result"]["changes"] if c["outcome"] != "applied"]' ""
prepared apply >"$NC_TMP/prepared-apply.txt"
cmp -s "$NC_TMP/diff.txt" "$NC_TMP/prepared-apply.txt" ||
        { diff "$NC_TMP/diff.txt" "$NC_TMP/prepared-apply.txt" >&2; nc_fail "apply's diff.prepared is not the plan"; }
has_link "$BR" || nc_fail "no bridge $BR in the kernel after the run"
[ "$(nc_in "$H" -j -d link show dev "$BR" | nc_j 'd[0]["linkinfo"]["info_kind"]')" = bridge ] ||
        nc_fail "$BR is not a bridge"
nc_ping "$C1" "$GW" || nc_fail "the container cannot reach its gateway"
nc_pass "a real run: changed, the bridge is there, the container pings its gateway"

# --- a second run: not changed
nc_ifindexes "$H" >"$NC_TMP/ifindex.before"
play again present "$file" --diff
expect again 'd["failed"]' false
expect again 'd["changed"]' false
expect again 'd["rc"]' 0
want=$(printf 'waiting: container later (netns /run/%s-none/net does not exist)\nNo changes.' "$P")
[ "$(prepared again)" = "$want" ] || nc_fail "a run with nothing to do: diff.prepared is '$(prepared again)'"
play again-check present "$file" --check
expect again-check 'd["changed"]' false
expect again-check '"diff" in d' false
nc_ifindexes "$H" >"$NC_TMP/ifindex.after"
cmp -s "$NC_TMP/ifindex.before" "$NC_TMP/ifindex.after" || nc_fail "a run with nothing to do touched links"
nc_pass "a second run and its check mode: not changed"

# --- no_disrupt: a file without c1 would remove its veth; refused in
# check mode and in a run, nothing changed
grep -v "c1:\|netns: ${P}-c1" "$file" | awk '!(/networks:/ && seen++ == 0)' >"$NC_TMP/no-c1.yaml"
grep -q "later:" "$NC_TMP/no-c1.yaml" && ! grep -q "c1" "$NC_TMP/no-c1.yaml" || nc_fail "no-c1.yaml: $(cat "$NC_TMP/no-c1.yaml")"
nc_ifindexes "$H" >"$NC_TMP/ifindex.before"
for mode in nodisrupt-check nodisrupt-run; do
        opts=()
        [ $mode = nodisrupt-check ] && opts=(--check)
        NO_DISRUPT=1 play $mode present "$NC_TMP/no-c1.yaml" "${opts[@]}"
        expect $mode 'd["failed"]' true
        expect $mode 'd["changed"]' false
        grep -q "disrupts c1" <<<"$(r $mode 'd["msg"]')" ||
                { r $mode 'd["msg"]' >&2; nc_fail "$mode: msg does not name the disruptive change"; }
done
nc_ifindexes "$H" >"$NC_TMP/ifindex.after"
cmp -s "$NC_TMP/ifindex.before" "$NC_TMP/ifindex.after" || nc_fail "no_disrupt: links changed"
nc_pass "no_disrupt: a disruptive plan fails, in check mode too, nothing changed"

# --- a bad file fails with the validation message, in both modes, and
# changes nothing
nc_ifindexes "$H" >"$NC_TMP/ifindex.before"
for mode in bad-check bad-run; do
        opts=()
        [ $mode = bad-check ] && opts=(--check)
        play $mode present "$bad" "${opts[@]}"
        expect $mode 'd["failed"]' true
        expect $mode 'd["changed"]' false
        expect $mode 'd["rc"]' 1
        grep -q "$bad:7:5: bridges.${BR}.masqerade: unknown key; did you mean 'masquerade'?" <<<"$(r $mode 'd["msg"]')" ||
                { r $mode 'd["msg"]' >&2; nc_fail "$mode: msg does not carry the validation message"; }
        expect $mode '[e["kind"] for e in d["result"]["errors"]]' file
done
# A file others could write: apply refuses it, and says why.
cp "$file" "$NC_TMP/writable.yaml"
chmod 0666 "$NC_TMP/writable.yaml"
play writable present "$NC_TMP/writable.yaml"
expect writable 'd["failed"]' true
grep -q "refusing: world-writable" <<<"$(r writable 'd["msg"]')" ||
        { r writable 'd["msg"]' >&2; nc_fail "a world-writable file: msg does not say why"; }
# diff only warns about it: check mode passes netconverge's warning on.
play writable-check present "$NC_TMP/writable.yaml" --check
expect writable-check 'd["failed"]' false
grep -q "warning: $NC_TMP/writable.yaml: world-writable .*apply and watch refuse such a file" \
        <<<"$(r writable-check '"\n".join(d.get("warnings", []))')" ||
        { cat "$NC_TMP/writable-check.json" >&2; nc_fail "check mode does not pass diff's warning on"; }
nc_ifindexes "$H" >"$NC_TMP/ifindex.after"
cmp -s "$NC_TMP/ifindex.before" "$NC_TMP/ifindex.after" || nc_fail "a bad file changed links"
nc_pass "a bad file and a world-writable one fail with netconverge's message, nothing changed"

# --- the example playbook and its role: the file installed 0644 root's,
# check mode plans the new file (not the installed one), then converges
cat >"$NC_TMP/inventory" <<EOF
[container_hosts]
localhost ansible_connection=local
EOF
python3 - "$two" "$NC_TMP/role.vars" "$NC_TMP/etc" "$H" "$NC_BIN" <<'PY'
import json, sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
json.dump({"netconverge_name": "lab", "netconverge_config": config, "netconverge_conf_dir": sys.argv[3],
           "netconverge_netns": sys.argv[4], "netconverge_binary": sys.argv[5]}, open(sys.argv[2], "w"))
PY
site() {
        local name=$1 rc=0; shift
        timeout 180 ansible-playbook -i "$NC_TMP/inventory" -e "@$NC_TMP/role.vars" "$@" "$ANS/site.yml" \
                >"$NC_TMP/$name.log" 2>&1 || rc=$?
        [ "$rc" -eq 0 ] || { cat "$NC_TMP/$name.log" >&2; nc_fail "site.yml ($name) exited $rc"; }
}
# The recap's changed= count for localhost.
recap_changed() { sed -n 's/^localhost *: .* changed=\([0-9]*\) .*/\1/p' "$NC_TMP/$1.log"; }
site role-check --check --diff
grep -q "+ veth .* <-> eth0 in netns $C2, master $BR" "$NC_TMP/role-check.log" ||
        { cat "$NC_TMP/role-check.log" >&2; nc_fail "the role's check mode does not plan the new file"; }
grep -q "+ nat publish tcp 0.0.0.0:8080 -> 10.126.1.3:80" "$NC_TMP/role-check.log" ||
        { cat "$NC_TMP/role-check.log" >&2; nc_fail "the role's file lost the published port"; }
! netns_exists "$C2" || nc_fail "the role's check mode made a namespace"
[ ! -e "$NC_TMP/etc/lab.yaml" ] || nc_fail "the role's check mode installed the file"
site role
[ "$(stat -c '%a %U %G' "$NC_TMP/etc/lab.yaml")" = "644 root root" ] ||
        nc_fail "the role installed the file as $(stat -c '%a %U %G' "$NC_TMP/etc/lab.yaml")"
nc_ping "$C2" "$GW" || nc_fail "the role's second container cannot reach its gateway"
nc_ping "$C1" "$GW" || nc_fail "the first container lost its gateway"
[ "$(recap_changed role)" -ge 2 ] || { cat "$NC_TMP/role.log" >&2; nc_fail "the role's run reported no change"; }
site role-again
[ "$(recap_changed role-again)" = 0 ] || { cat "$NC_TMP/role-again.log" >&2; nc_fail "the role's second run changed"; }
# Check mode on a converged host says so (its temporary file is no change).
site role-again-check --check
[ "$(recap_changed role-again-check)" = 0 ] ||
        { cat "$NC_TMP/role-again-check.log" >&2; nc_fail "the role's check mode on a converged host reports changes"; }
nc_pass "the example playbook and role: installed 0644 root's, converged, then not changed (also in check mode)"
# The example's own file is valid (its containers' namespaces are not made here).
python3 - "$ANS/site.yml" "$NC_TMP/example.yaml" <<'PY'
import sys, yaml
play = yaml.safe_load(open(sys.argv[1]))[0]
yaml.safe_dump(play["roles"][0]["vars"]["netconverge_config"], open(sys.argv[2], "w"))
PY
nc_expect 0 validate "$NC_TMP/example.yaml"

# --- absent: check mode reports changed and removes nothing; a run
# destroys (the bridge goes, the namespaces stay); again: not changed
play absent-check absent "" --check --diff
expect absent-check 'd["failed"]' false
expect absent-check 'd["changed"]' true
# Its containers' traffic goes with it: the line says so (SPEC 7.4).
grep -qx -- "- bridge $BR (disrupts .*)" <<<"$(r absent-check 'd["diff"]["prepared"]')" ||
        nc_fail "absent's check mode plans no bridge removal"
has_link "$BR" || nc_fail "absent in check mode removed the bridge"
play absent absent ""
expect absent 'd["failed"]' false
expect absent 'd["changed"]' true
expect absent 'd["result"]["command"]' destroy
! has_link "$BR" || nc_fail "the bridge is still there after state: absent"
netns_exists "$C1" || nc_fail "state: absent removed a container's namespace"
if command -v nft >/dev/null; then
        [ -z "$(timeout 10 ip netns exec "$H" nft list ruleset)" ] || nc_fail "state: absent left nftables rules"
fi
play absent-again absent ""
expect absent-again 'd["failed"]' false
expect absent-again 'd["changed"]' false
play absent-again-check absent "" --check
expect absent-again-check 'd["changed"]' false
nc_pass "state: absent: check mode changed and kept, a run destroyed, again not changed"
