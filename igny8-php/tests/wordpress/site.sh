#!/usr/bin/env bash
# A throwaway WordPress with the IGNY8 plugin active, for the plugin's own tests -- separate from
# tests/wordpress/site.sh (the publishing tests' site on port 8090), which this does not touch.
#
#   igny8-php/tests/wordpress/site.sh up     # (re)create DB + site, activate the plugin, start php -S
#   igny8-php/tests/wordpress/site.sh down   # stop the php -S started by `up`, drop the database
#
# Env: IGNY8_WP_BASE (default /tmp/igny8-wp-plugin), IGNY8_WP_PORT (default 8091),
#      IGNY8_WP_DB    the MariaDB database (default igny8_wp_plugin; dropped and made afresh),
#      IGNY8_WP_DB_USER  its user (default igny8wpp for the default database, else the
#                     database's name) -- set the three apart to run two sites side by side,
#      IGNY8_PHP_EXT  the extension loaded into php -S and the CLI (default
#                     /work/main/target/debug/libigny8_php.so relative to the repo: target/debug/...);
#                     set it to "none" for a site without the extension (remote backend only).
# Needs: Debian packages wordpress php-cli php-mysql php-gd php-curl curl, MariaDB on
# 127.0.0.1:3306 (root, no password). `up` writes $IGNY8_WP_BASE/env (and prints it):
#   IGNY8_WP_URL, IGNY8_WP_SITE (the WordPress directory), IGNY8_WP_ADMIN_USER/PASSWORD (login),
#   IGNY8_WP_APP_PASSWORD (admin's application password, for REST), IGNY8_PHP (php + -d extension=…)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
BASE=${IGNY8_WP_BASE:-/tmp/igny8-wp-plugin}
PORT=${IGNY8_WP_PORT:-8091}
EXT=${IGNY8_PHP_EXT:-$REPO/target/debug/libigny8_php.so}
SITE=$BASE/site
URL=http://127.0.0.1:$PORT
PID_FILE=$BASE/php.pid
LOG_FILE=$BASE/php.log
ENV_FILE=$BASE/env
WP_SRC=/usr/share/wordpress
DB_NAME=${IGNY8_WP_DB:-igny8_wp_plugin}
if [ "$DB_NAME" = igny8_wp_plugin ]; then DB_USER=${IGNY8_WP_DB_USER:-igny8wpp}; else DB_USER=${IGNY8_WP_DB_USER:-$DB_NAME}; fi
DB_PASS=igny8wpp

log() { printf '[plugin-site] %s\n' "$*" >&2; }
die() { printf '[plugin-site] ERROR: %s\n' "$*" >&2; exit 1; }
root_sql() { mariadb --protocol=tcp -h127.0.0.1 -P3306 -uroot "$@"; }

[[ $BASE == /?* ]] || die "IGNY8_WP_BASE must be an absolute path other than / (got '$BASE')"
[[ $PORT =~ ^[0-9]+$ ]] || die "IGNY8_WP_PORT must be a port number (got '$PORT')"
[[ $DB_NAME =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "IGNY8_WP_DB must be 1-64 letters, digits or _ (got '$DB_NAME')"
[[ $DB_USER =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "IGNY8_WP_DB_USER must be 1-64 letters, digits or _ (got '$DB_USER')"

PHP_ARGS=()
[ "$EXT" != none ] && PHP_ARGS=(-d "extension=$EXT")

is_our_server() { # PID: a `php ... -S` process
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
  [[ $cmd == php\ * && $cmd == *" -S "* ]]
}
stop_server() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid=$(cat "$PID_FILE")
  if [[ $pid =~ ^[0-9]+$ ]] && is_our_server "$pid"; then
    log "stopping php -S (process group $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

cmd_down() {
  stop_server
  root_sql -e "DROP DATABASE IF EXISTS \`$DB_NAME\`" || die "could not drop $DB_NAME"
  rm -f "$ENV_FILE"
  log "down (files kept in $BASE)"
}

cmd_up() {
  local need
  for need in php mariadb curl setsid; do command -v "$need" >/dev/null || die "'$need' not found"; done
  [ -f "$WP_SRC/wp-settings.php" ] || die "$WP_SRC not found (apt-get install wordpress)"
  php -r 'exit(extension_loaded("mysqli") && extension_loaded("gd") ? 0 : 1);' ||
    die "PHP lacks mysqli or gd (apt-get install php-mysql php-gd)"
  if [ "$EXT" != none ]; then
    [ -f "$EXT" ] || die "the IGNY8 extension $EXT does not exist (cargo build -p igny8-php, or IGNY8_PHP_EXT=none)"
    php "${PHP_ARGS[@]}" -r 'exit(extension_loaded("igny8") ? 0 : 1);' || die "PHP cannot load $EXT"
  fi
  mkdir -p "$BASE"
  rm -f "$ENV_FILE"
  stop_server
  rm -f "$BASE/debug.log" "$LOG_FILE" # each site starts with empty logs
  for _ in $(seq 1 30); do port_busy || break; sleep 0.1; done
  ! port_busy || die "port $PORT is in use by another process (set IGNY8_WP_PORT)"

  log "database $DB_NAME"
  root_sql <<SQL || die "could not create the database (is MariaDB running on 127.0.0.1:3306?)"
DROP DATABASE IF EXISTS \`$DB_NAME\`;
CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'%' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'%';
FLUSH PRIVILEGES;
SQL

  log "copy WordPress to $SITE"
  rm -rf "$SITE"
  mkdir -p "$SITE"
  cp -a "$WP_SRC/." "$SITE/"
  # Debian's tree links into /etc/wordpress and /usr/share/{php,javascript}: make real copies.
  rm -f "$SITE/.htaccess" "$SITE/wp-config.php"
  local link target
  while IFS= read -r -d '' link; do
    target=$(readlink -f "$WP_SRC/${link#"$SITE"/}") || target=
    rm -f "$link"
    if [ -n "$target" ] && [ -e "$target" ]; then cp -RL --preserve=mode,timestamps "$target" "$link"; fi
  done < <(find "$SITE" -type l -print0)
  rm -rf "$SITE/wp-content/uploads"
  mkdir -p "$SITE/wp-content/uploads" "$SITE/wp-content/plugins"
  chmod -R u+w "$SITE/wp-content"
  ln -sfn "$REPO/igny8-php/plugin/igny8" "$SITE/wp-content/plugins/igny8"
  cp "$REPO/tests/wordpress/router.php" "$BASE/router.php"

  cat >"$SITE/wp-config.php" <<PHP
<?php
// Written by igny8-php/tests/wordpress/site.sh -- a throwaway test site.
define('DB_NAME', '$DB_NAME');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASS');
define('DB_HOST', '127.0.0.1:3306');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';
define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
define('WP_CONTENT_DIR', __DIR__ . '/wp-content');
define('WP_ENVIRONMENT_TYPE', 'local');
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);    // only this host (127.0.0.1): the fake AI, igny8-server, the cron loopback
define('FS_METHOD', 'direct');
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', '$BASE/debug.log');
define('WP_DEBUG_DISPLAY', false);
// WP-Cron stays on: the plugin's jobs run through it.
define('AUTH_KEY',         'igny8-plugin-test-auth-key');
define('SECURE_AUTH_KEY',  'igny8-plugin-test-secure-auth-key');
define('LOGGED_IN_KEY',    'igny8-plugin-test-logged-in-key');
define('NONCE_KEY',        'igny8-plugin-test-nonce-key');
define('AUTH_SALT',        'igny8-plugin-test-auth-salt');
define('SECURE_AUTH_SALT', 'igny8-plugin-test-secure-auth-salt');
define('LOGGED_IN_SALT',   'igny8-plugin-test-logged-in-salt');
define('NONCE_SALT',       'igny8-plugin-test-nonce-salt');
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
PHP

  log "install WordPress, activate the plugin"
  local app
  app=$(php "${PHP_ARGS[@]}" -d display_errors=stderr "$HERE/setup.php" "$SITE" "$URL") || die "setup.php failed"
  [[ $app =~ ^[A-Za-z0-9\ ]{16,}$ ]] || die "setup.php printed no application password"

  log "start php -S on $URL"
  (cd "$BASE" && PHP_CLI_SERVER_WORKERS=4 exec setsid php "${PHP_ARGS[@]}" \
    -d display_errors=0 -d log_errors=1 -d opcache.enable_cli=1 \
    -d upload_max_filesize=64M -d post_max_size=64M \
    -S "127.0.0.1:$PORT" -t site router.php) </dev/null >"$LOG_FILE" 2>&1 &
  local pid=$!
  echo "$pid" >"$PID_FILE"
  local code=000
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || die "php -S exited: $(tail -n 20 "$LOG_FILE")"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/wp-login.php") || true
    [ "$code" = 200 ] && break
    sleep 0.1
  done
  [ "$code" = 200 ] || die "WordPress at $URL does not answer (HTTP $code); see $LOG_FILE"
  code=$(curl -s -o /dev/null -w '%{http_code}' -u "admin:$app" "$URL/?rest_route=/igny8/v1/jobs/1") || true
  [ "$code" = 403 ] || die "the plugin's REST route should refuse a request without the wp_rest nonce (got HTTP $code)"

  local php_cmd="php"
  [ "$EXT" != none ] && php_cmd="php -d extension=$EXT"
  cat >"$ENV_FILE.tmp" <<EOF2
export IGNY8_WP_URL=$URL
export IGNY8_WP_SITE=$SITE
export IGNY8_WP_ADMIN_USER=admin
export IGNY8_WP_ADMIN_PASSWORD=admin-pass-123
export IGNY8_WP_APP_PASSWORD='$app'
export IGNY8_PHP='$php_cmd'
EOF2
  mv "$ENV_FILE.tmp" "$ENV_FILE"
  log "WordPress with IGNY8 is up at $URL (log $LOG_FILE); stop it with: $0 down"
  cat "$ENV_FILE"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
*) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
