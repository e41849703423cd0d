#!/usr/bin/env bash
# `npm run demo`: from a fresh clone, install what is missing, build or reuse the cached test
# environment, then run the operator against it with examples/ applied (scripts/demo.ts).
# A first run builds kube-apiserver, etcd and helm from source: setup.sh says how long that
# takes before it starts, and shows progress while it builds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/tsx ]; then
  echo "[demo] installing npm dependencies (first run only: about 1-2 min)" >&2
  npm install --no-audit --no-fund
fi
bash test/env/setup.sh
exec node_modules/.bin/node node_modules/.bin/tsx scripts/demo.ts "$@"
