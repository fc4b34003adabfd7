#!/usr/bin/env bash
# Command-line behaviour of mlpvar: bad input gives exactly one line on stderr and
# exit code 2 (never a crash), and good input gives the documented outputs.
# usage: test_cli.sh PATH/TO/mlpvar
set -u
MLPVAR=${1:?path to mlpvar}
. "$(dirname "$0")/../lib.sh"

M="measure --quiet --n 2 --grid 16"
expect_usage_error "unknown activation 'swish'" $M --activation relu,swish
expect_usage_error "relu, abs"                  $M --activation swish
expect_usage_error "--depth"                    $M --depth 0
expect_usage_error "--depth"                    $M --depth -3
expect_usage_error "--width"                    $M --width 0
expect_usage_error "smaller than the smallest"  $M --budget 5 --depth 4
expect_usage_error "--grid 3 is too small"      $M --grid 3 --order 3
expect_usage_error "--order"                    $M --order 0
expect_usage_error "--n"                        $M --n 0
expect_usage_error "not an integer"             $M --depth 2x
expect_usage_error "not an integer"             $M --budget ten
expect_usage_error "not a finite number"        $M --bias-std abc
expect_usage_error "not a finite number"        $M --tau nan
expect_usage_error "--init"                     $M --init glorot
expect_usage_error "--precision"                $M --precision half
expect_usage_error "range 8..2 is empty"        $M --depth 8..2
expect_usage_error "needs a value"              $M --depth
expect_usage_error "unknown option '--bogus'"   $M --bogus
expect_usage_error "--budget and --width"       $M --budget 100 --width 4
expect_usage_error "unknown command"            frobnicate
expect_usage_error "nothing to write"           landscape --activation relu --depth 2 --width 4
expect_usage_error "one landscape"              landscape --activation relu,abs --depth 2 --width 4 --csv "$T/x.csv"

# train: bad task, knob, optimiser settings, CSV data.
TR="train --quiet --activation relu --depth 2 --budget 300 --steps 5 --points 16"
expect_usage_error "give a task"              $TR
expect_usage_error "unknown task 'moons'"     $TR --task moons
expect_usage_error "--task"                   $TR --task checkerboard:0
expect_usage_error "--lr must be > 0"         $TR --task rings --lr 0
expect_usage_error "--lr"                     $TR --task rings --lr -1
expect_usage_error "--steps"                  $TR --task rings --steps 0
expect_usage_error "--optimizer"              $TR --task rings --optimizer rmsprop
expect_usage_error "csv needs a file"         $TR --task csv
expect_usage_error "$T/none.csv"              $TR --task csv:"$T/none.csv"
printf 'a,b,y\n1,2,1\n3,4\n' >"$T/bad.csv"
expect_usage_error "bad.csv:3"                $TR --task csv:"$T/bad.csv"
printf '1,2,1\n3,nan,-1\n' >"$T/nan.csv"
expect_usage_error "nan.csv:2"                $TR --task csv:"$T/nan.csv"

# sweep: broken sweep files name file, line and key; nothing is written.
S="$T/s.yaml"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\nmeasure: {rivals: [snip, zen]}\n' >"$S"
expect_usage_error "unknown rival 'zen'"    sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\nmeasure: {rivals: [snip]}\n' >"$S"
expect_usage_error "'snip' needs the targets of a task" sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\ncolour: blue\n' >"$S"
expect_usage_error "s.yaml:5: key 'colour'"  sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\ntask: {name: checkerboard, cells: 0}\n' >"$S"
expect_usage_error "s.yaml:5: key 'cells'"   sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\ntask: {name: rings}\ntrain: {lr: 0}\n' >"$S"
expect_usage_error "key 'lr'"                sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\ntask: {name: rings}\ntrain: {steps: 0}\n' >"$S"
expect_usage_error "key 'steps'"             sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: [300]\ndepths: one\n' >"$S"
expect_usage_error "key 'depths'"            sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\ntask: {name: moons}\n' >"$S"
expect_usage_error "key 'name'"              sweep "$S" --out "$T/sw"
: >"$S"
expect_usage_error "empty"                   sweep "$S" --out "$T/sw"
expect_usage_error "give an output folder"   sweep "$S"
expect_usage_error "$T/missing.yaml"         sweep "$T/missing.yaml" --out "$T/sw"
[ ! -e "$T/sw" ] && ok || bad "a refused sweep created its output folder"
expect_usage_error "not a results folder"    results "$T/nowhere"

