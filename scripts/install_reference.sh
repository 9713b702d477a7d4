#!/usr/bin/env bash
# Installs arena-rank (LMArena's rating package, the benches' reference) into ./.venv-reference.
# It pins its own NumPy and needs JAX and pandas, so it cannot share Arena's .venv.
# Usage: bash scripts/install_reference.sh   (then bench/leaderboard_cli.py finds it by itself)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [[ ! -x .venv-reference/bin/python ]]; then
  "$python" -m venv .venv-reference
fi
.venv-reference/bin/python -m pip install --quiet --upgrade pip
.venv-reference/bin/pip install --quiet arena-rank pyarrow
.venv-reference/bin/python -c "import arena_rank; print('arena-rank installed in .venv-reference')"
