#!/usr/bin/env bash
# Inside the image's build stage: compiles every TypeScript source of the workspace
# packages in place (x.ts -> x.js beside it; imports already say .js), drops the .ts
# files, and points each package's exports at the JavaScript. The bench compiles its
# copy of the workspace with this too (compiled-workspace.ts in @esi/local-stack), with
# ESBUILD naming the workspace's own binary.
set -euo pipefail
root=$1
cd "$root"
mapfile -d '' sources < <(find packages services tools -path '*/node_modules' -prune -o -path '*/src/*' -name '*.ts' ! -name '*.d.ts' -print0)
"${ESBUILD:-esbuild}" "${sources[@]}" --outdir=. --outbase=. --format=esm --platform=node --target=node26 --log-level=warning
rm -f "${sources[@]}"
for pkg in packages/*/package.json services/*/package.json tools/*/package.json; do
  sed -i -E 's#"\./src/([^"]+)\.ts"#"./src/\1.js"#g' "$pkg"
done
