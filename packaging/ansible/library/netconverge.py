#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT
"""Ansible module for netconverge: make a host's container networking match a file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: netconverge
short_description: Converge a host's container networking to a netconverge file
version_added: "0.1.0"
description:
  - Runs C(netconverge) on the target to make its bridges, veth pairs, addresses, routes and
    nftables table match a netconverge file (see netconverge.yaml(5)), or to remove everything
    netconverge owns there.
  - With C(state=present) a real run is C(netconverge apply FILE --detailed-exitcode -o json);
    exit 0 means nothing needed changing (C(changed=false)), 2 that changes were made
    (C(changed=true)), 1 an error (the task fails).
  - With C(state=absent) a real run is C(netconverge destroy -o json); the task is changed when
    it removed anything (the result's C(summary.applied) is not 0). Network namespaces are the
    containers' and are never removed.
  - In check mode nothing is changed. C(state=present) runs C(netconverge diff FILE -o json) and
    reports changed from its exit code (0 in sync, 2 changes pending, 1 error, and the task fails);
    C(state=absent) runs C(netconverge destroy --dry-run -o json) and is changed when that plan
    has any change.
  - In diff mode (C(--diff)) the plan's text, as C(netconverge diff) prints it, is returned as
    C(diff.prepared), in check mode and in real runs.
  - C(netconverge apply) refuses a file that anyone but root (or the user running it) could
    change (group- or world-writable, owned by another user, or in such a directory); install
    the file with C(mode=0644) owned by root, as the C(netconverge) role beside this module
    does.
author:
  - netconverge maintainers
requirements:
  - netconverge on the target (the version that ships this module or later)
  - Python 3 on the target (standard library only)
options:
  src:
    description:
      - Path of the netconverge file on the target (for example C(/etc/netconverge/web.yaml)).
      - Required when C(state=present); ignored when C(state=absent) (destroy needs no file).
    type: path
  state:
    description:
      - C(present) converges to C(src); C(absent) removes everything netconverge owns in the
        namespace it acts in (what applying a file with no bridges and no containers would do).
    type: str
    choices: [present, absent]
    default: present
  netns:
    description:
      - Act inside this named network namespace instead of the target's own (C(netconverge -n
        NETNS), like C(ip -n)). Mostly for tests and for hosts that keep containers' networking
        in a namespace of their own.
    type: str
  binary:
    description:
      - Path of the netconverge binary on the target. Default C(netconverge) found on C(PATH)
        (C(/usr/sbin) is searched too).
    type: path
  no_disrupt:
    description:
      - With C(state=present), refuse a plan that has disruptive changes (a link removed or made
        again, an address, route, published port or masquerade removed, an MTU lowered; the plan
        lines marked C((disrupts ...))), changing nothing (C(netconverge apply --no-disrupt)).
        In check mode the task fails the same way when the plan has any.
    type: bool
    default: false
notes:
  - Supports check mode and diff mode.
  - The commands, their exit codes and the JSON documents are described in netconverge(8) and
    in /usr/share/doc/netconverge/json.md.
  - Two runs on one namespace never interleave (netconverge takes a lock); a second one waits
    for it, bounded, then fails clearly.
  - While a C(netconverge watch) (the systemd service) keeps another file in force on the
    namespace, apply and destroy refuse and the task fails; apply the watch's own file, or stop
    the service first.
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Install the file, root's and 0644 (netconverge refuses a file others can write)
  ansible.builtin.template:
    src: web.yaml.j2
    dest: /etc/netconverge/web.yaml
    owner: root
    group: root
    mode: "0644"
    validate: netconverge validate %s

- name: Converge the container networking
  netconverge:
    src: /etc/netconverge/web.yaml

- name: Converge inside a namespace, with a binary that is not on PATH
  netconverge:
    src: /etc/netconverge/web.yaml
    netns: lab
    binary: /opt/netconverge/sbin/netconverge
  register: net

- name: Show what was applied
  ansible.builtin.debug:
    msg: "{{ net.result.changes | map(attribute='text') | list }}"

- name: Remove everything netconverge owns on this host
  netconverge:
    state: absent
"""

