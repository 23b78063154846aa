#!/usr/bin/env bash
# Builds the web app into OUT_DIR (Maven's web module runs it in generate-resources, OUT_DIR under
# target/classes, so the app lands on the gateway's classpath). Installs the npm packages first
# only when package-lock.json changed since the last install, as tools/test does for node/remotion.
# Never downloads a browser: Playwright's come from the machine when its tests run.
set -euo pipefail
out="${1:?usage: web/build.sh OUT_DIR}"
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || {
    echo "Node.js (20.19 or later) and npm are needed to build the web app (or build with -Dflatrender.web.skip)" >&2
    exit 1
}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.package-lock.json.installed
fi
FLATRENDER_WEB_OUT="$out" npm run build
