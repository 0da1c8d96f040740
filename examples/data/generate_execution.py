#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the execution CSV files of the examples (civicplan record / import_execution).

A municipality closing its year: Pergine Valsugana (022139) records the year-end progress,
actual spending and statuses of its approved 2022 family plan. A district reporting on its
three-year zone plan: the Pianura Est district records the 2020 progress, actual spending
and target values of pdz-pianura-est-2018-2020.

Standard library only, seeded, byte-for-byte reproducible. Run from anywhere:
    /usr/bin/python3 examples/data/generate_execution.py
"""
import csv
import json
import pathlib
import random

HERE = pathlib.Path(__file__).resolve().parent


def plan(bundle, plan_id):
    data = json.loads((HERE / bundle).read_text(encoding="utf-8"))
    return next(p for p in data["plans"] if p["id"] == plan_id)


def write(name, header, rows):
    with open(HERE / name, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def latest(action):
    entries = action.get("progress") or [{"completion": 0}]
    return entries[-1]["completion"]


def family(rng):
    p = plan("family.json", "pf-022139-2022")
    progress, actuals, statuses = [], [], []
    for a in p["actions"]:
        if a["status"] in ("completed", "cancelled"):
            continue
        done = min(100, latest(a) + rng.choice([20, 25, 40, 50]))
        if a["status"] == "planned":
            done = rng.choice([25, 50])
        note = "Conclusa entro l'anno." if done == 100 else "Prosegue nel 2023."
        progress.append([p["id"], a["id"], "2022-12-31", done, note])
        statuses.append([p["id"], a["id"], "completed" if done == 100 else "in_progress"])
        for line in a.get("budget", []):
            if line["year"] != 2022 or "planned" not in line:
                continue
            share = rng.uniform(0.85, 1.02) if done == 100 else rng.uniform(0.55, 0.8)
            actuals.append([p["id"], a["id"], 2022, line["source"], f"{line['planned'] * share:.2f}"])
    write("family_progress_2022.csv", ["plan", "action", "date", "completion", "note"], progress)
    write("family_actuals_2022.csv", ["plan", "action", "year", "source", "actual"], actuals)
    write("family_statuses_2022.csv", ["plan", "action", "status"], statuses)


def zone(rng):
    p = plan("zone.json", "pdz-pianura-est-2018-2020")
    progress, actuals, targets = [], [], []
    for a in p["actions"]:
        progress.append([p["id"], a["id"], "2019-12-31", rng.choice([55, 60, 65, 70]), "Rendicontazione della seconda annualità."])
        progress.append([p["id"], a["id"], "2020-12-31", rng.choice([90, 100, 100]), "Rendicontazione finale del triennio."])
        for line in a.get("budget", []):
            if line["year"] == 2020 and "planned" in line:
                actuals.append([p["id"], a["id"], 2020, line["source"], f"{line['planned'] * rng.uniform(0.8, 1.0):.2f}"])
        for t in a.get("targets", []):
            reached = t["baseline"] + (t["target"] - t["baseline"]) * rng.uniform(0.7, 1.1)
            targets.append([p["id"], a["id"], t["metric"], round(reached)])
    write("zone_progress_2020.csv", ["plan", "action", "date", "completion", "note"], progress)
    write("zone_actuals_2020.csv", ["plan", "action", "year", "source", "actual"], actuals)
    write("zone_targets_2020.csv", ["plan", "action", "metric", "actual"], targets)


if __name__ == "__main__":
    family(random.Random(2022))
    zone(random.Random(2020))
