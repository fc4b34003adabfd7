#!/usr/bin/env bash
# slurm/sweep.sbatch on a real Slurm: a one-node cluster on localhost
# (cluster.sh) runs the batch script as a user submits it, twice at once:
#  - requeue: `scontrol requeue` once a quarter of the records are stored, as a
#    preemption does. The job waits (reason BeginTime), restarts
#    (SLURM_RESTART_COUNT=1 in its log) and ends with exactly one record per
#    network, equal to a 1-rank `mlpvar sweep` of the same file, timings aside.
#    Only -N1 --ntasks-per-node=3 --time and SWEEP are given, so OUT is the
#    default results/requeue in a folder without results/. Its log has no
#    CPU-binding warning and no MPI start-up error (MpiDefault=none here).
#  - time limit: --time=2 --signal=B:TERM@75. The TERM reaches the script
#    mid-sweep, the master stops after the records in flight (signal 15), and
#    the job requeues itself; then the test cancels it.
# Runs where Slurm is installed, or installs it when MLPVAR_TEST_SLURM=1 (Debian,
# root); without root or Slurm it exits 77. It runs in a network namespace of
# its own (loopback only), cancels its jobs and stops the daemons it started, by
# PID. About 50 s on a 2-core machine (plus 30 s to install Slurm), most of it
# the 30 s that Slurm holds a requeued job (cred_expire, cluster.sh) and the
# 15-45 s before the time-limit TERM.
# usage: test_slurm.sh PATH/TO/mlpvar FIXTURE_DIR
set -u
MLPVAR=$(realpath "${1:?mlpvar}")
FIX=$(realpath "${2:?fixture dir}")
BATCH=$(realpath "$FIX/../../slurm/sweep.sbatch")
TOOLS="munged slurmctld slurmd sbatch scontrol squeue sinfo scancel srun"
have_slurm() { local t; for t in $TOOLS; do command -v "$t" >/dev/null || return 1; done; }

[ "$(id -u)" -eq 0 ] || { echo "SKIP: the one-node Slurm runs its daemons as root"; exit 77; }
if [ -z "${MLPV_SLURM_NETNS:-}" ]; then
    if ! have_slurm; then
        [ "${MLPVAR_TEST_SLURM:-}" = 1 ] ||
            { echo "SKIP: Slurm is not installed ($TOOLS); MLPVAR_TEST_SLURM=1 installs it (Debian, root)"; exit 77; }
        echo "installing slurmctld slurmd slurm-client munge (MLPVAR_TEST_SLURM=1)"
        log=$(mktemp)
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
              slurmctld slurmd slurm-client munge; } >"$log" 2>&1 && have_slurm ||
            { echo "FAIL: could not install Slurm:"; tail -n 5 "$log"; rm -f "$log"; exit 1; }
        rm -f "$log"
    fi
    # The rest in a network namespace of its own: the cluster's traffic cannot
    # leave its loopback (no DNS either), and nothing else can reach its ports.
    if unshare --net true 2>/dev/null; then
        MLPV_SLURM_NETNS=1 exec unshare --net -- bash "$0" "$MLPVAR" "$FIX"
    fi
    echo "note: no network namespace (unshare --net failed); the cluster listens on this machine's loopback"
else
    # Slurm's daemons look up their listening address with AI_ADDRCONFIG, which
    # finds none where loopback is the only interface: a veth pair inside this
    # namespace gives it one more, 10.231.1.1, that exists only here.
    { ip link set lo up && ip link add mlpv0 type veth peer name mlpv1 && ip addr add 10.231.1.1/32 dev mlpv0 &&
          ip link set mlpv0 up && ip link set mlpv1 up; } ||
        { echo "FAIL: cannot set up the network of the test's namespace"; exit 1; }
