#!/usr/bin/env bash
# Runs a command with a Docker Engine of its own, started in the current network
# namespace (CI's loopback-only one: ports it publishes are then on that namespace's
# loopback, where the tests are, and containers have no way out). Its socket, state and
# pid file are its own, so it never meets a dockerd the machine may run; images persist
# in /var/lib/esi-docker between runs, so a warm rerun builds nothing.
# Usage (as root): deploy/docker/with-dockerd.sh COMMAND [ARGS...]
# The command sees DOCKER_HOST; the daemon stops when it ends.
set -euo pipefail
run=/run/esi-docker
mkdir -p "$run"
# A daemon left behind by a killed run would hold the data root: stop it first.
if [ -s "$run/dockerd.pid" ] && kill -0 "$(cat "$run/dockerd.pid")" 2>/dev/null; then
  kill "$(cat "$run/dockerd.pid")" && sleep 3
fi
export DOCKER_HOST="unix://$run/docker.sock"
dockerd -H "$DOCKER_HOST" --data-root /var/lib/esi-docker --exec-root "$run/exec" \
  --pidfile "$run/dockerd.pid" >"$run/dockerd.log" 2>&1 &
daemon=$!
stop() {
  kill "$daemon" 2>/dev/null || true
  # dockerd stops its containers and its containerd before exiting.
  for _ in $(seq 30); do kill -0 "$daemon" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$daemon" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 60); do
  docker version >/dev/null 2>&1 && break
  kill -0 "$daemon" 2>/dev/null || { tail -20 "$run/dockerd.log" >&2; exit 1; }
  sleep 1
done
docker version --format 'dockerd {{.Server.Version}} on '"$DOCKER_HOST" || { tail -20 "$run/dockerd.log" >&2; exit 1; }
"$@"
