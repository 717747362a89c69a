#!/usr/bin/env bash
# Installs what the project needs from the package registries, idempotently: npm packages when
# package-lock.json changed, the Prisma client when the schema changed. Quick when nothing changed.
# The Temporal CLI and Kafka are installed on first use by scripts/infra (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

stamps=.local/stamps
mkdir -p "$stamps"

hash() { sha256sum "$@" | sha256sum | cut -c1-16; }

command -v node >/dev/null || { echo "bootstrap: Node.js >= 20.19 is required" >&2; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { echo "bootstrap: Node.js >= 20.19 is required (found $(node --version))" >&2; exit 1; }

npm_stamp="$stamps/npm-$(hash package-lock.json)"
if [ ! -f "$npm_stamp" ] || [ ! -d node_modules ]; then
  echo "bootstrap: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  rm -f "$stamps"/npm-*
  touch "$npm_stamp"
fi

prisma_stamp="$stamps/prisma-$(hash prisma/schema.prisma package-lock.json)"
if [ ! -f "$prisma_stamp" ] || [ ! -f src/generated/prisma/client.ts ]; then
  echo "bootstrap: generating the Prisma client"
  # prisma generate reads the schema's datasource URL; without one set it tries to download an engine.
  DATABASE_URL="${DATABASE_URL:-postgresql://placeholder@127.0.0.1:5432/placeholder}" npx prisma generate >/dev/null
  rm -f "$stamps"/prisma-*
  touch "$prisma_stamp"
fi
