#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Times import into memory, import into a fresh SQLite file and open, for comparing two builds
# run alternately: PYTHONPATH=<build>/python benchmarks/ab_storage.py BUNDLE TMPDIR N
import os, sys, time, statistics
import civicplan as cp
bundle = sys.argv[1]; tmp = sys.argv[2]; n = int(sys.argv[3])
db = os.path.join(tmp, "ab.db")
def rm():
    for s in ("", "-wal", "-shm"):
        try: os.remove(db + s)
        except FileNotFoundError: pass
imp, save, opn = [], [], []
for i in range(n):
    t = time.perf_counter(); cp.Workspace().import_bundle(bundle); imp.append(time.perf_counter() - t)
    rm(); t = time.perf_counter(); cp.Workspace.open(db).import_bundle(bundle); save.append(time.perf_counter() - t)
    t = time.perf_counter(); ws = cp.Workspace.open(db); assert len(ws.plans) > 0; del ws; opn.append(time.perf_counter() - t)
rm()
print("import min %.3f med %.3f | import-into-file min %.3f med %.3f | open min %.3f med %.3f" % (
    min(imp), statistics.median(imp), min(save), statistics.median(save), min(opn), statistics.median(opn)))
