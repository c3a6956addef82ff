#!/usr/bin/env bash
# Installs what the project needs on a bare Debian machine, then its npm packages.
#   Debian: chromium (browser tests, driven by playwright-core; no browser is downloaded
#   from the web), redis-server and redis-sentinel (token-store tests, Cluster and Sentinel
#   failovers), sqlite3 (the framework tests' SQL database) and a CJK font.
# As root it uses apt-get; otherwise it names what is missing and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# A real Redis for the token-store tests (started by the tests on a free loopback port).
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# Sentinel for the failover tests (test/redis/); Debian ships it apart from redis-server.
command -v redis-sentinel >/dev/null 2>&1 || need+=(redis-sentinel)
# SQLite for the Better Auth and Auth.js apps under test (test/support/sqlite-cli.ts drives its shell).
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# A CJK font, so the Chinese in the docs and screenshots renders as text rather than boxes.
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || need+=(fonts-wqy-zenhei)

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${need[*]}" >&2
    echo "setup: install them (sudo apt-get install ${need[*]}) or run this script as root" >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund
