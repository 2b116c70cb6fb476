#!/usr/bin/env bash
# Builds the extension and runs the PHP tests (tests/php, Debian's phpunit) with
# `php -d extension=…`, once against a fresh SQLite file and once against a fresh MariaDB/MySQL
# database made from IGNY8_TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test) and dropped
# afterwards.
#
# Without IGNY8_TEST_MYSQL_URL the MariaDB run is skipped, unless IGNY8_TEST_REQUIRE names
# mysql (e.g. IGNY8_TEST_REQUIRE=postgres,mysql): then a missing URL or an unreachable server
# fails the script. Extra arguments go to phpunit (e.g. --filter Keywords).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# The extension and the fake AI provider the AI tests run against, built as `cargo test
# --workspace --all-targets` builds them (the same features), so that after that command
# nothing is rebuilt.
cargo build --workspace --all-targets

target="${CARGO_TARGET_DIR:-$root/target}"
ext="$target/debug/libigny8_php.so"
export IGNY8_FAKE_AI_BIN="$target/debug/igny8-fake-ai"
export IGNY8_PHP_EXTENSION="$ext"

require_mysql=false
case ",${IGNY8_TEST_REQUIRE:-}," in *mysql*) require_mysql=true ;; esac

work="$(mktemp -d)"
db_name=""
mysql_args=()
cleanup() {
    if [[ -n "$db_name" ]]; then
        mysql "${mysql_args[@]}" -e "DROP DATABASE IF EXISTS \`$db_name\`" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

run_suite() {
    local label="$1" url="$2"
    shift 2
    echo "== igny8-php tests on $label"
    IGNY8_PHP_TEST_DATABASE_URL="$url" IGNY8_PHP_TEST_MEDIA_DIR="$work/media-$label" \
        php -d extension="$ext" -d memory_limit=512M /usr/bin/phpunit --fail-on-skipped \
        -c "$here/php/phpunit.xml" "$@"
}

status=0
run_suite sqlite "sqlite://$work/igny8.db" "$@" || status=1

if [[ -n "${IGNY8_TEST_MYSQL_URL:-}" ]]; then
    # mysql://user[:pass]@host[:port]/db -> client arguments; a database of our own is made.
    rest="${IGNY8_TEST_MYSQL_URL#*://}"
    creds="${rest%%@*}"; hostpart="${rest#*@}"; hostpart="${hostpart%%/*}"
    user="${creds%%:*}"; pass=""; [[ "$creds" == *:* ]] && pass="${creds#*:}"
    host="${hostpart%%:*}"; port=3306; [[ "$hostpart" == *:* ]] && port="${hostpart#*:}"
    mysql_args=(-h "$host" -P "$port" -u "$user")
    [[ -n "$pass" ]] && mysql_args+=("-p$pass")
    if mysql "${mysql_args[@]}" -e "SELECT 1" >/dev/null 2>&1; then
        db_name="igny8_php_test_$$_$RANDOM"
        mysql "${mysql_args[@]}" -e "CREATE DATABASE \`$db_name\`"
        base="${IGNY8_TEST_MYSQL_URL%/*}"
        run_suite mariadb "$base/$db_name" "$@" || status=1
    elif $require_mysql; then
        echo "run.sh: IGNY8_TEST_REQUIRE asks for mysql but $host:$port is unreachable" >&2
        status=1
    else
        echo "run.sh: MariaDB at $host:$port is unreachable; its run is skipped" >&2
    fi
elif $require_mysql; then
    echo "run.sh: IGNY8_TEST_REQUIRE asks for mysql but IGNY8_TEST_MYSQL_URL is not set" >&2
    status=1
else
    echo "run.sh: IGNY8_TEST_MYSQL_URL is not set; the MariaDB run is skipped"
fi
exit $status
