#!/usr/bin/env bash
# Each verdict rule of `mlpvar analyze` on synthetic records built to hold, to
# fail and to be inconclusive (the verdict table of --verbose); the default
# output is a short summary (at most 25 lines) holding each claim's overall
# verdict as claims.csv states it; then an end-to-end tiny sweep + analyze with
# every artefact checked and summary.json agreeing with the CSVs. gnuplot is
# kept off PATH here, so the report must say so; the figures are checked by
# test_figures.sh.
# usage: test_verdicts.sh PATH/TO/mlpvar SWEEP_FIXTURE
set -u
MLPVAR=${1:?mlpvar}
FIXTURE=${2:?tiny sweep with training}
. "$(dirname "$0")/../lib.sh"

# records.jsonl from rows "activation budget depth width median spread c2c":
# 64 draws per row, V = median * exp(spread * u), u uniform in [-1, 1] from an
# LCG (fixed seed), collapsed for the first round(64 * c2c) draws.
gen() {
    awk 'BEGIN { s = 12345 }
         function u() { s = (s * 1103515245 + 12345) % 2147483648; return 2 * s / 2147483648 - 1 }
         { for (i = 0; i < 64; i++) {
             v = $5 * exp($6 * u()); col = (i < int($7 * 64 + 0.5)) ? "true" : "false";
             rho = col == "true" ? 0.001 : 0.5
             printf "{\"key\": \"%016x\", \"sweep\": \"syn\", \"config\": %d, \"part\": 0, \"activation\": \"%s\", \"depth\": %d, \"width\": %d, \"budget\": %d, \"params\": %d, \"activations\": %d, \"activation_ratio\": 0.1, \"in_dim\": 2, \"out_dim\": 1, \"init\": \"auto\", \"bias_std\": 0.1, \"seed\": %d, \"grid\": 64, \"order\": 3, \"tau\": 0.01, \"status\": \"ok\", \"error\": null, \"attempt\": 1, \"variability\": %.10g, \"collapse_ratio\": %g, \"collapsed\": %s, \"layer_dead_fraction\": null, \"layer_collapse_ratio\": null, \"measure_seconds\": 0, \"trained\": false}\n", NR * 1000 + i + 1, NR, $1, $3, $4, $2, $2, $3 * $4, i, v, rho, col
         } }'
}

# budget 100: relu rises to a peak and falls, C2C rises, V and C2C anticorrelated
#             (C1 and C2 hold); abs is 3x relu everywhere, collapses less, peaks deeper (C4 holds)
# budget 200: relu rises monotonically, no collapse (C1 does not hold)
# budget 300: relu flat with wide noise (C1 inconclusive)
# budget 0 (fixed widths 8..64 at depth 3): relu rises with width (C3w holds)
cat >"$T/rows" <<'ROWS'
relu 100 1 50 1e-3 0.3 0
relu 100 2 30 3e-3 0.3 0
relu 100 4 20 9e-3 0.3 0
relu 100 8 14 4e-3 0.3 0.3
relu 100 16 10 1e-4 0.3 0.9
abs 100 1 50 3e-3 0.3 0
abs 100 2 30 9e-3 0.3 0
abs 100 4 20 2e-2 0.3 0
abs 100 8 14 4e-2 0.3 0
abs 100 16 10 1e-2 0.3 0.2
relu 200 1 70 1e-3 0.3 0
relu 200 2 40 2e-3 0.3 0
relu 200 4 28 4e-3 0.3 0
relu 200 8 20 8e-3 0.3 0
relu 300 1 80 1e-3 3 0
relu 300 2 45 1e-3 3 0
relu 300 4 30 1e-3 3 0
relu 300 8 22 1e-3 3 0
relu 0 3 8 1e-3 0.05 0
relu 0 3 16 2e-3 0.05 0
relu 0 3 32 4e-3 0.05 0
relu 0 3 64 8e-3 0.05 0
ROWS
mkdir -p "$T/syn"
gen <"$T/rows" >"$T/syn/results.jsonl"
echo '{"sweep": "syn", "identity": "0000000000000000", "format": "mlpvar-results 1"}' >"$T/syn/manifest.json"
"$MLPVAR" analyze "$T/syn" --bootstrap 400 --verbose >"$T/out" 2>"$T/err" || bad "analyze synthetic: $(cat "$T/err")"
verdict() {   # claim slice-prefix statistic-words expected
    local line
    line=$(grep -E "^$1 +$2 " "$T/out" | grep -F "$3" | head -1)
    case "$line" in *" $4 "*) ok ;; *) bad "$1 $2 ($3): want '$4', got: ${line:-no row}" ;; esac
}
verdict C1 "relu, budget 100" "min log" "holds"
verdict C1 "relu, budget 200" "min log" "does not hold"
verdict C1 "relu, budget 300" "min log" "inconclusive"
verdict C2 "relu, budget 100" "deepest minus" "holds"
verdict C2 "relu, budget 100" "Spearman(median V3, C2C" "holds"
verdict C2 "relu, budget 200" "deepest minus" "inconclusive"
verdict C3 "relu, budget 100" "Spearman(number of activations" "holds"
verdict C4 "relu vs abs, budget 100" "log(V3 abs / V3 relu)" "holds"
verdict C4 "relu vs abs, budget 100" "C2C(abs) - C2C(relu)" "holds"
verdict C4 "relu vs abs, budget 100" "peak" "holds"
verdict C3w "relu, depth 3" "over widths" "holds"
grep -qE "^C1 +overall +does not hold" "$T/out" && ok || bad "C1 overall should not hold: $(grep -E '^C1 +overall' "$T/out")"