# expect_system_error WORD ARGS...: exit 1 (a system failure), one stderr line containing WORD.
expect_system_error() {
    local word=$1; shift
    "$MLPVAR" "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ "$rc" -ne 1 ]; then bad "mlpvar $* -> exit $rc, want 1: $(cat "$T/err")"; return; fi
    if [ "$(wc -l <"$T/err")" -ne 1 ]; then bad "mlpvar $* -> not one stderr line: $(cat "$T/err")"; return; fi
    grep -qi -- "$word" "$T/err" && ok || bad "mlpvar $* -> '$(cat "$T/err")' lacks '$word'"
}

# Ceilings (docs/limits.md) and lists: refused when the options are read, naming the option.
expect_usage_error "--depth: an empty item in '1,'"   $M --depth 1,
expect_usage_error "--depth: an empty item"           $M --depth 1,,2
expect_usage_error "--depth: 2 is listed twice"       $M --depth 1..4,2
expect_usage_error "'relu' is listed twice"           $M --activation relu,abs,relu
expect_usage_error "--activation: an empty item"      $M --activation relu,
expect_usage_error "--depth: 513 is out of range"     $M --depth 513
expect_usage_error "--grid: 100000 is out of range"   $M --grid 100000
expect_usage_error "--budget: 1000000000000 is out"   $M --budget 1000000000000
expect_usage_error "--width: more than 10000 values"  $M --width 1..20000
expect_usage_error "above the ceiling of 32 GiB per network (docs/limits.md); lower --width" \
                                                      $M --width 1000000 --depth 100
expect_usage_error "lower --grid or --out-dim"        $M --grid 8192 --out-dim 100 --depth 1 --width 4
expect_usage_error "more than the"                    $M --grid 8192 --n 1000 --depth 1 --width 4 --threads 1000
expect_usage_error "--n: 2000000 is out of range"     $M --n 2000000
expect_usage_error "--depth: 60000 is out of range"   advise --quiet --budget 1000 --depth 1..60000
expect_usage_error "--max-depth: 60000 is out"        advise --quiet --budget 1000 --max-depth 60000
expect_usage_error "--depth: 3 is listed twice"       advise --quiet --budget 1000 --depth 1..4,3
expect_usage_error "--steps: 2000000000 is out"       train --quiet --task rings --steps 2000000000
expect_usage_error "--points: 1000000000 is out"      train --quiet --task rings --points 1000000000
expect_usage_error "--batch 100 is more than the 16"  $TR --task rings --batch 100
expect_usage_error "--pair"                           theory --compare --pair 1,1:1,nan
expect_usage_error "--pair"                           theory --compare --pair 1,1:1,1junk
expect_usage_error "lower --wide or --depth"          theory --compare --wide 100000 --depth 500
# Control characters in a value stay on one line.
expect_usage_error "'1?2' is not an integer"          $M --depth "$(printf '1\n2')"

