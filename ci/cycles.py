#!/usr/bin/env python3
"""Module structure checks for make check.

- No cycle between modules: module A (an object file of the tree) depends
  on module B when A uses a symbol B defines, so A cannot be linked, or
  unit-tested, without B.  A cycle means neither can be taken alone.
- No cycle between headers (a header including, through others, itself).
- No source file above MAX_LINES lines.
Prints what it finds; exits 1 on any problem.
usage: ci/cycles.py BUILD_DIR [MAX_LINES]
"""
import os
import re
import subprocess
import sys

build = sys.argv[1]
max_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 700
roots = ["harness", "netns", "backends", "include"]
bad = False


def cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]

    def strong(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


sources = []
for root in roots:
    for d, _, names in os.walk(root):
        sources += [os.path.join(d, x) for x in names if x.endswith((".c", ".h"))]

headers = {}
for f in sorted(sources):
    with open(f) as fh:
        text = fh.read()
    lines = text.count("\n")
    if lines > max_lines:
        print(f"too long: {f}: {lines} lines (cap {max_lines})")
        bad = True
    if f.endswith(".h"):
        headers[os.path.basename(f)] = re.findall(r'^#include "(?:.*/)?([^"/]+\.h)"', text, re.M)
hgraph = {h: {d for d in deps if d in headers and d != h} for h, deps in headers.items()}
for c in cycles(hgraph):
    print("header cycle: " + " <-> ".join(c))
    bad = True

defined, used = {}, {}
objs = [os.path.join(d, x) for r in roots if os.path.isdir(os.path.join(build, r))
        for d, _, names in os.walk(os.path.join(build, r)) for x in names if x.endswith(".o")]
for o in objs:
    name = os.path.relpath(o, build)[:-2]
    out = subprocess.run(["nm", o], capture_output=True, text=True).stdout
    defined[name] = set(re.findall(r"^[0-9a-f]+ [TDBR] (\S+)$", out, re.M))
    used[name] = set(re.findall(r"^\s+U (\S+)$", out, re.M))
owner = {s: m for m, syms in defined.items() for s in syms}
graph = {m: {owner[s] for s in used[m] if s in owner and owner[s] != m} for m in defined}
for c in cycles(graph):
    print("module cycle: " + " <-> ".join(c))
    bad = True
print(f"modules: {len(graph)}, dependencies: {sum(map(len, graph.values()))}, headers: "
      f"{len(headers)}: " + ("problems found" if bad else
                             f"no cycle, no file over {max_lines} lines"))
sys.exit(1 if bad else 0)
