#!/usr/bin/env python3
"""Reads a slice of PostgreSQL's log (log_statement = 'all', the Debian
prefix "%m [%p] %q%u@%d ") on stdin and prints the statements run against
database argv[1], one per line, with their bound parameters inlined as
literals: a pgbench script of exactly what the server ran."""
import re
import sys

db = sys.argv[1]
line_re = re.compile(r"^\S+ \S+ \S+ \[\d+\] \S*@(\S+) (LOG|DETAIL):  (.*)$")
param_re = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")
stmts = []
for raw in sys.stdin:
    m = line_re.match(raw.rstrip("\n"))
    if not m or m.group(1) != db:
        continue
    kind, text = m.group(2), m.group(3)
    if kind == "LOG":
        s = re.match(r"(?:execute [^:]+|statement): (.*)$", text)
        if s and not s.group(1).startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            stmts.append(s.group(1))
    elif kind == "DETAIL" and text.startswith("parameters:") and stmts:
        params = {int(n): v for n, v in param_re.findall(text)}
        stmts[-1] = re.sub(r"\$(\d+)\b", lambda x: params.get(int(x.group(1)), x.group(0)), stmts[-1])
for s in stmts:
    print(s.rstrip(";") + ";")
