#!/usr/bin/env bash
# npm run bench [-- --messages N --concurrency C]: see bench/send-bench.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node --import tsx bench/send-bench.ts "$@"