# Weight files the landscape cannot use are bad input (exit 2), not "out of memory".
printf 'mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 1 2\n1 1\n0 0\nlayer 2 1\n1 1\n0\n' >"$T/w1.txt"
expect_usage_error "w1.txt: the network has 1 input"  measure --weights "$T/w1.txt" --grid 16
expect_usage_error "the first layer needs fan_in >= 2" landscape --weights "$T/w1.txt" --grid 4 --csv "$T/x.csv"
printf 'mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 2 2\n1e300 1e300 1e300 1e300\n0 0\nlayer 2 1\n1e300 1e300\n0\n' >"$T/big.txt"
expect_usage_error "overflows double precision"       measure --weights "$T/big.txt" --grid 16 --json
expect_usage_error "1e+300 in magnitude"              landscape --weights "$T/big.txt" --grid 3 --csv "$T/x.csv"
# CSV data the sweep refuses, train refuses too.
printf 'x1,x2,y\n0.5,0.25,1\n' >"$T/one_row.csv"
expect_usage_error "one_row.csv: 1 data row"          $TR --task csv:"$T/one_row.csv"
printf 'x,y\n0.5,1\n-0.5,-1\n0.25,1\n' >"$T/one_input.csv"
expect_usage_error "one_input.csv: 1 input column"    $TR --task csv:"$T/one_input.csv"
# train --json: every field of the record written, "part" 0 (it was uninitialised).
if "$MLPVAR" $TR --task rings --json >"$T/tj" 2>"$T/err"; then
    grep -q '"config": 0, "part": 0, "activation": "relu"' "$T/tj" && ok || bad "train --json: $(head -c 200 "$T/tj")"
else bad "train --json failed: $(cat "$T/err")"; fi

# System failures exit 1 with the reason (a full disk: /dev/full); an output path
# through a missing folder or a file is bad input (exit 2).
expect_system_error "No space left on device" $M --activation relu --depth 1 --width 4 --csv /dev/full
# Standard output on a full disk: exit 1 and one line with the reason, for every
# command (it was exit 0, the output silently lost).
for cmd in "$M --activation relu --depth 1 --width 4" "version" "--help" "measure --help" "theory --activation relu,abs" \
    "advise --budget 300 --depth 1,2 --draws 4 --activation relu --quiet"; do
    # shellcheck disable=SC2086
    "$MLPVAR" $cmd >/dev/full 2>"$T/err"; rc=$?
    [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qE "cannot write the output: (No space left on device|write error)" "$T/err" \
        && ok || bad "mlpvar $cmd >/dev/full -> exit $rc: $(cat "$T/err")"
done
expect_usage_error "Not a directory; check the folder exists" $M --activation relu --depth 1 --width 4 --csv "$T/one_row.csv/x.csv"
expect_usage_error "No such file or directory; check the folder" landscape --activation relu --depth 1 --width 4 --grid 4 --csv "$T/no/l.csv"

# Sweep files: the reader's own refusals name the file and line.
expect_usage_error "is a folder, not a sweep file"    sweep "$T" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: \377300\ndepths: [1]\n' >"$S"
expect_usage_error "s.yaml:3: not UTF-8 text"         sweep "$S" --out "$T/sw"
printf 'name: "a\\0b"\nactivations: [relu]\nbudget: 300\ndepths: [1]\n' >"$S"
expect_usage_error "s.yaml:1: key 'name': the value holds a NUL" sweep "$S" --out "$T/sw"
printf 'name: t\nactivations: [relu]\nbudget: 300\ndepths: [1]\nmeasure: {grid: 100000}\n' >"$S"
expect_usage_error "s.yaml:5: key 'grid': 100000 is out of range" sweep "$S" --out "$T/sw" --dry-run
printf 'name: t\nactivations: %s\n' "$(head -c 100000 /dev/zero | tr '\0' '[')" >"$S"
expect_usage_error "s.yaml:2: lists and mappings nested more than 16 deep" sweep "$S" --out "$T/sw"
[ ! -e "$T/sw" ] && ok || bad "a refused sweep created its output folder"

# The Slurm script: valid bash, and its command line runs (as a dry run).
SB="$(dirname "$0")/../../slurm/sweep.sbatch"
bash -n "$SB" && ok || bad "slurm/sweep.sbatch: bash -n failed"
line=$(DRY_RUN=1 MLPVAR="$MLPVAR" SWEEP="$(dirname "$0")/../../sweeps/tiny.yaml" OUT="$T/slurm" bash "$SB")
case "$line" in srun*" sweep "*"--out $T/slurm"*) ok ;; *) bad "sbatch dry run printed: $line" ;; esac
# run that line without srun and its options, as a plan-only dry run of the sweep
eval "words=($line)"
while [ "${words[0]}" = srun ] || [ "${words[0]#--}" != "${words[0]}" ]; do words=("${words[@]:1}"); done
if [ "${words[0]}" = "$MLPVAR" ] && "${words[@]}" --dry-run 2>"$T/err"; then
    grep -q "6 configurations, 24 networks" "$T/err" && ok || bad "sbatch line dry run: $(cat "$T/err")"
    [ ! -e "$T/slurm" ] && ok || bad "--dry-run created the output folder"
