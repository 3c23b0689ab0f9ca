#!/usr/bin/env bash
# Runs a server for a test JVM and makes sure it never outlives that JVM, even one killed with SIGKILL:
#   watchdog.sh OWNER_PID CLEANUP_DIR command args...
# On SIGTERM, or when the owner is gone, the server gets SIGTERM, then SIGKILL after 5 s; when the owner
# is gone the cleanup directory is removed too (a live owner removes it itself).
owner=$1 cleanup=$2
shift 2
child=
stop() {
  # $! until child is assigned: a signal can arrive between starting the server and the assignment
  child=${child:-$!}
  [ -n "$child" ] || return 0
  kill -TERM "$child" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$child" 2>/dev/null
  wait "$child" 2>/dev/null
}
# The trap is set before the server starts: a SIGTERM that came between the two would end the watchdog
# and leave the server running.
trap 'stop; exit 0' TERM INT
"$@" &
child=$!
while kill -0 "$owner" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 1 & wait $!
done
if ! kill -0 "$owner" 2>/dev/null; then
  stop
  [ -n "$cleanup" ] && rm -rf "$cleanup"
  exit 0
fi
wait "$child"
