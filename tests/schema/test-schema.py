#!/usr/bin/env python3
"""docs/netconverge.schema.json against the files the parser reads.

test-schema.py TOP

Every example and good file validates; every schema-level bad file (listed
below with what makes it bad) does not; every other bad file is listed with
why a schema cannot see its mistake. A new bad file must be put in one list.

Each file is loaded twice:
- as the parser reads it (SPEC section 1): every scalar a string, except a
  plain empty, ~ or null, which is null (src/config/yaml.c,
  nc_ynode_is_null()); merge keys (<<) merged. PyYAML's BaseLoader comes
  closest but reads null as '' and does not merge; SafeLoader applies
  YAML 1.1 implicit typing (yes is true, 8080:80 is the number 484880),
  which the parser does not.
- as an editor does: YAML 1.2 core schema typing, what yaml-language-server
  applies (1500 an integer, true a boolean, yes and 8080:80 strings).
The schema must accept a good file either way and reject a bad one either way,
and give the same verdicts read as draft 7 (what yaml-language-server's
validator implements) as read as draft 2020-12.
"""
import json
import pathlib
import re
import sys

import jsonschema
import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

NULL = re.compile(r'^(?:~|null|Null|NULL|)$')


class ParserResolver(BaseResolver):
    pass


ParserResolver.add_implicit_resolver('tag:yaml.org,2002:null', NULL, list('~nN') + [''])
ParserResolver.add_implicit_resolver('tag:yaml.org,2002:merge', re.compile(r'^<<$'), ['<'])


class ParserLoader(Reader, Scanner, Parser, Composer, SafeConstructor, ParserResolver):
    """Scalars as the parser reads them: strings, and null."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        ParserResolver.__init__(self)


class Yaml12Resolver(ParserResolver):
    pass


Yaml12Resolver.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'),
                                     list('tTfF'))
Yaml12Resolver.add_implicit_resolver('tag:yaml.org,2002:int', re.compile(r'^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$'),
                                     list('-+0123456789'))
Yaml12Resolver.add_implicit_resolver(
    'tag:yaml.org,2002:float',
    re.compile(r'^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$'),
    list('-+0123456789.'))


class Yaml12Constructor(SafeConstructor):
    pass


Yaml12Constructor.add_constructor('tag:yaml.org,2002:bool', lambda c, n: c.construct_scalar(n).lower() == 'true')
Yaml12Constructor.add_constructor('tag:yaml.org,2002:int', lambda c, n: int(c.construct_scalar(n), 0)
                                  if c.construct_scalar(n)[:2] in ('0o', '0x') else int(c.construct_scalar(n), 10))
Yaml12Constructor.add_constructor('tag:yaml.org,2002:float', SafeConstructor.construct_yaml_float)


class Yaml12Loader(Reader, Scanner, Parser, Composer, Yaml12Constructor, Yaml12Resolver):
    """Scalars as an editor types them (YAML 1.2 core schema)."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        Yaml12Constructor.__init__(self)
        Yaml12Resolver.__init__(self)


LOADERS = {'parser': ParserLoader, 'yaml-1.2': Yaml12Loader}

