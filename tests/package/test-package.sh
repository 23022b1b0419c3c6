#!/usr/bin/env bash
# The Debian package, end to end: builds it (--target package), installs it
# with dpkg -i, checks the binary's version, the manual pages, the unit
# (systemd-analyze verify) and lintian, then purges it and checks that the
# binary is gone. Root only (exit 77, skipped, otherwise); refuses to run
# where netconverge is already installed, since it would replace and then
# remove that copy.
#   test-package.sh BUILD_DIR VERSION
set -euo pipefail

build=$1
version=$2
deb="$build/netconverge_${version}_$(dpkg --print-architecture).deb"

if [ "$(id -u)" -ne 0 ]; then
        echo "not root: dpkg -i needs root; skipped"
        exit 77
fi
for tool in dpkg-deb dpkg-shlibdeps lintian systemd-analyze man scdoc ansible-doc ansible-playbook; do
        command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (scripts/install-deps.sh test)"; exit 1; }
done
if dpkg-query -W -f='${Status}' netconverge 2>/dev/null | grep -q 'installed'; then
        echo "FAIL: a netconverge package is installed here; this test would replace and remove it." \
             "Remove it (dpkg -r netconverge) or run the tests elsewhere"
        exit 1
fi
for f in /usr/sbin/netconverge /lib/systemd/system/netconverge.service; do
        if [ -e "$f" ]; then
                echo "FAIL: $f exists (not from a package); this test would overwrite and remove it"
                exit 1
        fi
done

installed=0
ansible_dir=$(mktemp -d)
cleanup() {
        if [ $installed = 1 ]; then
                dpkg --purge netconverge >/dev/null 2>&1 || echo "cleanup: dpkg --purge netconverge failed"
        fi
        rm -rf "$ansible_dir"
}
trap cleanup EXIT

# dpkg takes a lock that apt-get (another build installing packages) may
# hold for a while: wait for it, bounded.
dpkg_run() {
        local out
        for _ in $(seq 60); do
                if out=$(dpkg "$@" 2>&1); then
                        return 0
                fi
                grep -q 'lock' <<<"$out" || { echo "$out"; return 1; }
                sleep 2
        done
        echo "$out"
        return 1
}

fail=0
check() {
        local what=$1; shift
        if "$@"; then
                echo "ok: $what"
        else
                echo "FAIL: $what"
                fail=1
        fi
}

rm -f "$deb"
cmake --build "$build" --target package >/dev/null
[ -f "$deb" ] || { echo "FAIL: $deb was not written"; exit 1; }
contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's,^\./,/,')
for f in /usr/sbin/netconverge /lib/systemd/system/netconverge.service \
        /usr/share/man/man8/netconverge.8.gz /usr/share/man/man5/netconverge.yaml.5.gz \
        /usr/share/bash-completion/completions/netconverge /usr/share/doc/netconverge/copyright \
        /usr/share/doc/netconverge/changelog.gz /usr/share/doc/netconverge/examples/docker0.yaml \
        /etc/netconverge/netconverge.yaml.example \
        /usr/share/ansible/plugins/modules/netconverge.py /usr/share/ansible/roles/netconverge/tasks/main.yml \
        /usr/share/doc/netconverge/examples/ansible/site.yml /usr/share/lintian/overrides/netconverge; do
        check "the package holds $f" grep -qx "$f" <<<"$contents"
done
# The service must not find a file to apply just because the package is in.
check "the package holds no /etc/netconverge/netconverge.yaml" \
        bash -c '! grep -qx /etc/netconverge/netconverge.yaml <<<"$1"' _ "$contents"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libyaml-0-2 libnl-3-200 libnl-route-3-200 libnftnl11 libmnl0; do
        check "Depends names $lib" grep -q "$lib" <<<"$depends"
done

lint=$(lintian "$deb" 2>&1 | grep -v 'running with root privileges' || true)
[ -n "$lint" ] && echo "$lint"
check "lintian reports no errors" bash -c '! grep -q "^E:" <<<"$1"' _ "$lint"
# Nor warnings (packaging/README.md): the Ansible module's shebang is
# overridden, with the reason, in packaging/debian/lintian-overrides.
check "lintian reports no warnings" bash -c '! grep -q "^W:" <<<"$1"' _ "$lint"

dpkg_run -i "$deb" || { echo "FAIL: dpkg -i $deb"; exit 1; }
installed=1
check "netconverge --version is $version" [ "$(/usr/sbin/netconverge --version)" = "netconverge $version" ]
# The crash-injection switch is the test binary's only (CMake NC_FAULT,
# src/util/fault.h): the packaged one never reads NC_FAULT, whatever the tree.
check "the packaged binary does not read NC_FAULT" bash -c '! grep -qa "NC_FAULT=" /usr/sbin/netconverge'
check "netconverge-fault is not packaged" bash -c '! grep -q netconverge-fault <<<"$1"' _ "$contents"
check "/etc/netconverge/netconverge.yaml.example is valid" \
        /usr/sbin/netconverge validate /etc/netconverge/netconverge.yaml.example
check "the example is a conffile" grep -qx /etc/netconverge/netconverge.yaml.example \
        /var/lib/dpkg/info/netconverge.conffiles

# Debian's container images drop manual pages on install (a path-exclude
# in /etc/dpkg/dpkg.cfg.d); then the pages are in the package (checked
# above) but not on disk, and man -w cannot find them.
excluded=$(grep -hs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/* || true)
if [ -n "$excluded" ]; then
        echo "man -w not checked: dpkg excludes manual pages here ($excluded)"
else
        check "man -w netconverge" man -w netconverge
        check "man -w 5 netconverge.yaml" man -w 5 netconverge.yaml
fi
# The Ansible module and role where ansible-core looks by default: its
# own configuration only (no /etc/ansible/ansible.cfg, no ~/.ansible).
ansible_env=(env ANSIBLE_CONFIG="$ansible_dir/ansible.cfg" ANSIBLE_HOME="$ansible_dir/home"
             ANSIBLE_LOCAL_TEMP="$ansible_dir/tmp" ANSIBLE_REMOTE_TEMP="$ansible_dir/remote")
: >"$ansible_dir/ansible.cfg"
check "ansible-doc finds the installed module" \
        bash -c 'grep -q "^> NETCONVERGE .*/usr/share/ansible/plugins/modules/netconverge.py" <<<"$("$@")"' _ \
        "${ansible_env[@]}" timeout 60 ansible-doc netconverge
check "the example playbook finds the installed role" \
        "${ansible_env[@]}" timeout 60 ansible-playbook -i localhost, --syntax-check \
        /usr/share/doc/netconverge/examples/ansible/site.yml
verify=$(systemd-analyze verify /lib/systemd/system/netconverge.service 2>&1 || echo "exit status $?")
[ -n "$verify" ] && echo "$verify"
check "systemd-analyze verify: no complaint" [ -z "$verify" ]

dpkg_run --purge netconverge || { echo "FAIL: dpkg --purge netconverge"; exit 1; }
installed=0
check "/usr/sbin/netconverge is gone" [ ! -e /usr/sbin/netconverge ]
check "/etc/netconverge is gone" [ ! -e /etc/netconverge ]
check "the Ansible module is gone" [ ! -e /usr/share/ansible/plugins/modules/netconverge.py ]
exit $fail
