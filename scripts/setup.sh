#!/usr/bin/env bash
# Quick start 1: install what the handbook needs, then check and build the bundled handbook
# (site in both languages with the PDFs under site/pdf/, and a copy that opens from disk).
set -euo pipefail
source "$(dirname "$0")/common.sh"
apt_install "${RUNTIME_PACKAGES[@]}"
make_venv ""
cd "$ROOT"
"$VENV/bin/handbook" build --root "$ROOT" --pdf
"$VENV/bin/handbook" build --root "$ROOT" --offline --site-dir "$ROOT/site-offline"
cat <<MSG

The handbook is built.
  for a web server:    $ROOT/site/   (PDFs in site/pdf/; works from a sub-path too)
    try it:            $VENV/bin/python -m http.server -d $ROOT/site 8000   then open http://127.0.0.1:8000/
  for a front-desk PC: $ROOT/site-offline/   (copy the folder; double-click index.html, no server needed)
  while editing YAML:  $VENV/bin/handbook serve --root $ROOT   (rebuilds on every change; an open page reloads itself)
MSG
