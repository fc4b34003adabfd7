#!/usr/bin/env bash
# The redesign's guard: sweeps/tiny.yaml and the golden CSV sweep, run now,
# give the records committed in tiny.jsonl and golden-csv.jsonl (written by
# the code before the redesign), numbers equal, timings aside; serially and on
# 3 MPI ranks.
# usage: test_golden.sh PATH/TO/mlpvar
set -u
MLPVAR=$(realpath "${1:?mlpvar}")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "SKIP: $PY missing"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

run_and_compare() {   # name sweep-file golden launcher...
    local name=$1 sweep=$2 golden=$3; shift 3
    "$@" "$MLPVAR" sweep "$sweep" --out "$T/$name" --quiet || { bad "$name: sweep failed"; return; }
    if "$PY" "$HERE/compare_golden.py" "$golden" "$T/$name/results.jsonl"; then ok; else bad "$name differs from $golden"; fi
}
run_and_compare tiny "$ROOT/sweeps/tiny.yaml" "$HERE/tiny.jsonl" env
run_and_compare csv "$HERE/golden-csv.yaml" "$HERE/golden-csv.jsonl" env
run_and_compare csv-mpi "$HERE/golden-csv.yaml" "$HERE/golden-csv.jsonl" mpirun --oversubscribe -np 3

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
