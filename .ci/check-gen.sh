#!/usr/bin/env bash
# CI: the generated code is what the protos generate, and the protos break no client.
#
# 1. `pnpm gen` (buf lint + buf generate) must leave packages/contracts/src/gen exactly as
#    committed: a proto edited without regenerating, or generated code edited by hand, fails.
# 2. `buf breaking` (the FILE rules of proto/buf.yaml) against a baseline commit:
#    - ESI_BUF_AGAINST=<commit or ref> when given (e.g. a PR's target);
#    - on a branch other than main: the merge-base with main (what a pull request changes);
#    - on main: the newest release tag (v*) when there is one, so nothing since the last
#      release breaks its clients, however many commits it took; else HEAD~1, so each
#      commit on main is checked against the one before it (a break lands red).
#    Without a baseline (a clone with one commit, or a shallow one) it fails and says so:
#    a check that silently compares nothing proves nothing.
# Needs git history and node_modules; no network (buf reads the baseline from .git).
set -euo pipefail
cd "$(dirname "$0")/.."

gen_dir=packages/contracts/src/gen
pnpm gen >/dev/null
if ! git diff --exit-code --stat -- "$gen_dir" || [ -n "$(git status --porcelain -- "$gen_dir")" ]; then
  git status --short -- "$gen_dir" >&2
  echo "check-gen: $gen_dir differs from what 'pnpm gen' generates; run pnpm gen and commit the result" >&2
  exit 1
fi
echo "check-gen: generated code matches the protos"

branch=$(git rev-parse --abbrev-ref HEAD)
if [ -n "${ESI_BUF_AGAINST:-}" ]; then
  against=$ESI_BUF_AGAINST why="ESI_BUF_AGAINST"
elif [ "$branch" != main ] && git rev-parse -q --verify main >/dev/null; then
  against=$(git merge-base HEAD main) why="the merge-base with main"
elif tag=$(git describe --tags --abbrev=0 --match 'v*' HEAD 2>/dev/null); then
  against=$tag why="the last release tag"
elif git rev-parse -q --verify HEAD~1 >/dev/null; then
  against=HEAD~1 why="the previous commit"
else
  echo "check-gen: no baseline for buf breaking (one commit, or a shallow clone: fetch with history, or set ESI_BUF_AGAINST)" >&2
  exit 1
fi
sha=$(git rev-parse --verify "$against^{commit}")
if ! git cat-file -e "$sha:proto/buf.yaml" 2>/dev/null; then
  echo "check-gen: $against ($why) has no proto/buf.yaml; nothing to compare with" >&2
  exit 1
fi
node_modules/.bin/buf breaking proto --against ".git#ref=$sha,subdir=proto"
echo "check-gen: proto/ breaks nothing against $against ($why, ${sha:0:12})"