# Mistakes the schema says: the file must fail validation.
SCHEMA_LEVEL = {
    'address-ipv6.yaml': 'address is not IPv4',
    'subnet-ipv6.yaml': 'subnet and gateway are not IPv4',
    'range-ipv6.yaml': 'range is an IPv4 CIDR',
    'vxlan-missing-underlay.yaml': 'vxlan needs vni and underlay',
    'vxlan-vni-zero.yaml': 'vni 1 to 16777215',
    'vxlan-vni-too-big.yaml': 'vni 1 to 16777215',
    'vxlan-unknown-key.yaml': 'unknown keys',
    'vxlan-remote-duplicate.yaml': 'remotes are unique',
    'vxlan-remote-not-address.yaml': 'remotes are addresses',
    'vxlan-port-bad.yaml': 'port 1 to 65535',
    'address-not-ipv4.yaml': 'address syntax',
    'bridge-listed-twice.yaml': 'networks list items are unique',
    'bridge-missing-subnet.yaml': 'subnet is required',
    'bridge-name-too-long.yaml': 'bridge name over 15 characters',
    'cidr-missing-prefix.yaml': 'subnet syntax',
    'cidr-octet-300.yaml': 'subnet syntax',
    'cidr-prefix-31.yaml': 'prefix /8 to /30',
    'cidr-prefix-33.yaml': 'prefix /8 to /30',
    'cidr-prefix-7.yaml': 'prefix /8 to /30',
    'container-name-invalid.yaml': 'container name syntax',
    'container-null-value.yaml': 'a container is a mapping',
    'containers-as-list.yaml': 'containers is a mapping',
    'empty.yaml': 'the file is a mapping',
    'escape-bridge-name-c1.yaml': 'bridge name with control characters',
    'escape-key-bell-did-you-mean.yaml': 'unknown key (with a BEL)',
    'escape-key-terminal.yaml': 'unknown key (with a terminal escape)',
    'escape-netns-newline.yaml': 'netns with a newline and a CR',
    'escape-value-bel-cr-del.yaml': 'subnet with BEL, CR and DEL',
    'ifname-colon.yaml': 'interface name syntax',
    'ifname-slash.yaml': 'interface name syntax',
    'ifname-too-long.yaml': 'interface name over 15 characters',
    'ifname-whitespace.yaml': 'interface name syntax',
    'mac-syntax.yaml': 'MAC syntax',
    'mtu-out-of-range.yaml': 'MTU 68-65535',
    'name-limits.yaml': 'container name over 64 characters, netns over 150',
    'netns-empty.yaml': 'netns is not empty',
    'netns-relative-path.yaml': 'netns is a name or an absolute path',
    'networks-details-not-mapping.yaml': 'network details are a mapping',
    'networks-empty-list.yaml': 'at least one network',
    'networks-list-of-mappings.yaml': 'networks list items are names',
    'networks-missing.yaml': 'networks is required',
    'only-comment.yaml': 'the file is a mapping',
    'port-70000.yaml': 'port 1-65535',
    'port-host-ip-not-ipv4.yaml': 'short syntax host_ip is IPv4',
    'port-ip-empty-host-port.yaml': 'short syntax needs a host port',
    'port-long-key-abbreviated.yaml': 'unknown key in a port',
    'port-long-missing-target.yaml': 'target is required',
    'port-long-protocol-unknown.yaml': 'protocol tcp, udp or sctp',
    'port-long-target-zero.yaml': 'port 1-65535',
    'port-long-unknown-key.yaml': 'unknown key in a port',
    'port-no-host-port.yaml': 'short syntax needs a host port',
    'port-protocol-unknown.yaml': 'short syntax protocol tcp, udp or sctp',
    'port-no-host-port-udp.yaml': 'short syntax needs a host port',
    'port-no-host-port-sctp.yaml': 'short syntax needs a host port',
    'port-empty-ip-no-host-port.yaml': 'short syntax needs a host port',
    'port-ip-udp-no-host-port.yaml': 'short syntax needs a host port',
    'port-address-without-ports.yaml': 'short syntax needs ports',
    'port-address-as-host-port.yaml': 'short syntax host port is a number',
    'port-container-out-of-range.yaml': 'port 1-65535',
    'port-container-missing.yaml': 'short syntax needs a container port',
    'port-host-range-missing-end.yaml': 'short syntax range has two ends',
    'port-zero.yaml': 'port 1-65535',
    'settings-ip-forward-maybe.yaml': 'booleans are true or false',
    'settings-not-mapping.yaml': 'settings is a mapping',
    'settings-table-invalid.yaml': 'table name syntax',
    'several-errors-with-duplicate-mac.yaml': 'MTU is a number (and more)',
    'several-errors-with-exhausted-subnet.yaml': 'short syntax needs a host port (and more)',
    'several-errors.yaml': 'booleans are true or false (yes, on)',
    'top-level-list.yaml': 'the file is a mapping',
    'type-isolated-1.yaml': 'booleans are true or false (1)',
    'type-internal-1.yaml': 'booleans are true or false (1)',
    'type-icc-1.yaml': 'booleans are true or false (1)',
    'type-masquerade-yes.yaml': 'booleans are true or false (yes)',
    'type-mtu-string.yaml': 'MTU is a number',
    'type-networks-number.yaml': 'networks is a list or a mapping',
    'type-ports-mapping.yaml': 'ports is a list',
    'type-subnet-list.yaml': 'subnet is a string',
    'unknown-key-did-you-mean.yaml': 'unknown top-level key',
    'unknown-key-misspelled-required.yaml': 'unknown key, required subnet missing',
    'unknown-key-no-suggestion.yaml': 'unknown key in a container',
    'version-2.yaml': 'version is 1',
    'version-missing.yaml': 'version is required',
    'version-one.yaml': 'version is 1',
    'address6-ipv4.yaml': 'address6 is IPv6',
    'address6-syntax.yaml': 'address6 syntax',
    'address6-zone.yaml': 'address6 syntax (zone id)',
    'bridge-null-value.yaml': 'a bridge is a mapping with subnet or subnet6',
    'bridge-subnet6-misspelled.yaml': 'unknown key, subnet or subnet6 missing',
    'gateway6-ipv4.yaml': 'gateway6 is IPv6',
    'port-ipv6-bad-address.yaml': 'short syntax: bracketed IPv6 host_ip',
    'port-ipv6-bracketed-ipv4.yaml': 'short syntax: brackets hold IPv6',
    'port-ipv6-no-host-port.yaml': 'short syntax needs a host port',
    'port-ipv6-unbracketed.yaml': 'short syntax: IPv6 host_ip in brackets',
    'port-ipv6-unclosed.yaml': 'short syntax: bracketed IPv6 host_ip',
    'port-ipv6-zone.yaml': 'short syntax: IPv6 host_ip without zone id',
    'port-long-host-ip-bracketed.yaml': 'long form host_ip without brackets',
    'port-long-host-ip-not-an-address.yaml': 'long form host_ip syntax',
    'several-errors-ipv6.yaml': 'a bridge needs subnet or subnet6 (and more)',
    'subnet6-ipv4.yaml': 'subnet6 is IPv6',
    'subnet6-prefix-124.yaml': 'prefix /48 to /120',
    'subnet6-prefix-129.yaml': 'prefix /48 to /120',
    'subnet6-prefix-44.yaml': 'prefix /48 to /120',
    'subnet6-syntax.yaml': 'subnet6 syntax',
    'subnet6-zone.yaml': 'subnet6 syntax (zone id)',
}

