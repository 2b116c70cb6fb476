#!/usr/bin/env bash
# The IGNY8 WordPress plugin's tests, end to end, in one command:
#
#   igny8-php/tests/wordpress/run.sh
#
# 1. builds the PHP extension, the fake AI provider and igny8-server;
# 2. starts the fake provider and an igny8-server that uses it (remote mode), registers an
#    account there and makes an API key;
# 3. brings up a WordPress with the plugin active and the extension loaded (site.sh);
# 4. runs the scenario (scenario.php: the whole pipeline on the native backend, jobs run by
#    WP-Cron, posts read back), the browser tests (headless Chromium: native, then remote), the
#    remote key checks (remote-key-check.php), a second service's contents against the first
#    one's posts (remote-origin-check.php) and the uninstall checks (uninstall-check.php);
# 5. tears everything down again (also on failure or Ctrl-C).
#
# Env: IGNY8_BROWSER_OUT (screenshots, default /tmp/igny8-browser), IGNY8_WP_BASE, IGNY8_WP_PORT,
#      IGNY8_WP_DB, IGNY8_WP_DB_USER (see site.sh; the fake provider and igny8-server always
#      take an ephemeral port), IGNY8_TEST_DIR (scratch, default a new directory under /tmp),
#      IGNY8_KEEP_SITE=1 (leave the WordPress running afterwards, for a look),
#      IGNY8_NO_BUILD=1 (don't run cargo: use the binaries already in target/debug).
# Needs: cargo, php 8.2 with mysqli/gd/curl, Debian's wordpress package, MariaDB on
# 127.0.0.1:3306, node 20 + npm (playwright-core is installed from the lockfile), /usr/bin/chromium.
# Fails loudly -- it never skips a part.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$REPO/target}/debug
SCRATCH=${IGNY8_TEST_DIR:-$(mktemp -d /tmp/igny8-plugin-test.XXXXXX)}
export IGNY8_WP_BASE=${IGNY8_WP_BASE:-/tmp/igny8-wp-plugin}
export IGNY8_BROWSER_OUT=${IGNY8_BROWSER_OUT:-/tmp/igny8-browser}
export IGNY8_PHP_EXT=$TARGET/libigny8_php.so
mkdir -p "$SCRATCH"

log() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] FAILED: %s\n' "$*" >&2; exit 1; }

