#!/usr/bin/env bash
# `npm run test:compat`: the integration suite against the oldest Keycloak we support
# (KEYCLOAK_COMPAT_VERSION in versions.env; DKO_KEYCLOAK_VERSION picks another one).
# It runs in its own state directory, .testenv-compat/, on its own free ports, so the
# default environment in .testenv/ that other runs are using is never reused or stopped.
# Jest's global setup starts the compat environment and its teardown stops it; the trap
# below also stops it when Jest is interrupted, but only if this script started it.
# Extra arguments go to Jest (e.g. --testPathPatterns test/integration/keycloak).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# Node 24 and tsx from the lockfile, as under `npm run`, also when called as plain bash.
PATH="$root/node_modules/.bin:$PATH"
# shellcheck source=versions.env
source test/env/versions.env
export DKO_KEYCLOAK_VERSION=${DKO_KEYCLOAK_VERSION:-$KEYCLOAK_COMPAT_VERSION}
export DKO_TESTENV_DIR="$root/.testenv-compat"

log() { printf '[test:compat %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

bash test/env/setup.sh

owned=0
[ -f "$DKO_TESTENV_DIR/run.json" ] || owned=1
stop_owned() {
  if [ "$owned" = 1 ] && [ "${DKO_TESTENV_KEEP:-}" != 1 ] && [ -f "$DKO_TESTENV_DIR/run.json" ]; then
    log "stopping the compat environment in $DKO_TESTENV_DIR"
    tsx test/env/down.ts || true
  fi
}
trap stop_owned EXIT
trap 'exit 130' INT TERM

log "integration suite against Keycloak $DKO_KEYCLOAK_VERSION (state in $DKO_TESTENV_DIR)"
mkdir -p test-results
started=$(date +%s)
rc=0
node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects integration \
  --json --outputFile=test-results/compat.json "$@" || rc=$?
log "suite finished in $(( $(date +%s) - started ))s against Keycloak $DKO_KEYCLOAK_VERSION (exit $rc; results in test-results/compat.json)"
exit "$rc"