# Mistakes a JSON Schema cannot see: values compared across objects, address
# arithmetic, YAML the parser refuses before any schema applies ('YAML:').
# All but the YAML ones must validate: the schema is not stricter than the
# parser about the rest of those files.
BEYOND_SCHEMA = {
    'address-broadcast.yaml': 'address arithmetic (broadcast of the subnet)',
    'address-duplicate.yaml': 'the same address in two containers',
    'address-explicit-gateway.yaml': 'address equals the gateway set elsewhere',
    'address-gateway.yaml': 'address equals the derived gateway',
    'address-network.yaml': 'address arithmetic (network address)',
    'address-outside-subnet.yaml': 'address against its bridge\'s subnet',
    'alias-bomb.yaml': 'YAML: alias expansion limit',
    'alias-recursive.yaml': 'YAML: recursive alias',
    'alias-undefined-anchor.yaml': 'YAML: undefined anchor',
    'bridge-too-many-containers.yaml': 'counting containers per bridge',
    'bridge-undeclared-did-you-mean.yaml': 'a network names an undeclared bridge',
    'bridge-undeclared.yaml': 'a network names an undeclared bridge',
    'cidr-host-bits.yaml': 'address arithmetic (host bits)',
    'duplicate-key-nested.yaml': 'YAML: duplicate keys (a loader keeps the last)',
    'duplicate-key-top-level.yaml': 'YAML: duplicate keys (a loader keeps the last)',
    'escape-key-invalid-utf8.yaml': 'YAML: not UTF-8',
    'escape-value-invalid-utf8.yaml': 'YAML: not UTF-8',
    'gateway-broadcast-address.yaml': 'address arithmetic',
    'gateway-network-address.yaml': 'address arithmetic',
    'gateway-outside-subnet.yaml': 'gateway against the subnet',
    'range-outside-subnet.yaml': 'range against the subnet',
    'range-wider-than-subnet.yaml': 'range against the subnet',
    'range-host-bits.yaml': 'address arithmetic (host bits)',
    'range-without-subnet.yaml': 'range needs the IPv4 subnet',
    'range-full.yaml': 'counting free addresses in the range',
    'vxlan-no-range.yaml': 'vxlan needs range',
    'vxlan-underlay-is-bridge.yaml': 'underlay against the bridges',
    'vxlan-link-name-taken.yaml': 'a VXLAN link name equal to a bridge name',
    'vxlan-remote-multicast.yaml': 'address arithmetic (multicast)',
    'vxlan-remote-families.yaml': 'remotes of one address family',
    'gateway-zero.yaml': 'gateway against the subnet',
    'host-interface-duplicate.yaml': 'the same host link name twice',
    'host-interface-is-bridge.yaml': 'a host link name equal to a bridge name',
    'host-interface-vx-prefix.yaml': 'a host link name in the VXLAN links\' vx- names',
    'ifname-lo.yaml': 'interface lo is the namespace\'s loopback (a valid name)',
    'ifname-same-in-container.yaml': 'one interface name twice in a container',
    'invalid-utf8.yaml': 'YAML: not UTF-8',
    'mac-all-zero.yaml': 'MAC value check',
    'mac-duplicate-derived.yaml': 'a MAC equal to a derived one',
    'mac-duplicate.yaml': 'the same MAC twice',
    'mac-multicast.yaml': 'MAC value check (multicast bit)',
    'merge-key-not-mapping.yaml': 'YAML: merge key of a scalar',
    'merge-key-scalar.yaml': 'YAML: merge key of a scalar',
    'multiple-documents.yaml': 'YAML: more than one document',
    'netns-name-vs-path.yaml': 'two containers in one namespace',
    'netns-shared.yaml': 'two containers in one namespace',
    'nul-byte.yaml': 'YAML: control character',
    'port-duplicate-any-vs-specific-ip.yaml': 'the same host port twice',
    'port-duplicate-same-container.yaml': 'the same host port twice',
    'port-duplicate-two-containers.yaml': 'the same host port twice',
    'port-long-range-unequal-length.yaml': 'comparing two range lengths',
    'port-ipv6-host.yaml': 'an IPv6 host_ip on a bridge without subnet6',
    'port-network-not-attached.yaml': 'port network against the container\'s networks',
    'port-range-overlap.yaml': 'overlapping host port ranges',
    'port-range-reversed.yaml': 'comparing a range\'s ends',
    'port-range-unequal-length.yaml': 'comparing two range lengths',
    'subnet-exhausted.yaml': 'IPAM: no free address',
    'subnet-overlap-identical.yaml': 'subnets of two bridges overlap',
    'subnet-overlap-nested.yaml': 'subnets of two bridges overlap',
    'syntax-bad-indentation.yaml': 'YAML: syntax error',
    'syntax-tab-indentation.yaml': 'YAML: syntax error',
    'syntax-unclosed-flow-sequence.yaml': 'YAML: syntax error',
    'address-on-ipv6-only-bridge.yaml': "address against its bridge's families",
    'address6-duplicate.yaml': 'the same address6 in two containers (spelled two ways)',
    'address6-explicit-gateway.yaml': 'address6 equals the gateway6 set elsewhere',
    'address6-gateway.yaml': 'address6 equals the derived gateway6',
    'address6-mapped.yaml': 'address arithmetic (IPv4-mapped range)',
    'address6-network.yaml': 'address arithmetic (network address)',
    'address6-outside-subnet.yaml': "address6 against its bridge's subnet6",
    'address6-without-subnet6.yaml': "address6 against its bridge's families",
    'gateway-on-ipv6-only-bridge.yaml': "gateway against the bridge's families",
    'gateway6-network-address.yaml': 'address arithmetic',
    'gateway6-outside-subnet.yaml': 'gateway6 against subnet6',
    'gateway6-without-subnet6.yaml': "gateway6 against the bridge's families",
    'mac-duplicate-derived-ipv6.yaml': 'two MACs derived from address6',
    'mac-ipv6-only-explicit-vs-derived.yaml': 'an explicit MAC equal to one derived from address6',
    'port-ipv4-host-ipv6-only-bridge.yaml': "a host_ip against its network's families",
    'port-ipv6-duplicate.yaml': 'the same host port twice, by family',
    'port-ipv6-mapped.yaml': 'address arithmetic (IPv4-mapped host_ip)',
    'port-long-host-ip6-ipv4-bridge.yaml': "a host_ip against its network's families",
    'subnet6-exhausted.yaml': 'IPAM: no free address6',
    'subnet6-host-bits.yaml': 'address arithmetic (host bits)',
    'subnet6-overlap.yaml': 'subnet6 of two bridges overlap',
    'subnet6-reserved.yaml': 'address arithmetic (reserved ranges)',
}