RETURN = r"""
rc:
  description:
    - The exit code of netconverge (0, 2 or 1; see netconverge(8)).
  returned: when netconverge ran
  type: int
  sample: 2
cmd:
  description: The command that ran, as a list of arguments.
  returned: when netconverge ran
  type: list
  elements: str
  sample: [/usr/sbin/netconverge, -o, json, apply, /etc/netconverge/web.yaml, --detailed-exitcode]
result:
  description:
    - The JSON document netconverge printed, parsed (docs/json.md of netconverge, installed in
      /usr/share/doc/netconverge/json.md). In a real run, the apply or destroy result (each
      change with its C(outcome), C(summary), C(verified), C(still_to_do)); in check mode the
      C(diff) plan (C(state=present)) or the C(destroy --dry-run) result (C(state=absent)).
    - C(errors) lists what went wrong (each with C(kind) and C(message)); it is empty on success.
  returned: when netconverge printed a JSON document
  type: dict
  sample:
    format_version: 1
    command: apply
    dry_run: false
    changes:
      - action: add
        object: bridge
        netns: ""
        name: docker0
        mtu: 1500
        text: "+ bridge docker0 (mtu 1500)"
        outcome: applied
    waiting: []
    conflicts: []
    summary: {add: 1, change: 0, remove: 0, applied: 1, failed: 0, not_attempted: 0}
    wait_seconds: 10
    not_up: []
    verified: true
    still_to_do: []
    errors: []
plan:
  description:
    - The plan's lines as C(netconverge diff) prints them (one change a line, then the
      containers still waiting for their namespace, then the summary line).
  returned: when netconverge printed a JSON document with changes
  type: list
  elements: str
  sample: ["+ bridge docker0 (mtu 1500)", "Plan: 1 to add, 0 to change, 0 to remove."]
stderr:
  description: What netconverge wrote on stderr (warnings and, with errors, their text).
  returned: when netconverge ran
  type: str
  sample: "netconverge: diff: warning: /etc/netconverge/web.yaml: group-writable (mode 0664, owner root uid 0); apply and watch refuse such a file"
diff:
  description:
    - In diff mode, C(prepared) holds the plan's text (the lines of C(plan)).
  returned: in diff mode, when netconverge printed a JSON document with changes
  type: dict
  sample: {prepared: "+ bridge docker0 (mtu 1500)\nPlan: 1 to add, 0 to change, 0 to remove.\n"}
msg:
  description:
    - On failure, netconverge's messages, one a line (the C(message) of each of the JSON
      document's C(errors), else its stderr); on success, a one-line summary.
  returned: always
  type: str
  sample: "/etc/netconverge/web.yaml:5:5: bridges.docker0.masqerade: unknown key; did you mean 'masquerade'?"
"""

import json

from ansible.module_utils.basic import AnsibleModule

# netconverge's exit codes (netconverge(8), SPEC section 4); anything else,
# 1 above all, is an error.
EXIT_OK = 0
EXIT_PENDING = 2


def plan_lines(doc):
    """The text plan (what `netconverge diff FILE` prints) from a plan or result document.

    Mirrors nc_print_plan_text(): each change's own line (the `text` the tool wrote from the
    same description), the waiting containers, then the summary line. Kept this small so the
    two cannot drift far; tests/integration/test-ansible.sh compares it with `diff`'s text.
    """
    changes = doc.get("changes") or []
    lines = [c.get("text", "") for c in changes]
    for w in doc.get("waiting") or []:
        lines.append("waiting: container %s (netns %s does not exist)" % (w.get("container"), w.get("netns")))
    summary = doc.get("summary") or {}
    if not changes:
        lines.append("No changes.")
    else:
        lines.append("Plan: %d to add, %d to change, %d to remove."
                     % (summary.get("add", 0), summary.get("change", 0), summary.get("remove", 0)))
    return lines


