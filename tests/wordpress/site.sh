#!/usr/bin/env bash
# A real, throwaway WordPress site for IGNY8's integration tests -- no docker, systemd,
# wp-cli or internet. See README.md in this directory.
#
#   tests/wordpress/site.sh up     # (re)create DB + site, start `php -S`, smoke-test the REST API,
#                                  # print `export IGNY8_TEST_WORDPRESS_...` lines on stdout
#   tests/wordpress/site.sh down   # stop the php server started by `up`, drop the database
#
# Env: WP_BASE (default /tmp/igny8-wp), WP_PORT (default 8090), WP_DB (default igny8_wp_test).
# Needs: Debian packages wordpress php-cli php-mysql php-xml php-gd curl, and the MariaDB
# server on 127.0.0.1:3306 (root, empty password). Only stdout carries the env lines;
# progress and timings go to stderr.
set -euo pipefail

WP_BASE=${WP_BASE:-/tmp/igny8-wp}
WP_PORT=${WP_PORT:-8090}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WP_SRC=/usr/share/wordpress
SITE=$WP_BASE/site
URL=http://127.0.0.1:$WP_PORT
PID_FILE=$WP_BASE/php.pid
LOG_FILE=$WP_BASE/php.log
ENV_FILE=$WP_BASE/env

DB_HOST=127.0.0.1
DB_PORT=3306
DB_NAME=${WP_DB:-igny8_wp_test}
DB_USER=igny8wp
DB_PASS=igny8wp

log() { printf '[wp-site] %s\n' "$*" >&2; }
die() { printf '[wp-site] ERROR: %s\n' "$*" >&2; exit 1; }
root_sql() { mariadb --protocol=tcp -h"$DB_HOST" -P"$DB_PORT" -uroot "$@"; }

