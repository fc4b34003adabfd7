#!/usr/bin/env bash
# The PNGs of the command line with the real gnuplot: `mlpvar landscape --png`
# and `mlpvar theory --compare --png` write a PNG exactly at a path holding
# quotes, a backslash, a backquote and spaces, and leave nothing in a private
# TMPDIR (whose own name is as odd); a PNG that cannot be written is exit 1 with
# one line. Skipped (exit 77) where gnuplot is not on PATH.
# usage: test_png.sh PATH/TO/mlpvar
set -u
MLPVAR=${1:?path to mlpvar}
. "$(dirname "$0")/../lib.sh"
need_gnuplot

export TMPDIR="$T/tmp 'it' \"q\" \\b \`x\`"
mkdir "$TMPDIR"
is_png() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = "211PNG" ]; }
tmp_empty() { [ -z "$(ls -A "$TMPDIR")" ] && ok || bad "$1 left in TMPDIR: $(ls -A "$TMPDIR")"; }

png="$T/it's \"a\" back\\slash \`echo x\` @y #z.png"
if "$MLPVAR" landscape --activation relu,abs --budget 500 --depth 1,4 --grid 32 --png "$png" 2>"$T/err" && is_png "$png"
then ok; else bad "landscape --png: $(cat "$T/err")"; fi
grep -qF "wrote $png" "$T/err" && ok || bad "landscape --png does not name its file: $(cat "$T/err")"
tmp_empty "landscape --png"
rm -f "$png"

if "$MLPVAR" theory --compare --depth 4 --draws 2 --wide 50 --png "$png" >/dev/null 2>"$T/err" && is_png "$png"
then ok; else bad "theory --compare --png: $(cat "$T/err")"; fi
tmp_empty "theory --compare --png"

# a PNG in a folder that does not exist: exit 1, one line naming it, nothing left
for cmd in "landscape --activation relu --budget 500 --depth 1 --grid 16" "theory --compare --depth 2 --draws 2 --wide 20"; do
    # shellcheck disable=SC2086
    "$MLPVAR" $cmd --png "$T/missing/x.png" >/dev/null 2>"$T/err"
    rc=$?
    if [ "$rc" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF "cannot write $T/missing/x.png" "$T/err"; then ok
    else bad "$cmd into a missing folder: exit $rc: $(cat "$T/err")"; fi
    tmp_empty "$cmd (failed)"
done

echo "png: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
