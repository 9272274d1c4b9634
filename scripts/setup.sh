# Shared set-up for scripts/run.sh and scripts/test.sh: locked Python and npm installs.
# Usage: . scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if command -v uv >/dev/null 2>&1; then
  UV=(uv)
else
  if ! "$PYTHON" -m uv --version >/dev/null 2>&1; then
    echo "==> installing uv"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check uv
  fi
  UV=("$PYTHON" -m uv)
fi

echo "==> installing Python packages from uv.lock"
if [ "${1:-}" = "--dev" ]; then
  "${UV[@]}" sync --locked --quiet --python "$PYTHON"
else
  "${UV[@]}" sync --locked --quiet --no-dev --python "$PYTHON"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "==> installing Node.js and npm (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.luoshi-lock; then
  echo "==> installing front-end packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json node_modules/.luoshi-lock
fi

export PATH="$PWD/.venv/bin:$PATH"
