#!/usr/bin/env bash
# Installs the Debian packages netconverge needs to build and test, if any
# are missing. Needs root for apt-get (a user without root: sudo).
#   scripts/install-deps.sh [build|demo|package|test|bench]
#   (default: test, a superset of all but bench)
set -euo pipefail

build=(cmake make gcc pkg-config libyaml-dev libnl-3-dev libnl-route-3-dev libnftnl-dev libmnl-dev libsystemd-dev
       iproute2 nftables)
# What examples/demo.sh runs besides netconverge: ping and a small web server.
demo=(python3 iputils-ping)
# The manual pages (docs/man/*.scd) are built when scdoc is there; the
# Debian package (`--target package`) needs them, dpkg-shlibdeps (dpkg-dev)
# for its Depends, and lintian to check it.
package=(scdoc dpkg-dev lintian)
# tests/package/test-package.sh: all of the above, plus man -w (man-db) and
# systemd-analyze verify (systemd).
package_test=(man-db systemd)
test=(libcmocka-dev python3 clang libclang-rt-dev iputils-ping systemd)
# tests/schema (the file's JSON Schema checked against every example and good file) and
# the dot renderer's tests (`show -o dot` must be accepted by `dot -Tsvg`).
test+=(graphviz python3-jsonschema python3-yaml)
# tests/integration/test-conntrack.sh checks the kernel's connection tracking table with conntrack(8).
test+=(conntrack)
# tests/integration/test-valgrind.sh: memcheck over apply, diff and destroy.
test+=(valgrind)
# tests/integration/test-ansible.sh: ansible-playbook and ansible-doc for the Ansible module.
test+=(ansible-core)
# bench/run.sh: GNU time for peak RSS, the CNI reference plugins and the
# iptables they call (the CNI baseline); never needed to build or test.
bench=(python3 time containernetworking-plugins iptables)

case "${1:-test}" in
build) packages=("${build[@]}") ;;
demo) packages=("${build[@]}" "${demo[@]}") ;;
package) packages=("${build[@]}" "${package[@]}") ;;
test) packages=("${build[@]}" "${test[@]}" "${package[@]}" "${package_test[@]}") ;;
bench) packages=("${build[@]}" "${bench[@]}") ;;
*) echo "usage: $0 [build|demo|package|test|bench]" >&2; exit 1 ;;
esac

missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
        echo "$0: missing packages: ${missing[*]}; run as root (or with sudo) to install them" >&2
        exit 1
fi
echo "== installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
