#!/usr/bin/env bash
# The README's main command (npm run dev): installs what is missing, then runs the whole system with
# embedded defaults. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node --import tsx scripts/dev.ts "$@"
