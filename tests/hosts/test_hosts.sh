#!/usr/bin/env bash
# A sweep across two hosts: two network namespaces on this machine joined by a
# veth pair (10.231.0.1 and .2, addresses that exist only in them), each with
# its own host name, /etc/hosts and TMPDIR (host.sh). mpirun runs on mlpv-a with
# the master (rank 0) alone; Open MPI starts mlpv-b's daemon through
# rsh-agent.sh, as it would through ssh, and both workers run there. Ranks talk
# TCP over the veth only (btl tcp,self: no shared memory). The output folder
# and the CSV exist on mlpv-a only (an empty tmpfs covers them on mlpv-b).
#  - sweeps/tiny.yaml: the records equal a 1-rank run, timings aside; every
#    record was computed on mlpv-b (ranks.log tells where each rank ran).
#  - the golden CSV sweep with its CSV on mlpv-a only: the master sends the
#    data (slurm/README.md), so the run ends with the records of a 1-rank run
#    and never hangs.
# Runs when MLPVAR_TEST_HOSTS=1 (.ci/run sets it) as root; else exit 77. Removes
# its namespaces (and with them the veth pair and every process inside).
# usage: test_hosts.sh PATH/TO/mlpvar FIXTURE_DIR
set -u
MLPVAR=$(realpath "${1:?mlpvar}")
HERE=$(realpath "${2:?fixture dir}")
ROOT=$(cd "$HERE/../.." && pwd)
[ "${MLPVAR_TEST_HOSTS:-}" = 1 ] ||
    { echo "SKIP: MLPVAR_TEST_HOSTS=1 runs it (as root: it makes network namespaces and a veth pair)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: network namespaces need root"; exit 77; }