else bad "sbatch line failed: $(cat "$T/err")"; fi

# advise: bad input, then a ranking best first with the documented keys.
expect_usage_error "give a parameter budget"   advise --quiet
expect_usage_error "smaller than the smallest" advise --quiet --budget 3 --max-depth 4
expect_usage_error "unknown activation 'relu6'" advise --quiet --budget 500 --activation relu6
expect_usage_error "--width is not an advise"  advise --quiet --budget 500 --width 4
if "$MLPVAR" advise --quiet --budget 600 --activation relu,abs --max-depth 6 --draws 4 --grid 16 --json >"$T/adv" 2>"$T/err"; then
    [ "$(wc -l <"$T/adv")" -eq 12 ] && ok || bad "advise: want 12 candidates, got $(wc -l <"$T/adv")"
    for k in activation depth width score; do
        [ "$(grep -c "\"$k\": " "$T/adv")" -eq 12 ] && ok || bad "advise JSON lacks $k"
    done
    # scores are non-increasing down the list
    grep -o '"score": [^,]*' "$T/adv" | awk '{ if (NR > 1 && $2 > prev) bad = 1; prev = $2 } END { exit bad }' && ok || bad "advise is not best first"
else bad "advise failed: $(cat "$T/err")"; fi

# theory --compare: measured wide-network correlations agree with the maps within
# 5 standard errors over draws plus 5/width (the finite-width bias is O(1/width)).
if "$MLPVAR" theory --compare --activation relu,abs --depth 6 --wide 400 --draws 8 --budget 600 --json >"$T/cmp" 2>"$T/err"; then
    [ "$(wc -l <"$T/cmp")" -eq 12 ] && ok || bad "theory --compare: want 12 rows, got $(wc -l <"$T/cmp")"
    sed -E 's/.*"theory": ([^,]*),.*"wide_mean": ([^,]*), "wide_se": ([^,]*),.*/\1 \2 \3/' "$T/cmp" |
        awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 5 * $3 + 5 / 400) { print "off:", $0; bad = 1 } } END { exit bad }' \
        && ok || bad "theory --compare: wide networks disagree with the theory"
else bad "theory --compare failed: $(cat "$T/err")"; fi
expect_usage_error "--pair"                    theory --compare --pair 1,2

# Weight files: missing, truncated, inconsistent, NaN -> one line naming the file.
W="$T/w.txt"
expect_usage_error "$T/missing.txt" measure --weights "$T/missing.txt"
printf 'mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 2 2\n1 2 3\n' >"$W"
expect_usage_error "w.txt" measure --weights "$W"
printf 'mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 2 2\n1 0 0 1\n0 0\nlayer 3 1\n1 1 1\n0\n' >"$W"
expect_usage_error "w.txt" measure --weights "$W"
printf 'mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 2 2\n1 nan 0 1\n0 0\nlayer 2 1\n1 1\n0\n' >"$W"
expect_usage_error "w.txt" measure --weights "$W"
expect_usage_error "w.txt" landscape --weights "$W" --csv "$T/x.csv"

