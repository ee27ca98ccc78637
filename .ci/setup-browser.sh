#!/usr/bin/env bash
# The console's browser tests (test/browser) drive Debian's Chromium through
# playwright-core; install it when missing. Needs the network, so run it before the
# tests' loopback-only namespace, as root (or install the chromium package yourself).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "the console's browser tests need Chromium: apt-get install chromium (as root)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
