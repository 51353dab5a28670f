#!/usr/bin/env bash
# Installs the drivers the client tests use (tests/clients.rs) under target/:
#   target/client-venv     Python venv with psycopg 3
#   target/client-node     node_modules with pg (node-postgres)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
# A venv holds absolute paths: one copied or moved with target/ is made anew.
if ! "$target/client-venv/bin/pip" --version >/dev/null 2>&1; then
  rm -rf "$target/client-venv"
  python3 -m venv "$target/client-venv"
fi
"$target/client-venv/bin/pip" install --quiet 'psycopg[binary]==3.3.9'
mkdir -p "$target/client-node"
(cd "$target/client-node" && { [ -f package.json ] || echo '{"private":true}' > package.json; } && npm install --silent --no-audit --no-fund pg@8.23.1)
echo "client drivers installed under $target"