# A good weight file: f(x1, x2) = relu(x1) + relu(x2) - 1 (by hand).
printf 'mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 2 2\n1 0\n0 1\n0 0\nlayer 2 1\n1 1\n-1\n' >"$W"
if "$MLPVAR" landscape --weights "$W" --grid 3 --csv "$T/l.csv" 2>"$T/err"; then
    want=$'-1,-1,0\n-1,-1,0\n0,0,1'
    if [ "$(cat "$T/l.csv")" = "$want" ]; then ok; else bad "landscape csv: $(cat "$T/l.csv")"; fi
else bad "landscape --weights failed: $(cat "$T/err")"; fi
if "$MLPVAR" measure --weights "$W" --json --grid 9 >"$T/j" 2>"$T/err"; then
    for k in '"variability": ' '"collapse_ratio": ' '"grid": 9' '"order": 3'; do
        grep -q "$k" "$T/j" && ok || bad "measure --weights --json lacks $k: $(cat "$T/j")"
    done
else bad "measure --weights failed: $(cat "$T/err")"; fi

# measure --weights --rivals on that network, by hand. synflow: |W| and no biases give
# R = 1^T |W1| |W0| 1 = 2, SynFlow = (depth + 1) R = 4. With --task on 4 equal rows
# (x = (0.5, 0.25), y = 1; any split trains on them): f = -0.25, dL/df = 2(f - y) = -2.5,
# dL/dW1 = -2.5 (0.5, 0.25), dL/db1 = -2.5, dL/dW0 = -2.5 I (0.5, 0.25) rows, dL/db0 = -2.5 (1, 1):
# grad_norm = sqrt(24.609375), snip = |1 x -1.25| + |1 x -0.625| twice = 3.75.
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-12 * (b < 0 ? -b : b)) }'; }
jnum() { grep -o "\"$1\": [^,}]*" "$2" | head -1 | sed 's/.*: //'; }
if "$MLPVAR" measure --weights "$W" --rivals synflow --json --grid 9 >"$T/j" 2>"$T/err"; then
    near "$(jnum rival_synflow "$T/j")" "$(awk 'BEGIN { printf "%.17g", log(4) }')" && grep -q '"rival_rows": 256' "$T/j" && ok ||
        bad "measure --rivals synflow: $(cat "$T/j")"
else bad "measure --weights --rivals failed: $(cat "$T/err")"; fi
printf 'x1,x2,y\n0.5,0.25,1\n0.5,0.25,1\n0.5,0.25,1\n0.5,0.25,1\n' >"$T/same.csv"
if "$MLPVAR" measure --weights "$W" --rivals grad_norm,snip --task csv:"$T/same.csv" --json --grid 9 >"$T/j" 2>"$T/err"; then
    near "$(jnum rival_grad_norm "$T/j")" "$(awk 'BEGIN { printf "%.17g", sqrt(24.609375) }')" &&
        near "$(jnum rival_snip "$T/j")" 3.75 && grep -q '"rival_rows": 3' "$T/j" && ok ||
        bad "measure --rivals grad_norm,snip --task: $(cat "$T/j")"
    "$MLPVAR" measure --weights "$W" --rivals snip --task csv:"$T/same.csv" --grid 9 >"$T/tab" 2>&1
    grep -q "on 3 training rows of csv:" "$T/tab" && grep -q "snip *3.75" "$T/tab" && ok || bad "measure --rivals table: $(cat "$T/tab")"
