#!/usr/bin/env bash
# The README's test command (npm test): installs what is missing, then runs the whole suite against
# real services that the suite starts itself (Temporal dev server, PostgreSQL, Kafka). Extra
# arguments go to mocha, e.g. `npm test -- test/e2e`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx tsc -p tsconfig.json --noEmit
npx eslint --max-warnings=0 .
if [ $# -eq 0 ]; then set -- 'test/**/*.test.ts'; fi
exec npx mocha "$@"
