#!/usr/bin/env python3
"""Rewrites a golden observed.snap of one DNAT rule per port (netconverge
before the maps) into the table the maps version makes: each port an
element of its port map, each map in use an object and one lookup rule.
Used once to convert tests/golden (all but table-legacy-takeover and
destroy-legacy-table, which stay as the old version left them, and the
maps-migration cases); kept for branches that add golden cases written
before the maps: scripts/golden-to-maps.py tests/golden/CASE/*.snap.
A file whose name has "shuffled" keeps its order (no sorting)."""
import re, sys

KIND_ORDER = ["set", "map", "flowtable", "counter", "quota", "ct helper", "limit", "connlimit", "tunnel",
              "ct timeout", "secmark", "ct expectation", "synproxy"]
TYPES = {(False, False): "inet_service : ipv4_addr . inet_service",
         (False, True): "ipv4_addr . inet_service : ipv4_addr . inet_service",
         (True, False): "inet_service : ipv6_addr . inet_service",
         (True, True): "ipv6_addr . inet_service : ipv6_addr . inet_service"}

def field(line, name):
    m = re.search(r'[{ ]' + name + r': ("[^"]*"|[^,}]*)', line)
    return m.group(1).strip('"') if m else None

def chain_key(line):
    return field(line, "chain"), field(line, "key")

def lookup_rule(v6, proto, by_addr, name):
    key = "ports%s %s%s" % ("6" if v6 else "", proto, " addr" if by_addr else "")
    return ('    - {chain: publish, key: "%s", kind: dnat-map, %sprotocol: %s, target: %s%s}'
            % (key, "v6: true, " if v6 else "", proto, name, ", by_addr: true" if by_addr else ""))

SHUFFLED = False

def convert(text):
    lines = text.split("\n")
    out, i = [], 0
    try:
        start = lines.index("nft:")
    except ValueError:
        return text
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    body = lines[start + 1:end]
    sections, order, cur = {}, [], None
    for l in body:
        if l.startswith("  ") and not l.startswith("    "):
            cur = l
            order.append(l)
            sections[l] = []
        else:
            sections[cur].append(l)
    rules_hdr = next((h for h in order if h.startswith("  rules:")), None)
    if not rules_hdr:
        return text
    rules, elements, used, placed = [], [], set(), set()
    for l in sections[rules_hdr]:
        if field(l, "kind") == "dnat" and field(l, "chain") == "publish" and (field(l, "key") or "").startswith("publish "):
            v6 = field(l, "v6") == "true"
            daddr = field(l, "daddr6" if v6 else "daddr")
            by_addr = daddr not in ("::", "0.0.0.0")
            proto = field(l, "protocol")
            name = "ports%s_%s%s" % ("6" if v6 else "4", proto, "_addr" if by_addr else "")
            used.add((v6, proto, by_addr, name))
            elements.append(l.replace("{chain: publish,", "{chain: %s," % name, 1))
            if SHUFFLED and name not in placed:
                placed.add(name)
                rules.append(lookup_rule(v6, proto, by_addr, name))
        else:
            rules.append(l)
    if not elements:
        return text
    if not SHUFFLED:
        for v6, proto, by_addr, name in used:
            rules.append(lookup_rule(v6, proto, by_addr, name))
        # Stable: keyless rules keep their order, after the keyed ones of their chain.
        rules.sort(key=lambda l: (chain_key(l)[0], chain_key(l)[1] is None, chain_key(l)[1] or ""))
    sections[rules_hdr] = rules
    objs_hdr = next((h for h in order if h.startswith("  objects:")), None)
    if not objs_hdr:
        objs_hdr = "  objects:"
        order.insert(order.index(rules_hdr) + 1, objs_hdr)
        sections[objs_hdr] = []
    for v6, proto, by_addr, name in used:
        sections[objs_hdr].append('    - {kind: map, name: %s, type: "%s"}' % (name, TYPES[(v6, by_addr)]))
    if not SHUFFLED:
        sections[objs_hdr].sort(key=lambda l: (KIND_ORDER.index(field(l, "kind")), field(l, "name")))
    order.insert(order.index(objs_hdr) + 1, "  elements:")
    sections["  elements:"] = elements[::-1] if SHUFFLED else sorted(elements, key=lambda l: chain_key(l))
    new_body = []
    for h in order:
        new_body.append(h)
        new_body.extend(sections[h])
    return "\n".join(lines[:start + 1] + new_body + lines[end:])

for p in sys.argv[1:]:
    SHUFFLED = "shuffled" in p
    t = open(p).read()
    n = convert(t)
    if n != t:
        open(p, "w").write(n)
        print("converted", p)