else bad "measure --weights --rivals --task failed: $(cat "$T/err")"; fi
expect_usage_error "--rivals needs --weights"          measure --quiet --rivals synflow --n 2 --grid 16
expect_usage_error "--task gives the batch of --rivals" measure --weights "$W" --task rings
expect_usage_error "'snip' needs targets; give the data with --task" measure --weights "$W" --rivals synflow,snip
expect_usage_error "unknown rival 'zen'"               measure --weights "$W" --rivals zen
expect_usage_error "'synflow' is listed twice"         measure --weights "$W" --rivals synflow,synflow
printf 'a,b,c,y\n1,2,3,1\n3,4,5,-1\n1,1,1,1\n' >"$T/three.csv"
expect_usage_error "three.csv has 3 input columns"     measure --weights "$W" --rivals grad_norm --task csv:"$T/three.csv"
expect_usage_error "gives 1 output"                    measure --weights "$W" --rivals grad_norm --task csv:"$T/three.csv" --targets 2
printf 'mlpvar-weights 1\nactivation relu\nlayers 2\nlayer 3 1\n1 1 1\n0\nlayer 1 1\n1\n0\n' >"$T/w3.txt"
expect_usage_error "a 2-D task has 2 inputs"           measure --weights "$T/w3.txt" --rivals grad_norm --task rings
expect_usage_error "'jacob_cov' reads inputs"          measure --weights "$T/w3.txt" --rivals jacob_cov

# train on real-valued targets: no early stop by accuracy; --save's folder.
printf 'x1,x2,y\n0.5,0.25,0.3\n-0.5,0.25,1.5\n0.1,0.2,-2\n' >"$T/reg.csv"
expect_usage_error "real-valued targets"               $TR --task csv:"$T/reg.csv" --target-accuracy 0.9
expect_usage_error "check the folder exists"           $TR --task rings --save "$T/one_row.csv/d"
expect_usage_error "folders would clash"               $TR --task rings --budget 300,301 --save "$T/clash"

# JSON rows: one per (activation, depth) with every documented key.
if "$MLPVAR" measure --quiet --activation relu,abs --budget 500 --depth 1,3 --n 4 --grid 16 --json >"$T/rows" 2>"$T/err"; then
    [ "$(wc -l <"$T/rows")" -eq 4 ] && ok || bad "want 4 JSON rows, got $(wc -l <"$T/rows")"
    for k in activation depth width params activations activation_ratio grid order n \
             variability_median variability_mean variability_q25 variability_q75 \
             collapse_ratio_median c2c_probability c2c_ci_low c2c_ci_high; do
        [ "$(grep -c "\"$k\":" "$T/rows")" -eq 4 ] && ok || bad "JSON rows lack key $k"
    done
else bad "measure --json failed: $(cat "$T/err")"; fi

# Results do not depend on the number of threads.
"$MLPVAR" measure --quiet --budget 800 --depth 2,6 --n 6 --grid 24 --json --threads 1 >"$T/t1" 2>/dev/null
"$MLPVAR" measure --quiet --budget 800 --depth 2,6 --n 6 --grid 24 --json --threads 2 >"$T/t2" 2>/dev/null
cmp -s "$T/t1" "$T/t2" && ok || bad "--threads 1 and --threads 2 differ"

# CSV export matches the rows requested.
if "$MLPVAR" measure --quiet --budget 500 --depth 1,2,3 --activation tanh --n 3 --grid 16 --csv "$T/m.csv" >/dev/null 2>&1; then
    [ "$(wc -l <"$T/m.csv")" -eq 4 ] && head -1 "$T/m.csv" | grep -q '^activation,depth,width' && ok || bad "csv: $(cat "$T/m.csv")"
else bad "measure --csv failed"; fi

# Progress goes to stderr with done/total.
"$MLPVAR" measure --activation relu --budget 500 --depth 1 --n 3 --grid 16 >/dev/null 2>"$T/err"
grep -q "3/3 networks" "$T/err" && ok || bad "no progress line: $(cat "$T/err")"

# Gallery PNG without gnuplot: exit 1, one line saying so, no file (with
# gnuplot: test_png.sh).
PATH=/nonexistent "$MLPVAR" landscape --activation relu --budget 500 --depth 1 --grid 16 --png "$T/g.png" 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "gnuplot not found on PATH" "$T/err" && [ ! -e "$T/g.png" ]; then ok
else bad "gallery without gnuplot: exit $rc: $(cat "$T/err")"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
