#!/usr/bin/env bash
# Installs what the tests need, then runs lint, type-check of the UI, and the whole test suite.
# PostgreSQL at 127.0.0.1:5432 (database `test`) and Redis at 127.0.0.1:6379 are required in CI
# and used when reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test

.venv/bin/ruff check src tests bench
if [[ -f ui/package.json ]]; then
  (cd ui && npm run --silent typecheck && npm run --silent lint)
fi
export ARENA_TEST_POSTGRES_URL=${ARENA_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
if [[ "${CI:-}" == "true" ]]; then
  export ARENA_REQUIRE_POSTGRES=1
  export ARENA_REQUIRE_REDIS=1
fi
exec .venv/bin/pytest "$@"
