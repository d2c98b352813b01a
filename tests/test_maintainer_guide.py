"""The maintainer guide is followed by a test: its example role passes `check`, its codes are complete."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from generator.findings import CODES
from generator.pipeline import load_and_check
from generator.skeleton import new_role

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "fixtures" / "mini"
GUIDES = {lang: REPO / "docs" / lang / "maintainers" for lang in ("zh", "en")}


def example_role(lang: str) -> str:
    text = (GUIDES[lang] / "add-a-role.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "id: night-receptionist" in b]
    assert len(blocks) == 1, "the guide shows the finished file once"
    return blocks[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_following_the_guide_in_the_mini_handbook_passes_check(tmp_path, lang):
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    # step 2 of the guide, with the mini handbook's ids
    path = new_role(root, "night-receptionist", "cs", "supervisor")
    _, findings = load_and_check(root)
    assert {f.code for f in findings} == {"E704"}  # step 3: only the placeholders
    # step 4: the finished file of the guide
    text = example_role(lang).replace("customer-service", "cs").replace("front-desk-dispatch-supervisor", "supervisor")
    path.write_text(text, encoding="utf-8")
    book, findings = load_and_check(root)
    assert findings == [], [f.text() for f in findings]
    assert [d.id for d in book.roles["night-receptionist"].duties] == ["night-calls", "night-repairs", "handover"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_guide_example_fits_the_bundled_handbook(tmp_path, lang):
    """With the real ids, the example file itself draws no finding (paths depend on the others)."""
    root = tmp_path / "bundled"
    root.mkdir()
    for name in ("handbook.yml", "org", "roles", "procedures"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy(source, root / name)
    book, _ = load_and_check(root)
    if "front-desk-dispatch-supervisor" not in book.roles:
        pytest.fail(
            "the guide's example superior front-desk-dispatch-supervisor is not a bundled role; update the guide"
        )
    target = root / "roles" / "customer-service" / "night-receptionist.yml"
    target.write_text(example_role(lang), encoding="utf-8")
    _, findings = load_and_check(root)
    own = [f for f in findings if f.file.endswith("night-receptionist.yml") and f.code not in ("E603",)]
    assert own == [], [f.text() for f in own]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_check_code_is_explained_in_the_guide(lang):
    text = (GUIDES[lang] / "checks.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"## {code}" not in text]
    assert not missing, f"docs/{lang}/maintainers/checks.md does not explain {missing}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_both_languages_have_the_same_pages(lang):
    other = "en" if lang == "zh" else "zh"
    names = sorted(p.name for p in GUIDES[lang].glob("*.md"))
    assert names == sorted(p.name for p in GUIDES[other].glob("*.md"))
