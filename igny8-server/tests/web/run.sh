#!/usr/bin/env bash
# The web app in headless Chromium: starts a stand-in AI provider (fake-openai.mjs) and
# `igny8-server serve` with its worker (the debug build `cargo test` made) on a fresh SQLite database — and on a fresh PostgreSQL database when
# IGNY8_TEST_POSTGRES_URL is set — and runs web.test.mjs against each. With the test WordPress
# (IGNY8_TEST_WORDPRESS_URL, from tests/wordpress/site.sh up) an article is published to it.
#
#   igny8-server/tests/web/run.sh
#
# Screenshots: $IGNY8_WEB_SHOTS (default /tmp/igny8-web)/<backend>/{desktop,mobile}/.
# Needs node 20 + npm and /usr/bin/chromium (Debian's `chromium`); playwright-core and axe-core
# come from the lockfile. Builds the server first when it isn't built.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
SHOTS="${IGNY8_WEB_SHOTS:-/tmp/igny8-web}"
BIN="$REPO/target/debug/igny8-server"
WORK="$(mktemp -d)"
SERVER=
FAKE=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  [ -n "$FAKE" ] && kill "$FAKE" 2>/dev/null || true
  [ -n "${PGDB:-}" ] && psql "$IGNY8_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
die() { echo "web/run.sh: $*" >&2; exit 1; }

[ -x "$BIN" ] || (cd "$REPO" && cargo build -p igny8-server --bin igny8-server)
[ -d "$HERE/node_modules/playwright-core" ] && [ -d "$HERE/node_modules/axe-core" ] \
  || (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null) || die "npm ci failed"

# The AI provider: a local stand-in speaking OpenAI's chat protocol, which the test drives.
node "$HERE/fake-openai.mjs" >"$WORK/fake.out" 2>&1 &
FAKE=$!
for _ in $(seq 1 50); do grep -q "listening on" "$WORK/fake.out" && break; sleep 0.1; done
AI=$(sed -n 's/^listening on //p' "$WORK/fake.out" | head -1)
[ -n "$AI" ] || { cat "$WORK/fake.out" >&2; die "the fake AI provider did not start"; }

# The real WordPress the article is published to (tests/wordpress/site.sh up; .ci/run starts
# it): it listens on 127.0.0.1, which the outbound guard refuses unless the deployment allows
# private addresses. Without it the publishing test is skipped, unless IGNY8_TEST_REQUIRE
# names wordpress (CI), which makes its absence a failure.
PRIVATE=
if [ -n "${IGNY8_TEST_WORDPRESS_URL:-}" ]; then
  PRIVATE=yes
elif [[ ",${IGNY8_TEST_REQUIRE:-}," == *,wordpress,* ]]; then
  die "IGNY8_TEST_REQUIRE names wordpress but IGNY8_TEST_WORDPRESS_URL is not set (tests/wordpress/site.sh up)"
fi

# One backend: start the server on `$1` (a database URL), run the suite, stop the server.
run() {
  local name="$1" url="$2"
  # A platform operator, for the operator console's pages.
  env -u IGNY8_WEB_SHOTS -u IGNY8_WEB_URL -u IGNY8_CHROMIUM -u IGNY8_FAKE_AI \
    IGNY8_DATABASE_URL="$url" IGNY8_LOG_LEVEL=warn "$BIN" create-superuser \
    --email ops@example.com --password 'operator passphrase' >/dev/null
  env -u IGNY8_WEB_SHOTS -u IGNY8_WEB_URL -u IGNY8_CHROMIUM -u IGNY8_FAKE_AI \
    IGNY8_DATABASE_URL="$url" IGNY8_LOG_LEVEL=warn IGNY8_WORKER=true ${PRIVATE:+IGNY8_ALLOW_PRIVATE_TARGETS=yes} \
    IGNY8_OPENAI_BASE_URL="$AI/v1" IGNY8_OPENAI_API_KEY=sk-fake IGNY8_SIGNUP_CREDITS=500 \
    "$BIN" serve --bind 127.0.0.1:0 >"$WORK/$name.out" 2>"$WORK/$name.err" &
  SERVER=$!
  for _ in $(seq 1 150); do grep -q "listening on" "$WORK/$name.out" && break; sleep 0.2; done
  local base
  base=$(sed -n 's/^listening on //p' "$WORK/$name.out" | head -1)
  [ -n "$base" ] || { cat "$WORK/$name.err" >&2; die "the server did not start on $name"; }
  rm -rf "${SHOTS:?}/$name"
  echo "== web app on $name ($base)"
  (cd "$HERE" && IGNY8_WEB_URL="$base" IGNY8_FAKE_AI="$AI" IGNY8_WEB_SHOTS="$SHOTS/$name" node --test --test-reporter=spec web.test.mjs) \
    || { tail -20 "$WORK/$name.err" >&2; die "browser tests failed on $name"; }
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
}

run sqlite "sqlite://$WORK/web.db"
if [ -n "${IGNY8_TEST_POSTGRES_URL:-}" ]; then
  PGDB="igny8_web_$$"
  psql "$IGNY8_TEST_POSTGRES_URL" -qc "CREATE DATABASE $PGDB" >/dev/null
  run postgres "${IGNY8_TEST_POSTGRES_URL%/*}/$PGDB"
fi
echo "screenshots: $SHOTS"