fi
. "$FIX/../lib.sh"
. "$FIX/cluster.sh"
JOBS=() REF_PID=
cleanup() {
    local i
    if [ ${#JOBS[@]} -gt 0 ]; then
        scancel "${JOBS[@]}" 2>/dev/null
        for i in $(seq 1 120); do      # KillWait is 30 s; the batch script needs less
            [ -z "$(squeue -h -j "$(IFS=,; echo "${JOBS[*]}")" 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
    cluster_stop
    [ -n "$REF_PID" ] && kill "$REF_PID" 2>/dev/null
    [ -n "${MLPV_SLURM_NETNS:-}" ] && stop_namespace
    rm -rf "$T"
}
# The job's slurmstepd finish after slurmd; in the test's own network namespace
# every process but this shell is one the test started: 10 s, then KILL by PID.
stop_namespace() {
    local me i p pids
    me=$(readlink /proc/$$/ns/net)
    for i in $(seq 1 51); do
        pids=
        for p in /proc/[0-9]*; do
            p=${p#/proc/}
            [ "$p" != $$ ] && [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] && pids="$pids $p"
        done
        [ -z "$pids" ] && return
        [ "$i" -eq 51 ] && kill -KILL $pids 2>/dev/null
        sleep 0.2
    done
}
trap cleanup EXIT
trap 'exit 143' TERM INT
started=$(date +%s)

chmod 755 "$T"                          # munged wants its socket's parents open to all
cluster_start "$T/slurm" 6 >"$T/cluster.err" || { echo "FAIL: one-node Slurm: $(cat "$T/cluster.err")"; exit 1; }
echo "one-node Slurm up in $(( $(date +%s) - started )) s: $(sinfo -h -o '%N %c CPUs %T')"

normal() { sed -E 's/"(measure|train)_seconds": [^,}]*(, )?//g' "$1" | sort; }
keys()   { grep -o '"key": "[0-9a-f]*"' "$1" | sort; }
lines()  { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
field()  { scontrol show job -o "$1" 2>/dev/null | grep -o " $2=[^ ]*" | cut -d= -f2; }
ended()  {    # a final state (Slurm keeps ended jobs for MinJobAge, 300 s)
    case $(field "$1" JobState) in
    COMPLETED | CANCELLED | FAILED | TIMEOUT | NODE_FAIL | PREEMPTED | BOOT_FAIL | DEADLINE | OUT_OF_MEMORY) return 0 ;;
    esac
    return 1
}
job_id() { sed -n 's/^Submitted batch job \([0-9]*\)$/\1/p'; }
show_log() { echo "--- $1"; tr '\r' '\n' <"$1" 2>/dev/null | grep -v '^[0-9]*/[0-9]* networks' | tail -n 15; }

# Submitted as a user would, from a folder of their own; MLPVAR names the
# binary under test (the script's default is build/src/cli/mlpvar).
WORK=$T/work
mkdir -p "$WORK" && cd "$WORK" || exit 1
export MLPVAR
A=$(SWEEP=$FIX/requeue.yaml sbatch -N1 --ntasks-per-node=3 --time=10 "$BATCH" | job_id)
B=$(SWEEP=$FIX/timelimit.yaml OUT=timelimit sbatch -N1 --ntasks-per-node=3 --time=2 --signal=B:TERM@75 "$BATCH" | job_id)
[ -n "$A" ] && [ -n "$B" ] || { echo "FAIL: sbatch refused a job"; exit 1; }
JOBS=("$A" "$B")
LOG_A=$WORK/mlpvar-$A.log LOG_B=$WORK/mlpvar-$B.log
RES_A=$WORK/results/requeue/results.jsonl RES_B=$WORK/timelimit/results.jsonl
TOTAL_A=32 TOTAL_B=1024          # networks in requeue.yaml and timelimit.yaml
"$MLPVAR" sweep "$FIX/requeue.yaml" --out "$T/ref" --quiet &     # the 1-rank reference, meanwhile
REF_PID=$!

# --- requeue: once a quarter of the records are stored (5 minutes at most)
for i in $(seq 1 1500); do
    [ "$(lines "$RES_A")" -ge $((TOTAL_A / 4)) ] && break
    ended "$A" && break
    sleep 0.2
done
requeued=0
if [ "$(lines "$RES_A")" -ge $((TOTAL_A / 4)) ]; then
    scontrol requeue "$A" && requeued=1 || bad "scontrol requeue $A refused"
else
    if grep -q "cannot create the output folder" "$LOG_A"; then
        bad "requeue job: the default OUT=results/requeue was refused, results/ missing (store.c must create parents)"
    else
        bad "requeue job: $(lines "$RES_A") records, state $(field "$A" JobState), before a quarter of $TOTAL_A"
    fi
fi
if [ $requeued = 1 ]; then
    reason=
    for i in $(seq 1 180); do                # the stop takes seconds; KillWait is 30 s
        [ "$(field "$A" JobState)" = PENDING ] && { reason=$(field "$A" Reason); break; }
        sleep 0.5
    done
    before=$(lines "$RES_A")
    echo "requeue: job $A requeued with $before of $TOTAL_A records stored, then pending (reason ${reason:-none seen})"
    [ "$before" -gt 0 ] && [ "$before" -lt $TOTAL_A ] && ok || bad "requeue did not land mid-sweep: $before of $TOTAL_A records"
    [ "$reason" = BeginTime ] && ok || bad "requeued job: reason '${reason}', want BeginTime (state $(field "$A" JobState))"
fi

# --- time limit: TERM 15 to 45 s after the start (Slurm checks every 30 s);
# wait for the self-requeue (restart count 1, pending), then cancel the job.
for i in $(seq 1 300); do
    [ "$(field "$B" Restarts)" -ge 1 ] 2>/dev/null && [ "$(field "$B" JobState)" = PENDING ] && break
    ended "$B" && break
    sleep 0.5
done
restarts_b=$(field "$B" Restarts) state_b=$(field "$B" JobState)
at_stop=$(lines "$RES_B")            # pending now (held 30 s): no rank writes
scancel "$B"
for i in $(seq 1 120); do ended "$B" && break; sleep 0.5; done
echo "time limit: job $B: $restarts_b restart(s), stopped with $at_stop of $TOTAL_B records, then cancelled"
[ "${restarts_b:-0}" -ge 1 ] && [ "$state_b" = PENDING ] && ok ||
    bad "time-limit job never requeued itself (state $state_b, $restarts_b restarts)"
grep -q "TERM received (job \(RUNNING\|SIGNALING\))" "$LOG_B" && grep -q "stopping the sweep and requeueing" "$LOG_B" && ok ||
    bad "time-limit job: no TERM from --signal in its log"
grep -q "stopped by signal 15" "$LOG_B" && ok || bad "time-limit job: the master did not report a stop on TERM"
grep -q "DUE TO TIME LIMIT" "$LOG_B" && bad "time-limit job reached its time limit" || ok
[ "$at_stop" -gt 0 ] && [ "$at_stop" -lt $TOTAL_B ] && ok || bad "time-limit TERM not mid-sweep: $at_stop of $TOTAL_B records"
[ "$(keys "$RES_B" | uniq | wc -l)" -eq "$at_stop" ] && tail -c 1 "$RES_B" | od -An -c | grep -q '\\n' && ok ||
    bad "time-limit job: duplicated keys or a torn line"

# --- requeue, continued: the restarted job ends the sweep (5 minutes at most)
if [ $requeued = 1 ]; then
    for i in $(seq 1 600); do ended "$A" && break; sleep 0.5; done
    state=$(field "$A" JobState) code=$(field "$A" ExitCode) restarts=$(field "$A" Restarts)
    echo "requeue: job $A $state, exit $code, $restarts restart(s), $(lines "$RES_A") records"
    [ "$state" = COMPLETED ] && [ "$code" = 0:0 ] && ok || bad "requeue job ended $state, exit $code"
    [ "$restarts" = 1 ] && grep -q "restart 1:" "$LOG_A" && [ "$(grep -c "restart 0:" "$LOG_A")" -eq 1 ] && ok ||
        bad "requeue job: restart count $restarts, log: $(grep -c 'restart [0-9]*:' "$LOG_A") starts"
fi
wait "$REF_PID"; rc=$?; REF_PID=
[ "$rc" -eq 0 ] || bad "the 1-rank reference sweep failed ($rc)"
if [ $requeued = 1 ]; then
    n=$(lines "$RES_A") u=$(keys "$RES_A" | uniq | wc -l)
    [ "$n" -eq $TOTAL_A ] && [ "$u" -eq $TOTAL_A ] && ok || bad "requeue job: $n lines, $u unique keys, want $TOTAL_A"
    if diff <(normal "$T/ref/results.jsonl") <(normal "$RES_A") >/dev/null; then ok
    else bad "requeue job: records differ from the 1-rank run"; fi
fi
# Both jobs: no binding warning (the cluster has no binding plugin), every rank started.
for log in "$LOG_A" "$LOG_B"; do
    grep -qi "cpu.bind" "$log" && bad "$(basename "$log"): $(grep -i -m1 "cpu.bind" "$log")" || ok
    grep -q "OPAL ERROR\|MPI_Init\|PMI" "$log" && bad "$(basename "$log"): MPI start-up failed: $(grep -m1 "OPAL\|MPI_Init\|PMI" "$log")" || ok
done
show_log "$LOG_A"
show_log "$LOG_B"

echo "slurm test: $(( $(date +%s) - started )) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
