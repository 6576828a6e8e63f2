#!/usr/bin/env sh
# DynamoDB Local (the embedded database of `npm start` and the tests) runs on Java 17 or newer.
# Exits 0 when a suitable `java` is on the PATH; installs one when run as root on a Debian or
# Ubuntu machine; otherwise says how to install it and exits 1.
set -eu

java_major() {
  # `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` (or "1.8.0_392" for Java 8) on stderr.
  java -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)\(\.\([0-9][0-9]*\)\)\{0,1\}.*/\1 \3/p' | head -n 1 |
    awk '{ print ($1 == 1 ? $2 : $1) }'
}

if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then
  major=$(java_major)
  if [ -n "$major" ] && [ "$major" -ge 17 ]; then
    exit 0
  fi
  echo "Found Java ${major:-of unknown version}; DynamoDB Local needs Java 17 or newer." >&2
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing a Java 17 runtime (openjdk-17-jre-headless) for DynamoDB Local..." >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless
  java -version
  exit 0
fi

cat >&2 <<'HELP'
DynamoDB Local needs a Java 17 (or newer) runtime. Install one, then retry:
  Debian/Ubuntu:  sudo apt-get install --no-install-recommends openjdk-17-jre-headless
  Fedora/RHEL:    sudo dnf install java-17-openjdk-headless
  macOS:          brew install openjdk@17   (and follow brew's note to put it on the PATH)
  Windows:        winget install Microsoft.OpenJDK.17
HELP
exit 1
