#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# The storage steps plus indicators, certification and search at one scale, for comparing two
# builds run alternately: PYTHONPATH=<build>/python benchmarks/ab_steps.py DATA_DIR TMPDIR N
import json, os, sys, time, statistics
import civicplan as cp
data = sys.argv[1]; tmp = sys.argv[2]; n = int(sys.argv[3])
bundle = os.path.join(data, "bundle.json")
meta = json.load(open(os.path.join(data, "meta.json")))
queries = json.load(open(os.path.join(data, "queries.json")))
db = os.path.join(tmp, "ab2.db")
def rm():
    for s in ("", "-wal", "-shm"):
        try: os.remove(db + s)
        except FileNotFoundError: pass
def t(f):
    s = time.perf_counter(); f(); return time.perf_counter() - s
imp, save, opn = [], [], []
for i in range(n):
    ws = cp.Workspace(); imp.append(t(lambda: ws.import_bundle(bundle)))
    if i == 0: mem = ws
    else: del ws
    rm(); save.append(t(lambda: cp.Workspace.open(db).import_bundle(bundle)))
    opn.append(t(lambda: len(cp.Workspace.open(db).plans)))
rm()
ws = mem
cold = t(lambda: ws.compute_indicators())
warm = min(t(lambda: ws.compute_indicators()) for _ in range(5))
scheme = "family-in-trentino"
cert_cold = t(lambda: ws.certify_all(scheme, 2020))
cert = min(t(lambda: ws.certify_all(scheme, 2020)) for _ in range(5))
index = ws.practices
for q in queries[:50]: index.search(q["text"], category=q["category"], limit=20)
srch = min(t(lambda: [index.search(q["text"], category=q["category"], limit=20) for q in queries]) for _ in range(3))
print("import min %.2f | into-file min %.2f | open min %.2f | ind cold %.2f warm %.4f | certify cold %.4f warm %.4f | %d searches %.3f" % (
    min(imp), min(save), min(opn), cold, warm, cert_cold, cert, len(queries), srch))
