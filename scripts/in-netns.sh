#!/usr/bin/env bash
# Runs a command in a new network namespace of its own (unshare --net): the networking tests create bridges, veths,
# addresses and iptables rules there, never in this machine's network. Loopback is brought up first.
#   scripts/in-netns.sh npx mocha --config .mocharc.netns.json
set -euo pipefail
if [ "${IN_TEST_NETNS:-}" != 1 ]; then
  # The tests' guard compares its namespace with this one (init's may not be readable here).
  exec unshare --net env IN_TEST_NETNS=1 TEST_PARENT_NETNS="$(readlink /proc/self/ns/net)" "$0" "$@"
fi
ip link set lo up
exec "$@"