for t in ip unshare mpirun timeout; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is missing"; exit 77; }
done
. "$HERE/../lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
NS_A=mlpv-$$-a NS_B=mlpv-$$-b VETH_A=mlpv$$a VETH_B=mlpv$$b NET=10.231.0.0/24
cleanup() {
    local ns pids
    for ns in "$NS_A" "$NS_B"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)        # only what this test started runs there
        [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null                  # takes its end of the veth pair along
    done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
started=$(date +%s)

# The two hosts: namespaces, the veth pair, addresses, names.
ip netns add "$NS_A" && ip netns add "$NS_B" &&
    ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B" &&
    ip -n "$NS_A" addr add 10.231.0.1/24 dev "$VETH_A" && ip -n "$NS_B" addr add 10.231.0.2/24 dev "$VETH_B" &&
    ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up &&
    ip -n "$NS_A" link set "$VETH_A" up && ip -n "$NS_B" link set "$VETH_B" up ||
    { echo "FAIL: could not make the two hosts' network"; exit 1; }
export MLPV_HOSTS=$T/hosts
mkdir -p "$MLPV_HOSTS" "$T/shared" "$T/master-only"
echo "$NS_A" >"$MLPV_HOSTS/mlpv-a.netns"
echo "$NS_B" >"$MLPV_HOSTS/mlpv-b.netns"
echo "$T/master-only" >"$MLPV_HOSTS/mlpv-b.hide"
printf '127.0.0.1 localhost\n10.231.0.1 mlpv-a\n10.231.0.2 mlpv-b\n' >"$MLPV_HOSTS/hosts"
printf 'mlpv-a slots=1\nmlpv-b slots=2\n' >"$MLPV_HOSTS/hostfile"
[ "$("$HERE/host.sh" mlpv-b hostname)" = mlpv-b ] && ok || bad "cannot enter host mlpv-b"
[ -z "$("$HERE/host.sh" mlpv-b ls -A "$T/master-only")" ] && ok || bad "mlpv-b sees the master's folder"

normal() { sed -E 's/"(measure|train)_seconds": [^,}]*(, )?//g' "$1" | sort; }
lines()  { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
tx_b()   { ip -n "$NS_B" -s link show "$VETH_B" | awk '/TX:/ {getline; print $1}'; }

# two_hosts NAME SWEEP: mpirun on mlpv-a, rank 0 there, ranks 1 and 2 on mlpv-b;
# output in master-only/NAME; 60 s at most (a run here takes seconds).
two_hosts() {
    : >"$MLPV_HOSTS/ranks.log"
    timeout -k 10 60 "$HERE/host.sh" mlpv-a mpirun --hostfile "$MLPV_HOSTS/hostfile" -np 3 \
        --mca plm_rsh_agent "$HERE/rsh-agent.sh" --mca pml ob1 --mca btl tcp,self \
        --mca btl_tcp_if_include "$NET" --mca oob_tcp_if_include "$NET" \
        "$HERE/rank.sh" "$MLPVAR" sweep "$2" --out "$T/master-only/$1" --quiet >"$T/$1.out" 2>&1
}
placed() {   # where the ranks ran, sorted: "mlpv-a rank 0 mlpv-b rank 1 mlpv-b rank 2"
    sort -k3n "$MLPV_HOSTS/ranks.log" | tr '\n' ' ' | sed 's/ $//'
}
WANT_PLACES="mlpv-a rank 0 mlpv-b rank 1 mlpv-b rank 2"

# --- sweeps/tiny.yaml: every record computed on mlpv-b, sent over the veth
"$MLPVAR" sweep "$ROOT/sweeps/tiny.yaml" --out "$T/ref-tiny" --quiet || bad "1-rank tiny sweep failed"
tx0=$(tx_b)
two_hosts tiny "$ROOT/sweeps/tiny.yaml"; rc=$?
tx1=$(tx_b)
echo "tiny: exit $rc, $(lines "$T/master-only/tiny/results.jsonl") records, ranks: $(placed), mlpv-b sent $((tx1 - tx0)) bytes"
[ "$rc" -eq 0 ] && ok || { bad "two-host tiny sweep: exit $rc"; tail -n 20 "$T/tiny.out"; }
[ "$(placed)" = "$WANT_PLACES" ] && ok || bad "ranks ran at '$(placed)', want '$WANT_PLACES'"
if diff <(normal "$T/ref-tiny/results.jsonl") <(normal "$T/master-only/tiny/results.jsonl") >/dev/null; then ok
else bad "two-host tiny records differ from the 1-rank run"; fi
[ $((tx1 - tx0)) -gt 0 ] && ok || bad "nothing crossed the veth pair"

# --- a CSV that only mlpv-a has: the master sends the data (the lead's change;
# until then mlpv-b's workers fail to read it without a word, wait in
# MPI_Finalize, and the master waits for them: the run never ends).
cp "$ROOT/tests/golden/xor.csv" "$T/master-only/xor.csv"
sed "s#path: xor.csv#path: $T/master-only/xor.csv#" "$ROOT/tests/golden/golden-csv.yaml" >"$T/shared/csv.yaml"
grep -q "path: $T/master-only/xor.csv" "$T/shared/csv.yaml" || bad "golden-csv.yaml has no 'path: xor.csv' to rewrite"
"$MLPVAR" sweep "$T/shared/csv.yaml" --out "$T/ref-csv" --quiet || bad "1-rank CSV sweep failed"
two_hosts csv "$T/shared/csv.yaml"; rc=$?
n=$(lines "$T/master-only/csv/results.jsonl")
echo "csv on mlpv-a only: exit $rc, $n records, ranks: $(placed)"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    bad "CSV on the master's host only: no end after 60 s ($n records); the master must send the data"
elif [ "$rc" -ne 0 ]; then
    bad "CSV on the master's host only: exit $rc; the master must send the data"; tail -n 5 "$T/csv.out"
else ok; fi
if diff <(normal "$T/ref-csv/results.jsonl") <(normal "$T/master-only/csv/results.jsonl") >/dev/null 2>&1; then ok
else bad "CSV on the master's host only: records differ from the 1-rank run"; fi

echo "hosts test: $(( $(date +%s) - started )) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
