#!/usr/bin/env sh
# The API reference's e2e test loads /docs in headless Chromium (the e2e project of `npm test`).
# Exits 0 when a Chromium that runs is found (CHROMIUM_PATH, or `chromium` / `chromium-browser` on
# the PATH); installs Debian's `chromium` package when run as root on Debian; otherwise says how to
# install one and exits 1.
set -eu

runs() {
  "$1" --headless --no-sandbox --version >/dev/null 2>&1
}

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if runs "$CHROMIUM_PATH"; then exit 0; fi
  echo "CHROMIUM_PATH=$CHROMIUM_PATH does not run." >&2
  exit 1
fi
for candidate in chromium chromium-browser; do
  # (Ubuntu's chromium-browser may be a stub that asks for a snap: it does not run.)
  if command -v "$candidate" >/dev/null 2>&1 && runs "$(command -v "$candidate")"; then
    exit 0
  fi
done

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && [ -r /etc/debian_version ] &&
  ! grep -qi ubuntu /etc/os-release 2>/dev/null; then
  echo "Installing Chromium (Debian's chromium package) for the API reference's browser test..." >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
  if runs "$(command -v chromium)"; then exit 0; fi
  echo "chromium was installed but does not run." >&2
  exit 1
fi

cat >&2 <<'HELP'
The API reference's browser test needs Chromium (or Chrome). Install it, then retry:
  Debian:        sudo apt-get install --no-install-recommends chromium
  Ubuntu:        sudo snap install chromium   (or install Google Chrome and set CHROMIUM_PATH)
  Fedora/RHEL:   sudo dnf install chromium
  macOS:         brew install --cask chromium  (then CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium)
or point CHROMIUM_PATH at a Chrome or Chromium binary.
HELP
exit 1
