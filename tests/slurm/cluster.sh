# shellcheck shell=bash
# A one-node Slurm on localhost for the Slurm test, sourced by test_slurm.sh.
# cluster_start DIR CPUS: munged, slurmctld and slurmd with every file under
# DIR, ports picked free, SLURM_CONF exported (so that no Slurm command looks for
# a configuration elsewhere, DNS included); one line on failure. cluster_stop:
# stops the daemons it started, by PID.

# A TCP port nobody listens on, from a random range (two tests at once on one
# machine must not share daemons).
cluster_free_port() {
    local p
    for p in $(shuf -i 20000-29999 -n 64); do
        [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
    done
    return 1
}

# cluster_conf DIR CPUS HOST CTLD_PORT SLURMD_PORT: a minimal slurm.conf. The node
# declares CPUS whatever its cores (SlurmdParameters=config_overrides), so that
# a 2-core machine runs two 3-task jobs at once. No CPU binding (task/none), no
# MPI default (MpiDefault=none): the batch script must cope with both.
# cred_expire=30: a requeued job waits 30 s (reason BeginTime) instead of 120.
# sched_interval/bf_interval=2: a job whose BeginTime has passed starts at once.
cluster_conf() {
    local d=$1 cpus=$2 host=$3
    cat <<EOF
ClusterName=mlpvartest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$4
SlurmdPort=$5
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/run/munge.sock,cred_expire=30
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
SchedulerParameters=sched_interval=2,bf_interval=2
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

CLUSTER_PIDS=()

# cluster_wait WHAT LOG COMMAND...: until COMMAND succeeds (30 s at most) while
# the daemon started last lives; else one line naming WHAT and its log's last line.
cluster_wait() {
    local what=$1 log=$2 pid=${CLUSTER_PIDS[-1]}
    shift 2
    for _ in $(seq 1 150); do
        "$@" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    echo "$what did not come up: $(tail -n 1 "$log" 2>/dev/null)"
    return 1
}
node_idle() { [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; }

# The daemons run in the foreground as children of this shell, in its process
# group: a test killed on timeout takes them along.
cluster_start() {
    local d=$1 cpus=$2 host port1 port2
    host=$(hostname -s)
    mkdir -p "$d/etc" "$d/run" "$d/state" "$d/spool" "$d/log" || return 1
    # munged checks modes: a private key folder, a socket folder everyone can enter
    chmod 755 "$d" "$d/run" && chmod 700 "$d/etc" || return 1
    head -c 1024 /dev/urandom >"$d/etc/munge.key" && chmod 400 "$d/etc/munge.key" || return 1
    munged -F --key-file="$d/etc/munge.key" --socket="$d/run/munge.sock" --pid-file="$d/run/munged.pid" \
        --log-file="$d/log/munged.log" --seed-file="$d/etc/munged.seed" --origin=127.0.0.1 2>>"$d/log/munged.log" &
    CLUSTER_PIDS+=($!)
    cluster_wait munged "$d/log/munged.log" test -S "$d/run/munge.sock" || return 1
    port1=$(cluster_free_port) && port2=$(cluster_free_port) || { echo "no free TCP port"; return 1; }
    cluster_conf "$d" "$cpus" "$host" "$port1" "$port2" >"$d/etc/slurm.conf" || return 1
    export SLURM_CONF=$d/etc/slurm.conf
    slurmctld -D -i -f "$SLURM_CONF" 2>>"$d/log/slurmctld.log" &
    CLUSTER_PIDS+=($!)
    cluster_wait slurmctld "$d/log/slurmctld.log" sinfo || return 1
    slurmd -D -f "$SLURM_CONF" -N "$host" 2>>"$d/log/slurmd.log" &
    CLUSTER_PIDS+=($!)
    cluster_wait "slurmd (node $host)" "$d/log/slurmd.log" node_idle
}

# cluster_stop: TERM to each daemon this script started, newest first; KILL
# after 10 s. Jobs must be gone first (their slurmstepd outlive slurmd).
cluster_stop() {
    local k pid
    for ((k = ${#CLUSTER_PIDS[@]} - 1; k >= 0; k--)); do
        pid=${CLUSTER_PIDS[k]}
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    done
    CLUSTER_PIDS=()
}
