#!/usr/bin/env bash
# `npm run demo`: from a fresh clone, install what is missing, build or reuse the cached test
# environment, then run the operator against it with examples/ applied (scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/tsx ] || npm install --no-audit --no-fund
bash test/env/setup.sh
exec node_modules/.bin/node node_modules/.bin/tsx scripts/demo.ts "$@"
