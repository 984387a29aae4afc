#!/usr/bin/env bash
# Type-checks the JavaScript clients (run by Maven in the test phase, or by hand): tsc --noEmit over webapp/js in two
# programs, the clients' implementation against their JSDoc (tsconfig.clients.json) and the .d.ts files with their
# users, the page and the React example (tsconfig.json). TypeScript and React's types come from package-lock.json
# (npm ci, from the npm registry, once). Without Node the check is skipped with a SKIPPED line; with CI set it fails.
set -euo pipefail
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "SKIPPED: node not found: the JavaScript clients' types were not checked (install Node.js 18+ with npm)"
    [ -z "${CI:-}" ] || exit 1
    exit 0
fi
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
node node_modules/typescript/bin/tsc -p tsconfig.clients.json
node node_modules/typescript/bin/tsc -p tsconfig.json
echo "JavaScript client types: OK (tsc $(node node_modules/typescript/bin/tsc --version | cut -d' ' -f2))"
