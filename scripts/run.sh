#!/usr/bin/env bash
# Runs Luoshi: installs (locked), creates the SQLite database, loads demo data if empty, serves on 127.0.0.1
# (serve collects the static files itself when needed).
set -euo pipefail
. "$(dirname "$0")/setup.sh"
PORT=${PORT:-8000}
luoshi migrate --noinput -v 0
luoshi demo --if-empty
exec luoshi serve --port "$PORT"
