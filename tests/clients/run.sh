#!/usr/bin/env bash
# Generates a Python client (openapi-python-client) and TypeScript types (openapi-typescript)
# from the OpenAPI document a running server serves, fails on any warning from either, and
# drives the server with the Python client (walkthrough.py).
#
#   tests/clients/run.sh http://127.0.0.1:8011
#
# The generators are installed once into $IGNY8_CLIENT_TOOLS (default /tmp/igny8-client-tools)
# and reused; the generated code lives in a temporary directory.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASE=${1:?usage: tests/clients/run.sh BASE_URL}
TOOLS=${IGNY8_CLIENT_TOOLS:-/tmp/igny8-client-tools}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$TOOLS/venv/bin/openapi-python-client" ]; then
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "openapi-python-client>=0.29,<0.30"
fi
if [ ! -x "$TOOLS/node/node_modules/.bin/openapi-typescript" ]; then
  mkdir -p "$TOOLS/node"
  (cd "$TOOLS/node" && npm install --no-save --no-audit --no-fund --silent "openapi-typescript@7" "typescript@5" >/dev/null)
fi

curl -sf "$BASE/api/schema/" > "$WORK/openapi.json"
python3 - "$WORK/openapi.json" "$ROOT/docs/openapi.json" <<'PY'
import json, sys
served, committed = (json.load(open(p)) for p in sys.argv[1:])
if served != committed:
    sys.exit("the served document differs from docs/openapi.json")
PY

# Python: any line besides "Generating …" is a warning (a dropped schema or operation).
"$TOOLS/venv/bin/openapi-python-client" generate --path "$WORK/openapi.json" \
  --output-path "$WORK/py/igny8_api_client" --meta none \
  --config "$HERE/openapi-python-client.yaml" > "$WORK/python.log" 2>&1
if grep -v '^Generating ' "$WORK/python.log" | grep -q '[^[:space:]]'; then
  cat "$WORK/python.log"
  echo "openapi-python-client warned (above)" >&2
  exit 1
fi

# TypeScript: anything besides its two progress lines is a warning; the types must compile.
"$TOOLS/node/node_modules/.bin/openapi-typescript" "$WORK/openapi.json" -o "$WORK/igny8.d.ts" \
  > "$WORK/ts.log" 2>&1
if grep -v -e '^✨ openapi-typescript' -e '🚀 ' "$WORK/ts.log" | grep -q '[^[:space:]]'; then
  cat "$WORK/ts.log"
  echo "openapi-typescript warned (above)" >&2
  exit 1
fi
"$TOOLS/node/node_modules/.bin/tsc" --noEmit --strict "$WORK/igny8.d.ts"

PYTHONPATH="$WORK/py" "$TOOLS/venv/bin/python" "$HERE/walkthrough.py" "$BASE"
