#!/usr/bin/env bash
# Quick start 1: install what the handbook needs, then check and build the bundled handbook
# (site in both languages, with the PDFs under site/pdf/).
set -euo pipefail
source "$(dirname "$0")/common.sh"
apt_install "${RUNTIME_PACKAGES[@]}"
make_venv ""
cd "$ROOT"
"$VENV/bin/handbook" build --root "$ROOT" --pdf
cat <<MSG

The handbook is built in $ROOT/site/
  open it from disk:   $ROOT/site/index.html  (works without a server)
  or serve it:         $VENV/bin/python -m http.server -d $ROOT/site 8000   then http://127.0.0.1:8000/
  while editing YAML:  $VENV/bin/handbook serve --root $ROOT   (rebuilds on every change)
MSG
