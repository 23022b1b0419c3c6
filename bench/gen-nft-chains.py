#!/usr/bin/env python3
"""A snapshot with N foreign chains in the owned table, one foreign rule in
each, on top of tests/golden/in-sync (issue 11 item 6: planning was
O(chains x rules)). Usage: gen-nft-chains.py N >snap; then
  time netconverge diff tests/golden/in-sync/config.yaml --observed snap"""
import os
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
here = os.path.dirname(os.path.abspath(__file__))
base = open(os.path.join(here, "..", "tests", "golden", "in-sync", "observed.snap")).read()
head, nft = base.split("nft:\n", 1)
lines = nft.splitlines()
chains = [l for l in lines if l.startswith("    - {name:")]
rules = [l for l in lines if l.startswith("    - {chain:")]
chains += ["    - {name: x%06d, hook: none}" % i for i in range(n)]
rules += ["    - {chain: x%06d, kind: other}" % i for i in range(n)]
out = [head + "nft:", "  table: netconverge", "  chains:"] + sorted(chains) + ["  rules:"] + rules
sys.stdout.write("\n".join(out) + "\n")
