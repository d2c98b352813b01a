"""How a text becomes search terms, on the pages at build time and (in search.js) in a query.

* English: lower case, stop words dropped, a light suffix stemmer (``stem``; the same
  rules in search.js, tested against each other) so that evacuate / evacuation /
  evacuated, fee / fees meet;
* Chinese: jieba's search mode on the pages.  The browser has no jieba; it segments a
  query by longest match against the index's own vocabulary (``query_terms`` does the
  same in Python), which is jieba's words of the pages, so a query word that the pages
  contain is found as the pages were cut.

The stop words, question words and stemmer rules are written into the index's meta.js,
so that the browser cuts a query with the lists the pages were cut with.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

# Word lists read better as lines of words than as one word a line.
# fmt: off
STOP_EN = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for", "from", "has", "have",
    "how", "i", "in", "is", "it", "its", "may", "me", "might", "must", "my", "of", "on", "or", "our", "shall",
    "should", "that", "the", "their", "them", "there", "these", "this", "to", "us", "was", "we", "were", "what",
    "when", "where", "which", "who", "whom", "whose", "why", "will", "with", "would", "you", "your",
])
STOP_ZH = frozenset([
    "的", "了", "和", "与", "及", "或", "是", "在", "由", "对", "将",
    "把", "被", "谁", "哪", "哪个", "哪些", "什么", "怎么", "怎样", "如何",
    "吗", "呢", "吧", "可以", "能", "能否", "应", "应该", "要", "需要",
    "我", "我们", "请问", "一下",
])
# fmt: on
#: Words that make a query a question about who holds an authority.
QUESTION_WORDS = ["who", "whom", "谁", "哪个", "哪些", "哪个岗位"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|[0-9]+[A-Za-z0-9]*|[\u3400-\u9fff\uf900-\ufaff]+")
#: One Chinese character (the index buckets Chinese terms by it).
CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

#: Suffix rules of the light English stemmer: the first that leaves a stem of three or
#: more letters applies.  The same list is in search.js (STEM_RULES); keep them equal.
STEM_RULES: tuple[tuple[str, str], ...] = (
    ("ational", "ate"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ators", "ate"),
    ("ator", "ate"),
    ("nesses", ""),
    ("ness", ""),
    ("ments", ""),
    ("ment", ""),
    ("ities", ""),
    ("ity", ""),
    ("ions", ""),
    ("ion", ""),
    ("ings", ""),
    ("ing", ""),
    ("ied", "y"),
    ("ies", "y"),
    ("edly", ""),
    ("ed", ""),
    ("ers", ""),
    ("er", ""),
    ("als", ""),
    ("al", ""),
    ("ly", ""),
    ("sses", "ss"),
    ("ss", "ss"),
    ("us", "us"),
    ("is", "is"),
    ("es", ""),
    ("s", ""),
)
_DOUBLE_OK = set("lsz")


def stem(word: str) -> str:
    """A light English stemmer: one suffix rule, a final -e, a doubled final consonant."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if len(w) <= 3:
        return w
    for suffix, repl in STEM_RULES:
        if w.endswith(suffix) and len(w) - len(suffix) + len(repl) >= 3:
            w = w[: len(w) - len(suffix)] + repl
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _DOUBLE_OK and w[-1] not in "aeiou":
        w = w[:-1]
    return w


_jieba: Any = None


@cache
def _cut(run: str) -> tuple[str, ...]:
    """jieba's search mode (words and the shorter words inside them), as the pages were cut."""
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return tuple(w for w in _jieba.cut_for_search(run) if w.strip())


@lru_cache(maxsize=65536)
def terms(text: str, lang: str) -> list[str]:
    """The index terms of a text (stop words dropped; every language's words are kept:
    Chinese pages name English things and English pages quote Chinese).  Cached: a role's
    title is searched with each of its duties, and a property group repeats its wording."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if CJK_CHAR.match(word):
            out += [w for w in _cut(word) if w not in STOP_ZH]
        else:
            low = word.lower()
            if low not in STOP_EN:
                out.append(_stem(low) if low[0].isalpha() else low)
    return out


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return stem(word)


def query_terms(text: str, vocabulary: dict[str, Any] | set[str]) -> list[str]:
    """A text cut as search.js cuts a query: English stemmed, Chinese by longest match
    against the index's vocabulary (a character no word starts with is skipped)."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not CJK_CHAR.match(word):
            if word.lower() not in STOP_EN:
                out.append(stem(word) if word[0].isalpha() else word.lower())
            continue
        i = 0
        while i < len(word):
            for n in range(min(8, len(word) - i), 0, -1):
                piece = word[i : i + n]
                if piece in vocabulary or (n > 1 and piece in STOP_ZH):
                    if piece not in STOP_ZH:
                        out.append(piece)
                    i += n
                    break
            else:
                i += 1
    return out
