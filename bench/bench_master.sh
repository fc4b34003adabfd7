#!/usr/bin/env bash
# bench_master.sh: how many records per second the sweep master stores, for
# items far shorter than a message round trip (grid 8, width 5, depth 1, no
# training), with 1, 2, 8 and 32 worker ranks (oversubscribed on this machine),
# on the local disk and on a slow disk (bench/libslow_fsync.so, LD_PRELOAD:
# every fsync 5 ms longer). For each run it prints the records stored per
# second of the run's own measured time (from DIR/progress.json: run_done /
# elapsed_seconds, which starts after start-up and the store's opening), the
# fsyncs per record (group commit), and the master's CPU share
# (master_cpu_seconds / elapsed_seconds, the writer thread included).
#
# usage: bench/bench_master.sh [--records N] [--workers "1 2 8 32"] [MLPVAR [SHIM]]
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
records=40000
workers="1 2 8 32"
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --records) records=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) args+=("$1"); shift ;;
    esac
done
mlpvar=$(realpath "${args[0]:-$root/build/src/cli/mlpvar}")
shim=$(realpath "${args[1]:-$root/build/bench/libslow_fsync.so}")
[ -x "$mlpvar" ] || { echo "bench_master: no mlpvar at $mlpvar; build first" >&2; exit 2; }
[ -f "$shim" ] || { echo "bench_master: no $shim; build first (ninja -C build)" >&2; exit 2; }
[ "$(id -u)" = 0 ] && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/tiny.yaml" <<YAML
name: bench-master
activations: [relu]
widths: [5]
depths: [1]
seeds: 1
measure: {grid: 8, draws: $records}
YAML
field() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

echo "bench_master: $records records per run, tiny items (grid 8, width 5, depth 1); $(nproc --all) cores; $("$mlpvar" version)"
printf '%-10s %8s %12s %14s %12s %10s\n' disk workers records/s fsyncs/record master_cpu elapsed_s
for disk in local slow; do
    for w in $workers; do
        out="$tmp/out-$disk-$w"
        pre=()
        [ "$disk" = slow ] && pre=(-x "LD_PRELOAD=$shim")
        if [ "$w" = 1 ] && false; then :; fi
        mpirun --oversubscribe --bind-to none -np $((w + 1)) "${pre[@]}" "$mlpvar" sweep "$tmp/tiny.yaml" --out "$out" --quiet \
            || { echo "bench_master: the sweep failed ($disk, $w workers)" >&2; exit 1; }
        p="$out/progress.json"
        n=$(field "$p" run_done); el=$(field "$p" elapsed_seconds); fs=$(field "$p" fsyncs); cpu=$(field "$p" master_cpu_seconds)
        [ "$n" = "$records" ] || { echo "bench_master: $n records stored, want $records" >&2; exit 1; }
        awk -v d="$disk" -v w="$w" -v n="$n" -v el="$el" -v fs="$fs" -v cpu="$cpu" \
            'BEGIN { printf "%-10s %8d %12.0f %14.4f %11.1f%% %10.2f\n", d, w, n / el, fs / n, 100 * cpu / el, el }'
    done
done
