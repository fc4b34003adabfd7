#!/usr/bin/env bash
# 'mlpvar theory': bad input gives one line on stderr and exit 2; good input
# gives the documented table, JSON lines and empty values.
# usage: test_theory_cli.sh PATH/TO/mlpvar
set -u
MLPVAR=${1:?path to mlpvar}
. "$(dirname "$0")/../lib.sh"

expect_usage_error "--sw2"                       theory --sw2 0
expect_usage_error "not positive"                theory --sw2 -1
expect_usage_error "not a finite number"         theory --sw2 abc
expect_usage_error "not a finite number"         theory --sw2 nan
expect_usage_error "--sb2"                       theory --sb2 -0.1
expect_usage_error "not a finite number"         theory --sb2 1e999
expect_usage_error "unknown activation 'swish'"  theory --activation relu,swish
expect_usage_error "relu, abs"                   theory --activation swish
expect_usage_error "--tau"                       theory --tau 1
expect_usage_error "--tau"                       theory --tau 0
expect_usage_error "--max-depth"                 theory --max-depth 0
expect_usage_error "not an integer"              theory --max-depth 10x
expect_usage_error "needs a value"               theory --sw2
expect_usage_error "unknown option '--frobnicate'" theory --frobnicate

# --help: exit 0, documents the empty values
if "$MLPVAR" theory --help >"$T/out" 2>"$T/err" && grep -q "null" "$T/out" && grep -q "sb2 > 0" "$T/out"; then ok
else bad "theory --help"; fi

# JSON: one line per activation with the documented keys
"$MLPVAR" theory --activation relu,abs,tanh --json >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 3 ]; then ok; else bad "json: exit $rc, $(wc -l <"$T/out") lines"; fi
for key in activation sw2 sb2 q_star c_star chi_1 chi_c xi_q xi_c trainable_depth predicted_c2c_depth; do
    if [ "$(grep -c "\"$key\": " "$T/out")" -eq 3 ]; then ok; else bad "json lacks $key"; fi
done
# relu and abs at their "auto" gains with sb2 = 0.01: q diverges -> null q*, finite C2C depth
if grep '"activation": "relu"' "$T/out" | grep -q '"q_star": null' &&
   grep '"activation": "relu"' "$T/out" | grep -q '"chi_1": 1,' &&
   grep '"activation": "relu"' "$T/out" | grep -Eq '"predicted_c2c_depth": [0-9]+'; then ok
else bad "relu json: $(grep relu "$T/out")"; fi
# tanh at its "auto" gain is chaotic: finite xi_c, no C2C depth
if grep '"activation": "tanh"' "$T/out" | grep -q '"predicted_c2c_depth": null' &&
   grep '"activation": "tanh"' "$T/out" | grep -q '"phase": "chaotic"'; then ok
else bad "tanh json: $(grep tanh "$T/out")"; fi
# relu at criticality without bias: chi_1 = 1, infinite depth scales -> null
"$MLPVAR" theory --activation relu --sw2 2 --sb2 0 --json >"$T/out" 2>"$T/err"
if grep -q '"chi_1": 1,' "$T/out" && grep -q '"xi_c": null' "$T/out" && grep -q '"q_star": 1,' "$T/out" &&
   grep -q '"phase": "critical"' "$T/out"; then ok
else bad "relu critical: $(cat "$T/out")"; fi
# the table: a header and one row per activation
"$MLPVAR" theory --activation relu,abs >"$T/out" 2>"$T/err"
if [ "$(wc -l <"$T/out")" -eq 3 ] && head -1 "$T/out" | grep -q "c2c_depth"; then ok
else bad "table: $(cat "$T/out")"; fi

echo "theory cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
