#!/usr/bin/env bash
# Makes sure a real redis-server is on this machine: installs Debian's package when missing.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "redis-server is not installed. Install Debian's 'redis-server' package (sudo apt-get install -y redis-server) and run again." >&2
  exit 1
fi
echo "Installing redis-server from Debian's packages…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
apt-get install -y -qq --no-install-recommends redis-server >&2
# The package starts a system service; the tests run their own instances instead.
(service redis-server stop >/dev/null 2>&1 || true)
