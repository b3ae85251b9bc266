#!/usr/bin/env python3
"""The secret audit: no log line the test suite produced holds one of its fake secrets.

    audit-logs.py --clear DIR     empty DIR (the ctest fixture's setup, before any test)
    audit-logs.py DIR             scan every file under DIR (the fixture's cleanup, last)
    audit-logs.py --self-test     show that a scan fails on a planted secret and on no logs

Every flint-lsp the suite starts writes its whole log (trace level) under DIR
(tests/integration/LspProcess.cpp, the model tests, the editors, the soak). The secrets
are read from tests/support/TestSecrets.h: the API key every keyed test configures, and
the secret the redaction tests put in a buffer. A line fails the audit when it holds any
10-character piece of either, so a truncated or partly masked key is found too (a
4-character tail, as key masks show, is not). The scan also fails when it finds no log
lines at all, or none at debug level or below: it must not pass for having seen nothing.
"""
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PIECE = 10


def secrets():
    with open(os.path.join(HERE, "TestSecrets.h"), encoding="utf-8") as f:
        found = re.findall(r'(kTestApiKey|kBufferSecret) = "([^"]+)"', f.read())
    if len(found) != 2:
        sys.exit("audit: TestSecrets.h must define kTestApiKey and kBufferSecret")
    return dict(found)


def pieces(secret):
    return {secret[i:i + PIECE] for i in range(len(secret) - PIECE + 1)}


def masked(line, held, needles):
    """The line with every stretch covered by a secret's pieces shown as <name>."""
    covered = [None] * len(line)
    for piece in held:
        start = line.find(piece)
        while start >= 0:
            for i in range(start, start + len(piece)):
                covered[i] = needles[piece]
            start = line.find(piece, start + 1)
    out = []
    for i, c in enumerate(line):
        if covered[i] is None:
            out.append(c)
        elif i == 0 or covered[i - 1] != covered[i]:
            out.append("<" + covered[i] + ">")
    return "".join(out)


def scan(directory, named_secrets, out=sys.stdout):
    """Returns the number of problems (leaks, or no logs to judge)."""
    needles = {piece: name for name, secret in named_secrets.items() for piece in pieces(secret)}
    files = lines = size = verbose = 0
    leaks = []
    for folder, _, names in os.walk(directory):
        for name in sorted(names):
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
            files += 1
            size += len(text)
            lines += text.count("\n") + (0 if text.endswith("\n") or not text else 1)
            if "[debug]" in text or "[trace]" in text:
                verbose += 1
            hits = [piece for piece in needles if piece in text]
            if not hits:
                continue
            for number, line in enumerate(text.splitlines(), 1):
                held = [piece for piece in hits if piece in line]
                if held:
                    leaks.append(f"{os.path.relpath(path, directory)}:{number}: {masked(line, held, needles)[:300]}")
    print(f"audit: {files} log file(s), {lines} line(s), {size / 1048576:.1f} MiB under {directory}; "
          f"{verbose} at debug level or below", file=out)
    problems = 0
    if lines == 0:
        print("audit: FAIL: no log lines to audit (were the tests run? see LspProcess.cpp)", file=out)
        problems += 1
    elif verbose == 0:
        print("audit: FAIL: no log at debug level or below: the audit would prove little", file=out)
        problems += 1
    for leak in leaks:
        print(f"audit: FAIL: a secret in a log line: {leak}", file=out)
    return problems + len(leaks)


def self_test():
    named = secrets()
    key = named["kTestApiKey"]
    quiet = open(os.devnull, "w")
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as clean, \
            tempfile.TemporaryDirectory() as leaked:
        line = "[2025-01-01 00:00:00.000] [debug] model request: openai-chat http://127.0.0.1:1 model m\n"
        with open(os.path.join(clean, "a.log"), "w") as f:
            f.write(line)
        with open(os.path.join(leaked, "a.log"), "w") as f:
            f.write(line + f"[2025-01-01 00:00:00.000] [info] using key {key[:PIECE + 2]}...\n")
        checks = [("an empty directory fails", scan(empty, named, quiet) > 0),
                  ("a clean debug log passes", scan(clean, named, quiet) == 0),
                  ("a log with a piece of the key fails", scan(leaked, named, quiet) == 1)]
    for what, ok in checks:
        print(f"audit self-test: {'ok' if ok else 'FAILED'}: {what}")
    return 0 if all(ok for _, ok in checks) else 1


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if len(argv) == 2 and argv[0] == "--clear":
        shutil.rmtree(argv[1], ignore_errors=True)
        os.makedirs(argv[1])
        return 0
    if len(argv) == 1 and not argv[0].startswith("-"):
        if not os.path.isdir(argv[0]):
            print(f"audit: FAIL: no log directory {argv[0]}")
            return 1
        return 1 if scan(argv[0], secrets()) else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
