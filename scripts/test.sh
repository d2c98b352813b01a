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
# Two pytest workers (pytest-xdist) for the two cores, unless the arguments choose (`-n 0`: one
# process); loadscope keeps each test file on one worker, so its module fixtures are built once
# (conftest shares the site and the PDF set between the workers).
workers=(-n 2 --dist loadscope)
for arg in "$@"; do
    case "$arg" in
        -n | -n* | --numprocesses* | --dist* | no:xdist | -pno:xdist) workers=() ;;
    esac
done
# The rewritten test modules and the program's bytecode are cached in __pycache__ (gitignored):
# collecting the suite takes about half the CPU time the second time round.
unset PYTHONDONTWRITEBYTECODE
set +e
"$VENV/bin/python" -m pytest "${workers[@]}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "handbook: pytest collected no tests; that is a failure" >&2
    exit 1
fi
exit "$status"
