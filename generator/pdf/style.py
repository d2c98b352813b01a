"""The print engine's set-up: the CSS, the font subsetter it must use, and a fingerprint.

WeasyPrint 70 subsets the embedded fonts in ``weasyprint.pdf.fonts.Font.subset``: with
HarfBuzz when ``weasyprint.text.ffi.harfbuzz_subset`` (a ``dlopen`` of
``libharfbuzz-subset.so.0``, allowed to fail) loaded and HarfBuzz is at least 4.1.0;
otherwise it logs a warning and falls back to fontTools, which walks all 65,535 glyphs of
Noto CJK for every document (10.5 s a role sheet instead of 0.33 s).  Nothing else
fails, so a server without Debian's ``libharfbuzz-subset0`` would print thirty times
slower without a word.  :func:`require_fast_subsetting` makes that a clear stop instead.

The fingerprint goes into every cache key (:mod:`generator.pdf.reuse`): a PDF is reused
only if the code, the templates, the labels and the engine that would write it now are
the ones that wrote it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE.parent / "templates"
#: The Debian / Ubuntu package that ships libharfbuzz-subset.so.0.
HARFBUZZ_PACKAGE = "libharfbuzz-subset0"


class PrintSetupError(Exception):
    """The machine lacks something the PDF writer needs; the message says what to install."""


def css_text() -> str:
    return (TEMPLATES / "pdf" / "pdf.css").read_text(encoding="utf-8")


def require_fast_subsetting() -> None:
    """Stop with an install hint unless WeasyPrint will subset fonts with HarfBuzz."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError) as exc:
        raise PrintSetupError(
            f"the PDF writer (WeasyPrint) cannot start: {exc}; "
            "run `bash scripts/setup.sh`, which installs its Debian packages"
        ) from None
    if harfbuzz_subset is None:
        raise PrintSetupError(
            "HarfBuzz font subsetting is not available (libharfbuzz-subset.so.0 not found); "
            "without it every PDF takes "
            f"about 30 times longer. Install the Debian package: sudo apt-get install -y {HARFBUZZ_PACKAGE}"
        )
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        version = harfbuzz.hb_version_string()
        shown = version.decode() if isinstance(version, bytes) else version
        raise PrintSetupError(
            f"HarfBuzz {shown} is older than 4.1.0, and WeasyPrint would subset fonts with fontTools "
            "(about 30 times slower); "
            f"upgrade the Debian packages libharfbuzz0b and {HARFBUZZ_PACKAGE}"
        )


@cache
def fingerprint() -> str:
    """What, besides the data, decides the bytes of a PDF: this package's code, the PDF
    templates and labels, and the versions of the engine and of HarfBuzz."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    files = sorted([*PACKAGE.glob("*.py"), *(TEMPLATES / "pdf").iterdir(), TEMPLATES / "site" / "labels.yml"])
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("weasyprint", "pydyf", "qrcode"):
        try:
            digest.update(f"{dist}={version(dist)}\0".encode())
        except Exception:  # not installed as a distribution: the code hash above still counts
            digest.update(f"{dist}=?\0".encode())
    try:
        from weasyprint.text.ffi import ffi, harfbuzz

        digest.update(ffi.string(harfbuzz.hb_version_string()))
    except Exception:
        pass
    return digest.hexdigest()