PIDS=()
SITE_UP=
cleanup() {
  local rc=$?
  set +e
  if [ -n "$SITE_UP" ] && [ "${IGNY8_KEEP_SITE:-}" != 1 ]; then "$HERE/site.sh" down >/dev/null 2>&1; fi
  # (A service the browser tests restarted runs under the pid in its .pid file.)
  for f in "$SCRATCH"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  if [ $rc -eq 0 ]; then log "PASSED (logs in $SCRATCH, screenshots in $IGNY8_BROWSER_OUT)"; else log "FAILED with status $rc (logs in $SCRATCH, screenshots in $IGNY8_BROWSER_OUT)"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a process that prints "listening on URL" first; sets LISTEN_URL.
start_listening() { # NAME LOGFILE CMD...
  local name=$1 logfile=$2
  shift 2
  "$@" >"$logfile" 2>&1 &
  PIDS+=($!)
  local pid=$!
  LISTEN_URL=
  for _ in $(seq 1 300); do
    LISTEN_URL=$(grep -aom1 'listening on http://[0-9.:]*' "$logfile" | sed 's/^listening on //') || true
    [ -n "$LISTEN_URL" ] && break
    kill -0 "$pid" 2>/dev/null || die "$name exited: $(tail -n 20 "$logfile")"
    sleep 0.1
  done
  [ -n "$LISTEN_URL" ] || die "$name printed no 'listening on' line: $(tail -n 20 "$logfile")"
  log "$name listening on $LISTEN_URL (pid $pid)"
}

json() { php -r '$v = json_decode(stream_get_contents(STDIN), true); foreach (explode(".", $argv[1]) as $k) { $v = $v[$k] ?? null; } if ($v === null) exit(3); echo $v;' "$1"; }

# ---- 1. build ---------------------------------------------------------------------------------
if [ "${IGNY8_NO_BUILD:-}" = 1 ]; then
  log "IGNY8_NO_BUILD=1: using the binaries in $TARGET as they are"
else
  # The extension, the fake provider and the server, built as `cargo test --workspace
  # --all-targets` builds them (the same features), so that after that command nothing is
  # rebuilt.
  log "cargo build --workspace --all-targets (the extension, the fake provider, the server)"
  (cd "$REPO" && cargo build --workspace --all-targets) || die "cargo build failed"
fi
for bin in igny8-fake-ai igny8-server; do [ -x "$TARGET/$bin" ] || die "no $TARGET/$bin"; done
[ -f "$IGNY8_PHP_EXT" ] || die "no $IGNY8_PHP_EXT after the build"
php -d "extension=$IGNY8_PHP_EXT" -r 'exit(extension_loaded("igny8") && class_exists("Igny8\\Igny8") ? 0 : 1);' ||
  die "php cannot load $IGNY8_PHP_EXT or it has no \\Igny8\\Igny8 class"
if [ ! -d "$REPO/igny8-php/tests/browser/node_modules/playwright-core" ]; then
  log "npm ci (playwright-core)"
  (cd "$REPO/igny8-php/tests/browser" && npm ci --no-audit --no-fund) || die "npm ci failed"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (apt-get install chromium)"

# ---- 2. the fake provider and a hosted igny8-server -------------------------------------------
start_listening igny8-fake-ai "$SCRATCH/fake-ai.log" "$TARGET/igny8-fake-ai" --bind 127.0.0.1:0 --delay-ms 1500 --log "$SCRATCH/fake-ai-requests.jsonl"
FAKE=$LISTEN_URL
export IGNY8_FAKE_AI_URL=$FAKE/v1

# An igny8-server on the fake provider with a database of its own, an account registered on
# it, an admin API key and a viewer's: sets LISTEN_URL, KEY and VIEWER_KEY. igny8-server refuses unknown IGNY8_*
# variables: hand it only its own. $SCRATCH/NAME.ctl down|up kills it as a crash would
# (SIGKILL) and starts it again on the same address and database (the browser tests' outage);
# a job it was running is taken up again when its 5-second lease ends.
hosted_service() { # NAME EMAIL
  local name=$1 email=$2 reg access created launcher=$SCRATCH/$1.sh
  {
    echo '#!/usr/bin/env bash'
    # (Whoever starts it -- this script, or the browser tests -- has IGNY8_* of its own.)
    echo 'for var in $(compgen -e | grep "^IGNY8_" || true); do unset "$var"; done'
    printf 'export'
    printf ' %q' IGNY8_DATABASE_URL="sqlite://$SCRATCH/$name.db" IGNY8_MEDIA_DIR="$SCRATCH/$name-media" \
      IGNY8_OPENAI_BASE_URL="$FAKE/v1" IGNY8_OPENAI_API_KEY=sk-test-fake IGNY8_WORKER_LEASE_SECS=5
    echo
    printf 'exec %q serve --bind "${1:-127.0.0.1:0}"\n' "$TARGET/igny8-server"
  } >"$launcher"
  chmod +x "$launcher"
  start_listening "$name" "$SCRATCH/$name.log" "$launcher"
  echo "${PIDS[-1]}" >"$SCRATCH/$name.pid"
  cat >"$SCRATCH/$name.ctl" <<CTL
#!/usr/bin/env bash
set -euo pipefail
case "\$1" in
  down) kill -9 "\$(cat '$SCRATCH/$name.pid')" ;;
  up)
    setsid '$launcher' '${LISTEN_URL#http://}' >>'$SCRATCH/$name.log' 2>&1 </dev/null &
    echo \$! >'$SCRATCH/$name.pid'
    for _ in \$(seq 1 200); do curl -sf '$LISTEN_URL/api/v1/health/' >/dev/null && exit 0; sleep 0.1; done
    echo '$name did not come back' >&2; exit 1 ;;
