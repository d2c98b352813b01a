"""`handbook new` writes a skeleton that loads and fails `check` only for its placeholders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from generator.cli import main
from generator.loading import load_handbook
from generator.pipeline import load_and_check
from generator.skeleton import SkeletonError, new_procedure, new_role

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def test_new_role_is_loaded_and_flagged_only_for_placeholders(root):
    path = new_role(root, "night-guard", "cs", "supervisor")
    assert path == root / "roles" / "cs" / "night-guard.yml"
    book, findings = load_and_check(root)
    assert "night-guard" in book.roles
    role = book.roles["night-guard"]
    assert role.reports_to == "supervisor" and role.department == "cs" and len(role.duties) == 1
    assert findings, "the placeholders must make check fail"
    assert {f.code for f in findings} == {"E704"}
    assert {f.file for f in findings} == {"roles/cs/night-guard.yml"}
    # title, purpose and the duty, each in both languages
    assert len(findings) == 6


def test_new_role_starts_with_the_schema_line(root):
    text = new_role(root, "night-guard", "cs", "supervisor").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/role.schema.json"


def test_schema_line_points_at_the_repository_schema_folder(tmp_path):
    repo = tmp_path / "repo"
    (repo / "schema").mkdir(parents=True)
    (repo / "schema" / "role.schema.json").write_text("{}", encoding="utf-8")
    shutil.copytree(MINI, repo / "handbook")
    text = new_role(repo / "handbook", "night-guard", "cs", "supervisor").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../../schema/role.schema.json"


def test_filled_in_role_passes(root):
    path = new_role(root, "night-guard", "cs", "supervisor")
    text = path.read_text(encoding="utf-8")
    fills = [("夜班保安", "Night Guard"), ("夜间巡查", "Patrols at night."), ("巡查楼宇", "Patrols the building.")]
    for zh, en in fills:
        text = text.replace('{zh: "待填写", en: "FILL IN"}', f'{{zh: "{zh}", en: "{en}"}}', 1)
    path.write_text(text, encoding="utf-8")
    _, findings = load_and_check(root)
    assert findings == []


def test_new_procedure_is_loaded_and_flagged_only_for_placeholders(root):
    path = new_procedure(root, "fire")
    assert path == root / "procedures" / "fire.yml"
    assert (
        path.read_text(encoding="utf-8").splitlines()[0]
        == "# yaml-language-server: $schema=../schema/procedure.schema.json"
    )
    book, findings = load_and_check(root)
    assert "fire" in book.procedures
    proc = book.procedures["fire"]
    assert proc.steps and proc.escalation and proc.steps[0].owner == "director"
    assert {f.code for f in findings} == {"E704"}
    assert {f.file for f in findings} == {"procedures/fire.yml"}


@pytest.mark.parametrize("existing", ["clerk", "director"])
def test_existing_role_id_is_refused(root, existing):
    before = sorted(p.read_bytes() for p in (root / "roles").rglob("*.yml"))
    with pytest.raises(SkeletonError, match="already exists"):
        new_role(root, existing, "cs", "supervisor")
    assert sorted(p.read_bytes() for p in (root / "roles").rglob("*.yml")) == before


def test_existing_file_that_does_not_load_is_not_overwritten(root):
    broken = root / "roles" / "cs" / "night-guard.yml"
    broken.write_text("id: [broken\n", encoding="utf-8")
    with pytest.raises(SkeletonError, match="already exists"):
        new_role(root, "night-guard", "cs", "supervisor")
    assert broken.read_text(encoding="utf-8") == "id: [broken\n"


def test_existing_procedure_id_is_refused(root):
    with pytest.raises(SkeletonError, match="already exists"):
        new_procedure(root, "lift")


@pytest.mark.parametrize("bad", ["Night-Guard", "night_guard", "night--guard", "-x", "夜班", ""])
def test_malformed_id_is_refused(root, bad):
    with pytest.raises(SkeletonError, match="not a valid role id"):
        new_role(root, bad, "cs", "supervisor")
    with pytest.raises(SkeletonError, match="not a valid procedure id"):
        new_procedure(root, bad)


def test_unknown_department_and_superior_are_refused_with_suggestion(root):
    with pytest.raises(SkeletonError, match="no department has the id 'offce' \\(did you mean 'office'\\?\\)"):
        new_role(root, "night-guard", "offce", "supervisor")
    with pytest.raises(SkeletonError, match="no role has the id 'supervisr' \\(did you mean 'supervisor'\\?\\)"):
        new_role(root, "night-guard", "cs", "supervisr")
    assert not (root / "roles" / "cs" / "night-guard.yml").exists()


def test_cli_new_role_and_its_errors(root, capsys):
    assert (
        main(["new", "role", "night-guard", "--department", "cs", "--reports-to", "supervisor", "--root", str(root)])
        == 0
    )
    assert "night-guard.yml" in capsys.readouterr().out
    assert (
        main(["new", "role", "night-guard", "--department", "cs", "--reports-to", "supervisor", "--root", str(root)])
        == 1
    )
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "role", "x", "--root", str(root)]) == 1
    assert main(["new", "procedure", "fire", "--root", str(root)]) == 0
    assert main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "E704" in out and "E4" not in out


def test_new_role_in_a_folder_that_is_not_a_handbook(tmp_path):
    with pytest.raises(SkeletonError, match="not a handbook root"):
        new_role(tmp_path, "night-guard", "cs", "supervisor")


def test_loader_reads_skeleton_without_findings(root):
    new_role(root, "night-guard", "cs", "supervisor")
    new_procedure(root, "fire")
    _, findings = load_handbook(root)
    assert findings == []
