#!/usr/bin/env bash
# PHP_CodeSniffer over the WordPress plugin (igny8-php/plugin/phpcs.xml.dist: the sniffs of
# WordPress's standards that Debian's php-codesniffer has), and every `phpcs:ignore` must say
# why after " -- ". Needs Debian's php-codesniffer. Exits non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/../plugin"
phpcs --standard=phpcs.xml.dist --no-colors igny8
unjustified=$(grep -rn 'phpcs:ignore' igny8 | grep -v ' -- ' || true)
if [ -n "$unjustified" ]; then
  echo "phpcs:ignore without a reason (write it after ' -- '):" >&2
  echo "$unjustified" >&2
  exit 1
fi
echo "phpcs: clean; every phpcs:ignore says why"
