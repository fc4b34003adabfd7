#!/usr/bin/env bash
# Open MPI's remote-shell agent for the two-host test (plm_rsh_agent): called as
# ssh would be, `rsh-agent.sh HOST COMMAND...`, it runs COMMAND (shell text, as
# a remote login shell would read it) on HOST through host.sh, which enters the
# host's namespaces. No sshd, no keys: the hosts share this machine's kernel.
set -u
host=${1:?host}
shift
exec "$(dirname "$0")/host.sh" "$host" bash -c "$*"
