#!/usr/bin/env bash
# Keep a long-running process of `make run` alive: start the command again, 2 s after it
# exits for any reason, until this script is told to stop (TERM or INT), which stops the
# command too. `make run` starts the front's purger and the task queue's worker through it:
# a purger that died would leave the front serving answers up to a day old (FRONT_TTL), and
# every start of the purger bans everything the front holds.
#
#   scripts/respawn.sh COMMAND [ARG...]
set -uo pipefail

child=0
stop() {
  trap - TERM INT
  if [ "$child" -ne 0 ]; then
    kill "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit 0
}
trap stop TERM INT

while true; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  echo "$(date -u +%FT%TZ) respawn: '$*' exited with status $status; starting it again in 2 s" >&2
  sleep 2 &
  wait $!
done
