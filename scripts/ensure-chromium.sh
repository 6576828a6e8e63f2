#!/usr/bin/env sh
# The API reference's e2e test loads /docs in headless Chromium (the e2e project of `npm test`).
# Exits 0 when a Chromium is found (CHROMIUM_PATH, or `chromium` / `chromium-browser` on the PATH);
# installs Debian's `chromium` package when run as root on a Debian or Ubuntu machine; otherwise says
# how to install one and exits 1.
set -eu

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then
    exit 0
  fi
done

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium (Debian's chromium package) for the API reference's browser test..." >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  exit 0
fi

cat >&2 <<'HELP'
The API reference's browser test needs Chromium. Install it, then retry:
  Debian/Ubuntu:  sudo apt-get install --no-install-recommends chromium
  Fedora/RHEL:    sudo dnf install chromium
  macOS:          brew install --cask chromium   (then CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium)
or point CHROMIUM_PATH at a Chrome or Chromium binary.
HELP
exit 1
