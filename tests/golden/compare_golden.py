#!/usr/bin/env python3
"""Compares a sweep's records with a golden results file: every golden record
must have exactly one new record of the same network (sweep, part, activation,
depth, width, budget, seed, trained), and every golden field must be present
in it with an equal value; numbers must be equal exactly (the JSON writer
prints %.17g, so equal text means equal doubles). Timings and the key (a hash
of the settings' text, which may change its spelling) are left out; new fields
are allowed. Declared schema changes since the golden files were written:
  ok (true/false)  ->  status ("ok"/"failed"), with error and attempt beside it.
  knob             ->  the task's knob under its own name (cells, rings,
                       frequency, turns); a CSV task had a meaningless knob 8,
                       now dropped (its identity is csv_path, csv_rows,
                       csv_targets, test_fraction and csv_hash).
Declared numeric tolerance, for two rival scores only: jacob_cov and ntk_cond
are set by eigenvalues of N x N kernels at roundoff level (jacob_cov: 1/(lambda
+ 1e-5) of eigenvalues that are 0 in exact arithmetic; ntk_cond: the smallest
eigenvalue of a near-singular NTK), so the one forward engine's GEMM
orientation (features-major, where the old rival code was point-major) moves
them in their last bits: measured 4.2e-11 (jacob_cov) and 1.7e-6 (ntk_cond)
relative. They must agree to 1e-5 relative; every other number exactly.

usage: compare_golden.py GOLDEN.jsonl NEW.jsonl"""
import json
import sys

IGNORED = {"key", "measure_seconds", "train_seconds"}
# fields compared to a relative tolerance (see above), every other number exactly
TOLERANCE = {"rival_jacob_cov": 1e-5, "rival_ntk_cond": 1e-5}
# golden field -> (new field, value mapping)
RENAMED = {"ok": ("status", lambda v: "ok" if v else "failed")}
KNOB_FIELD = {"checkerboard": "cells", "rings": "rings", "sines": "frequency", "spirals": "turns", "csv": None}
IDENTITY = ("sweep", "part", "activation", "depth", "width", "budget", "seed", "trained")


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ident(r):
    return tuple(r.get(k) for k in IDENTITY)


def main():
    golden, new = load(sys.argv[1]), load(sys.argv[2])
    by_id = {}
    for r in new:
        by_id.setdefault(ident(r), []).append(r)
    problems = []
    if len(new) != len(golden):
        problems.append(f"{len(new)} records, golden has {len(golden)}")
    for g in golden:
        found = by_id.get(ident(g), [])
        if len(found) != 1:
            problems.append(f"{ident(g)}: {len(found)} records, want 1")
            continue
        n = found[0]
        for k, v in g.items():
            if k in IGNORED:
                continue
            if k in RENAMED:
                k, v = RENAMED[k][0], RENAMED[k][1](v)
            elif k == "knob":
                k = KNOB_FIELD[g["task"]]
                if k is None:
                    continue
            if k not in n:
                problems.append(f"{ident(g)}: field '{k}' missing")
            elif k in TOLERANCE and isinstance(v, float) and isinstance(n[k], float):
                if abs(n[k] - v) > TOLERANCE[k] * abs(v):
                    problems.append(f"{ident(g)}: '{k}' is {n[k]!r}, golden {v!r} (beyond {TOLERANCE[k]:g} relative)")
            elif n[k] != v:
                problems.append(f"{ident(g)}: '{k}' is {n[k]!r}, golden {v!r}")
    for p in problems[:20]:
        print(p)
    if problems:
        print(f"{len(problems)} differences from {sys.argv[1]}")
        return 1
    print(f"{len(golden)} records equal to {sys.argv[1]} (timings aside)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
