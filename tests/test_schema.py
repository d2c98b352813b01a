"""The JSON Schema files editors use are generated from the model and agree with it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from generator.cli import main
from generator.schema import SCHEMAS, kind_of, render, schema_line, stale_schemas

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "fixtures" / "mini"


def test_committed_schema_files_are_up_to_date():
    stale = stale_schemas(REPO)
    assert not stale, f"schema/ is out of date for {stale}: run `handbook schema --root .` and commit schema/"


def test_handbook_schema_command_writes_every_file(tmp_path):
    assert main(["schema", "--root", str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / "schema").iterdir()) == sorted(f"{k}.schema.json" for k in SCHEMAS)
    assert stale_schemas(tmp_path) == []


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_each_schema_is_valid_json_schema(kind):
    schema = json.loads(render(kind))
    jsonschema.Draft202012Validator.check_schema(schema)


def _data_files(root: Path) -> list[Path]:
    """The data files of a root (not .venv, site/ or tests/ below the repository root)."""
    found = [root / "handbook.yml", *(root / "org").glob("*.yml")]
    found += [*(root / "roles").rglob("*.yml"), *(root / "procedures").rglob("*.yml")]
    return sorted(p for p in found if p.is_file() and kind_of(p.relative_to(root).as_posix()))


@pytest.mark.parametrize("root", [MINI, REPO], ids=["mini", "bundled"])
def test_valid_data_passes_the_editor_schema(root):
    """An editor must not underline a file that `handbook check` accepts."""
    for path in _data_files(root):
        kind = kind_of(path.relative_to(root).as_posix())
        assert kind is not None, path
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))  # YAML dates → ISO strings, as an editor sees them
        errors = list(jsonschema.Draft202012Validator(json.loads(render(kind))).iter_errors(data))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_schema_accepts_one_role_or_a_list_for_escalate_to():
    validator = jsonschema.Draft202012Validator(json.loads(render("role")))
    base = yaml.safe_load((MINI / "roles/cs/clerk.yml").read_text(encoding="utf-8"))
    base = json.loads(json.dumps(base, default=str))
    for value in ("supervisor", ["supervisor", "director"]):
        base["duties"][0]["escalate_to"] = value
        assert not list(validator.iter_errors(base))


def test_schema_flags_unknown_key_and_bad_level():
    validator = jsonschema.Draft202012Validator(json.loads(render("role")))
    data = json.loads(
        json.dumps(yaml.safe_load((MINI / "roles/cs/supervisor.yml").read_text(encoding="utf-8")), default=str)
    )
    data["duites"] = []
    data["authorities"][0]["level"] = "decides"
    messages = " ".join(e.message for e in validator.iter_errors(data))
    assert "duites" in messages and "decides" in messages


def test_schema_line_points_from_the_file_to_schema_folder():
    assert schema_line("roles/cs/clerk.yml") == "# yaml-language-server: $schema=../../schema/role.schema.json"
    assert schema_line("procedures/lift.yml") == "# yaml-language-server: $schema=../schema/procedure.schema.json"
    assert schema_line("org/glossary.yml") == "# yaml-language-server: $schema=../schema/glossary.schema.json"
    assert schema_line("handbook.yml") == "# yaml-language-server: $schema=schema/handbook.schema.json"


def test_bundled_data_files_declare_their_schema():
    """Every YAML file of the bundled handbook starts with the editor's schema line."""
    missing = [
        str(p.relative_to(REPO))
        for p in _data_files(REPO)
        if p.read_text(encoding="utf-8").splitlines()[:1] != [schema_line(p.relative_to(REPO).as_posix())]
    ]
    assert not missing, f"these files do not start with their schema line: {missing}"


def test_schema_check_entry_point_for_pre_commit(tmp_path):
    from generator.schema import _main

    assert _main(["--check", str(tmp_path)]) == 1
    assert _main([str(tmp_path)]) == 0
    assert _main(["--check", str(tmp_path)]) == 0


def test_pre_commit_and_workflow_run_the_same_check_as_ci():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [h["entry"] for repo in config["repos"] for h in repo["hooks"]]
    assert any(e.endswith("handbook check --root .") for e in entries)
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["entry"] == "handbook check --root ." and hooks[0]["pass_filenames"] is False
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text(encoding="utf-8"))
    runs = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert "bash scripts/test.sh" in runs  # the same command as .ci/run
    assert any("--format github" in r for r in runs) and any("handbook diff" in r for r in runs)


def test_gitlab_template_runs_the_same_commands_as_ci():
    pipeline = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    jobs = {name: job for name, job in pipeline.items() if isinstance(job, dict) and "script" in job}
    scripts = {name: "\n".join(job["script"]) for name, job in jobs.items()}
    assert "bash scripts/test.sh" in scripts["check-and-test"]  # the same command as .ci/run
    assert "handbook diff" in scripts["check-and-test"] and "handbook check" in scripts["check-and-test"]
    assert "bash scripts/setup.sh" in scripts["build"]
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]  # GitLab Pages publishes public/ only
    for name, job in jobs.items():
        assert job["stage"] in pipeline["stages"], name
