#!/usr/bin/python3
"""analysis/mlpvar_results.py against mlpvar itself.

usage: test_results_py.py schema SRCDIR
       test_results_py.py agree MLPVAR SRCDIR

schema: the module's SCHEMA equals RECORD_FIELDS of src/sweep/record_schema.h
        and RIVALS the rival names of src/lib/rivals.c, so a change there fails
        here until the Python follows.
agree:  on a real store (a sweep with a task, training and rivals) and on a
        damaged copy (garbage, blank lines, a key stored twice with another
        value, a record of another sweep, a flipped byte, bad UTF-8, a torn
        tail): `python3 analysis/mlpvar_results.py DIR` prints what
        `mlpvar results DIR` prints, and load(DIR) holds, row by row and
        column by column, what `mlpvar results DIR --csv` writes. Needs pandas
        (exit 77 without it).
"""
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

fails = 0


def check(ok, what):
    global fails
    if not ok:
        fails += 1
        print("FAIL: " + what)


def schema(src):
    sys.path.insert(0, os.path.join(src, "analysis"))
    import mlpvar_results as mr
    with open(os.path.join(src, "src/sweep/record_schema.h")) as f:
        text = f.read()
    block = text[text.index("#define RECORD_FIELDS(X)"):]
    block = block[:block.index("\n\n")]
    fields = [(n, t, p, int(z)) for n, t, p, z in re.findall(r"X\((\w+),\s*(\w+),\s*(\w+),\s*(\d+)\)", block)]
    check(len(fields) > 30, "found %d fields in record_schema.h" % len(fields))
    check(fields == mr.SCHEMA, "SCHEMA differs from RECORD_FIELDS in src/sweep/record_schema.h:\n  header: %s\n  python: %s"
          % ([f for f in fields if f not in mr.SCHEMA], [f for f in mr.SCHEMA if f not in fields]))
    with open(os.path.join(src, "src/lib/rivals.c")) as f:
        text = f.read()
    names = text[text.index("NAMES[MLPV_RIVAL_COUNT] = {"):]
    names = re.findall(r'"(\w+)"', names[:names.index("};")])
    check(names == mr.RIVALS, "RIVALS %s differ from src/lib/rivals.c %s" % (mr.RIVALS, names))


def same(cell, value):
    """A --csv cell (text) against a DataFrame value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell == ""
    if isinstance(value, bool):
        return cell == ("true" if value else "false")
    if isinstance(value, int):
        return cell == str(value)
    if isinstance(value, float):
        return cell != "" and float(cell) == value
    if isinstance(value, list):
        parts = cell.split(";") if cell != "" or value else []
        return len(parts) == len(value) and all(same(c, v) for c, v in zip(parts, value))
    return cell == value


def agree_on(mlpvar, src, folder, want_count):
    import mlpvar_results as mr
    c = subprocess.run([mlpvar, "results", folder], capture_output=True)
    p = subprocess.run([sys.executable, os.path.join(src, "analysis/mlpvar_results.py"), folder], capture_output=True)
    check(c.returncode == 0 and p.returncode == 0, "%s: exit %d (mlpvar) and %d (python): %s %s"
          % (folder, c.returncode, p.returncode, c.stderr, p.stderr))
    check(c.stdout == p.stdout, "%s: the summaries differ:\n%s---\n%s" % (folder, c.stdout.decode(), p.stdout.decode()))
    check(c.stdout.startswith(b"%d records in " % want_count), "%s: want %d records: %s" % (folder, want_count, c.stdout[:40]))
    out = folder + ".csv"
    subprocess.run([mlpvar, "results", folder, "--csv", out], check=True, capture_output=True)
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    df = mr.load(folder)
    check(list(df.columns) == rows[0], "%s: columns %s, --csv %s" % (folder, list(df.columns), rows[0]))
    check(len(df) == len(rows) - 1 == want_count, "%s: %d rows, --csv %d, want %d" % (folder, len(df), len(rows) - 1,
                                                                                     want_count))
    for i, row in enumerate(rows[1:len(df) + 1]):
        for col, cell in zip(rows[0], row):
            v = df[col].iloc[i]
            v = v.item() if hasattr(v, "item") and not isinstance(v, list) else v
            check(same(cell, v), "%s: row %d, %s: --csv %r, load %r" % (folder, i, col, cell, v))
    return df


def agree(mlpvar, src):
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("SKIP: no pandas (Debian's python3-pandas)")
        return 77
    sys.path.insert(0, os.path.join(src, "analysis"))
    import mlpvar_results as mr
    if mr._Parser is None:
        print("SKIP: no PyYAML with libyaml (Debian's python3-yaml)")
        return 77
    tmp = tempfile.mkdtemp()
    try:
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        store = os.path.join(tmp, "store")
        subprocess.run([mlpvar, "sweep", os.path.join(src, "tests/fuzz/store.yaml"), "--out", store, "--quiet"],
                       check=True, env=env)
        with open(os.path.join(store, "results.jsonl"), "rb") as f:
            lines = f.read().splitlines(keepends=True)
        n = len(lines)
        df = agree_on(mlpvar, src, store, n)
        check(all(isinstance(v, list) and len(v) == d for v, d in zip(df["layer_dead_fraction"], df["depth"])),
              "arrays are lists of depth numbers")
        check(df["rival_snip"].notna().all() and "rival_naswot" in df.columns, "the rivals are columns")

        # The damaged copy: one key stored again, later, with another variability.
        bad = os.path.join(tmp, "damaged")
        shutil.copytree(store, bad)
        again = re.sub(rb'"variability": [^,]+', b'"variability": 12.5', lines[3])
        flipped = bytearray(lines[5]); flipped[40] ^= 0x20
        damaged = (lines[:2] + [b"\n", b"   \t\r\n", b"garbage {\n"] + lines[2:] + [again, bytes(flipped),
                   lines[1].replace(b'"sweep": "fz"', b'"sweep": "other"'), b'{"key": "\xff"}\n', lines[0][:50]])
        with open(os.path.join(bad, "results.jsonl"), "wb") as f:
            f.write(b"".join(damaged))
        df = agree_on(mlpvar, src, bad, n)
        key = re.search(rb'"key": "(\w+)"', lines[3]).group(1).decode()
        check(df["key"].iloc[-1] == key and df["variability"].iloc[-1] == 12.5,
              "the later record of a key wins, in its place: %s" % df[["key", "variability"]].tail(2))
        records, _, stats = mr.read_store(bad)
        check((stats.bad, stats.blank, stats.superseded, stats.torn_bytes > 0) == (6, 2, 1, True),
              "ignored: %d bad (6), %d blank (2), %d superseded (1), torn %d" % (stats.bad, stats.blank,
                                                                                  stats.superseded, stats.torn_bytes))

        # Not a store: both refuse with exit 2.
        os.remove(os.path.join(bad, "manifest.json"))
        c = subprocess.run([mlpvar, "results", bad], capture_output=True)
        p = subprocess.run([sys.executable, os.path.join(src, "analysis/mlpvar_results.py"), bad], capture_output=True)
        check(c.returncode == p.returncode == 2, "not a store: exit %d and %d" % (c.returncode, p.returncode))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "schema":
        schema(sys.argv[2])
        rc = 0
    else:
        rc = agree(sys.argv[2], sys.argv[3])
    print("%s: %d failures" % (sys.argv[1], fails))
    sys.exit(rc if rc else (1 if fails else 0))