esac
CTL
  chmod +x "$SCRATCH/$name.ctl"
  reg=$(curl -sS -X POST "$LISTEN_URL/api/v1/auth/register/" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"plugin-test-password-1\",\"account_name\":\"Plugin tests\"}") ||
    die "register on $name"
  access=$(json data.access <<<"$reg") || die "register on $name answered: $reg"
  created=$(curl -sS -X POST "$LISTEN_URL/api/v1/auth/api-keys/" -H "Authorization: Bearer $access" \
    -H 'Content-Type: application/json' -d '{"name":"wordpress plugin","role":"admin"}') || die "create an API key on $name"
  KEY=$(json data.secret <<<"$created") || die "create an API key on $name answered: $created"
  created=$(curl -sS -X POST "$LISTEN_URL/api/v1/auth/api-keys/" -H "Authorization: Bearer $access" \
    -H 'Content-Type: application/json' -d '{"name":"read only","role":"viewer"}') || die "create a viewer's key on $name"
  VIEWER_KEY=$(json data.secret <<<"$created") || die "create a viewer's key on $name answered: $created"
}
hosted_service igny8-server wordpress@example.test
export IGNY8_REMOTE_API_URL=$LISTEN_URL IGNY8_REMOTE_API_KEY=$KEY IGNY8_REMOTE_VIEWER_KEY=$VIEWER_KEY \
  IGNY8_REMOTE_CTL=$SCRATCH/igny8-server.ctl
# A second hosted service (its ids start afresh): remote mode pointed at it must leave the
# first one's posts alone (remote-origin-check.php).
hosted_service igny8-server-2 second@example.test
export IGNY8_SECOND_API_URL=$LISTEN_URL IGNY8_SECOND_API_KEY=$KEY

# ---- 3. WordPress with the plugin -------------------------------------------------------------
SITE_UP=1
"$HERE/site.sh" up >"$SCRATCH/site.env" || die "site.sh up"
# shellcheck disable=SC1091
. "$IGNY8_WP_BASE/env"

# ---- 4. the scenario and the browser tests ----------------------------------------------------
log "scenario (native backend, jobs through WP-Cron)"
$IGNY8_PHP -d display_errors=stderr "$HERE/scenario.php" || die "scenario.php"

log "browser tests (screenshots in $IGNY8_BROWSER_OUT)"
rm -rf "$IGNY8_BROWSER_OUT"
(cd "$REPO/igny8-php/tests/browser" && IGNY8_BROWSER_MODE=native node plugin.test.mjs) || die "browser tests (native)"
(cd "$REPO/igny8-php/tests/browser" && IGNY8_BROWSER_MODE=remote node plugin.test.mjs) || die "browser tests (remote)"

log "the hosted API's key: sealed in wp_options, migrated from plain, never shown, and used"
php -d display_errors=stderr "$HERE/remote-key-check.php" || die "remote-key-check.php"

log "remote mode pointed at a second service: the first one's posts are left alone"
php -d display_errors=stderr "$HERE/remote-origin-check.php" || die "remote-origin-check.php"

log "the notice without the extension and without a key"
php -d display_errors=stderr "$HERE/notice-check.php" || die "notice-check.php"

log "uninstall (keep the data, then delete it)"
$IGNY8_PHP -d display_errors=stderr "$HERE/uninstall-check.php" keep || die "uninstall-check.php keep"
$IGNY8_PHP -d display_errors=stderr "$HERE/uninstall-check.php" delete || die "uninstall-check.php delete"

# No PHP warnings or errors from the plugin's own files while all that ran (site.sh up starts
# both logs afresh).
{ grep -ahE 'plugins/igny8/|igny8-php/plugin/igny8/' "$IGNY8_WP_BASE/debug.log" "$IGNY8_WP_BASE/php.log" 2>/dev/null || true; } |
  { grep -aE 'PHP (Warning|Fatal error|Notice|Deprecated|Parse error)' || true; } >"$SCRATCH/plugin-php-errors.txt"
if [ -s "$SCRATCH/plugin-php-errors.txt" ]; then
  head -n 20 "$SCRATCH/plugin-php-errors.txt" >&2
  die "the plugin logged PHP warnings or errors (all in $SCRATCH/plugin-php-errors.txt)"
fi
