#!/usr/bin/env bash
# DynamoDB Local (the embedded database of `npm start` and the tests) runs on Java 17+.
# Installs a headless JRE from Debian's packages when none is present and we may (root).
set -euo pipefail

java_major() {
  java -version 2>&1 | awk -F '"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

if command -v java >/dev/null 2>&1 && [ "$(java_major)" -ge 17 ] 2>/dev/null; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-java: installing openjdk-17-jre-headless (DynamoDB Local needs Java 17+)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
  java -version
  exit 0
fi

echo "ensure-java: Java 17+ is required for DynamoDB Local. Install it, e.g.: sudo apt-get install openjdk-17-jre-headless" >&2
exit 1
