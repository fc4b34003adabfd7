#!/usr/bin/env bash
# The sweep engine end to end: 1 rank and 3 ranks give the same records; kill -9
# of the whole job at random moments, then rerun, repeated, ends with exactly one
# record per (configuration, seed), equal to an uninterrupted run; SIGTERM
# mid-sweep stops cleanly with part of the records, and a rerun completes them;
# a torn last line is cut; another sweep's folder is refused untouched.
# usage: test_mpi.sh PATH/TO/mlpvar FIXTURE_DIR
set -u
MLPVAR=$(realpath "${1:?mlpvar}")
FIX=$(realpath "${2:?fixture dir}")
SWEEP=$FIX/tiny-train.yaml
. "$(dirname "$0")/../lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN=(mpirun --oversubscribe -np 3)
TOTAL=24

# Records without their timings, sorted: what must not depend on ranks or kills.
normal() { sed -E 's/"(measure|train)_seconds": [^,}]*(, )?//g' "$1/results.jsonl" | sort; }
keys()   { grep -o '"key": "[0-9a-f]*"' "$1/results.jsonl" | sort; }
# Whole records in a folder's store (a torn last line has no newline: not counted).
records() { if [ -f "$1/results.jsonl" ]; then wc -l <"$1/results.jsonl"; else echo 0; fi; }
# Waits until the store of $1 holds more than $2 records or process $3 has ended
# (10 ms steps, at most 120 s: start-up is slow under ASan and mpirun).
wait_records() {
    local i
    for i in $(seq 1 12000); do
        [ "$(records "$1")" -gt "$2" ] && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.01
    done
    return 1
}

"$MLPVAR" sweep "$SWEEP" --out "$T/one" --quiet || bad "serial sweep failed"
[ "$(wc -l <"$T/one/results.jsonl")" -eq $TOTAL ] && ok || bad "serial: $(wc -l <"$T/one/results.jsonl") records, want $TOTAL"
grep -q '"trained": true' "$T/one/results.jsonl" && grep -q '"test_accuracy": 0\.' "$T/one/results.jsonl" && ok || bad "no trained records"

"${MPIRUN[@]}" "$MLPVAR" sweep "$SWEEP" --out "$T/three" --quiet || bad "mpirun -np 3 sweep failed"
if diff <(normal "$T/one") <(normal "$T/three") >/dev/null; then ok; else bad "1 rank and 3 ranks differ"; fi

# A rerun of a finished sweep adds nothing.
"$MLPVAR" sweep "$SWEEP" --out "$T/one" --quiet
[ "$(wc -l <"$T/one/results.jsonl")" -eq $TOTAL ] && ok || bad "rerun of a finished sweep added records"

# kill -9 of the whole job (launcher and every rank) at random moments. Odd
# tries are killed 0.05 .. 0.75 s after the start, often during start-up; even
# tries once the run has stored a record more, 0 .. 0.3 s later. A kill counts
# when the run died of it (exit 137); a killed run that left 0 < records < total
# proves the kill landed mid-sweep. Both must happen before the final resume.
kill_loop() {    # name launcher...
    local name=$1; shift
    local out="$T/$name" kills=0 partial=0 i n rc
    RANDOM=42
    for i in $(seq 1 12); do
        local before
        before=$(records "$out")
        setsid "$@" "$MLPVAR" sweep "$SWEEP" --out "$out" --quiet >/dev/null 2>&1 &
        local pid=$!
        if [ $((i % 2)) -eq 1 ]; then sleep "0.$(printf %02d $(( (RANDOM % 15 + 1) * 5 )))"
        else wait_records "$out" "$before" "$pid"; sleep "0.$(printf %02d $(( RANDOM % 31 )))"
        fi
        # the whole session: mpirun puts each rank in its own process group
        pkill -9 -s "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null; rc=$?
        n=$(records "$out")
        if [ "$rc" -eq 137 ]; then
            kills=$((kills + 1))
            [ "$n" -gt 0 ] && [ "$n" -lt $TOTAL ] && partial=$((partial + 1))
        fi
    done
    [ "$kills" -gt 0 ] && ok || bad "$name: no run was killed by kill -9"
    [ "$partial" -gt 0 ] && ok || bad "$name: no killed run left a partial store (0 < records < $TOTAL)"
    "$@" "$MLPVAR" sweep "$SWEEP" --out "$out" --quiet || bad "$name: final resume failed"
    local u
    n=$(records "$out"); u=$(keys "$out" | uniq | wc -l)
    [ "$n" -eq $TOTAL ] && [ "$u" -eq $TOTAL ] && ok || bad "$name: $n lines, $u unique keys, want $TOTAL"
    if diff <(normal "$T/one") <(normal "$out") >/dev/null; then ok; else bad "$name: records after kills differ from the clean run"; fi
    echo "$name: $kills runs killed by kill -9, $partial of them with a partial store, then resumed to $n records"
}
kill_loop serial-kill env
kill_loop mpi-kill "${MPIRUN[@]}"