now_us() { local t=${EPOCHREALTIME//[.,]/}; echo "$t"; }
T_START=$(now_us)
STEP= STEP_T=
step() { # step NAME: closes the running step (logging its time), starts the next one
  local t; t=$(now_us)
  [ -n "$STEP" ] && log "$(printf '%-28s %6d ms' "$STEP" $(((t - STEP_T) / 1000)))"
  STEP=${1:-} STEP_T=$t
  [ -n "$STEP" ] && log "$STEP ..."
  return 0
}

[[ $WP_BASE == /?* ]] || die "WP_BASE must be an absolute path other than / (got '$WP_BASE')"
[[ $WP_PORT =~ ^[0-9]+$ ]] || die "WP_PORT must be a port number (got '$WP_PORT')"

# ---------------------------------------------------------------------------------------------
# php -S: we only ever signal the pid recorded in $PID_FILE, and only if it is a `php -S`.
# It runs as the leader of its own process group (setsid), so the group id is the same number
# and also reaches the PHP_CLI_SERVER_WORKERS children.
# ---------------------------------------------------------------------------------------------
is_our_server() { # PID
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $cmd == php\ * && $cmd == *" -S "* ]]
}
alive() { # PID: running and not a zombie
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
stop_server() {
  [ -f "$PID_FILE" ] || return 0
  local pid target
  pid=$(cat "$PID_FILE")
  if [[ $pid =~ ^[0-9]+$ ]] && is_our_server "$pid"; then
    target=$pid
    [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ] && target=-$pid # whole group: master + workers
    log "stopping php -S (pid $pid)"
    kill -TERM -- "$target" 2>/dev/null || true
    for _ in $(seq 1 50); do group_alive "$pid" || break; sleep 0.1; done
    if group_alive "$pid"; then kill -KILL -- "$target" 2>/dev/null || true; fi
    for _ in $(seq 1 20); do group_alive "$pid" || break; sleep 0.1; done
  fi
  rm -f "$PID_FILE"
}
group_alive() { # PID: it, or a worker in the session it leads, still runs
  local p
  alive "$1" && return 0
  for p in $(ps -o pid= --sid "$1" 2>/dev/null); do alive "$p" && return 0; done
  return 1
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$WP_PORT") 2>/dev/null; }

cmd_down() {
  stop_server
  root_sql -e "DROP DATABASE IF EXISTS \`$DB_NAME\`" || die "could not drop database $DB_NAME"
  rm -f "$ENV_FILE"
  log "down: server stopped, database $DB_NAME dropped (files kept in $WP_BASE)"
}

# ---------------------------------------------------------------------------------------------
# REST helpers for the smoke test. api METHOD ROUTE[&query] USER [curl args...] sets STATUS/BODY.
# ---------------------------------------------------------------------------------------------
declare -A APP_PASS=()
STATUS= BODY=
api() {
  local method=$1 route=$2 user=$3 out
  shift 3
  out=$(curl -sS --max-time 30 -X "$method" -u "$user:${APP_PASS[$user]}" -w '\n%{http_code}' "$@" \
    "$URL/?rest_route=$route") || die "curl $method $route failed"
  STATUS=${out##*$'\n'} BODY=${out%$'\n'*}
}
expect() { # expect HTTP_STATUS WHAT
  [ "$STATUS" = "$1" ] || die "$2: expected HTTP $1, got $STATUS: ${BODY:0:600}"
}
jget() { # jget a.b.c -> value from $BODY (arrays/objects as JSON); fails if absent
  php -d display_errors=stderr -r '
    $v = json_decode(stream_get_contents(STDIN), true);
    foreach (explode(".", $argv[1]) as $k) {
      if (!is_array($v) || !array_key_exists($k, $v)) exit(3);
      $v = $v[$k];
    }
    echo is_scalar($v) || $v === null ? $v : json_encode($v);' "$1" <<<"$BODY" ||
    die "no '$1' in response: ${BODY:0:600}"
}
expect_field() { # expect_field a.b.c WANT: field of $BODY equals WANT
  local got
  got=$(jget "$1") || exit 1
  [ "$got" = "$2" ] || die "$1: expected '$2', got '$got'"
}

smoke_test() {
  local id media_id src user role

  # every user's application password authenticates and has the expected role
  for user in admin:administrator author1:author contrib1:contributor; do
    role=${user#*:} user=${user%%:*}
    api GET "/wp/v2/users/me&context=edit" "$user"
    expect 200 "GET users/me as $user"
    expect_field roles "[\"$role\"]"
  done

  # posts: create, read back, SEO meta round trip, delete
  api POST /wp/v2/posts admin -H 'Content-Type: application/json' \
    --data '{"title":"IGNY8 smoke test","content":"<p>smoke</p>","status":"publish"}'
  expect 201 "create post"
  id=$(jget id)
  api GET "/wp/v2/posts/$id" admin
  expect 200 "read post $id"
  expect_field title.rendered "IGNY8 smoke test"
  api POST "/wp/v2/posts/$id" admin -H 'Content-Type: application/json' \
    --data '{"meta":{"_yoast_wpseo_title":"x","_yoast_wpseo_metadesc":"d","rank_math_title":"rt","rank_math_description":"rd"}}'
  expect 200 "update meta of post $id"
  api GET "/wp/v2/posts/$id&context=edit" admin
  expect 200 "read post $id (context=edit)"
  expect_field meta._yoast_wpseo_title x
  expect_field meta._yoast_wpseo_metadesc d
  expect_field meta.rank_math_title rt
  expect_field meta.rank_math_description rd
  api DELETE "/wp/v2/posts/$id&force=true" admin
  expect 200 "delete post $id"
  expect_field deleted 1
  api GET "/wp/v2/posts/$id" admin
  expect 404 "read deleted post $id"

  # media: upload a PNG, fetch the file, delete it
  local png=$WP_BASE/t.png
  base64 -d >"$png" <<<'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
  api POST /wp/v2/media admin -H 'Content-Disposition: attachment; filename=t.png' \
    -H 'Content-Type: image/png' --data-binary "@$png"
  expect 201 "upload PNG"
  rm -f "$png"
  media_id=$(jget id)
  src=$(jget source_url)
  [[ $src == "$URL"/wp-content/uploads/* ]] || die "unexpected media source_url: $src"
  [ -f "$SITE/wp-content/uploads/${src#"$URL"/wp-content/uploads/}" ] || die "uploaded file not on disk: $src"
  [ "$(curl -sS -o /dev/null -w '%{http_code} %{content_type}' "$src")" = "200 image/png" ] ||
    die "uploaded file not served: $src"
  api DELETE "/wp/v2/media/$media_id&force=true" admin
  expect 200 "delete media $media_id"

  # roles behave as the tests expect: author may publish, contributor may not
  api POST /wp/v2/posts author1 -H 'Content-Type: application/json' \
    --data '{"title":"author smoke","status":"publish"}'
  expect 201 "author1 publishes a post"
  id=$(jget id)
  api DELETE "/wp/v2/posts/$id&force=true" author1
  expect 200 "author1 deletes own post"
  api POST /wp/v2/posts contrib1 -H 'Content-Type: application/json' \
    --data '{"title":"contrib smoke","status":"publish"}'
  expect 403 "contrib1 tries to publish"
}

cmd_up() {
  local need
  for need in php mariadb curl setsid ps base64; do
    command -v "$need" >/dev/null || die "'$need' not found (apt-get install wordpress php-cli php-mysql php-xml php-gd curl)"
  done
  [ -f "$WP_SRC/wp-settings.php" ] || die "$WP_SRC not found (apt-get install wordpress)"
  php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' || die "PHP lacks mysqli (apt-get install php-mysql)"
  mkdir -p "$WP_BASE"
  rm -f "$ENV_FILE"

  step "stop previous server"
  stop_server
  for _ in $(seq 1 30); do port_busy || break; sleep 0.1; done
  ! port_busy || die "port $WP_PORT on 127.0.0.1 is in use by another process (set WP_PORT)"

  step "database"
  root_sql -e 'SELECT 1' >/dev/null ||
    die "cannot reach MariaDB at $DB_HOST:$DB_PORT as root (is it running?)"
  root_sql <<SQL || die "could not create database/user"
DROP DATABASE IF EXISTS \`$DB_NAME\`;
CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'%' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'%';
FLUSH PRIVILEGES;
SQL
  mariadb --protocol=tcp -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" -p"$DB_PASS" "$DB_NAME" -e 'SELECT 1' >/dev/null ||
    die "user $DB_USER cannot log in to $DB_NAME"

  step "copy WordPress"
  rm -rf "$SITE"
  mkdir -p "$SITE"
  cp -a "$WP_SRC/." "$SITE/"
  # Debian's tree links into /etc/wordpress, /var/lib/wordpress and (relatively) into
  # /usr/share/{php,javascript}; the relative ones dangle in a copy. Replace every link with a
  # real copy of what it points to, so the site is self-contained and wp-content is writable.
  rm -f "$SITE/.htaccess" "$SITE/wp-config.php" # Apache-only / Debian's /etc/wordpress loader
  local links link target
  mapfile -d '' links < <(find "$SITE" -type l -print0)
  for link in "${links[@]}"; do
    target=$(readlink -f "$WP_SRC/${link#"$SITE"/}") || target=
    rm -f "$link"
    if [ -n "$target" ] && [ -e "$target" ]; then
      cp -RL --preserve=mode,timestamps "$target" "$link"
    else
      log "note: dropped dangling link ${link#"$SITE"/}"
    fi
  done
  rm -rf "$SITE/wp-content/uploads"
  mkdir -p "$SITE/wp-content/uploads" "$SITE/wp-content/mu-plugins"
  chmod -R u+w "$SITE/wp-content"
  cp "$HERE/mu-plugins/igny8-seo-meta.php" "$SITE/wp-content/mu-plugins/"
  cp "$HERE/router.php" "$WP_BASE/router.php"

  cat >"$SITE/wp-config.php" <<PHP
<?php
// Written by tests/wordpress/site.sh -- a throwaway test site, not for production.
define('DB_NAME', '$DB_NAME');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASS');
define('DB_HOST', '$DB_HOST:$DB_PORT');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';

define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_ENVIRONMENT_TYPE', 'local');   // Application Passwords over plain http
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);    // never call out (CI has no internet)
define('FS_METHOD', 'direct');
define('WP_DEBUG', false);

define('AUTH_KEY',         'igny8-test-auth-key');
define('SECURE_AUTH_KEY',  'igny8-test-secure-auth-key');
define('LOGGED_IN_KEY',    'igny8-test-logged-in-key');
define('NONCE_KEY',        'igny8-test-nonce-key');
define('AUTH_SALT',        'igny8-test-auth-salt');
define('SECURE_AUTH_SALT', 'igny8-test-secure-auth-salt');
define('LOGGED_IN_SALT',   'igny8-test-logged-in-salt');
define('NONCE_SALT',       'igny8-test-nonce-salt');

if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP

  step "install WordPress + users"
  local out user pass
  out=$(php -d display_errors=stderr "$HERE/install.php" "$SITE" "$URL") || die "install.php failed"
  while IFS=$'\t' read -r user pass; do
    [[ $pass =~ ^[A-Za-z0-9\ ]{16,}$ ]] || die "bad application password for $user from install.php"
    APP_PASS[$user]=$pass
  done <<<"$out"
  for user in admin author1 contrib1; do
    [ -n "${APP_PASS[$user]:-}" ] || die "install.php printed no application password for $user"
  done

  step "start php -S"
  # Own session/process group (setsid) so `down` can stop master and workers by one id.
  # stdin/stdout/stderr are redirected so `$(site.sh up)` does not wait for the server.
  (cd "$WP_BASE" && PHP_CLI_SERVER_WORKERS=4 exec setsid php \
    -d display_errors=0 -d log_errors=1 \
    -d opcache.enable_cli=1 \
    -d upload_max_filesize=64M -d post_max_size=64M \
    -S "127.0.0.1:$WP_PORT" -t site router.php) </dev/null >"$LOG_FILE" 2>&1 &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  local code=000
  for _ in $(seq 1 150); do
    alive "$pid" || die "php -S exited; $LOG_FILE says: $(tail -n 20 "$LOG_FILE")"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/?rest_route=/") || true
    [ "$code" = 200 ] && break
    sleep 0.1
  done
  [ "$code" = 200 ] || die "WordPress at $URL does not answer (last HTTP status $code); see $LOG_FILE"
  is_our_server "$pid" || die "pid $pid is not the php -S we started"

  step "REST smoke test"
  smoke_test

  step "write $ENV_FILE"
  local env
  env=$(
    cat <<EOF
export IGNY8_TEST_WORDPRESS_URL=$URL
export IGNY8_TEST_WORDPRESS_USER=admin
export IGNY8_TEST_WORDPRESS_PASSWORD='${APP_PASS[admin]}'
export IGNY8_TEST_WORDPRESS_AUTHOR_USER=author1
export IGNY8_TEST_WORDPRESS_AUTHOR_PASSWORD='${APP_PASS[author1]}'
export IGNY8_TEST_WORDPRESS_CONTRIBUTOR_USER=contrib1
export IGNY8_TEST_WORDPRESS_CONTRIBUTOR_PASSWORD='${APP_PASS[contrib1]}'
EOF
  )
  printf '%s\n' "$env" >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  step
  log "$(printf '%-28s %6d ms' total $((($(now_us) - T_START) / 1000)))"
  log "WordPress is up at $URL (pid $pid, log $LOG_FILE); stop it with: $0 down"
  printf '%s\n' "$env"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
*)
  echo "usage: $0 up|down   (env: WP_BASE=$WP_BASE WP_PORT=$WP_PORT)" >&2
  exit 2
  ;;
esac
