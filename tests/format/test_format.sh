#!/usr/bin/env bash
# The code follows .clang-format: clang-format --dry-run --Werror over every C
# source and header of the project (src/, include/, tests/, bench/). Exits 77
# (meson shows SKIP) when clang-format is not installed.
# usage: test_format.sh SOURCE_ROOT
set -u
root=${1:?source root}
command -v clang-format >/dev/null 2>&1 || { echo "SKIP: clang-format is not installed"; exit 77; }
cd "$root" || exit 1
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests bench -name '*.[ch]')
[ -n "$files" ] || { echo "no C files found under $root"; exit 1; }
n=$(echo "$files" | wc -l)
if echo "$files" | xargs clang-format --dry-run --Werror 2>"${TMPDIR:-/tmp}/format.$$"; then
    echo "$n files follow .clang-format"
    rm -f "${TMPDIR:-/tmp}/format.$$"
    exit 0
fi
grep -c "error:" "${TMPDIR:-/tmp}/format.$$" | sed 's/$/ lines differ from .clang-format; run: clang-format -i $(git ls-files "*.c" "*.h")/'
head -20 "${TMPDIR:-/tmp}/format.$$"
rm -f "${TMPDIR:-/tmp}/format.$$"
exit 1