# SIGTERM: a clean stop after the record in flight, exit 128+15, then resume.
# slow-train.yaml is this sweep with 3x the training steps: after its first
# record some 3 s of work remain (a minute under ASan), so the TERM sent within
# 10 ms of that record lands mid-sweep.
SLOW=$FIX/slow-train.yaml
"$MLPVAR" sweep "$SLOW" --out "$T/term" >/dev/null 2>"$T/err" &
pid=$!
wait_records "$T/term" 0 "$pid" || bad "SIGTERM: the sweep stored no record"
kill -TERM "$pid"
wait "$pid"; rc=$?
if [ "$rc" -eq 143 ] && grep -q "rerun the same command to resume" "$T/err"; then ok
else bad "SIGTERM: exit $rc, want 143: $(tail -1 "$T/err")"; fi
n=$(records "$T/term")
[ "$n" -gt 0 ] && [ "$n" -lt $TOTAL ] && ok || bad "SIGTERM did not stop the sweep mid-way: $n records of $TOTAL"
tail -c 1 "$T/term/results.jsonl" | od -An -c | grep -q '\\n' && ok || bad "SIGTERM left a torn line"
"$MLPVAR" sweep "$SLOW" --out "$T/term" --quiet
[ "$(keys "$T/term" | uniq | wc -l)" -eq $TOTAL ] && [ "$(records "$T/term")" -eq $TOTAL ] && ok || bad "resume after SIGTERM"
echo "SIGTERM: stopped at $n of $TOTAL records, then resumed"

# Two sweeps on one folder at once: while another process holds the folder's
# lock, a sweep is refused with one line and exit 2, and writes nothing.
mkdir -p "$T/busy"
( exec 9>"$T/busy/lock"; flock 9; exec sleep 30 ) &   # one process holds the lock: killing it frees it
holder=$!
sleep 0.3
"$MLPVAR" sweep "$SWEEP" --out "$T/busy" --quiet 2>"$T/err"; rc=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "another mlpvar sweep is writing" "$T/err"; then ok
else bad "sweep on a locked folder: exit $rc: $(cat "$T/err")"; fi
[ ! -s "$T/busy/results.jsonl" ] && ok || bad "a refused sweep wrote records"
"$MLPVAR" sweep "$SWEEP" --out "$T/busy" --quiet || bad "sweep after the lock was released failed"
[ "$(wc -l <"$T/busy/results.jsonl")" -eq $TOTAL ] && ok || bad "after the lock: $(wc -l <"$T/busy/results.jsonl") records"

# A torn last line (a kill mid-write) is cut and recomputed, never duplicated.
cp -r "$T/one" "$T/torn"
head -n 20 "$T/one/results.jsonl" >"$T/torn/results.jsonl"
sed -n 21p "$T/one/results.jsonl" | head -c 100 >>"$T/torn/results.jsonl"
"$MLPVAR" sweep "$SWEEP" --out "$T/torn" 2>"$T/err" >/dev/null || bad "resume after torn line failed"
grep -q "cut a torn last line" "$T/err" && ok || bad "torn line not reported: $(cat "$T/err")"
if diff <(normal "$T/one") <(normal "$T/torn") >/dev/null; then ok; else bad "torn: records differ"; fi

# Another sweep's folder: one line, exit 2, nothing touched.
sum=$(md5sum <"$T/one/results.jsonl")
"$MLPVAR" sweep "$FIX/other-sweep.yaml" --out "$T/one" >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "different sweep" "$T/err" && ok || bad "other sweep: exit $rc: $(cat "$T/err")"
[ "$(md5sum <"$T/one/results.jsonl")" = "$sum" ] && ok || bad "other sweep touched results"
"${MPIRUN[@]}" "$MLPVAR" sweep "$FIX/other-sweep.yaml" --out "$T/one" >"$T/out" 2>"$T/err"; rc=$?
[ "$rc" -ne 0 ] && [ "$(grep -c "different sweep" "$T/err")" -eq 1 ] && ok || bad "other sweep under mpirun: exit $rc: $(cat "$T/err")"

# results: summary and CSV.
"$MLPVAR" results "$T/one" >"$T/sum" && grep -q "^$TOTAL records" "$T/sum" && ok || bad "results summary: $(cat "$T/sum")"
"$MLPVAR" results "$T/one" --csv "$T/r.csv" 2>/dev/null && [ "$(wc -l <"$T/r.csv")" -eq $((TOTAL + 1)) ] && ok || bad "results --csv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
