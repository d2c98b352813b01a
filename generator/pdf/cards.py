"""Emergency procedure cards: what to print when the whole procedure does not fit.

A card is posted at the front desk and read from a metre away in the first minutes of
an emergency.  It is not the whole procedure: the live page (QR code) and the handbook
page ``procedures/<id>/`` are.  So the card never shrinks its step text below a floor:

* zh and en cards: step text at least :data:`FLOOR` ``["zh"]`` = 11 pt;
* bilingual card: the English line at least 10 pt, the Chinese line larger (11 pt), as
  Chinese is what most readers at the desk read first.

Whatever the level, the top of the card carries, under the title, one line saying that
the procedure is a template to adapt (本卡为模板… / Template: check and adapt …) and the
emergency numbers (name and number, large), with the QR code beside them: whom to call
is read before the steps.

When the full card does not fit one A4 page at the floor, secondary content is dropped,
always in this order (the *levels*, each keeping what the previous dropped):

1. the long template notice at the foot goes (the short line at the top stays);
2. step notes and notes on emergency numbers go;
3. the after-care items are replaced by one line pointing to the live page (QR) and the
   role sheets;
4. the escalation ladder keeps only its thresholds and whom to notify (no conditions);
5. the trigger line goes (the title says what the card is for);
6. the escalation ladder becomes part of the pointer line of level 3.

Levels 5 and 6 go beyond the four of the design brief: with the bundled data, the
bilingual fire-alarm card (ten steps, about 2,000 characters of English) needs them to
keep 11 pt Chinese and 10 pt English on one page.  A step, its owner, its time limit and
an emergency number are never dropped.  The steps are a table of three columns (number,
text, who and by when): the text, in the bilingual card a Chinese block above an English
one, never runs under the owner column.  From level 1 on, the card says that something
was left out: 完整流程见二维码或手册页面 / Full procedure: scan the QR code or see the
handbook page procedures/<id>/.  At each level the largest type that fits is taken (up
to :data:`TOP`), so a card that drops its notes gets larger type, not just one that fits.

Only if even the last level does not fit at the floor does the type go below it (a last
resort so that the card stays one page); :func:`generator.pdf.write_pdfs` logs a warning
then, and the procedure itself needs shortening.

The order of preference is level first, size second: a card keeps as much as fits at the
floor, then takes the largest type that still fits at that level.  Measured on the
bundled data (four procedures, with a base URL so that the QR code is printed): the zh
cards keep everything at 13–15 pt; the en cards end at levels 0–3 at 11–11.5 pt; the
bilingual cards at levels 3–6, all at 11/10 pt or larger.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Smallest step-text size (pt) a card may use without a warning, per edition: the
#: size of the Chinese (bilingual) or only step line.
FLOOR: dict[str, float] = {"zh": 11.0, "en": 11.0, "bilingual": 11.0}
#: The largest step-text size tried (pt).
TOP: dict[str, float] = {"zh": 16.0, "en": 16.0, "bilingual": 13.0}
#: In the bilingual card the English line is this much smaller than the Chinese one
#: (11 pt Chinese → 10 pt English at the floor).
EN_RATIO = 10.0 / 11.0
#: Smallest English line of the bilingual card (pt); the floor the tests hold it to.
EN_FLOOR = 10.0
#: Below-the-floor sizes tried as a last resort, at the highest level (pt).
LAST_RESORT: tuple[float, ...] = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0)
LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
STEP = 0.5


@dataclass(frozen=True)
class CardStyle:
    """One candidate layout of a card: what is left out (level) and the type size."""

    level: int
    size: float  # pt, the Chinese (or only) step line; the root em of the card
    en_size: float  # pt, the English step line of the bilingual card
    below_floor: bool = False

    @property
    def css(self) -> str:
        return f"html {{ font-size: {self.size:.2f}pt; }} .card-steps .text .en {{ font-size: {self.en_size:.2f}pt; }}"


def _en(lang: str, size: float) -> float:
    if lang != "bilingual":
        return size
    # Never round below the floor: 11 pt × 10/11 must print as 10 pt, not 9.99.
    return max(round(size * EN_RATIO, 2), EN_FLOOR if size >= FLOOR[lang] else 0.0)


def _sizes(top: float, floor: float) -> list[float]:
    count = round((top - floor) / STEP)
    return [top - i * STEP for i in range(count + 1)]


def styles(lang: str) -> list[list[CardStyle]]:
    """Candidate layouts in order of preference, grouped by level.

    Within a group the sizes run from :data:`TOP` down to the floor; the last group is
    the last resort below the floor, at the highest level.
    """
    groups = [[CardStyle(level, size, _en(lang, size)) for size in _sizes(TOP[lang], FLOOR[lang])] for level in LEVELS]
    groups.append(
        [
            CardStyle(LEVELS[-1], size, round(size * EN_RATIO, 2) if lang == "bilingual" else size, True)
            for size in LAST_RESORT
            if size < FLOOR[lang]
        ]
    )
    return groups
