#!/usr/bin/env bash
# Inside the image's build stage: compiles every TypeScript source of the workspace
# packages in place (x.ts -> x.js beside it; imports already say .js), drops the .ts
# files, and points each package's exports at the JavaScript.
set -euo pipefail
root=$1
cd "$root"
mapfile -d '' sources < <(find packages services tools -path '*/node_modules' -prune -o -path '*/src/*' -name '*.ts' ! -name '*.d.ts' -print0)
esbuild "${sources[@]}" --outdir=. --outbase=. --format=esm --platform=node --target=node26 --log-level=warning
rm -f "${sources[@]}"
for pkg in packages/*/package.json services/*/package.json tools/*/package.json; do
  sed -i -E 's#"\./src/([^"]+)\.ts"#"./src/\1.js"#g' "$pkg"
done
