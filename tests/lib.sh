# Shared by the shell tests: a temporary folder $T, pass/fail counters,
# expect_usage_error and need_gnuplot. Source it after setting MLPVAR.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_usage_error WORD ARGS...: exit 2, one stderr line containing WORD, empty stdout.
expect_usage_error() {
    local word=$1; shift
    "$MLPVAR" "$@" >"$T/out" 2>"$T/err"
    local rc=$? lines
    lines=$(wc -l <"$T/err")
    if [ "$rc" -ne 2 ]; then bad "mlpvar $* -> exit $rc, want 2"; return; fi
    if [ "$lines" -ne 1 ]; then bad "mlpvar $* -> $lines stderr lines, want 1: $(cat "$T/err")"; return; fi
    if ! grep -qi -- "$word" "$T/err"; then bad "mlpvar $* -> '$(cat "$T/err")' lacks '$word'"; return; fi
    if [ -s "$T/out" ]; then bad "mlpvar $* -> wrote to stdout"; return; fi
    ok
}

# need_gnuplot: a test that draws figures is skipped (exit 77) without gnuplot.
need_gnuplot() {
    command -v gnuplot >/dev/null || { echo "gnuplot is not on PATH: skipped"; exit 77; }
}
