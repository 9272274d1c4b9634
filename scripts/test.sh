#!/usr/bin/env bash
# Runs the checks: locked install with dev tools, ruff, mypy, the import layers (lint-imports), the whole
# suite on SQLite, and with CI=true also on PostgreSQL, with the browser tests in Debian's Chromium.
set -euo pipefail
. "$(dirname "$0")/setup.sh" --dev

echo "==> ruff"
ruff check .
ruff format --check .
echo "==> mypy"
mypy luoshi bench
echo "==> import layers"
lint-imports

run_pytest() {
  local status=0
  pytest "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    return 1
  fi
  return "$status"
}

if [ "${CI:-}" = "true" ]; then
  . scripts/ci-services.sh
fi

export DJANGO_ALLOW_ASYNC_UNSAFE=true
echo "==> pytest on SQLite"
(unset DATABASE_URL; run_pytest -n 2 --dist loadgroup -p no:cacheprovider --durations=15 "$@")

if [ "${CI:-}" = "true" ]; then
  echo "==> pytest on PostgreSQL"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/luoshi_ci" run_pytest -n 2 --dist loadgroup -p no:cacheprovider --durations=15 -m "not browser" "$@"
fi