def load(path, loader):
    with open(path, 'rb') as f:
        return yaml.load(f, Loader=loader)


def check_ipv6_pattern(schema):
    """The schema's IPv6 address pattern (generated, gen-schema.c) says what
    RFC 4291 text is, as Python's ipaddress reads it (zone ids aside, which
    the parser refuses): on random text over the characters that matter."""
    import ipaddress
    import random

    bridge = schema['properties']['bridges']['additionalProperties']['properties']
    pattern = re.compile(bridge['gateway6']['pattern'])
    rnd = random.Random(1)
    alphabet = '0123456789abcdefABCDEF::::::...'
    failures, accepted = [], 0
    for _ in range(100000):
        text = ''.join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30)))
        try:
            ipaddress.IPv6Address(text)
            valid = True
        except ValueError:
            valid = False
        accepted += valid
        if bool(pattern.match(text)) != valid:
            failures.append(f'IPv6 pattern: {text!r}: the pattern says {not valid}, ipaddress says {valid}')
    if accepted < 1000:
        failures.append(f'IPv6 pattern: only {accepted} random texts were addresses; the check proves little')
    return failures[:10]


def main():
    top = pathlib.Path(sys.argv[1])
    schema = json.loads((top / 'docs' / 'netconverge.schema.json').read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft7Validator.check_schema(schema)
    failures = check_ipv6_pattern(schema)
    for draft in (jsonschema.Draft202012Validator, jsonschema.Draft7Validator):
        failures += check(top, draft(schema), draft.__name__)
    for f in failures:
        print(f, file=sys.stderr)
    print(f'{len(SCHEMA_LEVEL)} schema-level bad files, {len(BEYOND_SCHEMA)} beyond a schema; '
          f'{len(failures)} problems')
    return 1 if failures else 0


def check(top, validator, draft):
    """Every verdict of the module's docstring; the problems found."""
    failures = []

    good = sorted(top.glob('examples/*.yaml')) + sorted((top / 'tests' / 'good').glob('*.yaml'))
    for path in good:
        for view, loader in LOADERS.items():
            errors = list(validator.iter_errors(load(path, loader)))
            for e in errors:
                failures.append(f'{path.relative_to(top)} ({view}): valid to the parser, but the schema says: '
                                f'{"/".join(map(str, e.absolute_path))}: {e.message}')

    bad = {p.name: p for p in (top / 'tests' / 'bad').glob('*.yaml')}
    for name in sorted(set(bad) - set(SCHEMA_LEVEL) - set(BEYOND_SCHEMA)):
        failures.append(f'tests/bad/{name}: not classified; add it to SCHEMA_LEVEL or BEYOND_SCHEMA')
    for name in sorted((set(SCHEMA_LEVEL) | set(BEYOND_SCHEMA)) - set(bad)):
        failures.append(f'tests/bad/{name}: listed but missing')
    for name in sorted(set(SCHEMA_LEVEL) & set(bad)):
        for view, loader in LOADERS.items():
            if validator.is_valid(load(bad[name], loader)):
                failures.append(f'tests/bad/{name} ({view}): the schema accepts it ({SCHEMA_LEVEL[name]})')

    for name in sorted(set(BEYOND_SCHEMA) & set(bad)):
        if BEYOND_SCHEMA[name].startswith('YAML:'):
            continue
        for view, loader in LOADERS.items():
            for e in validator.iter_errors(load(bad[name], loader)):
                failures.append(f'tests/bad/{name} ({view}): listed as beyond a schema, but the schema says: '
                                f'{"/".join(map(str, e.absolute_path))}: {e.message}')

    print(f'{draft}: {len(good)} good files')
    return [f'{draft}: {f}' for f in failures]


if __name__ == '__main__':
    sys.exit(main())
