#!/usr/bin/env bash
# Runs a command with a Docker Engine of its own, started in the current network
# namespace (CI's loopback-only one: ports it publishes are then on that namespace's
# loopback, where the tests are, and containers have no way out). Its socket, state and
# pid file are its own, so it never meets a dockerd the machine may run; images persist
# in /var/lib/esi-docker between runs, so a warm rerun builds nothing.
# Usage (as root): deploy/docker/with-dockerd.sh [--build-images] COMMAND [ARGS...]
# The command sees DOCKER_HOST; the daemon stops when it ends. --build-images runs
# build-images.sh first. When the daemon or a build fails, the command still runs (its
# Docker tests then skip, and CI fails on any skip) after the reason is printed.
set -euo pipefail
build_images=false
if [ "${1:-}" = --build-images ]; then
  build_images=true
  shift
fi
here=$(cd "$(dirname "$0")" && pwd)
# ESI_DOCKER_RUN and ESI_DOCKER_DATA_ROOT move the daemon's socket and its images (a
# second daemon beside the first, or a cold build to time).
run=${ESI_DOCKER_RUN:-/run/esi-docker}
data_root=${ESI_DOCKER_DATA_ROOT:-/var/lib/esi-docker}
mkdir -p "$run"
# A daemon left behind by a killed run would hold the data root: stop it first.
if [ -s "$run/dockerd.pid" ] && kill -0 "$(cat "$run/dockerd.pid")" 2>/dev/null; then
  kill "$(cat "$run/dockerd.pid")" && sleep 3
fi
export DOCKER_HOST="unix://$run/docker.sock"
dockerd -H "$DOCKER_HOST" --data-root "$data_root" --exec-root "$run/exec" \
  --pidfile "$run/dockerd.pid" >"$run/dockerd.log" 2>&1 &
daemon=$!
stop() {
  kill "$daemon" 2>/dev/null || true
  # dockerd stops its containers and its containerd before exiting.
  for _ in $(seq 30); do kill -0 "$daemon" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$daemon" 2>/dev/null || true
}
trap stop EXIT
up=false
for _ in $(seq 60); do
  if docker version >/dev/null 2>&1; then
    up=true
    break
  fi
  kill -0 "$daemon" 2>/dev/null || break
  sleep 1
done
if $up; then
  docker version --format 'dockerd {{.Server.Version}} on '"$DOCKER_HOST"
  if $build_images; then
    t0=$SECONDS
    bash "$here/build-images.sh" || echo "with-dockerd: building the images failed; the Docker tests will not run" >&2
    echo "images ready in $((SECONDS - t0))s"
  fi
else
  echo "with-dockerd: dockerd did not start; the Docker tests will not run. Its log:" >&2
  tail -20 "$run/dockerd.log" >&2
fi
status=0
"$@" || status=$?
exit $status
