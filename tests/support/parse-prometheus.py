#!/usr/bin/env python3
"""Parses Prometheus text with the official client's parser (Debian's
python3-prometheus-client) and prints what it understood as JSON, for the
integration tests: {"families": {name: {"type": t, "samples": [[name, labels, value], ...]}}}.
A file the parser rejects exits 1 with the parser's message on stderr."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read()
try:
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = {
            "type": family.type,
            "samples": [[s.name, s.labels, s.value] for s in family.samples],
        }
except Exception as error:  # the parser raises ValueError and others on malformed text
    print(f"unparseable: {error}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"families": families}))
