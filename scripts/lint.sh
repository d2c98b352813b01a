#!/usr/bin/env bash
# Lint, format and types (issue 16): ruff format --check, ruff check and mypy over generator/,
# tests/ and benchmarks/, configured in pyproject.toml, run with the pinned tools in the venv.
# Runs all three so that one run shows every problem; exits 1 if any of them found one.
# scripts/test.sh runs this before the tests (HANDBOOK_LINT=0 skips it); so does pre-commit.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"
if [ ! -x "$VENV/bin/ruff" ] || [ ! -x "$VENV/bin/mypy" ]; then
    echo "handbook: ruff and mypy are not in $VENV; run: bash scripts/test.sh (it installs the test extras)" >&2
    exit 1
fi
failed=()
"$VENV/bin/ruff" format --check . || failed+=("format (to fix: $VENV/bin/ruff format .)")
"$VENV/bin/ruff" check . || failed+=("ruff check (many fix themselves: $VENV/bin/ruff check --fix .)")
"$VENV/bin/mypy" || failed+=("mypy (types: fix the lines it names)")
if [ ${#failed[@]} -gt 0 ]; then
    for what in "${failed[@]}"; do
        echo "handbook: lint failed: $what" >&2
    done
    exit 1
fi
