#!/usr/bin/env bash
# The sweep engine's failure handling and status, end to end:
#  - an item that fails becomes a failure record (status, error, attempt, nulls),
#    `results` lists it, `analyze` leaves it out and says so, a rerun retries it,
#    and --retries caps the attempts;
#  - `mlpvar status` reports a running sweep, a finished one, and an
#    interrupted one (killed with -9) as interrupted; bad folders and corrupt
#    progress files get one line and exit 2;
#  - a worker rank killed with -9 ends the run within 10 s, every stored
#    record is intact, and a resume completes it.
# usage: test_engine.sh PATH/TO/mlpvar SWEEPS_DIR
set -u
MLPVAR=$(realpath "${1:?mlpvar}")
TINY=$(realpath "${2:?sweeps dir}")/tiny.yaml
SLOW=$(cd "$(dirname "$0")" && pwd)/slow.yaml
. "$(dirname "$0")/../lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
PY=/usr/bin/python3

lines()  { wc -l <"$1/results.jsonl"; }
# field VALUE counts of the latest record per key (the store's rules), by python's json
latest() {
    "$PY" - "$1" "$2" "$3" <<'PYEOF'
import json, sys
rec = {}
for line in open(sys.argv[1] + "/results.jsonl"):
    r = json.loads(line)
    rec[r["key"]] = r
want = json.loads(sys.argv[3])
print(sum(1 for r in rec.values() if r.get(sys.argv[2]) == want))
PYEOF
}

# ---- failure records, retries ----
MLPVAR_FAIL_SEEDS=1 "$MLPVAR" sweep "$TINY" --out "$T/f" --quiet; rc=$?
[ "$rc" -eq 0 ] && ok || bad "a sweep with failing items exits $rc, want 0 (failures are records, not errors)"
[ "$(lines "$T/f")" -eq 24 ] && ok || bad "failing items: $(lines "$T/f") records, want 24"
[ "$(latest "$T/f" status '"failed"')" -eq 6 ] && ok || bad "want 6 failed records (seed 1 of 6 configurations)"
"$PY" - "$T/f" <<'PYEOF' && ok || bad "a failure record lacks its error, attempt or nulls"
import json, sys
for line in open(sys.argv[1] + "/results.jsonl"):
    r = json.loads(line)
    if r["status"] != "failed":
        assert r["error"] is None and r["attempt"] == 1
        continue
    assert r["seed"] == 1 and r["attempt"] == 1 and "MLPVAR_FAIL_SEEDS" in r["error"], r
    for k in ("variability", "collapse_ratio", "collapsed", "layer_dead_fraction", "init_loss", "test_accuracy", "steps"):
        assert r[k] is None, (k, r[k])
PYEOF
"$MLPVAR" results "$T/f" >"$T/out" 2>&1
grep -q "6 failed records" "$T/out" && grep -q "injected failure" "$T/out" && ok || bad "results does not list the failures: $(cat "$T/out")"
"$MLPVAR" analyze "$T/f" >/dev/null 2>"$T/err"
grep -q "left out 6 failed records" "$T/err" && ok || bad "analyze does not say it left failures out: $(cat "$T/err")"
grep -q '"records_failed": 6' "$T/f/report/summary.json" && ok || bad "summary.json lacks records_failed 6"

# the same failures again: attempt 2, then no more (--retries 2 is the default)
MLPVAR_FAIL_SEEDS=1 "$MLPVAR" sweep "$TINY" --out "$T/f" --quiet 2>"$T/err"
[ "$(lines "$T/f")" -eq 30 ] && [ "$(latest "$T/f" attempt 2)" -eq 6 ] && ok || bad "retry: $(lines "$T/f") lines, want 30 with 6 second attempts"
MLPVAR_FAIL_SEEDS=1 "$MLPVAR" sweep "$TINY" --out "$T/f" 2>"$T/err"
[ "$(lines "$T/f")" -eq 30 ] && grep -q "6 failed" "$T/err" && ok || bad "after 2 attempts a rerun must not retry: $(lines "$T/f") lines; $(cat "$T/err")"
# --retries 3 allows a third attempt, which now succeeds
"$MLPVAR" sweep "$TINY" --out "$T/f" --retries 3 --quiet
[ "$(lines "$T/f")" -eq 36 ] && [ "$(latest "$T/f" status '"ok"')" -eq 24 ] && [ "$(latest "$T/f" attempt 3)" -eq 6 ] && ok \
    || bad "third attempt: $(lines "$T/f") lines, $(latest "$T/f" status '"ok"') ok"
