"""`handbook diff REV`: what a change does to people's duties, authority and escalation.

A line diff of YAML tells a reviewer that line 42 changed; this module tells them that
the front-desk dispatcher's duty "answers the phone" was reworded in Chinese only, that
the supervisor now reports to the customer-service manager, and that the escalation
path of eleven duties moved with it.  Both sides are loaded with the same loader as
`check` (the revision is exported with `git archive` into a temporary folder), then
compared by id, never by line.

The steps, one module each: :mod:`generator.diff_revision` reads the revision out of git
(plain files only); :mod:`generator.diff_match` pairs what is the same thing on both sides;
:mod:`generator.diff_changes` words what changed inside one role, procedure or org file;
:mod:`generator.diff_report` puts the report together, section by section.

How things are matched (the maintainer guide documents this for reviewers):

* Roles and procedures are matched by id.  A role (procedure) that disappears while
  another appears is taken as **renamed** when both have the same Chinese or English
  title, or when the rest of the file is at least 75 % alike (difflib ratio).
* Items inside a file (duties, authorities, steps, rungs …) are matched by id; an item
  whose id changed but whose Chinese or English text is identical is taken as the same
  item with a **new id**.  A duty removed from one role and added with the same text to
  another has **changed owner**.
* A text whose Chinese changed while its English did not (or the reverse) is flagged as
  a **stale translation**.
* Escalation paths are computed with :func:`generator.escalation.escalation_path` on
  both sides for every duty, authority and procedure step present on both sides; a path
  is reported when its list of roles differs (after renamed ids are mapped), whatever
  the cause: an edited `escalate_to`, a changed owner, or a superior that moved.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator.diff_report import compare
from generator.diff_revision import DiffError, export_revision
from generator.escaping import code_text, report_md
from generator.findings import Finding
from generator.loading import load_handbook


def diff_against(root: Path, rev: str) -> tuple[str, bool]:
    """Markdown describing the working tree under `root` against revision `rev`; ok flag.

    ok is False when either side cannot be loaded, or when the working tree has check
    errors (the diff is still shown then, with the errors, so a reviewer sees both).
    """
    from generator.checks import run_checks

    root = Path(root).resolve()
    try:
        with tempfile.TemporaryDirectory(prefix="handbook-diff-") as tmp:
            old_root, label = export_revision(root, rev, Path(tmp))
            old, old_findings = load_handbook(old_root)
            new, new_findings = load_handbook(root)
            failed = [(f"`{rev}` ({label})", _errors(old_findings)), ("the working tree", _errors(new_findings))]
            if any(errors for _, errors in failed):
                return _load_failure(rev, failed), False
            check_errors = _errors(run_checks(new))
            body = compare(old, new, f"`{report_md(rev)}` ({label})")
    except DiffError as exc:
        return f"## Handbook changes against `{report_md(rev)}`\n\n**Cannot compare:** {report_md(str(exc))}\n", False
    if check_errors:
        lines = [body, "", f"### ✖ `handbook check` finds {len(check_errors)} error(s) in the working tree", ""]
        lines += [f"- `{code_text(f.text())}`" for f in check_errors]
        return "\n".join(lines) + "\n", False
    return body, True


def _errors(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(f for f in set(findings) if f.severity == "error")


def _load_failure(rev: str, sides: list[tuple[str, list[Finding]]]) -> str:
    lines = [
        f"## Handbook changes against `{report_md(rev)}`",
        "",
        "**Cannot compare by meaning: a side does not load.** Fix these first (`handbook check` shows the same):",
        "",
    ]
    for label, errors in sides:
        if errors:
            lines.append(f"### ✖ {label}: {len(errors)} error(s)")
            lines.append("")
            lines += [f"- `{code_text(f.text())}`" for f in errors]
            lines.append("")
    return "\n".join(lines)
