"""JSON Schema files for editors, generated from the pydantic model (never hand-kept).

Each YAML data file starts with a `# yaml-language-server: $schema=…` line that points at
one of these files, so that an editor with the YAML language server completes keys and
flags a wrong value while the maintainer types.  `handbook check` stays the authority:
the schema cannot see cross-file rules (references, escalation paths) or positions.

`handbook schema` rewrites `schema/`; a test regenerates and compares, so a change to
the model that is not followed by `handbook schema` fails CI.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from generator import model
from generator.model import AuthoritiesFile, ContactsFile, DepartmentsFile, GlossaryFile, Meta, Procedure, Role, Site

SCHEMA_DIR = "schema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: kind → model; the file is `schema/<kind>.schema.json`.
SCHEMAS: dict[str, type[BaseModel]] = {
    "role": Role,
    "procedure": Procedure,
    "departments": DepartmentsFile,
    "authorities": AuthoritiesFile,
    "glossary": GlossaryFile,
    "handbook": Meta,
    "contacts": ContactsFile,
    "site": Site,
}

#: Which schema a data file uses, by its path relative to the root (used by `new` and tests).
FILE_KINDS: dict[str, str] = {
    "handbook.yml": "handbook",
    "org/departments.yml": "departments",
    "org/authorities.yml": "authorities",
    "org/glossary.yml": "glossary",
    "org/contacts.yml": "contacts",
}


class _EditorSchema(GenerateJsonSchema):
    """Pydantic's generator, taught what the model accepts *before* normalising it.

    `escalate_to: x` and `escalate_to: [x, y]` are both valid YAML for the model (a
    before-validator turns one id into a list); the plain schema would only allow the
    list, and the editor would underline correct files.
    """

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        if schema.get("function", {}).get("function") is model._one_or_many and inner.get("type") == "array":
            one = dict(inner.get("items", {"type": "string"}))
            return {"anyOf": [one, {k: v for k, v in inner.items() if k not in ("description", "title")}]}
        return super().function_before_schema(schema)


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of data file, as written to disk."""
    cls = SCHEMAS[kind]
    body = cls.model_json_schema(schema_generator=_EditorSchema, mode="validation")
    out: dict[str, Any] = {"$schema": DIALECT, "$id": f"{kind}.schema.json"}
    out.update(body)
    out.setdefault("description", (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else "")
    return out


def render(kind: str) -> str:
    """Stable text of a schema file: sorted keys would scramble field order, so keep the model's."""
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n"


class SchemaRefused(Exception):
    """schema/ (or a file in it) is a link or not a plain file: nothing is written through it."""


def _refuse_links(folder: Path) -> None:
    """Check every place a schema file would be written before writing any of them."""
    if folder.is_symlink():
        raise SchemaRefused(
            f"{folder} is a symbolic link; the schema files are written into a real folder only:"
            " replace the link by a folder"
        )
    if folder.exists() and not folder.is_dir():
        raise SchemaRefused(f"{folder} is a file; remove it so that the schema folder can be written")
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        if path.is_symlink():
            raise SchemaRefused(
                f"{path} is a symbolic link; writing would change the file it points at: delete the link,"
                " then run `handbook schema` again"
            )
        if path.exists() and not path.is_file():
            raise SchemaRefused(f"{path} is not a plain file; remove it, then run `handbook schema` again")


def write_schemas(repo_root: Path) -> list[Path]:
    """(Re)write every schema file under `repo_root/schema/`; returns the files written.

    A schema folder or file that is a symbolic link is refused (SchemaRefused) before
    anything is written; each file is written beside its place and renamed over it, so
    that nothing is ever written through a link that appears meanwhile.
    """
    folder = repo_root / SCHEMA_DIR
    _refuse_links(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        text = render(kind)
        if not path.is_file() or path.is_symlink() or path.read_text(encoding="utf-8") != text:
            handle, scratch = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)  # O_EXCL: never an existing file
            with os.fdopen(handle, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(scratch, 0o644)
            os.replace(scratch, path)
        written.append(path)
    return written


def stale_schemas(repo_root: Path) -> list[str]:
    """Kinds whose file under `schema/` differs from what the model produces now."""
    folder = repo_root / SCHEMA_DIR
    stale = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        if path.is_symlink() or not path.is_file() or path.read_text(encoding="utf-8") != render(kind):
            stale.append(kind)
    return stale


def kind_of(relative: str) -> str | None:
    """The schema kind for a data file at `relative` (posix path from the root), if any."""
    if relative in FILE_KINDS:
        return FILE_KINDS[relative]
    if relative.startswith("roles/"):
        return "role"
    if relative.startswith("procedures/"):
        return "procedure"
    if relative.startswith("sites/"):
        return "site"
    return None


def schema_line(relative: str, root_to_schema: str = "") -> str:
    """The first line of a data file at `relative`: a path from that file to its schema.

    `root_to_schema` is the path from the handbook root to the folder holding `schema/`
    (empty when the root is the repository root, as for the bundled handbook).
    """
    kind = kind_of(relative)
    if kind is None:
        raise ValueError(f"{relative} is not a handbook data file")
    depth = relative.count("/")
    up = "../" * depth
    return f"# yaml-language-server: $schema={up}{root_to_schema}{SCHEMA_DIR}/{kind}.schema.json"


def _main(argv: list[str]) -> int:
    """`python -m generator.schema --check [ROOT]`: exit 1 when schema/ is stale (pre-commit)."""
    args = [a for a in argv if a != "--check"]
    root = Path(args[0]) if args else Path.cwd()
    if "--check" in argv:
        stale = stale_schemas(root)
        if stale:
            print(
                f"schema/ is out of date for: {', '.join(stale)};"
                f" run `handbook schema --root {root}` and commit schema/"
            )
            return 1
        return 0
    for path in write_schemas(root):
        print(path)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
