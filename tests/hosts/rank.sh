#!/bin/sh
# rank.sh COMMAND...: notes "HOST rank N" in $MLPV_HOSTS/ranks.log, then runs
# COMMAND: the two-host test's proof of where each MPI rank ran.
echo "$(hostname) rank ${OMPI_COMM_WORLD_RANK:-?}" >>"$MLPV_HOSTS/ranks.log"
exec "$@"
