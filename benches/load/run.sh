#!/usr/bin/env bash
# Load benchmark of the keyword list: igny8-server (release) with 1,000,000 keywords in one
# account, on SQLite and PostgreSQL, driven by wrk; and, with DRF=1, the same request against
# an equivalent Django REST Framework list view over the same PostgreSQL table (gunicorn).
#
#   benches/load/run.sh                 # needs wrk (apt-get install wrk), PostgreSQL for its part
#   DRF=1 benches/load/run.sh           # also Django + DRF (pip install django djangorestframework
#                                       #   django-filter gunicorn psycopg2-binary)
# Env: ROWS (1000000), DURATION (30s), CONNECTIONS (64), PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/test)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${ROWS:-1000000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

cargo build --release -p igny8-server -q
BIN=target/release/igny8-server
python3 benches/load/keywords.py "$ROWS" > "$WORK/keywords.csv"

start_server() { # $1 database URL, $2 log name
  local log="$WORK/$2.out"
  IGNY8_DATABASE_URL="$1" IGNY8_LOG_LEVEL=error IGNY8_WORKER=false \
  IGNY8_JWT_SECRET=load-benchmark-secret-of-sufficient-length \
  IGNY8_SECRET_KEY=$(python3 -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())') \
  IGNY8_RATE_LIMIT_READ=100000000 IGNY8_RATE_LIMIT_WRITE=100000000 IGNY8_RATE_LIMIT_AUTH=100000 \
  IGNY8_MAX_UPLOAD_BYTES=2000000000 \
  "$BIN" serve --bind 127.0.0.1:0 > "$log" 2> "$WORK/$2.err" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -qs "listening on" "$log" && break; sleep 0.2; done
  BASE=$(sed -n 's/^listening on //p' "$log" | head -1)
  [ -n "$BASE" ] || { echo "server did not start:" >&2; cat "$WORK/$2.err" >&2; exit 1; }
}

post() { curl -sf -X POST "$BASE$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$2"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

setup_account() {
  TOKEN=$(curl -sf -X POST "$BASE/api/v1/auth/register/" -H 'Content-Type: application/json' \
    -d '{"email":"load@example.com","password":"load-benchmark-pw","account_name":"Load"}' | field '["data"]["access"]')
  SITE=$(post /api/v1/auth/sites/ '{"name":"Load"}' | field '["data"]["id"]')
  SECTOR=$(post /api/v1/auth/sectors/ "{\"site_id\":$SITE,\"name\":\"Main\"}" | field '["data"]["id"]')
  local t0=$(date +%s.%N)
  curl -sf -X POST "$BASE/api/v1/planner/keywords/import/?sector_id=$SECTOR" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: text/csv' --data-binary @"$WORK/keywords.csv" > "$WORK/import.json"
  echo "  import of $ROWS keywords over HTTP: $(python3 -c "print(round($(date +%s.%N)-$t0,1))") s ($(field '["data"]["imported"]' < "$WORK/import.json") new)"
  # A cursor 500 pages deep, for the deep-scan request.
  local next="/api/v1/planner/keywords/?sector_id=$SECTOR&ordering=-volume&page_size=1000&cursor="
  local cursor=""
  for _ in $(seq 1 $((ROWS / 2000))); do
    cursor=$(curl -sf "$BASE${next}${cursor}" -H "Authorization: Bearer $TOKEN" | field '["data"]["next"].split("cursor=")[1].split("&")[0]')
  done
  DEEP_CURSOR=$cursor
}

load() { # $1 label, $2 path
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency -H "Authorization: Bearer $TOKEN" "$BASE$2")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local errors timeouts
  errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  timeouts=$(echo "$out" | awk '/Socket errors/ {print $NF}')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}" "${timeouts:-0}"
}

run_backend() { # $1 label, $2 url, $3 log name
  echo "## $1"
  start_server "$2" "$3"
  setup_account
  echo
  echo "| request | req/s | p50 | p99 | non-2xx | timeouts |"
  echo "|---|---|---|---|---|---|"
  load "filtered, ordered, first page (count)" "/api/v1/planner/keywords/?sector_id=$SECTOR&min_volume=1000&intent=commercial&ordering=-volume&page_size=50"
  load "ordered page 100 (offset, count)" "/api/v1/planner/keywords/?sector_id=$SECTOR&ordering=-volume&page_size=50&page=100"
  load "cursor page $((ROWS / 2)) rows deep" "/api/v1/planner/keywords/?sector_id=$SECTOR&ordering=-volume&page_size=50&cursor=$DEEP_CURSOR"
  load "one keyword" "/api/v1/planner/keywords/$(( ROWS / 3 ))/"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  echo
}

echo "# Keyword list under load ($ROWS keywords, wrk -c$CONNECTIONS -d$DURATION, $(nproc) cores)"
echo
run_backend "SQLite" "sqlite://$WORK/load.db" sqlite
PG_DB="igny8_load_$$"
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PG_DB" > /dev/null
PG_URL="${PG_ADMIN_URL%/*}/$PG_DB"
run_backend "PostgreSQL" "$PG_URL" postgres
if [ "${DRF:-0}" = 1 ]; then
  echo "## Django REST Framework, same table and request (gunicorn, $(nproc) workers)"
  ACCOUNT=$(psql "$PG_URL" -tAc "SELECT account_id FROM igny8_sectors WHERE id = $SECTOR")
  python3 benches/load/drf.py "$PG_URL" "$WORK/drf" "$ACCOUNT" &
  DRF_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:8111/keywords/?sector_id=$SECTOR" > /dev/null 2>&1 && break; sleep 0.3; done
  BASE=http://127.0.0.1:8111
  echo
  echo "| request | req/s | p50 | p99 | non-2xx | timeouts |"
  echo "|---|---|---|---|---|---|"
  load "filtered, ordered, first page (count)" "/keywords/?sector_id=$SECTOR&min_volume=1000&intent=commercial&ordering=-volume&page_size=50"
  load "ordered page 100 (offset, count)" "/keywords/?sector_id=$SECTOR&ordering=-volume&page_size=50&page=100"
  kill "$DRF_PID"; wait "$DRF_PID" 2>/dev/null || true
fi
psql "$PG_ADMIN_URL" -qc "DROP DATABASE $PG_DB WITH (FORCE)" > /dev/null