"$MLPVAR" results "$T/f" >"$T/out" 2>/dev/null
grep -q "^24 records" "$T/out" && ! grep -q "failed records" "$T/out" && ok || bad "results after the retries: $(head -1 "$T/out")"
expect_usage_error "retries" sweep "$TINY" --out "$T/x" --retries 0
expect_usage_error "retries" sweep "$TINY" --out "$T/x" --retries -1

# ---- status ----
"$MLPVAR" status "$T/f" >"$T/out" 2>&1 && grep -q "state     finished" "$T/out" && grep -q "24 / 24" "$T/out" && ok \
    || bad "status of a finished sweep: $(cat "$T/out")"
expect_usage_error "not a sweep" status "$T"
expect_usage_error "no manifest" status "$T/nowhere"
cp -r "$T/f" "$T/corrupt"; echo '{"sweep": "x", "state":' >"$T/corrupt/progress.json"
expect_usage_error "progress.json" status "$T/corrupt"

setsid "$MLPVAR" sweep "$SLOW" --out "$T/s" --quiet >/dev/null 2>&1 &
pid=$!
running=0
for i in $(seq 1 600); do          # until at least one record is stored (slow under ASan)
    if [ -s "$T/s/results.jsonl" ] && "$MLPVAR" status "$T/s" >"$T/out" 2>&1 && grep -q "state     running" "$T/out"; then
        running=1; break
    fi
    sleep 0.05
done
[ "$running" -eq 1 ] && grep -q "ETA" "$T/out" && ok || bad "status of a running sweep: $(cat "$T/out")"
kill -9 -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
n=$(lines "$T/s")
[ "$n" -gt 0 ] && [ "$n" -lt 36 ] && ok || bad "the kill did not land mid-sweep: $n of 36 records"
"$MLPVAR" status "$T/s" >"$T/out" 2>&1 && grep -q "interrupted" "$T/out" && ok || bad "status after kill -9: $(cat "$T/out")"

# ---- a worker killed with -9 ----
setsid mpirun --oversubscribe -np 3 "$MLPVAR" sweep "$SLOW" --out "$T/w" --quiet >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 600); do [ -s "$T/w/results.jsonl" ] && break; sleep 0.05; done
# the worker ranks: mlpvar processes of this session other than rank 0 (OMPI_COMM_WORLD_RANK)
victim=""
for p in $(pgrep -s "$pid" -x mlpvar); do
    r=$(tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
    [ "$r" = 2 ] && victim=$p
done
if [ -n "$victim" ]; then
    kill -9 "$victim"; t0=$(date +%s)
    for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    t1=$(date +%s)
    if kill -0 "$pid" 2>/dev/null; then bad "the run hangs after a worker died"; pkill -9 -s "$pid"; else ok; fi
    [ $((t1 - t0)) -le 10 ] && ok || bad "the run took $((t1 - t0)) s to end after a worker died, want <= 10"
    wait "$pid" 2>/dev/null
    n=$(lines "$T/w")
    [ "$n" -lt 36 ] && ok || bad "the worker died after the sweep ended ($n records): the test did not test"
    "$MLPVAR" results "$T/w" >/dev/null 2>"$T/err" && ! grep -q "not a record" "$T/err" && ok || bad "stored records damaged: $(cat "$T/err")"
    mpirun --oversubscribe -np 3 "$MLPVAR" sweep "$SLOW" --out "$T/w" --quiet || bad "resume after a dead worker failed"
    [ "$(latest "$T/w" status '"ok"')" -eq 36 ] && ok || bad "resume after a dead worker: $(latest "$T/w" status '"ok"') of 36"
else
    bad "no worker rank 2 found to kill"; pkill -9 -s "$pid"; wait "$pid" 2>/dev/null
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
