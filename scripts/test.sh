#!/usr/bin/env bash
# Quick start 2: install what the tests need (Debian packages too, when root) and run the whole suite.
set -euo pipefail
source "$(dirname "$0")/common.sh"
apt_install "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
make_venv "[test]"
ensure_browser
cd "$ROOT"
"$VENV/bin/handbook" check --root "$ROOT"
# Lint, format and types before the tests (scripts/lint.sh); HANDBOOK_LINT=0 skips them.
[ "${HANDBOOK_LINT:-1}" = 0 ] || bash "$ROOT/scripts/lint.sh"
set +e
"$VENV/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "handbook: pytest collected no tests; that is a failure" >&2
    exit 1
fi
exit "$status"
