#!/usr/bin/env bash
# host.sh NAME COMMAND...: runs COMMAND as the test host NAME: in its network
# namespace ($MLPV_HOSTS/NAME.netns), with its own host name (a UTS namespace),
# its own /etc/hosts ($MLPV_HOSTS/hosts, so that no name goes to DNS) and its
# own TMPDIR (Open MPI's session files), and with the folders listed in
# $MLPV_HOSTS/NAME.hide covered by an empty tmpfs (a mount namespace): files
# that only the other host has. Exit 255 when the host cannot be entered.
set -u
name=${1:?host name}
shift
dir=${MLPV_HOSTS:?MLPV_HOSTS names the folder that describes the hosts}
[ -f "$dir/$name.netns" ] || { echo "host.sh: no host '$name' in $dir" >&2; exit 255; }
exec ip netns exec "$(cat "$dir/$name.netns")" unshare --mount --uts -- bash -c '
    name=$1 dir=$2; shift 2
    hostname "$name" && mount --bind "$dir/hosts" /etc/hosts || exit 255
    if [ -f "$dir/$name.hide" ]; then
        while read -r d; do mount -t tmpfs none "$d" || exit 255; done <"$dir/$name.hide"
    fi
    export TMPDIR=$dir/$name.tmp
    mkdir -p "$TMPDIR" && exec "$@"' host.sh "$name" "$dir" "$@"
