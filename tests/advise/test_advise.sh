#!/usr/bin/env bash
# mlpvar advise end to end: each candidate's score has a bootstrap interval;
# the candidates marked within the top's noise are exactly those whose interval
# overlaps rank 1's (checked here with awk from the printed intervals), one of
# them is preferred, and it is the cheapest of them (fewest layers, then fewest
# parameters); the text output marks the same candidates and names the choice.
# usage: test_advise.sh PATH/TO/mlpvar
set -u
MLPVAR=${1:?mlpvar}
. "$(dirname "$0")/../lib.sh"

args=(--quiet --budget 600 --activation relu,abs --max-depth 8 --draws 12 --grid 16 --bootstrap 300)
"$MLPVAR" advise "${args[@]}" --json >"$T/adv.json" 2>"$T/err" || bad "advise --json: $(cat "$T/err")"
[ "$(wc -l <"$T/adv.json")" -eq 16 ] && ok || bad "want 16 candidates, got $(wc -l <"$T/adv.json")"
# one line per candidate: rank depth params score lo hi near preferred
awk '{
    match($0, /"rank": [0-9]+/); r = substr($0, RSTART + 8, RLENGTH - 8)
    match($0, /"depth": [0-9]+/); d = substr($0, RSTART + 9, RLENGTH - 9)
    match($0, /"params": [0-9]+/); p = substr($0, RSTART + 10, RLENGTH - 10)
    match($0, /"score": [^,]+/); s = substr($0, RSTART + 9, RLENGTH - 9)
    match($0, /"score_lo": [^,]+/); lo = substr($0, RSTART + 12, RLENGTH - 12)
    match($0, /"score_hi": [^,]+/); hi = substr($0, RSTART + 12, RLENGTH - 12)
    n = ($0 ~ /"near_top": true/); f = ($0 ~ /"preferred": true/)
    print r, d, p, s, lo, hi, n, f }' "$T/adv.json" >"$T/rows"
awk 'NR == 1 { tlo = $5; thi = $6 }
     { over = ($5 <= thi && tlo <= $6); if (over != $7) { print "rank " $1 ": near_top " $7 ", overlap " over; bad = 1 } }
     END { exit bad }' "$T/rows" && ok || bad "near_top is not 'interval overlaps rank 1s'"
[ "$(awk '$8 == 1' "$T/rows" | wc -l)" -eq 1 ] && ok || bad "want exactly one preferred candidate"
awk 'NR == 1 && $7 != 1 { bad = 1 } END { exit bad }' "$T/rows" && ok || bad "rank 1 is not marked within its own noise"
# the preferred is the first of the near ones sorted by depth, then parameters
want=$(awk '$7 == 1 { print $2, $3, $1 }' "$T/rows" | sort -n -k1,1 -k2,2 | head -1 | awk '{ print $3 }')
got=$(awk '$8 == 1 { print $1 }' "$T/rows")
[ "$want" = "$got" ] && ok || bad "preferred rank $got, want the cheapest near one, rank $want"
near=$(awk '$7 == 1' "$T/rows" | wc -l)

# the text output: the same marks, and a closing line that names the choice
"$MLPVAR" advise "${args[@]}" >"$T/adv.txt" 2>"$T/err" || bad "advise: $(cat "$T/err")"
[ "$(grep -c ' ~ ' "$T/adv.txt")" -eq "$near" ] && ok || bad "text marks $(grep -c ' ~ ' "$T/adv.txt") candidates, JSON $near"
if [ "$want" = 1 ]; then
    grep -q "rank 1 is also the cheapest of them" "$T/adv.txt" && ok || bad "no closing line: $(tail -1 "$T/adv.txt")"
else
    grep -q "prefer the cheapest of them (fewer layers, then fewer parameters): rank $want," "$T/adv.txt" && ok ||
        bad "closing line does not name rank $want: $(tail -1 "$T/adv.txt")"
fi
grep -q "^# $near candidate" "$T/adv.txt" && ok || bad "closing line does not count $near: $(tail -1 "$T/adv.txt")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
