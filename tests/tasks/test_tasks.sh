#!/usr/bin/env bash
# Task identity end to end (docs/records.md): three CSV files in three parts are
# three tasks in `results`, in analyze's tables and with three C5 rows; the same
# file reached by two paths is one task; a moved file is not new work, an edited
# one is; two files that share a basename get labels made unique.
# usage: test_tasks.sh PATH/TO/mlpvar
set -u
MLPVAR=$(realpath "${1:?mlpvar}")
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3

# three XOR-like data sets of 2-D points with +-1 labels (different rules)
"$PY" - "$T" <<'PYEOF'
import random, sys, os
d = sys.argv[1]
os.makedirs(d + "/data/sub", exist_ok=True)
rules = {"A.csv": lambda x, y: x * y > 0, "B.csv": lambda x, y: x > y, "C.csv": lambda x, y: x * x + y * y < 0.5}
for name, rule in rules.items():
    r = random.Random(name)
    with open(d + "/data/" + name, "w") as f:
        f.write("x,y,label\n")
        for _ in range(160):
            x, y = r.uniform(-1, 1), r.uniform(-1, 1)
            f.write("%.6f,%.6f,%d\n" % (x, y, 1 if rule(x, y) else -1))
PYEOF
cat >"$T/three.yaml" <<'YAML'
name: three-csv
activations: [relu, abs]
budget: 200
depths: [1, 2, 3, 4]
seeds: 2
train: {steps: 30, lr: 1.0e-2}
measure: {grid: 16, draws: 2}
parts:
  - {task: {name: csv, path: data/A.csv}}
  - {task: {name: csv, path: data/B.csv}}
  - {task: {name: csv, path: data/C.csv}}
YAML
"$MLPVAR" sweep "$T/three.yaml" --out "$T/three" --quiet || bad "three-CSV sweep failed"
"$MLPVAR" results "$T/three" >"$T/out" 2>&1
for f in A.csv B.csv C.csv; do
    [ "$(grep -c " $f " "$T/out")" -eq 8 ] && ok || bad "results: want 8 configurations of task $f: $(grep -c " $f " "$T/out")"
done
grep -q "csv:8" "$T/out" && bad "results still labels a CSV task csv:8" || ok
"$MLPVAR" analyze "$T/three" --bootstrap 100 >/dev/null 2>&1 || bad "analyze failed"
c5=$(grep -c '^C5,"\?task ' "$T/three/report/claims.csv")
[ "$c5" -eq 3 ] && ok || bad "want 3 per-task C5 rows in claims.csv, got $c5: $(grep '^C5' "$T/three/report/claims.csv")"
for f in A.csv B.csv C.csv; do
    grep -q "task $f" "$T/three/report/claims.csv" && ok || bad "claims.csv has no C5 row for $f"
    [ "$(grep -c "^$f," "$T/three/report/trained_configs.csv")" -eq 8 ] && ok || bad "trained_configs.csv: want 8 rows of $f"
done
"$PY" "$(dirname "$0")/../../analysis/mlpvar_results.py" "$T/three" >"$T/py" 2>&1
diff <("$MLPVAR" results "$T/three" 2>/dev/null) "$T/py" >/dev/null && ok || bad "mlpvar_results.py's summary differs from mlpvar results"
# every record names its task in full
"$PY" - "$T/three" <<'PYEOF' && ok || bad "a record lacks its task identity"
import json, sys
hashes = set()
for line in open(sys.argv[1] + "/results.jsonl"):
    r = json.loads(line)
    assert r["task"] == "csv" and "knob" not in r, r
    assert r["csv_path"] in ("data/A.csv", "data/B.csv", "data/C.csv") and r["csv_rows"] == 160, r
    assert r["csv_targets"] == 1 and r["test_fraction"] == 0.2 and len(r["csv_hash"]) == 16, r
    hashes.add((r["csv_path"], r["csv_hash"]))
assert len(hashes) == 3, hashes
PYEOF

# one file by two paths: one task
cat >"$T/twopaths.yaml" <<'YAML'
name: two-paths
activations: [relu]
budget: 200
depths: [1, 2, 3, 4]
seeds: 2
train: {steps: 30, lr: 1.0e-2}
measure: {grid: 16, draws: 2}
parts:
  - {task: {name: csv, path: data/A.csv}}
  - {task: {name: csv, path: data/sub/../A.csv}}
YAML
"$MLPVAR" sweep "$T/twopaths.yaml" --out "$T/two" --quiet || bad "two-paths sweep failed"
"$MLPVAR" results "$T/two" >"$T/out" 2>&1
[ "$(grep -c " A.csv " "$T/out")" -eq 4 ] && ! grep -q "A.csv#" "$T/out" && ok || bad "one file by two paths is not one task: $(cat "$T/out")"
"$MLPVAR" analyze "$T/two" --bootstrap 100 >/dev/null 2>&1
[ "$(grep -c '^C5,"\?task ' "$T/two/report/claims.csv")" -eq 1 ] && ok || bad "one file by two paths: want one C5 task row"

# a moved file is not new work; an edited one is (a new identity: the folder is refused)
mkdir -p "$T/moved"
cp "$T/data/A.csv" "$T/moved/A.csv"
sed 's#data/A.csv#moved/A.csv#' "$T/three.yaml" | sed '/B.csv\|C.csv/d' >"$T/one.yaml"
"$MLPVAR" sweep "$T/one.yaml" --out "$T/one" --quiet || bad "one-CSV sweep failed"
n=$(wc -l <"$T/one/results.jsonl")
mv "$T/moved" "$T/elsewhere"
sed 's#moved/A.csv#elsewhere/A.csv#' "$T/one.yaml" >"$T/one-moved.yaml"
"$MLPVAR" sweep "$T/one-moved.yaml" --out "$T/one" 2>"$T/err" >/dev/null || bad "resume after a move failed: $(cat "$T/err")"
[ "$(wc -l <"$T/one/results.jsonl")" -eq "$n" ] && grep -q " 0 to run" "$T/err" && ok || bad "a moved file was recomputed: $(cat "$T/err")"
sed -i '5s/,-1$/,1/; 5s/,1$/,-1/' "$T/elsewhere/A.csv"
"$MLPVAR" sweep "$T/one-moved.yaml" --out "$T/one" >/dev/null 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "different sweep" "$T/err" && ok || bad "an edited file reused the old records: exit $rc $(cat "$T/err")"

# two different files with one basename: labels made unique by the hash
mkdir -p "$T/data/other"
cp "$T/data/B.csv" "$T/data/other/A.csv"
cat >"$T/same-name.yaml" <<'YAML'
name: same-name
activations: [relu]
budget: 200
depths: [1, 2]
seeds: 1
train: {steps: 10}
measure: {grid: 16, draws: 1}
parts:
  - {task: {name: csv, path: data/A.csv}}
  - {task: {name: csv, path: data/other/A.csv}}
YAML
"$MLPVAR" sweep "$T/same-name.yaml" --out "$T/same" --quiet || bad "same-name sweep failed"
"$MLPVAR" results "$T/same" >"$T/out" 2>&1
[ "$(grep -o 'A\.csv#[0-9a-f]\{8\}' "$T/out" | sort -u | wc -l)" -eq 2 ] && ok || bad "two A.csv files not told apart: $(cat "$T/out")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