def error_messages(doc, stderr):
    """What went wrong, for msg: the document's errors (file errors with their place, as text
    mode prints them), else the tool's stderr (no document: it crashed, or is not ours)."""
    out = []
    for e in (doc or {}).get("errors") or []:
        message = e.get("message", "")
        # file and snapshot errors carry their place (docs/json.md).
        if e.get("file") is not None:
            where = e["file"]
            if e.get("line") is not None:
                where += ":%s:%s" % (e["line"], e.get("column"))
            if e.get("path"):
                where += ": " + e["path"]
            message = "%s: %s" % (where, message)
        out.append(message)
    if not out and stderr.strip():
        out = [line for line in stderr.strip().splitlines() if line.strip()]
    return out


def run_module():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="path"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            netns=dict(type="str"),
            binary=dict(type="path"),
            no_disrupt=dict(type="bool", default=False),
        ),
        required_if=[("state", "present", ("src",))],
        supports_check_mode=True,
    )
    p = module.params

    binary = p["binary"]
    if not binary:
        # netconverge is a system administrator's tool (/usr/sbin): look there too.
        binary = module.get_bin_path("netconverge", required=True, opt_dirs=["/usr/sbin", "/sbin"])

    cmd = [binary]
    if p["netns"]:
        cmd += ["-n", p["netns"]]
    cmd += ["-o", "json"]
    if p["state"] == "present":
        if module.check_mode:
            cmd += ["diff", p["src"]]
        else:
            cmd += ["apply", p["src"], "--detailed-exitcode"]
            if p["no_disrupt"]:
                cmd += ["--no-disrupt"]
    else:
        cmd += ["destroy"]
        if module.check_mode:
            cmd += ["--dry-run"]

    # check_rc=False: 1 and 2 are answers, read below. No shell. AnsibleModule
    # has set a C or C.UTF-8 locale, so errno texts in messages are English.
    rc, stdout, stderr = module.run_command(cmd, check_rc=False)

    result = dict(changed=False, rc=rc, cmd=cmd, stderr=stderr)
    doc = None
    try:
        doc = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        # -o json always prints one document; no document means it did not
        # get that far (killed, or the binary is not netconverge).
        result["stdout"] = stdout
        lines = error_messages(None, stderr) or ["netconverge printed no JSON document (exit %d)" % rc]
        module.fail_json(msg="\n".join(lines), **result)
    result["result"] = doc
    if "changes" in doc:
        lines = plan_lines(doc)
        result["plan"] = lines
        if module._diff:
            result["diff"] = dict(prepared="\n".join(lines) + "\n")

    # Warnings for people (trust, pre-flight) are on stderr in any format.
    for line in stderr.splitlines():
        if ": warning: " in line:
            module.warn(line)

    summary = doc.get("summary") or {}
    if rc not in (EXIT_OK, EXIT_PENDING) or doc.get("errors"):
        # A run that failed half way did change what it applied: say so.
        result["changed"] = not module.check_mode and summary.get("applied", 0) > 0
        lines = error_messages(doc, stderr) or ["netconverge exited %d" % rc]
        module.fail_json(msg="\n".join(lines), **result)

    disruptive = [c.get("text", "") for c in doc.get("changes") or [] if c.get("disruptive")]
    if p["state"] == "present" and p["no_disrupt"] and module.check_mode and disruptive:
        # What apply --no-disrupt would refuse, said in check mode too.
        module.fail_json(msg="\n".join(["no_disrupt: the plan has disruptive changes:"] + disruptive), **result)

    if p["state"] == "present":
        # diff: 2 changes pending; apply --detailed-exitcode: 2 changes made.
        result["changed"] = rc == EXIT_PENDING
    elif module.check_mode:
        # destroy --dry-run exits 0 either way: changed when it plans anything.
        result["changed"] = bool(doc.get("changes"))
    else:
        # destroy has no --detailed-exitcode: changed when it made a change.
        result["changed"] = summary.get("applied", 0) > 0

    if result["changed"]:
        result["msg"] = "%s: %d to add, %d to change, %d to remove" % (
            "planned" if module.check_mode else "applied",
            summary.get("add", 0), summary.get("change", 0), summary.get("remove", 0))
    else:
        result["msg"] = "no changes"
    # Ansible takes a result with rc other than 0 for a failure unless it
    # says otherwise, and 2 is success here (changes pending or made).
    module.exit_json(failed=False, **result)


def main():
    run_module()


if __name__ == "__main__":
    main()
