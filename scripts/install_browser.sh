#!/usr/bin/env bash
# Install Debian's chromium for the Playwright browser tests.
# Playwright's own browser download does not work here, so the tests launch
# /usr/bin/chromium (executable_path) instead. Safe to run repeatedly.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error: chromium is missing and this script needs root (or sudo) to run apt-get." >&2
  echo "       run as root: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
echo "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
