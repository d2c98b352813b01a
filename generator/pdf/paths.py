"""Which written PDF holds a document the site wants to link to.

The site asks for a document by the path it has in a property-sized handbook:
``<lang>/roles/<id>.pdf``, ``<lang>/checklists/<id>.pdf``, ``<lang>/procedures/<id>.pdf``.
A group's set (more than :data:`generator.pdf.SMALL` roles) prints a role in one edition
only, and its checklists as pages of the role document, so the site's Chinese and English
pages link that file instead.  Kept apart from the writer so that the site can ask
without importing the print engine.
"""

from __future__ import annotations

from collections.abc import Container

#: The edition a group's role documents are printed in (generator.pdf.GROUP_LANG).
GROUP_LANG = "bilingual"
#: The editions a group prints on demand only.
OTHER_LANGS = ("zh", "en")


def holder(rel: str, written: Container[str]) -> str | None:
    """The written file that holds document `rel` (a path under pdf/), or None."""
    if rel in written:
        return rel
    parts = rel.split("/")
    if len(parts) != 3 or parts[1] not in ("roles", "checklists"):
        return None
    name = parts[2]
    document = f"{GROUP_LANG}/roles/{name}"
    if document not in written or any(f"{lang}/roles/{name}" in written for lang in OTHER_LANGS):
        return None  # not a group's set: what is missing was not printed (no periodic duties)
    # A group's set: the role document, which ends with the role's checklists.
    return document
