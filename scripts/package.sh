#!/usr/bin/env bash
# `serverless package --stage ci`, with the packager's temporary files in a folder of our own that
# is removed afterwards, whatever happens: serverless-esbuild stages each function's zip in a folder
# of the system temp directory and removes it non-recursively, so it would leave one per function
# behind on every run.
set -euo pipefail
scratch="$(mktemp -d "${TMPDIR:-/tmp}/cartwheel-package-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
TMPDIR="$scratch" serverless package --stage ci "$@"
