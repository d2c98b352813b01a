"""Content: everything is written (duties, steps, a ladder), in both languages, with the glossary's words.

A role without duties or a procedure without steps or time limits prints an empty sheet;
a placeholder of `handbook new` ("FILL IN", "待填写") or a translation gap of `handbook
import` ("TO TRANSLATE") left in a text would print as it is; an English text with Chinese
in it, or one that does not use the glossary's English for a term of its Chinese, reads
as a draft to the staff who search and print it.  Codes E604, E701–E704, E801–E804, W810.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from generator.checks_texts import all_texts
from generator.findings import Finding
from generator.model import CJK, Document, Handbook, Text
from generator.positions import Path, dotted

#: Markers that `handbook new` writes where a person must write the text.
PLACEHOLDERS = ("FILL IN", "待填写")

#: What `handbook import` writes where the English is still to be translated (E804).
TRANSLATION_GAP = "TO TRANSLATE"


# --- completeness ------------------------------------------------------------------------


def completeness(book: Handbook) -> Iterator[Finding]:
    """Roles have duties; procedures have steps and a ladder with time limits."""
    for role in book.roles.values():
        if not role.duties:
            yield Finding.at(
                role.where("duties"), "E701", f"the role '{role.id}' lists no duty; every role has at least one"
            )
    for proc in book.procedures.values():
        if not proc.steps:
            yield Finding.at(proc.where("steps"), "E702", f"the procedure '{proc.id}' has no step")
        if not proc.escalation:
            yield Finding.at(
                proc.where("escalation"),
                "E703",
                f"the procedure '{proc.id}' has no escalation rung with a time limit (after_minutes)",
            )
        for i, rung in enumerate(proc.escalation):
            if not rung.notify:  # the threshold passes and nobody is told
                yield Finding.at(
                    proc.where("escalation", i, "notify"),
                    "E604",
                    f"the rung '{rung.id}' notifies nobody; "
                    f"list the roles to tell when {rung.after_minutes} minutes have passed",
                )


# --- languages ------------------------------------------------------------------------


def texts(book: Handbook) -> Iterator[Finding]:
    """The language and glossary rules, in one walk over the 44,000 texts of 1,000 roles."""
    found = list(all_texts(book))
    yield from languages(book, found)
    yield from glossary(book, found)


_PLACEHOLDER = re.compile("|".join(re.escape(m) for m in PLACEHOLDERS))


def languages(book: Handbook, found: list[tuple[Document, Path, Text]] | None = None) -> Iterator[Finding]:
    """Both languages present and in the right script; no placeholder left."""
    for doc, path, text in all_texts(book) if found is None else found:
        zh, en = text.zh, text.en
        if (
            CJK.search(zh)
            and not CJK.search(en)
            and en.strip()
            and not _PLACEHOLDER.search(zh)
            and not _PLACEHOLDER.search(en)
        ):
            if en.startswith(TRANSLATION_GAP):
                yield Finding.at(
                    doc.where(*path, "en"),
                    "E804",
                    f"{dotted(path)}.en is a translation to write: translate '{zh[:30]}'",
                )
            continue  # the common case, settled with four searches
        for lang in ("zh", "en"):
            value = getattr(text, lang)
            if not value.strip():
                yield Finding.at(doc.where(*path, lang), "E801", f"the {lang} text is empty")
            elif any(marker in value for marker in PLACEHOLDERS):
                yield Finding.at(
                    doc.where(*path, lang), "E704", f"{dotted(path)}.{lang} is still a placeholder; write the real text"
                )
        if text.zh.strip() and not CJK.search(text.zh) and not any(m in text.zh for m in PLACEHOLDERS):
            yield Finding.at(doc.where(*path, "zh"), "E802", f"the zh text has no Chinese characters: '{text.zh[:40]}'")
        match = CJK.search(text.en)
        if match:
            yield Finding.at(
                doc.where(*path, "en"), "E803", f"the en text contains Chinese ('{match.group()}'); translate it"
            )


def glossary(book: Handbook, found: list[tuple[Document, Path, Text]] | None = None) -> Iterator[Finding]:
    """A glossary term in the Chinese should appear in its glossary English."""
    terms = [(t, [t.en.lower(), *(a.lower() for a in t.also)]) for t in book.terms]
    present = _terms_in(terms)
    for doc, path, text in all_texts(book) if found is None else found:
        if doc is book.glossary_file or text.en.startswith(TRANSLATION_GAP):
            continue  # a translation still to write is E804, not a wrong word in it
        used = present(text.zh)
        if not used:
            continue
        english = text.en.lower()
        for term, forms in used:
            if not any(form in english for form in forms):
                yield Finding.at(
                    doc.where(*path, "en"),
                    "W810",
                    f"the Chinese uses '{term.zh}' but the English has none of: {', '.join(forms)}",
                )


Terms = list[tuple[Any, list[str]]]


def _terms_in(terms: Terms) -> Callable[[str], Terms]:
    """A function from a Chinese text to the terms it contains, in glossary order.

    The terms are put in a trie (one dict per character).  In each text, a regular
    expression finds the characters that start some term, in C, and the trie is walked
    from each of those only.  Testing every term against every text took a quarter of a
    second at 1,000 roles; one regular expression of all terms, whose alternatives the
    engine tries one by one at every position, took 17 s with a 20,000-term glossary and
    a subset table between all terms another few (quadratic).  This is linear in the
    length of the texts and of the glossary.
    """
    if not terms or any(not term.zh for term, _ in terms):
        return lambda zh: [(term, forms) for term, forms in terms if term.zh in zh]
    order: dict[str, list[int]] = {}
    trie: dict[str, Any] = {}
    for i, (term, _) in enumerate(terms):
        order.setdefault(term.zh, []).append(i)
        node = trie
        for char in term.zh:
            node = node.setdefault(char, {})
        node[""] = term.zh  # "" is never a character of a text: it marks the end of a term
    starts = re.compile("[" + "".join(re.escape(c) for c in trie) + "]")

    def present(zh: str) -> Terms:
        found: set[str] = set()
        end = len(zh)
        for match in starts.finditer(zh):
            node: Any = trie  # a dict of the trie, or None past the end of a term
            for j in range(match.start(), end):
                node = node.get(zh[j])
                if node is None:
                    break
                word = node.get("")
                if word is not None:
                    found.add(word)
        if not found:
            return []
        return [terms[i] for i in sorted(i for word in found for i in order[word])]

    return present
