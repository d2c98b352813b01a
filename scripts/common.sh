# Shared by scripts/setup.sh and scripts/test.sh: Debian packages and the Python environment.
# Sourced, not run. Installs with apt-get when root; otherwise prints the exact line to run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HANDBOOK_VENV:-$ROOT/.venv}"

apt_install() {
    # $@: Debian packages that must be present.
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "==> apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        echo "handbook: these Debian packages are missing; install them and run this again:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

is_ubuntu() {
    grep -qs '^ID=ubuntu' /etc/os-release
}

pick_python() {
    for py in python3.11 python3.12 python3.13 python3; do
        if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$py"; return 0
        fi
    done
    echo "handbook: Python 3.11 or newer is needed" >&2
    exit 1
}

make_venv() {
    # $1: extras to install, e.g. "" or "[test]".
    local py
    py="$(pick_python)"
    if [ ! -x "$VENV/bin/python" ]; then
        "$py" -m venv "$VENV"
    fi
    # requirements.lock pins every package, transitive ones included.
    "$VENV/bin/python" -m pip install -q -c "$ROOT/requirements.lock" -e "$ROOT$1"
}

# Packages the handbook needs at run time:
#   python3-venv          the virtual environment
#   libpango-1.0-0 libpangoft2-1.0-0   WeasyPrint's text layout (PDFs)
#   libharfbuzz-subset0   WeasyPrint subsets the embedded CJK fonts with HarfBuzz; without it,
#                         fontTools walks all 65,535 Noto CJK glyphs per PDF (30x slower)
#   fonts-noto-cjk        Chinese glyphs (Simplified forms) embedded in the PDFs
#   git                   `handbook diff` reads earlier revisions
RUNTIME_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk git)
# And for the tests:
#   chromium              headless browser tests (search, language switch, no external requests);
#                         Debian's package is a real binary. Ubuntu's `chromium` only installs
#                         a snap, which cannot run in a container or a CI job without snapd:
#                         there the tests use Google Chrome if the machine has it (GitHub's
#                         Ubuntu runners do), else Playwright's own Chromium (ensure_browser).
#   poppler-utils         pdftotext / pdftoppm / pdffonts read the PDFs back
if is_ubuntu; then
    TEST_PACKAGES=(poppler-utils)
else
    TEST_PACKAGES=(chromium poppler-utils)
fi

ensure_browser() {
    # After make_venv "[test]": a Chromium that tests/support.py find_chromium() accepts.
    local found
    found="$(cd "$ROOT/tests" && "$VENV/bin/python" -c 'import support; print(support.find_chromium() or "")')"
    if [ -n "$found" ]; then
        return 0
    fi
    echo "==> no Chromium binary to drive (Ubuntu's is a snap): playwright install chromium"
    if [ "$(id -u)" -eq 0 ]; then
        "$VENV/bin/python" -m playwright install --with-deps chromium
    else
        "$VENV/bin/python" -m playwright install chromium
    fi
}
