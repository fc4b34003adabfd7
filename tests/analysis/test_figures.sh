#!/usr/bin/env bash
# `mlpvar analyze` draws its six figures with gnuplot: a tiny sweep with
# training, analyzed with a private TMPDIR; every figure is a PNG shown in
# report.md, none has a note, and nothing is left in TMPDIR. Skipped (exit 77)
# where gnuplot is not on PATH.
# usage: test_figures.sh PATH/TO/mlpvar SWEEP_FIXTURE
set -u
MLPVAR=${1:?mlpvar}
FIXTURE=${2:?tiny sweep with training}
. "$(dirname "$0")/../lib.sh"
need_gnuplot

mkdir "$T/tmp"
"$MLPVAR" sweep "$FIXTURE" --out "$T/tiny" --quiet || bad "tiny sweep failed"
if TMPDIR="$T/tmp" "$MLPVAR" analyze "$T/tiny" --bootstrap 200 >"$T/out" 2>"$T/err"; then ok; else bad "analyze tiny: $(cat "$T/err")"; fi
R="$T/tiny/report"
for f in gallery.png v3_depth.png c2c_depth.png accuracy_depth.png v3_accuracy.png layers.png; do
    [ "$(head -c 4 "$R/$f" 2>/dev/null | od -An -c | tr -d ' ')" = "211PNG" ] && ok || bad "figure $f is not a PNG"
    grep -qF "]($f)" "$R/report.md" && ok || bad "report.md does not show $f"
done
grep -q "not drawn" "$R/report.md" && bad "a figure has a note: $(grep "not drawn" "$R/report.md")" || ok
grep -q '"gnuplot": true' "$R/summary.json" && ok || bad "summary.json: gnuplot not true"
[ -z "$(ls -A "$T/tmp")" ] && ok || bad "left in TMPDIR: $(ls -A "$T/tmp")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