# The default output: a short summary, each claim's overall verdict as in claims.csv.
"$MLPVAR" analyze "$T/syn" --bootstrap 400 >"$T/short" 2>"$T/err" || bad "analyze synthetic (short): $(cat "$T/err")"
[ "$(wc -l <"$T/short")" -le 25 ] && ok || bad "the summary has $(wc -l <"$T/short") lines, want <= 25"
for c in C1 C2 C3 C3w C4 C5; do
    want=$(grep -E "^$c,overall," "$T/syn/report/claims.csv" | grep -oE ',(holds|does not hold|inconclusive|no data),' | tr -d ,)
    [ -n "$want" ] || { bad "claims.csv has no overall row for $c"; continue; }
    grep -qE "^  $c +$want " "$T/short" && ok || bad "summary lacks '$c $want': $(grep -E "^  $c " "$T/short")"
done
grep -q "report: $T/syn/report/report.md" "$T/short" && ok || bad "summary does not print the report path"
grep -q "Spearman(median V3, C2C" "$T/short" && bad "the summary prints the full verdict table" || ok

# End to end: a tiny sweep with training, analyzed without gnuplot; every artefact present.
"$MLPVAR" sweep "$FIXTURE" --out "$T/tiny" --quiet || bad "tiny sweep failed"
if PATH=/nonexistent "$MLPVAR" analyze "$T/tiny" --bootstrap 200 >"$T/out2" 2>"$T/err2"; then ok; else bad "analyze tiny: $(cat "$T/err2")"; fi
R="$T/tiny/report"
for f in report.md report.html summary.json init_configs.csv trained_configs.csv claims.csv predictive.csv regret.csv; do
    [ -s "$R/$f" ] && ok || bad "missing or empty $f"
done
grep -q "gnuplot was not found" "$R/report.md" && ok || bad "report.md does not say that gnuplot is missing"
grep -q '"gnuplot": false' "$R/summary.json" && ok || bad "summary.json does not say that gnuplot is missing"
[ -z "$(find "$R" -name '*.png')" ] && ok || bad "PNGs without gnuplot: $(find "$R" -name '*.png')"
grep -q "report: $R/report.md" "$T/out2" && ok || bad "analyze does not print the report path"
[ "$(wc -l <"$T/out2")" -le 25 ] && ok || bad "the summary of the tiny sweep has $(wc -l <"$T/out2") lines, want <= 25"
grep -qE "^  checkerboard:4 \(accuracy\): least " "$T/out2" && ok || bad "the summary lacks the least regret of the task: $(cat "$T/out2")"
# C5 on a task is predictive power's V3 row on that task: the same value and the same interval.
c5=$(python3 - "$R" <<'PY'
import csv, sys
d = sys.argv[1]
claims = [r for r in csv.DictReader(open(d + "/claims.csv")) if r["claim"] == "C5" and r["slice"].startswith("task ")]
pred = {(r["score"], r["slice"]): r for r in csv.DictReader(open(d + "/predictive.csv"))}
for c in claims:
    task = c["slice"][len("task "):].rsplit(" (", 1)[0]
    p = pred.get(("V3", task))
    got = (c["value"], c["lo"], c["hi"])
    want = (p["spearman"], p["spearman_lo"], p["spearman_hi"]) if p else None
    print("same" if got == want else "differ %s: C5 %s, predictive V3 %s" % (task, got, want))
PY
)
[ -n "$c5" ] && ! grep -q differ <<<"$c5" && ok || bad "C5 rows and predictive V3 rows: ${c5:-no C5 task row}"

# The order of the lines in results.jsonl (1 rank or many, resumed or not) changes no number:
# the same records reversed give the same tables and summary.json, the source path aside.
mkdir -p "$T/rev"
cp "$T/tiny/manifest.json" "$T/rev/"
tac "$T/tiny/results.jsonl" >"$T/rev/results.jsonl"
cmp -s "$T/tiny/results.jsonl" "$T/rev/results.jsonl" && bad "reversing results.jsonl changed nothing: the check would be empty"
PATH=/nonexistent "$MLPVAR" analyze "$T/rev" --bootstrap 200 >/dev/null 2>"$T/err3" || bad "analyze reversed: $(cat "$T/err3")"
for f in claims.csv predictive.csv regret.csv init_configs.csv trained_configs.csv; do
    cmp -s "$R/$f" "$T/rev/report/$f" && ok || bad "$f depends on the order of results.jsonl: $(diff "$R/$f" "$T/rev/report/$f" | head -3)"
done
grep -v '"source"' "$R/summary.json" >"$T/s1"
grep -v '"source"' "$T/rev/report/summary.json" >"$T/s2"
cmp -s "$T/s1" "$T/s2" && ok || bad "summary.json depends on the order of results.jsonl"
# every number of claims.csv and predictive.csv appears verbatim in summary.json
missing=0
for f in claims.csv predictive.csv regret.csv init_configs.csv; do
    tail -n +2 "$R/$f" | tr ',' '\n' | grep -E '^-?[0-9]+\.[0-9]+([eE][-+]?[0-9]+)?$' | sort -u >"$T/nums"
    while read -r x; do grep -qF -- "$x" "$R/summary.json" || { missing=$((missing + 1)); echo "not in summary.json: $f $x"; }; done <"$T/nums"
done
[ "$missing" -eq 0 ] && ok || bad "$missing CSV numbers missing from summary.json"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
