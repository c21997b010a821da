#!/bin/sh
# Inside `unshare --net` (deploy/check/deploy-check): bring up this network's loopback, then run
# step 2 in the new root ($1).
set -eu
ip link set lo up
chroot "$1" /bin/sh -eu /tmp/inside.sh
