"""Emergency readiness: contacts as data, properties, and a build for one property.

The bundled handbook has one (sample) property; here a second one is added to a copy, so
that a build for one property can be shown to print its own lift company's number on the
page and on the card, and the other property's nowhere.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from generator import pdf
from generator.cli import main
from generator.contacts import PropertyError, choose_site, ensure_resolved, first_call_ids, for_property
from generator.pdf.render import run_jobs
from generator.pipeline import load_and_check

from support import mini_copy, replace, resolved_contacts, write

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LIFT = "021-6432 8801"  # sites/sample-garden.yml
NORTH_LIFT = "0571-8765 4321"  # the second property of these tests
NORTH = """id: north-tower
name: {zh: 北塔大厦（测试）, en: North Tower (test)}
address: {zh: 杭州市西湖区北塔路1号, en: "1 North Tower Road, Hangzhou"}
contacts:
  lift-company: ["0571-8765 4321"]
  water-utility: ["0571-9660 0000"]
  gas-company: ["0571-8777 0000"]
  fire-control-room: ["0571-8765 4119"]
  duty-phone: ["0571-8765 4000"]
  housing-authority: ["0571-8703 0000"]
"""


def _bundled_copy(tmp: Path) -> Path:
    root = tmp / "hb"
    for name in ("handbook.yml", "org", "roles", "procedures", "sites", "docs", "source", "schema"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        elif src.is_file():
            root.mkdir(exist_ok=True)
            shutil.copy2(src, root / name)
    return root


@pytest.fixture(scope="module")
def two_properties(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _bundled_copy(tmp_path_factory.mktemp("props"))
    write(root, "sites/north-tower.yml", NORTH)
    return root


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# --- the bundled data ------------------------------------------------------------------------


def test_bundled_handbook_is_ready_with_a_sample_property() -> None:
    book, findings = load_and_check(REPO)
    assert findings == [], [f.text() for f in findings]
    assert list(book.sites) == ["sample-garden"]
    site = book.sites["sample-garden"]
    assert site.sample and "示例" in site.name.zh and "sample" in site.name.en.lower()
    national = {c.id: c.numbers for c in book.contacts.values() if c.national}
    assert {n for numbers in national.values() for n in numbers} >= {"119", "110", "120", "96333", "95598", "12345"}
    assert book.meta is not None and book.meta.base_url


def test_steps_name_contacts_by_id_not_by_number() -> None:
    """Numbers live in the contact book and the properties, never in a step's text."""
    book, _ = load_and_check(REPO)
    numbers = {n for c in book.contacts.values() for n in c.numbers} | {
        n for s in book.sites.values() for ns in s.contacts.values() for n in ns
    }
    for proc in book.procedures.values():
        assert all(isinstance(c, str) for c in proc.contacts), proc.id
        for step in [*proc.steps, *proc.aftercare]:
            for lang in ("zh", "en"):
                text = getattr(step.text, lang)
                assert not [n for n in numbers if len(n) >= 5 and n in text], (proc.id, step.id, lang)


def test_the_first_minutes_call_the_right_numbers() -> None:
    book = ensure_resolved(load_and_check(REPO)[0])
    lift = book.procedures["lift-entrapment"]
    first = [c.id for c in lift.first_contacts()]
    assert first[:2] == ["lift-company", "ambulance-120"]
    assert lift.first_contacts()[0].number == SAMPLE_LIFT
    unwell = next(s for s in lift.steps if "ambulance-120" in s.call)
    assert unwell.owner == "front-desk-dispatcher" and unwell.within_minutes is not None and unwell.within_minutes <= 5
    fire = book.procedures["fire-alarm"]
    assert fire.steps[0].within_minutes == 0 and "fire-119" in fire.steps[0].call  # a resident who saw fire: call now
    assert "fire-119" in first_call_ids(fire)


def test_fire_procedure_keeps_what_a_safety_officer_asks_for() -> None:
    fire = load_and_check(REPO)[0].procedures["fire-alarm"]
    zh = " ".join(s.text.zh for s in [*fire.steps, *fire.aftercare])
    en = " ".join(s.text.en for s in [*fire.steps, *fire.aftercare])
    assert "应急广播" in zh and "自动" in zh and "emergency broadcast" in en
    assert "消防电梯" in zh and "firefighters' lifts" in en and "不得乘电梯" in zh
    assert "燃气总阀" in zh and "gas" in en
    assert any("第五十一条" in s.basis.zh for s in fire.aftercare if s.basis), "scene protection names 消防法 §51"
    order = [s.id for s in fire.steps]
    assert order.index("evacuate") <= order.index("first-attack"), "evacuation does not wait for the first attack"
    for proc in load_and_check(REPO)[0].procedures.values():
        for step in proc.steps:
            assert step.basis is not None, (proc.id, step.id)
            assert not re.match(r"(Calls|Tells|Makes|Takes|Goes|Talks|Gives|Receives|Checks) ", step.text.en), (
                proc.id,
                step.id,
            )


# --- properties ------------------------------------------------------------------------------


