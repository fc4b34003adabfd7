#!/usr/bin/env bash
# bench_scaling.sh: how mlpvar's MPI sweep scales with the number of workers.
#
# Runs one training sweep (written here into a temporary folder) once per rank count,
# each into a fresh output folder, with
#   mpirun --oversubscribe --bind-to none -np P  mlpvar sweep scaling.yaml --out DIR --quiet
# (P ranks = 1 master + P-1 workers), and prints for each run the wall time, the
# speedup over the first run, the efficiency = speedup * workers_first / workers, the
# CPU time of the master and of the workers (each rank runs under bash's `time`), and
# checks that every run wrote the same records (byte for byte, once the *_seconds
# fields are removed).
#
# usage: bench/bench_scaling.sh [-np "2 3"] [--seeds N] [--steps N] [--keep] [MLPVAR]
#   -np LIST    rank counts, the first one the baseline (default "2 3": 1 worker, then 2
#               workers, on a 2-core machine). On a 16-core machine: -np "2 17".
#   --seeds N   trained seeds per configuration (default 32; 3 configurations, so 3N
#               networks, every one trained). The default is ~20-30 s for one worker on
#               this VM (SkylakeX kernels); raise it with the worker count so that the
#               mpirun start-up (~0.5 s) and the last item stay small beside the run
#               (e.g. -np "2 17" --seeds 256 on 16 cores: ~3 min for the 1-worker run).
#   --steps N   Adam steps per network (default 250)
#   --keep      keep the temporary folder (sweep file, outputs, per-rank times)
#   MLPVAR      the executable (default build/src/cli/mlpvar under the repository root)
# Environment: MPIRUN (default mpirun), MPIRUN_ARGS (extra mpirun arguments),
# OPENBLAS_CORETYPE and MLPVAR_KEEP_OPENBLAS_CORE are passed through (mlpvar picks
# OpenBLAS's kernels itself; its --version line, printed at the top, names them).
# Exit status: 0 when every run succeeded and the records agree, 1 otherwise, 2 on bad use.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Rank mode: `bench_scaling.sh --rank-timer DIR CMD...` runs CMD under bash's `time`
# and writes "real user sys" (seconds) into DIR/rank<N> (N = this MPI rank).
if [ "${1:-}" = "--rank-timer" ]; then
    dir=$2; shift 2
    rank=${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-${PMI_RANK:-x$$}}}
    TIMEFORMAT='%R %U %S'
    { time "$@" 2>&3; } 3>&2 2>"$dir/rank$rank"
    exit $?
fi

np_list="2 3"
seeds=32
steps=250
keep=0
mlpvar=""
while [ $# -gt 0 ]; do
    case "$1" in
        -np|--np) [ $# -ge 2 ] || { echo "bench_scaling: -np needs a list, e.g. -np \"2 3\"" >&2; exit 2; }
                  np_list=$2; shift 2 ;;
        --seeds) seeds=${2:-}; shift 2 ;;
        --steps) steps=${2:-}; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        -*) echo "bench_scaling: unknown option '$1' (see --help)" >&2; exit 2 ;;
        *) mlpvar=$1; shift ;;
    esac
done
for v in $np_list; do
    case "$v" in ''|*[!0-9]*) echo "bench_scaling: -np takes whole numbers >= 2, got '$v'" >&2; exit 2 ;; esac
    [ "$v" -ge 2 ] || { echo "bench_scaling: -np $v: need at least 2 ranks (master + a worker)" >&2; exit 2; }
done
for v in "$seeds" "$steps"; do
    case "$v" in ''|*[!0-9]*|0) echo "bench_scaling: --seeds and --steps take whole numbers >= 1" >&2; exit 2 ;; esac
done
[ -n "$mlpvar" ] || mlpvar="$here/../build/src/cli/mlpvar"
[ -x "$mlpvar" ] || { echo "bench_scaling: no executable '$mlpvar'; build it (ninja -C build) or pass its path" >&2; exit 2; }
mlpvar=$(cd "$(dirname "$mlpvar")" && pwd)/$(basename "$mlpvar")
MPIRUN=${MPIRUN:-mpirun}
command -v "$MPIRUN" >/dev/null || { echo "bench_scaling: '$MPIRUN' not found (apt-get install openmpi-bin)" >&2; exit 2; }
if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo "?")   # before OMP_NUM_THREADS (nproc obeys it)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1   # as slurm/sweep.sbatch: one core per rank

