# Sourced by scripts/run and scripts/test: the mini-program client (miniprogram/, uni-app).
# ensure_miniprogram_h5 builds the H5 client served at /m/ when Node.js is present and the build is
# missing or older than its sources; without Node.js it says how to build it and the API runs alone.
# check_miniprogram installs from the lock when needed, runs the type check, builds both targets (H5 for
# /m/, mp-weixin for the WeChat developer tools) and runs the unit tests (vitest).
# openapi_snapshot writes the app's OpenAPI document to miniprogram/openapi.json (the client's contract).

MINIPROGRAM_SOURCES=(miniprogram/src miniprogram/index.html miniprogram/package-lock.json
  miniprogram/vite.config.ts miniprogram/tsconfig.json)

miniprogram_h5_stale() {
  local built=miniprogram/dist/build/h5/index.html
  [ -f "$built" ] || return 0
  [ -n "$(find "${MINIPROGRAM_SOURCES[@]}" -newer "$built" -print -quit 2>/dev/null)" ]
}

ensure_miniprogram_h5() {
  if ! miniprogram_h5_stale; then
    return 0
  fi
  if ! command -v npm >/dev/null; then
    echo "the mini-program client (/m/) is not built and Node.js is missing: install Node.js 20+, then" >&2
    echo "  (cd miniprogram && npm ci && npm run build:h5)" >&2
    echo "serving the API and the console alone" >&2
    return 0
  fi
  echo "building the mini-program client for /m/ (miniprogram/dist/build/h5)"
  (cd miniprogram && install_node_modules && npm run --silent build:h5 >/dev/null) || { echo "the mini-program build failed: serving the API and the console alone" >&2; return 0; }
}

# in miniprogram/: npm ci when node_modules is missing or older than the lock
install_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

check_miniprogram() {
  if ! command -v npm >/dev/null; then
    echo "Node.js is missing: the mini-program client is neither built nor checked (install Node.js 20+)" >&2
    return 0
  fi
  (
    cd miniprogram
    install_node_modules
    quietly npm run typecheck # first: it regenerates src/api/schema.d.ts, a source of the builds
    quietly npm run build:h5
    quietly npm run build:mp-weixin
    npm test
  )
}

# run a command, printing its output only when it fails (the builds are chatty)
quietly() {
  local log status=0
  log=$(mktemp)
  "$@" >"$log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    cat "$log" >&2
    echo "failed ($status): $*" >&2
  else
    echo "ok: $*"
  fi
  rm -f "$log"
  return "$status"
}

openapi_snapshot() {
  .venv/bin/python - <<'PY'
import json

from cloudplatform import create_app

app = create_app({"DATABASE_URL": "sqlite://"})
document = app.test_client().get("/api/v1/openapi.json").get_json()
with open("miniprogram/openapi.json", "w", encoding="utf-8") as out:
    json.dump(document, out, ensure_ascii=False, indent=1, sort_keys=True)
    out.write("\n")
PY
}