def test_a_property_without_a_number_fails_check_at_its_file(two_properties: Path, tmp_path: Path) -> None:
    root = _bundled_copy(tmp_path)
    write(root, "sites/north-tower.yml", NORTH.replace('  lift-company: ["0571-8765 4321"]\n', ""))
    _, findings = load_and_check(root)
    e711 = [f for f in findings if f.code == "E711"]
    assert e711 and all(f.file == "sites/north-tower.yml" for f in e711), [f.text() for f in findings]
    assert any("lift-company" in f.message for f in e711)


def test_a_placeholder_number_of_a_property_is_an_error(tmp_path: Path) -> None:
    root = _bundled_copy(tmp_path)
    write(root, "sites/north-tower.yml", NORTH.replace('["0571-8765 4321"]', '["—"]'))
    _, findings = load_and_check(root)
    line = next(
        n
        for n, text in enumerate((root / "sites/north-tower.yml").read_text(encoding="utf-8").splitlines(), 1)
        if "—" in text
    )
    assert any(f.code == "E712" and f.file == "sites/north-tower.yml" and f.line == line for f in findings), [
        f.text() for f in findings
    ]


def test_choosing_a_property(two_properties: Path) -> None:
    book, _ = load_and_check(two_properties)
    with pytest.raises(PropertyError, match="--property"):
        choose_site(book, None)
    with pytest.raises(PropertyError, match="north-tower, sample-garden"):
        choose_site(book, "south")
    assert choose_site(book, "north-tower") == "north-tower"
    lift = for_property(book, "north-tower").procedures["lift-entrapment"]
    assert lift.first_contacts()[0].number == NORTH_LIFT


def test_build_without_property_on_two_properties_refuses(
    two_properties: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--root", str(two_properties), "--site-dir", str(tmp_path / "s")]) == 1
    err = capsys.readouterr().err
    assert "--property" in err and "Traceback" not in err and not (tmp_path / "s").exists()
    assert main(["pdf", "--root", str(two_properties), "--property", "nowhere", "--out", str(tmp_path / "p")]) == 1
    assert "no property has the id 'nowhere'" in capsys.readouterr().err


@pytest.mark.slow  # builds the bundled site and every PDF of a property
def test_a_property_build_shows_its_numbers_on_page_and_card(two_properties: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["build", "--root", str(two_properties), "--site-dir", str(site), "--property", "north-tower"]) == 0
    for lang in ("", "en/"):
        html = (site / lang / "procedures" / "lift-entrapment" / "index.html").read_text(encoding="utf-8")
        assert NORTH_LIFT in html and f'href="tel:{_digits(NORTH_LIFT)}"' in html
        assert _digits(SAMPLE_LIFT) not in _digits(html)
    everything = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html"))
    assert SAMPLE_LIFT not in everything and "北塔大厦" in everything

    # The card, written by the existing card code from the handbook resolved for the property.
    book, _ = load_and_check(two_properties)
    book = for_property(book, "north-tower")
    # Only the lift cards of the plan `handbook pdf` runs are laid out: the rest of the set
    # (about 200 files) says nothing about the property's numbers and would cost 90 CPU s.
    out = tmp_path / "pdf"
    jobs = [
        dataclasses.replace(job, parts=tuple(p for p in job.parts if _is_lift_card(p.path)), combined=())
        for job in pdf.plan(book, out)
    ]
    written = [r.path for r in run_jobs([j for j in jobs if j.parts], workers=2) if r.path]
    cards = [p for p in written if _is_lift_card(p)]
    assert {p.parent.parent.name for p in cards} == {"zh", "en", "bilingual"}, written
    for card in cards:
        text = subprocess.run(
            ["pdftotext", "-layout", str(card), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert _digits(NORTH_LIFT) in _digits(text), card
        assert _digits(SAMPLE_LIFT) not in _digits(text), card


def _is_lift_card(path: Path | None) -> bool:
    return path is not None and path.parent.name == "procedures" and path.stem == "lift-entrapment"


def test_a_handbook_without_properties_builds_as_before(tmp_path: Path) -> None:
    """The mini fixture has neither contact book nor properties: its written-out contacts stay."""
    root = mini_copy(tmp_path)
    book, findings = load_and_check(root)
    assert findings == []
    resolved = ensure_resolved(book)
    assert resolved.site is None and [c.number for c in resolved_contacts(resolved.procedures["lift"])] == ["96333"]
    # A contact book with a number, named by id, is resolved the same way.
    write(
        root,
        "org/contacts.yml",
        "contacts:\n  - id: lift-co\n    name: {zh: 电梯维保单位, en: Lift company}\n"
        "    numbers: ['021-1234 5678']\n    purpose: {zh: 电梯困人, en: People trapped in a lift.}\n",
    )
    replace(root, "procedures/lift.yml", "    within_minutes: 1\n", "    within_minutes: 1\n    call: [lift-co]\n")
    book, findings = load_and_check(root)
    assert findings == [], [f.text() for f in findings]
    proc = ensure_resolved(book).procedures["lift"]
    assert [c.id for c in proc.first_contacts()] == ["lift-co"] and proc.first_contacts()[0].number == "021-1234 5678"