tmp=$(mktemp -d /tmp/bench_scaling.XXXXXX)
cleanup() { if [ "$keep" = 1 ]; then echo "kept: $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT

cat >"$tmp/scaling.yaml" <<EOF
# bench_scaling.sh's sweep: 3 ReLU depths at budget 3000 on the 8x8 checkerboard,
# every seed trained; items of similar size, so the last one does not leave a
# worker idle for long.
name: scaling
activations: [relu]
budget: 3000
depths: [4, 6, 8]
seeds: $seeds
task: {name: checkerboard, cells: 8, points: 2048, test_grid: 64}
train: {steps: $steps, lr: 3.0e-3, optimizer: adam}
measure: {grid: 64}
EOF

now() { date +%s.%N; }
load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
plan=$("$mlpvar" sweep "$tmp/scaling.yaml" --out "$tmp/plan-none" --dry-run 2>&1)
networks=$(printf '%s\n' "$plan" | sed -n 's/.*configurations, \([0-9]*\) networks.*/\1/p')
if [ -z "$networks" ]; then
    echo "bench_scaling: 'mlpvar sweep --dry-run' did not give the plan:" >&2
    printf '%s\n' "$plan" >&2
    exit 1
fi
echo "mlpvar sweep scaling benchmark"
echo "  mlpvar: $mlpvar"
echo "          $("$mlpvar" --version 2>&1 | head -n 1)"
echo "  mpirun: $("$MPIRUN" --version 2>/dev/null | head -n 1); ranks per run: $np_list (1 master + workers)"
echo "  machine: $ncpu CPUs online, load average $(load) at start (near or above the CPU count:"
echo "           other work shares the machine and the timings are noisy)"
echo "  sweep: relu, budget 3000, depths 4 6 8, $seeds seeds, checkerboard 8x8, 2048 points,"
echo "         $steps Adam steps, measure grid 64: $networks networks"
echo

status=0
runs=()
for np in $np_list; do
    out="$tmp/out-np$np"
    td="$tmp/times-np$np"
    mkdir -p "$td"
    echo "running: $MPIRUN --oversubscribe --bind-to none ${MPIRUN_ARGS:-} -np $np mlpvar sweep ... --out $out" >&2
    t0=$(now)
    # shellcheck disable=SC2086
    "$MPIRUN" --oversubscribe --bind-to none ${MPIRUN_ARGS:-} -np "$np" \
        bash "$here/bench_scaling.sh" --rank-timer "$td" \
        "$mlpvar" sweep "$tmp/scaling.yaml" --out "$out" --quiet
    rc=$?
    t1=$(now)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    count=0
    [ -f "$out/results.jsonl" ] && count=$(wc -l <"$out/results.jsonl")
    if [ "$rc" != 0 ] || [ "$count" != "$networks" ]; then
        echo "bench_scaling: -np $np failed (exit $rc, $count of $networks records)" >&2
        status=1
    fi
    # the records without their timing fields, sorted (each line starts with its key)
    sed -E 's/, "[a-z_]+_seconds": [^,}]*//g' "$out/results.jsonl" 2>/dev/null | sort >"$tmp/records-np$np"
    m=$(cat "$td/rank0" 2>/dev/null || echo "? ? ?")
    w=$(cat "$td"/rank[1-9]* 2>/dev/null | awk '{ n++; u += $2; s += $3; if ($2 > mx) mx = $2 }
        END { if (n) printf "%d %.2f %.2f %.2f", n, u, s, mx; else print "0 ? ? ?" }')
    runs+=("$np $wall $rc $count $m $w")
done

echo "  ranks workers   wall s  speedup  efficiency   master user+sys s (of wall)   workers user+sys s (busy)"
base_wall=""; base_workers=""
for r in "${runs[@]}"; do
    read -r np wall _ _ _ muser msys _ wuser wsys _ <<<"$r"
    workers=$((np - 1))
    [ -n "$base_wall" ] || { base_wall=$wall; base_workers=$workers; }
    line=$(awk -v np="$np" -v k="$workers" -v wall="$wall" -v bw="$base_wall" -v bk="$base_workers" \
               -v mu="$muser" -v ms="$msys" -v wu="$wuser" -v ws="$wsys" '
        BEGIN {
            sp = bw / wall; eff = sp * bk / k
            mt = mu + ms; wt = wu + ws
            printf "  %5d %7d %8.2f %8.2f %11.2f   %10.2f + %.2f (%5.1f%%)   %10.2f + %.2f (%5.1f%% of %d cores)\n",
                   np, k, wall, sp, eff, mu, ms, 100 * mt / wall, wu, ws, 100 * wt / (wall * k), k
        }')
    echo "$line"
done

first=""
same=1
for np in $np_list; do
    if [ -z "$first" ]; then first=$np; continue; fi
    if ! cmp -s "$tmp/records-np$first" "$tmp/records-np$np"; then
        same=0
        echo "  records of -np $np differ from -np $first (diff of the first lines below; --keep to inspect):"
        diff "$tmp/records-np$first" "$tmp/records-np$np" | head -n 4 | cut -c1-200
    fi
done
nrec=$(wc -l <"$tmp/records-np$first")
echo
if [ "$same" = 1 ]; then
    echo "  records: all runs wrote the same $nrec records (compared without the *_seconds fields)"
else
    status=1
fi
echo "  load average $(load) at the end"
echo
echo "Summary"
printf '  %-44s %-22s %-10s %s\n' metric measured aim met
yn() { if [ "$1" = 1 ]; then echo yes; else echo NO; fi; }
busy_low=0
for r in "${runs[@]}"; do
    read -r np wall _ _ _ _ _ _ _ _ _ <<<"$r"
    workers=$((np - 1))
    [ "$workers" != "$base_workers" ] || continue
    e=$(awk -v w="$wall" -v bw="$base_wall" -v k="$workers" -v bk="$base_workers" \
        'BEGIN { printf "%.2f (x%.2f speedup)", (bw / w) * bk / k, bw / w }')
    ok=$(awk -v w="$wall" -v bw="$base_wall" -v k="$workers" -v bk="$base_workers" \
        'BEGIN { print ((bw / w) * bk / k >= 0.85) ? 1 : 0 }')
    printf '  %-44s %-22s %-10s %s\n' "efficiency, $workers workers vs $base_workers" "$e" ">= 0.85" "$(yn "$ok")"
done
base_cpu=""
for r in "${runs[@]}"; do
    read -r np wall _ _ _ _ _ _ wuser wsys _ <<<"$r"
    cpu=$(awk -v wu="$wuser" -v ws="$wsys" 'BEGIN { printf "%.2f", wu + ws }')
    if [ -z "$base_cpu" ]; then
        base_cpu=$cpu
    else
        x=$(awk -v c="$cpu" -v b="$base_cpu" 'BEGIN { printf "%.2f (%.1f s / %.1f s)", c / b, c, b }')
        printf '  %-44s %-22s %-10s %s\n' "workers CPU time, -np $np / -np $first" "$x" "-" "-"
    fi
done
for r in "${runs[@]}"; do
    read -r np wall _ _ _ _ _ _ wuser wsys _ <<<"$r"
    b=$(awk -v w="$wall" -v k=$((np - 1)) -v wu="$wuser" -v ws="$wsys" 'BEGIN { printf "%.2f", (wu + ws) / (w * k) }')
    awk -v b="$b" 'BEGIN { exit !(b < 0.9) }' && busy_low=1
    printf '  %-44s %-22s %-10s %s\n' "workers busy, -np $np (CPU s / wall / workers)" "$b" "-" "-"
done
read -r np wall _ _ _ muser msys _ _ _ _ <<<"${runs[$((${#runs[@]} - 1))]}"
mm=$(awk -v w="$wall" -v mu="$muser" -v ms="$msys" 'BEGIN { printf "%.2f s (%.1f%% of wall)", mu + ms, 100 * (mu + ms) / w }')
master_ok=$(awk -v w="$wall" -v mu="$muser" -v ms="$msys" 'BEGIN { print ((mu + ms) < 0.05 * w) ? 1 : 0 }')
printf '  %-44s %-22s %-10s %s\n' "master CPU (user+sys), -np $np" "$mm" "< 5%" "$(yn "$master_ok")"
printf '  %-44s %-22s %-10s %s\n' "records equal across runs" "$([ "$same" = 1 ] && echo "yes ($nrec)" || echo no)" \
    "equal" "$(yn "$same")"
echo "  (efficiency = busy / busy_first / CPU-time ratio: the same work costing more CPU"
echo "   when more workers run, e.g. cores slowing each other down, lowers it too)"
if [ "$busy_low" = 1 ]; then
    echo "  (workers busy < 0.90: the workers got less than their cores, i.e. other work shared"
    echo "   the machine, or a worker sat idle at the end; the efficiency then understates)"
fi
exit "$status"
